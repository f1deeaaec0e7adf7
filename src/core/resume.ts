/**
 * Step 4 — resume (PingOne "Resume Flow"): GET /as/resume?flowId= with the session cookie, never
 * following the redirect. The authorization response (RFC 6749 §4.1.2) is read from the 302 `Location`
 * (query or fragment), or from `authorizeResponse` in a pi.flow JSON answer, and its `state` checked
 * against the one this run sent (RFC 6749 §10.12).
 */
import { FlowError } from './errors';
import type { HttpRequest } from './http';
import { headerValue } from './http';
import type { Check, Exchange } from './model';
import type { Endpoints } from './profile';
import { failureFrom, isObject, oauthFailure, responseOf } from './responses';

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
  let location: string | undefined;
  if (response.status >= 300 && response.status < 400) {
    location = headerValue(response.headers, 'location');
    if (!location) {
      throw new FlowError('NO_LOCATION', `Resume answered ${response.status} without a Location header.`, 'Check the server; the authorization response travels in the Location.');
    }
    const url = new URL(location, exchange.request.url);
    params = url.hash.length > 1 ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
  } else if (response.status === 200 && isObject(response.json) && isObject(response.json.authorizeResponse)) {
    params = new URLSearchParams(
      Object.entries(response.json.authorizeResponse).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } else {
    throw failureFrom(response, 'the resume response');
  }

  const state = params.get('state') ?? undefined;
  const error = params.get('error');
  if (error) {
    throw oauthFailure({ error, error_description: params.get('error_description') ?? undefined }, location ? `redirect ${response.status}` : response.status, {
      location,
      state,
    });
  }
  const checks: Check[] = [];
  if (state === expected.state) checks.push({ name: 'State', status: 'passed', detail: 'state matches the one sent on authorize' });
  else {
    throw new FlowError(
      'STATE_MISMATCH',
      `The state in the authorization response (${state === undefined ? 'missing' : JSON.stringify(state)}) is not the one this run sent (${expected.state}).`,
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
        `The authorization response comes from issuer ${iss}, not ${expected.issuer}.`,
        'Do not use its code: another authorization server answered (a mix-up attack or a misconfigured environment).',
        { detail: { location, iss } },
      );
    }
    checks.push({ name: 'Issuer', status: 'passed', detail: `iss is ${iss} (RFC 9207)` });
  }
  if (location && expected.redirectUri) {
    const target = new URL(location, exchange.request.url);
    const sameTarget = `${target.origin}${target.pathname}` === expected.redirectUri.replace(/[?#].*$/, '');
    checks.push(
      sameTarget
        ? { name: 'Redirect URI', status: 'passed', detail: `redirects to ${expected.redirectUri}` }
        : { name: 'Redirect URI', status: 'failed', detail: `redirects to ${target.origin}${target.pathname}, not ${expected.redirectUri}` },
    );
  }
  const code = params.get('code');
  if (!code) {
    throw new FlowError('NO_CODE', 'The authorization response carries neither a code nor an error.', 'Check that response_type=code was sent and the flow completed.', { detail: { location } });
  }
  return { code, state, location, checks };
}
