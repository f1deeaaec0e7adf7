/**
 * Step 4 — resume (PingOne "Resume Flow"): GET /as/resume?flowId= with the session cookie, never
 * following the redirect. The authorization response (RFC 6749 §4.1.2) is read from the 302 `Location`
 * (query or fragment), or from `authorizeResponse` in a pi.flow JSON answer, and its `state` checked
 * against the one this run sent (RFC 6749 §10.12).
 */
import { CHECK_LABELS, CheckCodes } from '../codes';
import { flowFailure } from './flow';
import type { HttpRequest } from '../http';
import type { Check, Exchange } from '../model';
import type { PingOneEndpoints } from './endpoints';
import { readAuthorizationResponse } from '../oauth/authorize';
import { isObject, locationOf, quote, responseOf, withoutQuery } from '../oauth/responses';

export function buildResumeRequest(endpoints: PingOneEndpoints, flowId: string): HttpRequest {
  return { method: 'GET', url: `${endpoints.resume}?${new URLSearchParams({ flowId })}` };
}

export interface ResumeResult {
  code: string;
  state?: string;
  /** Where the browser would have gone (redirect mode). */
  location?: string;
  checks: Check[];
}

export function readResumeResponse(exchange: Exchange, expected: { state: string; redirectUri?: string; issuer?: string }): ResumeResult {
  const response = responseOf(exchange);
  let params: URLSearchParams;
  let redirect: { location: string; url: URL } | undefined;
  if (response.status >= 300 && response.status < 400) {
    redirect = locationOf(exchange, 'the resume response');
    const { url } = redirect;
    // A URL's hash is '' for no fragment or an empty one, so any hash holds parameters.
    params = url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
  } else if (response.status === 200 && isObject(response.json) && isObject(response.json.authorizeResponse)) {
    params = new URLSearchParams(
      Object.entries(response.json.authorizeResponse).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } else {
    throw flowFailure(response, 'the resume response');
  }
  const location = redirect?.location;
  // Named as received in messages: a hostile Location (javascript:, data:) must read as what it is.
  const where = location === undefined ? '' : ` (redirect to ${quote(location)})`;
  const { code, state, checks } = readAuthorizationResponse(params, expected, { where, status: location ? `redirect ${response.status}` : response.status, location });
  if (redirect && expected.redirectUri) checks.push(redirectCheck(redirect, expected.redirectUri));
  return { code, state, location, checks };
}

/**
 * Whether the redirect goes to the registered redirect URI (RFC 6749 §3.1.2), compared as URLs without
 * their query and fragment, and named as received when it does not.
 */
function redirectCheck({ location, url }: { location: string; url: URL }, redirectUri: string): Check {
  const registered = URL.parse(redirectUri);
  if (registered && withoutQuery(registered.href) === withoutQuery(url.href)) return { code: CheckCodes.REDIRECT_URI, name: CHECK_LABELS[CheckCodes.REDIRECT_URI], status: 'passed', detail: `redirects to ${redirectUri}` };
  return { code: CheckCodes.REDIRECT_URI, name: CHECK_LABELS[CheckCodes.REDIRECT_URI], status: 'failed', detail: `redirects to ${quote(withoutQuery(location))}, not ${redirectUri}` };
}
