/**
 * Step 1 — the authorize request (OIDC Core §3.1.2.1; PingOne "Authorize (Authorization Code)").
 * GET with a query string or POST as a form; `response_mode=pi.flow` answers 200 with the flow as JSON,
 * otherwise a 302 to the sign-on page carries `flowId`.
 */
import type { HttpRequest } from '../http';
import { FlowError } from '../errors';
import type { Exchange } from '../model';
import type { Endpoints, Profile, Secrets } from '../profile';
import { failureFrom, isObject, isOAuthError, isPlatformError, locationOf, oauthFailure, quote, responseOf } from './responses';
import { parseFlow, type Flow } from '../pingone/flow';
import { signJwt } from './signing';

export interface AuthorizeInput {
  profile: Profile;
  endpoints: Endpoints;
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
 * Builds the authorize request. With a request object (RFC 9101 §4), every parameter goes into the
 * signed JWT (iss = client id, aud = issuer); client_id, response_type, scope and response_mode stay
 * outside as OAuth and OIDC require.
 */
export async function buildAuthorizeRequest(input: AuthorizeInput): Promise<{ request: HttpRequest; requestObject?: string }> {
  const { profile, endpoints } = input;
  let params = authorizeParameters(input);
  let requestObject: string | undefined;
  if (profile.requestObject) {
    const now = input.now ?? Math.floor(Date.now() / 1000);
    const claims = Object.fromEntries(params.map(([k, v]) => [k, k === 'max_age' ? Number(v) : v]));
    requestObject = await signJwt(
      { ...claims, iss: profile.clientId, aud: endpoints.issuer, iat: now, nbf: now, exp: now + 300 },
      profile.requestObject.alg,
      input.secrets,
      'oauth-authz-req+jwt',
    );
    const outside = new Set(['client_id', 'response_type', 'scope', 'response_mode']);
    params = [...params.filter(([k]) => outside.has(k)), ['request', requestObject]];
  }
  const form = new URLSearchParams(params).toString();
  const request: HttpRequest =
    profile.authorizeMethod === 'POST'
      ? { method: 'POST', url: endpoints.authorize, headers: [['content-type', 'application/x-www-form-urlencoded']], body: form }
      : { method: 'GET', url: `${endpoints.authorize}?${form}` };
  return { request, requestObject };
}

export type AuthorizeResult = { flowId: string; flow?: Flow; location?: string };

/**
 * Reads the authorize response: the flow id from a 302 `Location` (its `flowId` parameter), or the
 * flow resource from a 200 pi.flow answer. An error redirect or JSON error becomes a FlowError.
 */
export function readAuthorizeResponse(exchange: Exchange, profile: Profile): AuthorizeResult {
  const response = responseOf(exchange);
  if (response.status >= 300 && response.status < 400) {
    const { location, url } = locationOf(exchange, 'the authorize response');
    const params = new URLSearchParams(url.hash.startsWith('#') ? url.hash.slice(1) : url.search);
    const error = params.get('error') ?? url.searchParams.get('error');
    if (error) {
      throw forAuthorize(
        oauthFailure(
          { error, error_description: params.get('error_description') ?? url.searchParams.get('error_description') ?? undefined },
          `redirect ${response.status}`,
          { location },
        ),
      );
    }
    const flowId = url.searchParams.get('flowId') ?? params.get('flowId');
    if (!flowId) {
      throw new FlowError(
        'NO_FLOW_ID',
        `The authorize redirect to ${quote(location)} does not carry a flowId.`,
        'PingOne redirects to its sign-on page with ?flowId=…; a custom login page URL must keep it. If the code came back directly, a session was reused.',
        { detail: { location } },
      );
    }
    return { flowId, location };
  }
  const json = response.json;
  if (response.status === 200 && isObject(json) && !isOAuthError(json) && !isPlatformError(json)) {
    const flow = parseFlow(json, 'the authorize response');
    return { flowId: flow.id, flow };
  }
  if (response.status === 200 && profile.responseMode === 'redirect') {
    throw new FlowError(
      'UNEXPECTED_PAGE',
      'The authorize request answered 200 with a page instead of redirecting to the sign-on page.',
      'Check the auth path and environment ID; a 200 here usually means a proxy or a non-PingOne page answered.',
    );
  }
  throw forAuthorize(failureFrom(response, 'the authorize response', 'Check the authorize parameters against the application\'s configuration in PingOne; the error detail says what was refused.'));
}

/**
 * The client is identified at authorize, not authenticated (RFC 6749 §4.1.2.1: an unknown client_id is
 * not redirected back), so invalid_client here is about the client ID, not a secret or the token
 * endpoint's authentication method.
 */
function forAuthorize(error: FlowError): FlowError {
  if (error.code !== 'invalid_client') return error;
  return new FlowError(error.code, error.message, 'Check the client ID and the environment ID: no application in this environment has this client ID.', { detail: error.detail, cause: error });
}
