/**
 * Step 4 — resume (PingOne "Resume Flow"): GET /as/resume?flowId= with the session cookie, never
 * following the redirect. The authorization response (RFC 6749 §4.1.2) is read from the 302 `Location`
 * (query or fragment), or from `authorizeResponse` in a pi.flow JSON answer, and its `state` checked
 * against the one this run sent (RFC 6749 §10.12).
 */
import { FlowError } from '../errors';
import { flowFailure } from './flow';
import type { HttpRequest } from '../http';
import type { Check, Exchange } from '../model';
import type { Endpoints } from '../profile';
import { isObject, locationOf, oauthFailure, quote, responseOf } from '../oauth/responses';

export function buildResumeRequest(endpoints: Endpoints, flowId: string): HttpRequest {
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

  const state = params.get('state') ?? undefined;
  const error = params.get('error');
  if (error) {
    throw oauthFailure({ error, error_description: params.get('error_description') ?? undefined }, location ? `redirect ${response.status}` : response.status, {
      location,
      state,
    });
  }
  const code = params.get('code');
  if (!code) {
    throw new FlowError('NO_CODE', `The authorization response${where} carries neither a code nor an error.`, 'Check that response_type=code was sent and the flow completed.', { detail: { location } });
  }
  const checks: Check[] = [];
  if (state === expected.state) checks.push({ name: 'State', status: 'passed', detail: 'state matches the one sent on authorize' });
  else {
    throw new FlowError(
      'STATE_MISMATCH',
      `The state in the authorization response${where} (${state === undefined ? 'missing' : quote(state)}) is not the one this run sent (${expected.state}).`,
      'The response may belong to another request (or be forged); do not use its code. Start a new run.',
      { detail: { location, state } },
    );
  }
  // RFC 9207 §2.4: when the response names its issuer, it must be the one the request went to (mix-up defence).
  const iss = params.get('iss');
  if (iss !== null && expected.issuer !== undefined) {
    if (iss !== expected.issuer) {
      throw new FlowError(
        'ISSUER_MISMATCH',
        `The authorization response comes from issuer ${quote(iss)}, not ${expected.issuer}.`,
        'Do not use its code: another authorization server answered (a mix-up attack or a misconfigured environment).',
        { detail: { location, iss } },
      );
    }
    checks.push({ name: 'Issuer', status: 'passed', detail: `iss is ${iss} (RFC 9207)` });
  }
  if (redirect && expected.redirectUri) checks.push(redirectCheck(redirect, expected.redirectUri));
  return { code, state, location, checks };
}

/**
 * Whether the redirect goes to the registered redirect URI (RFC 6749 §3.1.2), compared as URLs without
 * their query and fragment, and named as received when it does not.
 */
function redirectCheck({ location, url }: { location: string; url: URL }, redirectUri: string): Check {
  const registered = URL.parse(redirectUri);
  if (registered && withoutQuery(registered.href) === withoutQuery(url.href)) return { name: 'Redirect URI', status: 'passed', detail: `redirects to ${redirectUri}` };
  return { name: 'Redirect URI', status: 'failed', detail: `redirects to ${quote(withoutQuery(location))}, not ${redirectUri}` };
}

/** A URL's text up to its query or fragment: a serialised URL escapes `?` and `#` everywhere before them. */
function withoutQuery(url: string): string {
  return url.replace(/[?#].*/s, '');
}
