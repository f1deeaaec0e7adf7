/**
 * Token introspection (RFC 7662) and revocation (RFC 7009), both behind client authentication.
 * A client only sees and revokes its own tokens; anyone else's answer `active: false` / a silent 200.
 */
import { authenticateClient } from './client-auth';
import type { SandboxContext } from './context';
import { oauthError, oauthErrorReply } from './errors';
import { json, parseForm, type Reply, type SandboxRequest } from './http';
import { revokeGrant, verifyAccessToken } from './tokens';
import type { SandboxApp } from './seed';

type Authenticated = { app: SandboxApp; token: string } | Reply;

async function authenticated(ctx: SandboxContext, req: SandboxRequest, endpoint: string): Promise<Authenticated> {
  const form = parseForm(req);
  if (!form.ok) return oauthErrorReply(400, oauthError('invalid_request', form.description));
  const client = await authenticateClient(ctx, req, form.params, endpoint);
  if (!client.ok) return client.reply;
  const token = form.params.get('token');
  if (!token) return oauthErrorReply(400, oauthError('invalid_request', 'token is required.'));
  return { app: client.app, token };
}

export async function handleIntrospect(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const input = await authenticated(ctx, req, ctx.endpoints.introspect);
  if ('status' in input) return input;
  const noStore = { 'Cache-Control': 'no-store' };
  // token_type_hint is only a hint (RFC 7662 §2.1): try both kinds.
  const refresh = ctx.state.refreshTokens.get(input.token);
  if (refresh) {
    const active = refresh.clientId === input.app.id && !ctx.state.revokedGrants.get(refresh.grantId);
    if (!active) return json(200, { active: false }, noStore);
    const exp = Math.floor(ctx.state.refreshTokens.expiresAt(input.token)! / 1000);
    return json(200, { active: true, token_type: 'refresh_token', client_id: refresh.clientId, sub: refresh.user.id, username: refresh.user.username, scope: refresh.scopes.join(' '), exp, iss: ctx.endpoints.issuer }, noStore);
  }
  const access = await verifyAccessToken(ctx, input.token);
  if (!access.ok || access.record.clientId !== input.app.id) return json(200, { active: false }, noStore);
  return json(200, { active: true, token_type: 'Bearer', ...access.payload }, noStore);
}

export async function handleRevoke(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const input = await authenticated(ctx, req, ctx.endpoints.revoke);
  if ('status' in input) return input;
  const refresh = ctx.state.refreshTokens.get(input.token);
  if (refresh?.clientId === input.app.id) {
    // RFC 7009 §2.1: revoking a refresh token also ends the access tokens of the same grant.
    ctx.state.refreshTokens.delete(input.token);
    revokeGrant(ctx, refresh.grantId);
  } else {
    const access = await verifyAccessToken(ctx, input.token);
    if (access.ok && access.record.clientId === input.app.id) ctx.state.accessTokens.delete(access.payload.jti!);
  }
  // RFC 7009 §2.2: 200 whether or not the token was known.
  return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: '' };
}
