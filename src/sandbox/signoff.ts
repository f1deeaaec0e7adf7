/**
 * `/as/signoff` (docs/pingone.md §5; OIDC RP-Initiated Logout 1.0 §2–3): ends the browser's session and its
 * `ST` cookies, then returns to a registered post_logout_redirect_uri with `state`, or shows a page.
 */
import { compactVerify } from 'jose';
import { findApp, type SandboxContext } from './context';
import { oauthError, oauthErrorReply } from './errors';
import { htmlPage } from './html';
import { parseForm, parseParams, redirect, withCookies, type Reply, type SandboxRequest } from './http';
import { clearedSessionCookies, endSession, sessionOf } from './session';

export async function handleSignoff(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const parsed = req.method === 'POST' ? parseForm(req) : parseParams(req.url.searchParams);
  if (!parsed.ok) return oauthErrorReply(400, oauthError('invalid_request', parsed.description));
  const params = parsed.params;

  const postLogout = params.get('post_logout_redirect_uri');
  let target: string | undefined;
  if (postLogout !== undefined) {
    // The URI must be registered for the client named by client_id or by the id_token_hint audience.
    const clientId = params.get('client_id') ?? (await hintAudience(ctx, params.get('id_token_hint')));
    const app = findApp(ctx, clientId);
    if (!app || !app.postLogoutRedirectUris.includes(postLogout)) {
      return oauthErrorReply(400, oauthError('invalid_request', 'post_logout_redirect_uri is not registered for the client named by client_id or id_token_hint.'));
    }
    const state = params.get('state');
    target = state === undefined ? postLogout : `${postLogout}${postLogout.includes('?') ? '&' : '?'}${new URLSearchParams({ state })}`;
  }

  const session = sessionOf(ctx, req);
  if (session) endSession(ctx, session);
  const reply = target ? redirect(target) : htmlPage(200, 'Signed off', '<p>The sandbox session has ended.</p>');
  return withCookies(reply, clearedSessionCookies(ctx));
}

/**
 * The client an id_token_hint was issued to. The signature must be ours; expiry does not matter,
 * since a hint is usually an old token (RP-Initiated Logout §2).
 */
async function hintAudience(ctx: SandboxContext, hint: string | undefined): Promise<string | undefined> {
  if (!hint) return undefined;
  try {
    const { payload } = await compactVerify(hint, ctx.signingKey.publicKey, { algorithms: ['RS256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown; aud?: unknown };
    if (claims.iss !== ctx.endpoints.issuer) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    return typeof aud === 'string' ? aud : undefined;
  } catch {
    return undefined;
  }
}
