/**
 * `/as/resume?flowId=` (docs/pingone.md §3): turns a COMPLETED flow into an authorization code, delivered
 * as the authorize request asked (302 to the redirect_uri, or JSON for pi.flow). The request must
 * carry the `ST` cookie of the flow's session: the flow id alone never yields a code.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { authorizationError, redirectResponse } from './authorization-response';
import type { SandboxContext } from './context';
import { oauthError, platformError } from './errors';
import { carriesSessionCookie } from './flows-api';
import { json, type Reply, type SandboxRequest } from './http';
import { SESSION_COOKIE, SESSION_COOKIE_NO_SAMESITE } from './session';

/** Codes are short-lived (RFC 6749 §4.1.2 recommends at most 10 minutes; the sandbox uses 60 s). */
export const CODE_TTL_MS = 60 * 1000;

export function handleResume(ctx: SandboxContext, req: SandboxRequest): Reply {
  const flowId = req.url.searchParams.get('flowId');
  const flow = flowId ? ctx.state.flows.get(flowId) : undefined;
  // A device flow ends with the person's decision on the verification page; it has nothing to resume.
  if (flow?.purpose.kind !== 'authorize') return platformError(404, 'NOT_FOUND', 'No authorize flow has this id, or it has expired.');
  const target = flow.purpose.request;

  if (!req.cookies.has(SESSION_COOKIE) && !req.cookies.has(SESSION_COOKIE_NO_SAMESITE)) {
    return authorizationError(oauthError('login_required', 'The resume request carries no ST session cookie; send the cookies set by authorize and the flow.'), target);
  }
  if (!carriesSessionCookie(req, flow)) {
    return authorizationError(oauthError('access_denied', 'The ST cookie belongs to a different session than the one this flow signed on.'), target);
  }
  const session = ctx.state.sessions.get(flow.sessionToken);
  if (flow.status !== 'COMPLETED' || !flow.user || session?.user !== flow.user || session.authTime === undefined) {
    return authorizationError(oauthError('login_required', `The flow is ${flow.status}, not COMPLETED, or its session has ended.`), target);
  }

  const code = randomBytes(32).toString('base64url');
  ctx.state.codes.set(
    code,
    { request: target, sessionId: session.id, user: flow.user, authTime: session.authTime, amr: flow.amr, grantId: randomUUID(), used: false },
    CODE_TTL_MS,
  );
  ctx.state.flows.delete(flow.id);
  if (target.responseMode === 'pi.flow') {
    return json(200, { id: flow.id, status: 'COMPLETED', authorizeResponse: { code, ...(target.state !== undefined ? { state: target.state } : {}) } }, { 'Cache-Control': 'no-store' });
  }
  return redirectResponse(target, { code });
}
