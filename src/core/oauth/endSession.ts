/**
 * Sign off: OpenID Connect RP-Initiated Logout 1.0 §2–3. A GET to the end_session_endpoint (PingOne's
 * `/as/signoff`, docs/pingone.md §5) with `id_token_hint`, `post_logout_redirect_uri`, `state` and
 * `client_id`; the provider ends its session (the run's cookie jar carries it) and either redirects to
 * the post-logout URI with `state` (§3), or answers with a page: a confirmation form the person must
 * submit in a browser (§2 lets the provider ask; oidc-provider does), or a "signed off" page.
 */
import { CheckCodes, Codes } from '../codes';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Check, Exchange } from '../model';
import { failureFrom, locationOf, quote, responseOf, withoutQuery } from './responses';

export interface EndSessionRequest {
  endpoint: string;
  clientId: string;
  idTokenHint?: string;
  postLogoutRedirectUri?: string;
  /** Only sent with a post-logout URI: it comes back on that redirect (§3). */
  state?: string;
}

export function buildEndSessionRequest(input: EndSessionRequest): HttpRequest {
  const url = new URL(input.endpoint);
  if (input.idTokenHint) url.searchParams.set('id_token_hint', input.idTokenHint);
  if (input.postLogoutRedirectUri) {
    url.searchParams.set('post_logout_redirect_uri', input.postLogoutRedirectUri);
    if (input.state) url.searchParams.set('state', input.state);
  }
  url.searchParams.set('client_id', input.clientId);
  return {
    method: 'GET',
    url: url.href,
    headers: [['accept', 'text/html,application/json']],
    secrets: input.idTokenHint ? [{ variable: 'ID_TOKEN', value: input.idTokenHint }] : [],
  };
}

export type EndSessionResult =
  | { outcome: 'redirected'; location: string; checks: Check[] }
  /** A page: `confirm` when it holds a form the person must submit in a browser. */
  | { outcome: 'page'; confirm: boolean; title?: string };

export function readEndSessionResponse(exchange: Exchange, expected: { postLogoutRedirectUri?: string; state?: string }): EndSessionResult {
  const response = responseOf(exchange);
  if ([301, 302, 303, 307, 308].includes(response.status)) {
    const { location, url } = locationOf(exchange, 'the end-session response');
    const checks: Check[] = [];
    const target = expected.postLogoutRedirectUri;
    if (target) {
      if (withoutQuery(url.href) !== withoutQuery(new URL(target).href)) {
        throw new FlowError(
          Codes.SIGNOFF_ELSEWHERE,
          `The provider sent the browser to ${quote(withoutQuery(location))}, not to the post-logout URI ${target}.`,
          'Register the post-logout redirect URI on the application exactly as the profile sends it (postLogoutRedirectUri).',
          { detail: { location } },
        );
      }
      checks.push({ code: CheckCodes.REDIRECT_URI, name: 'Redirect URI', status: 'passed', detail: `redirects to ${target}` });
      if (expected.state !== undefined) {
        const state = url.searchParams.get('state');
        checks.push(
          state === expected.state
            ? { code: CheckCodes.STATE, name: 'State', status: 'passed', detail: 'state matches the one sent to the end-session endpoint' }
            : { code: CheckCodes.STATE, name: 'State', status: 'failed', detail: `the post-logout redirect carries ${state === null ? 'no state' : `state ${quote(state)}`}, not ${expected.state}` },
        );
      }
    }
    return { outcome: 'redirected', location, checks };
  }
  if (response.status === 200 && !response.json) {
    const title = /<title>([^<]*)<\/title>/i.exec(response.body)?.[1]?.trim();
    return { outcome: 'page', confirm: /<form[\s>]/i.test(response.body), ...(title ? { title } : {}) };
  }
  throw failureFrom(response, 'the end-session response', 'Check the post-logout redirect URI (registered on the application?) and the id_token_hint.');
}
