/**
 * Reading what a server sent back, shared by every step: the two error shapes PingOne uses
 * (RFC 6749 §5.2 for the OAuth endpoints, the platform error for the flows API) and the
 * "that is not JSON at all" cases (HTML error pages, empty bodies, proxies).
 */
import { FlowError } from '../errors';
import { headerValue } from '../http';
import type { Exchange, RecordedResponse } from '../model';

/** PingOne platform error (docs/pingone.md §6). Branch on `code`, not on the HTTP status. */
export interface PlatformError {
  id?: string;
  code: string;
  message?: string;
  details?: Array<{ code?: string; target?: string; message?: string; innerError?: Record<string, unknown> }>;
}

/** RFC 6749 §5.2 error response. */
export interface OAuthError {
  error: string;
  error_description?: string;
  error_uri?: string;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPlatformError(value: unknown): value is PlatformError {
  return isObject(value) && typeof value.code === 'string' && (typeof value.message === 'string' || Array.isArray(value.details));
}

export function isOAuthError(value: unknown): value is OAuthError {
  return isObject(value) && typeof value.error === 'string';
}

export function responseOf(exchange: Exchange): RecordedResponse {
  if (!exchange.response) throw new FlowError('NO_RESPONSE', 'No response was received.', 'Check that the server is reachable.');
  return exchange.response;
}

/** "the JWKS" → "The JWKS", to open a sentence. */
function sentence(what: string): string {
  return what.charAt(0).toUpperCase() + what.slice(1);
}

/**
 * A redirect's `Location`: as received (for messages and the timeline) and resolved against the
 * request URL (RFC 9110 §10.2.2 allows a relative reference). `what` names the response.
 */
export function locationOf(exchange: Exchange, what: string): { location: string; url: URL } {
  const response = responseOf(exchange);
  const location = headerValue(response.headers, 'location');
  if (!location) {
    throw new FlowError('NO_LOCATION', `${sentence(what)} is a ${response.status} without a Location header.`, 'Check the server; a redirect must say where to.');
  }
  const url = URL.parse(location, exchange.request.url);
  if (!url) {
    throw new FlowError(
      'INVALID_LOCATION',
      `${sentence(what)} is a ${response.status} whose Location ${quote(location)} is not a URL.`,
      'Check the server and any proxy in between: a Location must be an absolute or relative URL (RFC 9110 §10.2.2).',
      { detail: { location } },
    );
  }
  return { location, url };
}

/**
 * The response's JSON object, or a FlowError explaining what came instead: HTML (a login page, a
 * proxy or a wrong URL), plain text, or nothing.
 */
export function expectJsonObject(response: RecordedResponse, what: string): Record<string, unknown> {
  if (isObject(response.json)) return response.json;
  const contentType = headerValue(response.headers, 'content-type') ?? 'no content type';
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(response.body)) {
    const title = /<title>([^<]*)<\/title>/i.exec(response.body)?.[1]?.trim();
    throw new FlowError(
      'UNEXPECTED_HTML',
      `Expected ${what} as JSON but got an HTML page (status ${response.status}${title ? `, "${title}"` : ''}).`,
      'Check the auth path and environment ID: a wrong URL, a proxy or a login page answered instead of the API.',
    );
  }
  if (!response.body.trim()) {
    throw new FlowError('EMPTY_RESPONSE', `Expected ${what} as JSON but the body was empty (status ${response.status}).`, 'Check the URL and the server logs.');
  }
  throw new FlowError(
    'INVALID_JSON',
    `Expected ${what} as JSON but got ${contentType} that does not parse as a JSON object (status ${response.status}).`,
    'Check the URL and that the server is the authorization server.',
  );
}

/** Advice per RFC 6749 / OIDC error code, for the hint line. */
const OAUTH_HINTS: Record<string, string> = {
  invalid_client: 'Check the client secret or key, and that the profile\'s client authentication method matches the application\'s Token Endpoint Authentication Method.',
  invalid_grant: 'The code may be used already, expired (codes last about a minute), issued for another redirect URI, or the PKCE code_verifier may not match the challenge.',
  invalid_request: 'A parameter is missing or malformed; the description says which.',
  unauthorized_client: 'Enable this grant type or response type on the application.',
  unsupported_grant_type: 'Enable this grant type on the application.',
  invalid_scope: 'Check the scopes: each must be granted to the application and exist in the environment.',
  access_denied: 'The user or a policy denied the request; check the sign-on policy and the user\'s status.',
  login_required: 'There is no session to reuse; sign on again (do not send prompt=none), and make sure the ST cookie is sent.',
  invalid_token: 'The access token is expired, revoked or malformed; run the flow again.',
  redirect_uri_mismatch: 'Register the redirect URI on the application exactly as the profile sends it.',
  unsupported_response_type: 'Enable the code response type on the application.',
  server_error: 'The authorization server failed; try again and check its status.',
};

/**
 * Quotes text a server sent (a Location, a link) for a message, exactly as received: JSON string
 * syntax shows controls and lone surrogates as escapes, and very long values are cut.
 */
export function quote(text: string, max = 300): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * Every registered OAuth error code is a lowercase word with underscores (RFC 6749 §5.2 and the IANA
 * "OAuth Extensions Error" registry). Only such a code becomes the step's code, so a server cannot
 * name the engine's own outcomes (INTERNAL, CANCELLED); anything else is OAUTH_ERROR, quoted.
 */
const OAUTH_ERROR_CODE = /^[a-z][a-z0-9_]*$/;

export function oauthFailure(error: OAuthError, status: number | string, detail?: unknown): FlowError {
  const description = error.error_description ? `: ${error.error_description}` : '';
  const registered = OAUTH_ERROR_CODE.test(error.error);
  return new FlowError(
    registered ? error.error : 'OAUTH_ERROR',
    `The server answered ${registered ? error.error : quote(error.error)}${description} (${status}).`,
    OAUTH_HINTS[error.error] ?? 'See the error description and the application\'s configuration.',
    { detail: detail ?? error },
  );
}

/** Codes the engine gives its own outcomes; a server's error never takes them (see `platformCode`). */
const ENGINE_CODES = new Set(['INTERNAL', 'CANCELLED']);

/** A platform code (UPPER_SNAKE, docs/pingone.md §6) as the step's code, or PLATFORM_ERROR when it is not one. */
function platformCode(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) && !ENGINE_CODES.has(code) ? code : 'PLATFORM_ERROR';
}

/**
 * A PingOne platform error turned into words, with the specific advice its detail codes call for.
 * `what` names what was asked for: a NOT_FOUND is about that, whatever the endpoint. `otherwise` is the
 * caller's advice for any other error: only it knows what there is to check (a flow's `_links` exist
 * only once there is a flow).
 */
export function platformFailure(error: PlatformError, status: number, what: string, otherwise?: string): FlowError {
  const first: unknown = error.details?.[0];
  const detail = isObject(first) ? (first as NonNullable<PlatformError['details']>[number]) : undefined;
  const inner = isObject(detail?.innerError) ? detail.innerError : {};
  switch (detail?.code ?? error.code) {
    case 'INVALID_CREDENTIALS': {
      const remaining = typeof inner.remainingAttempts === 'number' ? ` ${inner.remainingAttempts} attempts remain before the account locks.` : '';
      return new FlowError('INVALID_CREDENTIALS', `The username or password is incorrect (${status}).`, `Check the credentials for this environment's user.${remaining}`, { detail: error });
    }
    case 'PASSWORD_LOCKED_OUT': {
      const seconds = typeof inner.secondsUntilUnlock === 'number' ? inner.secondsUntilUnlock : undefined;
      return new FlowError(
        'PASSWORD_LOCKED_OUT',
        `The account is locked after too many wrong passwords${seconds === undefined ? '' : `; it unlocks in ${Math.ceil(seconds / 60)} min`}.`,
        'Wait for the lockout to end, or unlock the user in the PingOne admin console.',
        { detail: error },
      );
    }
    case 'NOT_FOUND':
      return new FlowError(
        'NOT_FOUND',
        `${sentence(what)} failed: the server has nothing at this URL (${status}, NOT_FOUND).`,
        'Check the environment ID and the region or auth path: the server has nothing at this URL.',
        { detail: error },
      );
    case 'INVALID_TOKEN':
      return new FlowError('INVALID_TOKEN', `The server rejected the token or session (${status}): ${error.message ?? ''}`.trim(), 'Run the flow again; check that the ST cookie reaches the flows API.', { detail: error });
    default: {
      const target = detail?.target ? ` (${detail.target})` : '';
      const message = detail?.message ?? error.message ?? error.code;
      const hint =
        status === 415
          ? 'The flows API needs Content-Type application/vnd.pingidentity.<action>+json for the action.'
          : status === 406
            ? 'Send Accept: */* (or no Accept header) to the flows API.'
            : `${detail?.target ? `The server names ${detail.target}. ` : ''}${otherwise ?? 'Check the request against the PingOne API docs for this endpoint.'}`;
      return new FlowError(platformCode(detail?.code ?? error.code), `${message}${target} (${error.code}, ${status}).`, hint, { detail: error });
    }
  }
}

/** Any error body the server sent, in either shape, or a generic status failure; `otherwise` as for {@link platformFailure}. */
export function failureFrom(response: RecordedResponse, what: string, otherwise?: string): FlowError {
  const json = response.json;
  if (isOAuthError(json)) return oauthFailure(json, response.status);
  if (isPlatformError(json)) return platformFailure(json, response.status, what, otherwise);
  try {
    expectJsonObject(response, what);
  } catch (error) {
    return error as FlowError;
  }
  return new FlowError('HTTP_ERROR', `${sentence(what)} failed with status ${`${response.status} ${response.statusText}`.trim()}.`, 'See the response body for details.', { detail: json });
}
