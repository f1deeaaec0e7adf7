/**
 * One-line meanings for the names a sign-on debugger meets. Sources: RFC 7519 §4.1 (registered claims),
 * OIDC Core §2 and §5.1 (ID token and standard claims), RFC 6749 / 7636 (parameters), RFC 9068
 * (JWT access tokens), and PingOne's token claims (env, org, p1.region).
 */
import type { StepKind } from '../src/core/model';

export const CLAIMS: Record<string, string> = {
  iss: 'Issuer: who minted the token; must equal the issuer in discovery.',
  sub: 'Subject: the user (or client) the token is about; stable per environment.',
  aud: 'Audience: who the token is for. ID token: your client id. Access token: the API.',
  exp: 'Expiry: reject the token at or after this time.',
  iat: 'Issued at: when the token was minted.',
  nbf: 'Not before: reject the token before this time.',
  auth_time: 'When the user actually authenticated (may be earlier than iat with SSO).',
  nonce: 'Echo of the nonce sent on authorize; binds the ID token to this sign-on.',
  acr: 'Authentication context: the sign-on policy PingOne applied.',
  amr: 'Authentication methods used, e.g. pwd, mfa, otp.',
  azp: 'Authorized party: the client the token was issued to.',
  sid: 'Session id at PingOne; used for logout.',
  at_hash: 'Hash of the access token; proves both came from the same response.',
  c_hash: 'Hash of the authorization code (hybrid flow).',
  jti: 'Unique token id; lets a server detect replays.',
  scope: 'Scopes granted, space separated; may be fewer than requested.',
  client_id: 'The client (application) the token was issued to.',
  env: 'PingOne environment id.',
  org: 'PingOne organization id.',
  'p1.region': 'PingOne region that issued the token.',
  'p1.userId': 'PingOne user id.',
  name: 'Full name.',
  given_name: 'First name.',
  family_name: 'Last name.',
  middle_name: 'Middle name.',
  nickname: 'Casual name.',
  preferred_username: 'The username the user signs on with; not unique, do not key on it.',
  email: 'Email address.',
  email_verified: 'Whether PingOne verified the email address.',
  phone_number: 'Phone number.',
  phone_number_verified: 'Whether the phone number was verified.',
  address: 'Postal address (JSON object).',
  locale: 'Preferred locale.',
  zoneinfo: 'Time zone.',
  updated_at: 'When the profile last changed.',
  picture: 'Profile picture URL.',
  website: 'Web page URL.',
  birthdate: 'Birth date.',
  gender: 'Gender.',
  cnf: 'Confirmation key: the token is bound to this key (DPoP / mTLS).',
  sid_hash: 'Hash of the session id.',
  htm: 'DPoP proof: the HTTP method of the request it was made for (RFC 9449 §4.2).',
  htu: 'DPoP proof: the URL of the request it was made for, without query or fragment (RFC 9449 §4.2).',
  ath: 'DPoP proof: hash of the access token the request presents (RFC 9449 §4.2).',
};

export const JOSE_HEADER: Record<string, string> = {
  alg: 'Signature algorithm; PingOne signs with RS256.',
  kid: 'Key id: which JWKS key signed the token.',
  typ: 'Media type of the token (JWT, at+jwt).',
  x5t: 'Thumbprint of the signing certificate.',
  jku: 'URL of a JWKS (never trust it blindly).',
  cty: 'Content type of a nested token.',
  jwk: 'The public key that signed this DPoP proof; the token gets bound to it (RFC 9449 §4.2).',
};

export const PARAMETERS: Record<string, string> = {
  response_type: 'What authorize returns; code for the authorization-code flow.',
  client_id: 'The application in PingOne.',
  redirect_uri: 'Where the code is sent; must match a registered redirect URI exactly.',
  scope: 'Scopes asked for; openid makes it OIDC.',
  state: 'Opaque value echoed back; protects the redirect against CSRF.',
  nonce: 'Echoed in the ID token; protects against replay.',
  code_challenge: 'PKCE: hash of the code_verifier (RFC 7636).',
  code_challenge_method: 'PKCE: S256 (hash) or plain.',
  code_verifier: 'PKCE: the secret the code_challenge was made from (RFC 7636 §4.1).',
  response_mode: 'How the result comes back: query, fragment, form_post, pi.flow.',
  prompt: 'none, login or consent: force or forbid interaction.',
  max_age: 'Force sign-on again if the session is older than this (s).',
  acr_values: 'Ask for a sign-on policy by name.',
  login_hint: 'Pre-fill the username.',
  request: 'Signed request object (JWT) carrying the parameters.',
  request_uri: 'Reference from PAR to parameters pushed earlier.',
  grant_type: 'Which grant the token request uses.',
  code: 'Authorization code: one use, short-lived.',
  refresh_token: 'Refresh token being exchanged.',
  client_secret: 'Client secret (client_secret_post).',
  client_assertion: 'Signed JWT that authenticates the client.',
  client_assertion_type: 'Says client_assertion is a JWT bearer assertion.',
  error: 'OAuth error code (RFC 6749 §4.1.2.1).',
  error_description: 'Human-readable error text from the server.',
  flowId: 'PingOne flow id: the sign-on in progress.',
  id_token_hint: 'ID token identifying the session to end.',
  post_logout_redirect_uri: 'Where to go after sign-off.',
  device_code: 'The device\'s secret for this device authorization; polled with until the person decides (RFC 8628 §3.4).',
};

/** The values a step kept (`Step.facts`): what each is and where it goes next. */
export const VALUES: Record<string, string> = {
  code_verifier: 'PKCE secret kept by the client, sent on the token request.',
  code_challenge: 'BASE64URL(SHA-256(code_verifier)), sent on authorize.',
  code_challenge_method: 'How the challenge was derived.',
  state: 'Sent on authorize; the redirect must echo it unchanged.',
  nonce: 'Sent on authorize; the ID token must carry it.',
  flowId: 'The PingOne flow this sign-on runs in.',
  status: 'Flow status PingOne reported: what it needs next.',
  code: 'Authorization code from the redirect; exchanged once.',
  actions: 'Actions the flow offers now (_links).',
  'session.id': 'PingOne session created by the sign-on.',
  session: 'PingOne session created by the sign-on.',
  flow_status: 'Flow status PingOne reported: what it needs next.',
  status_before: 'Flow status before this action.',
  next_actions: 'Actions the flow offers now (_links).',
  action: 'Flows API action performed (Content-Type vnd.pingidentity.<action>+json).',
  response_mode: 'How authorize answered: pi.flow JSON or a 302 redirect.',
  location: 'Where the resume redirect pointed.',
  sub: 'Subject (user id) from the ID token.',
  keys: 'Keys the JWKS published (kid, type, alg).',
  user: 'User the flow signed on.',
  user_code: 'The code the person enters on the verification page (RFC 8628 §3.2).',
  verification_uri: 'Where the person goes to enter the user code (RFC 8628 §3.2).',
  verification_uri_complete: 'The verification page with the user code filled in (RFC 8628 §3.3.1).',
  expires_in: 'How long the code or token lasts.',
  interval: 'Seconds between polls; slow_down adds 5 (RFC 8628 §3.5).',
  polls: 'Token requests sent while waiting for the person to decide (RFC 8628 §3.4).',
  last_answer: 'What the last poll heard: authorization_pending, slow_down, tokens or the error.',
  request_uri: 'Stands for the parameters pushed to the PAR endpoint; authorize carries it instead (RFC 9126 §4).',
  dpop_jkt: 'Thumbprint of this run\'s DPoP key; a bound token names it in cnf.jkt (RFC 9449 §6.1).',
  dpop_nonce: 'The server\'s nonce, put in the DPoP proofs sent to it (RFC 9449 §8).',
};

/** Where a header was seen: which step, which side, and the status of the response. */
export interface HeaderContext {
  kind: StepKind;
  side: 'request' | 'response';
  status?: number;
}

const GENERIC_HEADERS: Record<string, string> = {
  location: 'Where the server redirects (RFC 9110 §10.2.2); never followed automatically here.',
  'set-cookie': 'A cookie the server asks the client to keep (RFC 6265 §4.1); see the Cookies tab.',
  cookie: 'Cookies sent with the request (RFC 6265 §4.2); see the Cookies tab.',
  authorization: 'Credentials for the request (RFC 9110 §11.6.2).',
  'www-authenticate': 'How to authenticate to this resource (RFC 9110 §11.6.1).',
  'correlation-id': 'PingOne request id: quote it to Ping support.',
  'content-type': 'Media type of the body (RFC 9110 §8.3).',
  'cache-control': 'Whether and how long caches may keep the response (RFC 9111 §5.2).',
  pragma: 'HTTP/1.0 cache directive; no-cache asks caches not to reuse the response (RFC 9111 §5.4).',
  'retry-after': 'How long to wait before retrying (RFC 9110 §10.2.3).',
  'dpop-nonce': 'Nonce to put in the next DPoP proof (RFC 9449 §8).',
  dpop: 'A DPoP proof: a JWT signed with this run\'s key for this one request (RFC 9449 §4).',
};

/**
 * What a header means where it was seen: `Cache-Control` on a token response is the rule of RFC 6749
 * §5.1, on the authorize redirect it is only caching; `Authorization` is client credentials on the
 * token request and a bearer token on userinfo.
 */
export function explainHeader(name: string, context: HeaderContext): string | undefined {
  const header = name.toLowerCase();
  const { kind, side, status = 0 } = context;
  const ok = status >= 200 && status < 300;
  const redirect = status >= 300 && status < 400;
  if (side === 'response' && kind === 'token' && ok && (header === 'cache-control' || header === 'pragma')) {
    return 'Token responses carry no-store so no cache keeps the tokens (RFC 6749 §5.1).';
  }
  if (side === 'response' && kind === 'userinfo' && ok && header === 'cache-control') {
    return 'Whether caches may keep the user\'s claims (RFC 9111 §5.2).';
  }
  if (header === 'location' && redirect) {
    if (kind === 'authorize') return 'Where authorize sends the browser: the sign-on page with a flowId, or the redirect URI with a code or an error (RFC 6749 §4.1.2). Not followed here.';
    if (kind === 'resume') return 'The redirect URI with the code and state, or an error (RFC 6749 §4.1.2). Read here, not followed.';
  }
  if (header === 'authorization' && side === 'request') {
    if (kind === 'token') return 'Client credentials, HTTP Basic with the client id and secret (RFC 6749 §2.3.1).';
    if (kind === 'userinfo') return 'The access token: Bearer (RFC 6750 §2.1), or DPoP for a token bound to the key of the DPoP header (RFC 9449 §7.1).';
  }
  if (header === 'www-authenticate' && side === 'response') {
    if (kind === 'token') return 'The client authentication the token endpoint accepts; sent with invalid_client (RFC 6749 §5.2).';
    if (kind === 'userinfo') return 'Why the access token was refused (RFC 6750 §3).';
  }
  if (header === 'content-type' && side === 'request' && (kind === 'signOn' || kind === 'flow')) {
    return 'The flows API reads the action from it: application/vnd.pingidentity.<action>+json.';
  }
  return GENERIC_HEADERS[header];
}

/** A specification a note cites, and where to read it. */
export interface Citation {
  /** The citation as written in the note, e.g. "RFC 6749 §5.1". */
  text: string;
  url: string;
}

/** "RFC 6749 §5.1", "RFC 6265", "OIDC Core §3.1.2.1": how notes here cite their sources. */
const CITATION = /\b(RFC (\d{4})(?: §(\d+(?:\.\d+)*))?|OIDC Core §(\d+(?:\.\d+)*))/g;

/** The note split into plain text and the citations in it, each with the URL of the section cited. */
export function citations(note: string): (string | Citation)[] {
  const parts: (string | Citation)[] = [];
  let last = 0;
  for (const match of note.matchAll(CITATION)) {
    const [text, , rfc, section, oidc] = match;
    if (match.index > last) parts.push(note.slice(last, match.index));
    const url = rfc
      ? `https://www.rfc-editor.org/rfc/rfc${rfc}${section ? `#section-${section}` : ''}`
      : `https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.${oidc}`;
    parts.push({ text, url });
    last = match.index + text.length;
  }
  if (last < note.length) parts.push(note.slice(last));
  return parts;
}
