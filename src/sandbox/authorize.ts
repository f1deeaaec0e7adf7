/**
 * `/as/authorize` (GET query or POST form, docs/pingone.md §1). A valid request starts a flow in the
 * browser's session: redirect mode answers 302 to the sign-on page, pi.flow answers the flow as JSON.
 * Both set the session's `ST` cookies.
 */
import { authorizationError } from './authorization-response';
import { validateAuthorizeParams, type AuthorizeValidation } from './authorize-request';
import type { SandboxContext } from './context';
import { oauthError, oauthErrorReply } from './errors';
import { createFlow, sessionSatisfies, signOnPageUrl } from './flow';
import { flowReply } from './flows-api';
import { parseForm, parseParams, redirect, withCookies, type Reply, type SandboxRequest } from './http';
import { takePushedRequest } from './par';
import { createSession, sessionCookies, sessionOf } from './session';

export async function handleAuthorize(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const parsed = req.method === 'POST' ? parseForm(req) : parseParams(req.url.searchParams);
  if (!parsed.ok) return oauthErrorReply(400, oauthError('invalid_request', parsed.description));

  const requestUri = parsed.params.get('request_uri');
  let validation: AuthorizeValidation;
  if (requestUri === undefined) validation = await validateAuthorizeParams(ctx, parsed.params);
  else {
    const pushed = takePushedRequest(ctx, requestUri, parsed.params.get('client_id'));
    // Without the pushed parameters there is no trusted redirect_uri, so the error is JSON.
    if ('error' in pushed) return oauthErrorReply(400, pushed);
    validation = { ok: true, request: pushed };
  }
  if (!validation.ok) return authorizationError(validation.error, validation.redirectTo);
  const request = validation.request;

  const existing = sessionOf(ctx, req);
  // OIDC Core §3.1.2.1: prompt=none must not show a sign-on page; without a usable session it fails.
  if (request.prompt.has('none') && !(existing && sessionSatisfies(ctx, existing, request))) {
    return authorizationError(oauthError('login_required', 'prompt=none was sent but no signed-on session satisfies the request.'), request);
  }
  const session = existing ?? createSession(ctx);
  const flow = createFlow(ctx, { kind: 'authorize', request }, session);
  const reply = request.responseMode === 'pi.flow' ? flowReply(ctx, flow) : redirect(signOnPageUrl(ctx, flow));
  return withCookies(reply, sessionCookies(ctx, session));
}
