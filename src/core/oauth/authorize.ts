/**
 * The authorize request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1) and the authorization response it ends in
 * (§4.1.2): GET with a query string or POST as a form, optionally as a signed request object (RFC 9101)
 * or by reference to pushed parameters (RFC 9126 `request_uri`). How the response comes back depends on
 * who signs the person on: PingOne's resume redirect (src/core/pingone) or the browser's redirect to a
 * loopback listener; both are read by {@link readAuthorizationResponse}.
 */
import type { HttpRequest } from '../http';
import { FlowError } from '../errors';
import type { Profile, Secrets } from '../profile';
import type { Endpoints } from './discovery';
import { CHECK_HINTS, CHECK_LABELS, CheckCodes, Codes } from '../codes';
import type { Check } from '../model';
import { oauthFailure, quote } from './responses';
import { signJwt } from './signing';

export interface AuthorizeInput {
  profile: Profile;
  endpoints: Pick<Endpoints, 'issuer' | 'authorize'>;
  state: string;
  nonce: string;
  /** S256 challenge; omitted when the profile has PKCE off. */
  codeChallenge?: string;
  secrets: Secrets;
  /** Seconds since the epoch, for the request object's iat/exp. */
  now?: number;
}

/** The authorize parameters, in the order the docs list them. */
export function authorizeParameters(input: AuthorizeInput): [string, string][] {
  const { profile } = input;
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', profile.clientId],
    ['scope', profile.scopes.join(' ')],
    ['state', input.state],
    ['nonce', input.nonce],
  ];
  if (profile.redirectUri) params.splice(2, 0, ['redirect_uri', profile.redirectUri]);
  if (input.codeChallenge) params.push(['code_challenge', input.codeChallenge], ['code_challenge_method', 'S256']);
  if (profile.responseMode === 'pi.flow') params.push(['response_mode', 'pi.flow']);
  if (profile.prompt) params.push(['prompt', profile.prompt]);
  if (profile.maxAge !== undefined) params.push(['max_age', String(profile.maxAge)]);
  if (profile.acrValues) params.push(['acr_values', profile.acrValues]);
  if (profile.loginHint) params.push(['login_hint', profile.loginHint]);
  return params;
}

/**
 * The authorize parameters as they are sent, at /authorize or pushed to the PAR endpoint. With a
 * request object (RFC 9101 §4), every parameter goes into the signed JWT (iss = client id, aud =
 * issuer); client_id, response_type, scope and response_mode stay outside as OAuth and OIDC require.
 */
export async function authorizeRequestParameters(input: AuthorizeInput): Promise<{ params: [string, string][]; requestObject?: string }> {
  const { profile, endpoints } = input;
  const params = authorizeParameters(input);
  if (!profile.requestObject) return { params };
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const claims = Object.fromEntries(params.map(([k, v]) => [k, k === 'max_age' ? Number(v) : v]));
  const requestObject = await signJwt(
    { ...claims, iss: profile.clientId, aud: endpoints.issuer, iat: now, nbf: now, exp: now + 300 },
    profile.requestObject.alg,
    input.secrets,
    'oauth-authz-req+jwt',
  );
  const outside = new Set(['client_id', 'response_type', 'scope', 'response_mode']);
  return { params: [...params.filter(([k]) => outside.has(k)), ['request', requestObject]], requestObject };
}

/**
 * Builds the authorize request: the parameters themselves, or — once they were pushed (RFC 9126 §4) —
 * only client_id and the `request_uri` that stands for them.
 */
export async function buildAuthorizeRequest(input: AuthorizeInput & { requestUri?: string }): Promise<{ request: HttpRequest; requestObject?: string }> {
  const { profile, endpoints, requestUri } = input;
  const { params, requestObject } = requestUri
    ? { params: [['client_id', profile.clientId], ['request_uri', requestUri]] satisfies [string, string][], requestObject: undefined }
    : await authorizeRequestParameters(input);
  const form = new URLSearchParams(params).toString();
  const url = endpoints.authorize;
  if (!url) throw new FlowError(Codes.NO_ENDPOINT, `${endpoints.issuer} names no authorization endpoint.`, 'Check the issuer\'s discovery document: authorization_endpoint is missing.');
  const request: HttpRequest =
    profile.authorizeMethod === 'POST'
      ? { method: 'POST', url, headers: [['content-type', 'application/x-www-form-urlencoded']], body: form }
      : { method: 'GET', url: `${url}?${form}` };
  return { request, requestObject };
}

export interface AuthorizationResponse {
  code: string;
  state?: string;
  checks: Check[];
}

/**
 * Reads the parameters of an authorization response (RFC 6749 §4.1.2, §4.1.2.1): an error becomes the
 * server's refusal, a response without a code or with another state is refused, and an `iss` parameter
 * must name the issuer the request went to (RFC 9207 §2.4, the mix-up defence). `where` says how the
 * response arrived, for messages ("redirect to …"); `status` is what the response came with.
 */
export function readAuthorizationResponse(
  params: URLSearchParams,
  expected: { state: string; issuer?: string },
  context: { where: string; status: number | string; location?: string },
): AuthorizationResponse {
  const { where, location } = context;
  const state = params.get('state') ?? undefined;
  const error = params.get('error');
  if (error) {
    throw oauthFailure({ error, error_description: params.get('error_description') ?? undefined }, context.status, { location, state });
  }
  const code = params.get('code');
  if (!code) {
    throw new FlowError(Codes.NO_CODE, `The authorization response${where} carries neither a code nor an error.`, 'Check that response_type=code was sent and the sign-on completed.', { detail: { location } });
  }
  const checks: Check[] = [];
  if (state === expected.state) checks.push({ code: CheckCodes.STATE, name: CHECK_LABELS[CheckCodes.STATE], status: 'passed', detail: 'state matches the one sent on authorize' });
  else {
    throw new FlowError(
      Codes.STATE_MISMATCH,
      `The state in the authorization response${where} (${state === undefined ? 'missing' : quote(state)}) is not the one this run sent (${expected.state}).`,
      CHECK_HINTS[CheckCodes.STATE],
      { detail: { location, state } },
    );
  }
  const iss = params.get('iss');
  if (iss !== null && expected.issuer !== undefined) {
    if (iss !== expected.issuer) {
      throw new FlowError(
        Codes.ISSUER_MISMATCH,
        `The authorization response comes from issuer ${quote(iss)}, not ${expected.issuer}.`,
        CHECK_HINTS[CheckCodes.RESPONSE_ISSUER],
        { detail: { location, iss } },
      );
    }
    checks.push({ code: CheckCodes.RESPONSE_ISSUER, name: CHECK_LABELS[CheckCodes.RESPONSE_ISSUER], status: 'passed', detail: `iss is ${iss} (RFC 9207)` });
  }
  return { code, state, checks };
}
