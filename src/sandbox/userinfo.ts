/**
 * `/as/userinfo` (OIDC Core §5.3): a bearer access token in the Authorization header, or as the
 * `access_token` form parameter of a POST (RFC 6750 §2.2), answers the user's claims for its scopes.
 */
import type { SandboxContext } from './context';
import { oauthError, type OAuthErrorCode } from './errors';
import { json, mediaType, type Reply, type SandboxRequest } from './http';
import { userClaims, verifyAccessToken } from './tokens';

export async function handleUserinfo(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const token = bearerToken(req);
  if (token === undefined) {
    // RFC 6750 §3.1: a request with no credentials gets a bare challenge, without an error code.
    return { status: 401, headers: { 'WWW-Authenticate': `Bearer realm="${ctx.endpoints.issuer}"`, 'Cache-Control': 'no-store' }, body: '' };
  }
  const verified = await verifyAccessToken(ctx, token);
  if (!verified.ok) return bearerError(401, 'invalid_token', verified.reason);
  const scopes = String(verified.payload.scope ?? '').split(' ');
  if (!scopes.includes('openid')) return bearerError(403, 'insufficient_scope', 'The access token was not granted the openid scope.');
  const user = ctx.users.find((candidate) => candidate.id === verified.payload.sub);
  if (!user) return bearerError(401, 'invalid_token', 'The token\'s user no longer exists.');
  return json(200, { sub: user.id, ...userClaims(user, scopes), env: ctx.envId, org: ctx.orgId }, { 'Cache-Control': 'no-store' });
}

function bearerToken(req: SandboxRequest): string | undefined {
  const header = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (header) return header[1];
  if (req.method === 'POST' && mediaType(req.headers['content-type']) === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(req.body).get('access_token') ?? undefined;
  }
  return undefined;
}

/** RFC 6750 §3: the error travels in the challenge; the JSON body repeats it for readers. */
function bearerError(status: number, error: OAuthErrorCode, description: string): Reply {
  const challenge = `Bearer error="${error}", error_description="${description.replace(/["\\]/g, "'")}"`;
  return json(status, oauthError(error, description), { 'WWW-Authenticate': challenge, 'Cache-Control': 'no-store' });
}
