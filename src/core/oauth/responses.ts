/**
 * Reading what a server sent back, shared by every step: the RFC 6749 §5.2 error, error shapes a
 * provider adds (see {@link addErrorShape}), and the "that is not JSON at all" cases (HTML error pages,
 * empty bodies, proxies).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import { headerValue } from '../http';
import type { Exchange, RecordedResponse } from '../model';

/** RFC 6749 §5.2 error response. */
export interface OAuthError {
  error: string;
  error_description?: string;
  error_uri?: string;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isOAuthError(value: unknown): value is OAuthError {
  return isObject(value) && typeof value.error === 'string';
}

export function responseOf(exchange: Exchange): RecordedResponse {
  if (!exchange.response) throw new FlowError(Codes.NO_RESPONSE, 'No response was received.', 'Check that the server is reachable.');
  return exchange.response;
}

/** "the JWKS" → "The JWKS", to open a sentence. */
export function sentence(what: string): string {
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
    throw new FlowError(Codes.NO_LOCATION, `${sentence(what)} is a ${response.status} without a Location header.`, 'Check the server; a redirect must say where to.');
  }
  const url = URL.parse(location, exchange.request.url);
  if (!url) {
    throw new FlowError(
      Codes.INVALID_LOCATION,
      `${sentence(what)} is a ${response.status} whose Location ${quote(location)} is not a URL.`,
      'Check the server and any proxy in between: a Location must be an absolute or relative URL (RFC 9110 §10.2.2).',
      { detail: { location } },
    );
  }
  return { location, url };
}

/** A URL's text up to its query or fragment: a serialised URL escapes `?` and `#` everywhere before them. */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*/s, '');
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
      Codes.UNEXPECTED_HTML,
      `Expected ${what} as JSON but got an HTML page (status ${response.status}${title ? `, "${title}"` : ''}).`,
      'Check the auth path and environment ID: a wrong URL, a proxy or a login page answered instead of the API.',
    );
  }
  if (!response.body.trim()) {
    throw new FlowError(Codes.EMPTY_RESPONSE, `Expected ${what} as JSON but the body was empty (status ${response.status}).`, 'Check the URL and the server logs.');
  }
  throw new FlowError(
    Codes.INVALID_JSON,
    `Expected ${what} as JSON but got ${contentType} that does not parse as a JSON object (status ${response.status}).`,
    'Check the URL and that the server is the authorization server.',
  );
}

/** Advice per RFC 6749 / OIDC error code, for the hint line. */
const OAUTH_HINTS: Record<string, string> = {
  invalid_client: 'Check the client secret or key, and that the profile\'s client authentication method matches the application\'s Token Endpoint Authentication Method.',
  invalid_grant: 'The grant was refused: an authorization code may be used already, expired (codes last about a minute), issued for another redirect URI, or not match the PKCE code_verifier; a refresh token or device code may be expired, revoked or already used (a rotated refresh token works once).',
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
  use_dpop_nonce: 'The server asked for a DPoP nonce again after the retry with the one it gave (RFC 9449 §8): check its nonce handling, or a proxy dropping the DPoP-Nonce header.',
  invalid_dpop_proof: 'The server refused the DPoP proof (RFC 9449 §4.3): the description says which claim; check this machine\'s clock (iat) and that the request URL is the one the server knows (htu).',
  unsupported_token_type: 'The server does not revoke this kind of token (RFC 7009 §2.2.1): revoke the other token the run holds, or let this one expire.',
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
    registered ? error.error : Codes.OAUTH_ERROR,
    `The server answered ${registered ? error.error : quote(error.error)}${description} (${status}).`,
    OAUTH_HINTS[error.error] ?? 'See the error description and the application\'s configuration.',
    { detail: detail ?? error },
  );
}

/**
 * An error body in a provider's own shape (PingOne's platform error, say), read before the generic
 * fallback. A provider module adds its reader when it is loaded; `undefined` means "not mine".
 */
export type ErrorShape = (json: unknown, status: number, what: string, otherwise?: string) => FlowError | undefined;

const errorShapes: ErrorShape[] = [];

export function addErrorShape(shape: ErrorShape): void {
  if (!errorShapes.includes(shape)) errorShapes.push(shape);
}

/**
 * Any error body the server sent — RFC 6749 §5.2, or a shape a provider module added — or a generic
 * status failure. `what` names what was asked for; `otherwise` is the caller's advice for an error the
 * body does not explain (only the caller knows what there is to check).
 */
export function failureFrom(response: RecordedResponse, what: string, otherwise?: string): FlowError {
  const json = response.json;
  if (isOAuthError(json)) return oauthFailure(json, response.status);
  for (const shape of errorShapes) {
    const failure = shape(json, response.status, what, otherwise);
    if (failure) return failure;
  }
  try {
    expectJsonObject(response, what);
  } catch (error) {
    return error as FlowError;
  }
  return new FlowError(Codes.HTTP_ERROR, `${sentence(what)} failed with status ${`${response.status} ${response.statusText}`.trim()}.`, otherwise ?? 'See the response body for details.', { detail: json });
}
