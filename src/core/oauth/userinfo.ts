/**
 * Step 6 — userinfo (OIDC Core §5.3): GET with the access token as a Bearer credential (RFC 6750 §2.1),
 * or with the DPoP scheme when the token is DPoP-bound (RFC 9449 §7.1; the session adds the proof).
 * The `sub` must equal the ID token's (§5.3.2), or the answer is about someone else.
 */
import { CHECK_HINTS, CHECK_LABELS, CheckCodes, Codes } from '../codes';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import { headerValue } from '../http';
import type { Check, Exchange } from '../model';
import { authorizationHeader } from './dpop';
import { expectJsonObject, oauthFailure, responseOf } from './responses';

export function buildUserinfoRequest(userinfoEndpoint: string, accessToken: string, tokenType?: string): HttpRequest {
  return {
    method: 'GET',
    url: userinfoEndpoint,
    headers: [authorizationHeader(accessToken, tokenType)],
    secrets: [{ variable: 'ACCESS_TOKEN', value: accessToken }],
  };
}

export function readUserinfoResponse(exchange: Exchange, idTokenSub?: string): { claims: Record<string, unknown>; checks: Check[] } {
  const response = responseOf(exchange);
  if (response.status === 401 || response.status === 403) {
    // RFC 6750 §3 (RFC 9449 §7.1 for DPoP): the error is in WWW-Authenticate, e.g. Bearer error="invalid_token".
    const challenge = headerValue(response.headers, 'www-authenticate') ?? '';
    const error = /error="([^"]+)"/.exec(challenge)?.[1] ?? 'invalid_token';
    const description = /error_description="([^"]+)"/.exec(challenge)?.[1];
    throw oauthFailure({ error, error_description: description }, response.status, { 'www-authenticate': challenge });
  }
  const claims = expectJsonObject(response, 'the userinfo response');
  if (response.status !== 200) {
    throw new FlowError(Codes.HTTP_ERROR, `Userinfo answered ${response.status}.`, 'See the response body.', { detail: claims });
  }
  const checks: Check[] = [];
  if (idTokenSub !== undefined) {
    if (claims.sub !== idTokenSub) {
      throw new FlowError(Codes.SUB_MISMATCH, `Userinfo's sub (${JSON.stringify(claims.sub)}) is not the ID token's (${idTokenSub}).`, CHECK_HINTS[CheckCodes.SUBJECT], { detail: claims });
    }
    checks.push({ code: CheckCodes.SUBJECT, name: CHECK_LABELS[CheckCodes.SUBJECT], status: 'passed', detail: 'sub matches the ID token' });
  }
  return { claims, checks };
}
