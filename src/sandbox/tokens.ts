/**
 * Minting and checking tokens. Access and ID tokens are RS256 JWTs with `kid` (docs/pingone.md §4);
 * refresh tokens are opaque. Every token belongs to a grant (one authorization code, or one
 * client_credentials request), so a replayed code can revoke all of them at once (RFC 6749 §4.1.2).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, base64url, jwtVerify, type JWTPayload } from 'jose';
import type { AccessTokenRecord, SandboxContext, SignOnPolicy } from './context';
import type { SandboxApp, SandboxUser } from './seed';

export const ACCESS_TOKEN_TTL_S = 3600;
export const ID_TOKEN_TTL_S = 3600;
/** Refresh tokens last 30 days (inferred; PingOne's default refresh token duration). */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
/**
 * The access token audience. PingOne's own platform resource is `https://api.pingone.com` (per region);
 * the sandbox uses the North America value for every token, and its userinfo endpoint requires it.
 */
export const ACCESS_TOKEN_AUDIENCE = 'https://api.pingone.com';
/** The region claim PingOne puts in ID tokens; the sandbox poses as North America. */
export const SANDBOX_REGION = 'NA';

/** Who signed on and how; absent for client_credentials, where the client acts for itself. */
export interface Authentication {
  user: SandboxUser;
  sessionId: string;
  authTime: number;
  amr: string[];
  acr: SignOnPolicy;
}

export interface TokenGrant {
  app: SandboxApp;
  grantId: string;
  scopes: string[];
  authentication?: Authentication;
  nonce?: string;
}

/** RFC 6749 §5.1 success body. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token?: string;
  refresh_token?: string;
}

export async function issueTokens(ctx: SandboxContext, grant: TokenGrant): Promise<TokenResponse> {
  const nowS = Math.floor(ctx.now() / 1000);
  const auth = grant.authentication;
  const scope = grant.scopes.join(' ');
  const jti = randomUUID();
  const accessToken = await sign(ctx, {
    client_id: grant.app.id,
    iss: ctx.endpoints.issuer,
    jti,
    iat: nowS,
    exp: nowS + ACCESS_TOKEN_TTL_S,
    aud: [ACCESS_TOKEN_AUDIENCE],
    scope,
    sub: auth ? auth.user.id : grant.app.id,
    ...(auth ? { sid: auth.sessionId, auth_time: Math.floor(auth.authTime / 1000), acr: auth.acr } : {}),
    env: ctx.envId,
    org: ctx.orgId,
  });
  const record: AccessTokenRecord = { clientId: grant.app.id, grantId: grant.grantId };
  ctx.state.accessTokens.set(jti, record, ACCESS_TOKEN_TTL_S * 1000);

  const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S, scope };
  if (auth && grant.scopes.includes('openid')) {
    response.id_token = await sign(ctx, {
      iss: ctx.endpoints.issuer,
      sub: auth.user.id,
      aud: grant.app.id,
      iat: nowS,
      exp: nowS + ID_TOKEN_TTL_S,
      acr: auth.acr,
      amr: auth.amr,
      auth_time: Math.floor(auth.authTime / 1000),
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      sid: auth.sessionId,
      at_hash: atHash(accessToken),
      env: ctx.envId,
      org: ctx.orgId,
      'p1.region': SANDBOX_REGION,
      ...userClaims(auth.user, grant.scopes),
    });
  }
  if (auth && grant.app.grantTypes.includes('refresh_token')) {
    const refreshToken = randomBytes(32).toString('base64url');
    ctx.state.refreshTokens.set(
      refreshToken,
      { clientId: grant.app.id, grantId: grant.grantId, scopes: grant.scopes, ...auth },
      REFRESH_TOKEN_TTL_MS,
    );
    response.refresh_token = refreshToken;
  }
  return response;
}

/** Claims for the granted scopes (OIDC Core §5.4): profile and email. */
export function userClaims(user: SandboxUser, scopes: readonly string[]): Record<string, unknown> {
  return {
    ...(scopes.includes('profile')
      ? { preferred_username: user.username, given_name: user.givenName, family_name: user.familyName, name: `${user.givenName} ${user.familyName}`.trim() }
      : {}),
    ...(scopes.includes('email') ? { email: user.email, email_verified: true } : {}),
  };
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 over the access token's ASCII. */
export function atHash(accessToken: string): string {
  return base64url.encode(createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16));
}

export type VerifiedAccessToken = { ok: true; payload: JWTPayload; record: AccessTokenRecord } | { ok: false; reason: string };

/** A live access token: our signature, our issuer and audience, not expired, not revoked. */
export async function verifyAccessToken(ctx: SandboxContext, token: string): Promise<VerifiedAccessToken> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, ctx.signingKey.publicKey, {
      issuer: ctx.endpoints.issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      algorithms: ['RS256'],
      currentDate: new Date(ctx.now()),
    }));
  } catch (error) {
    return { ok: false, reason: `The access token is invalid: ${(error as Error).message}` };
  }
  const record = payload.jti ? ctx.state.accessTokens.get(payload.jti) : undefined;
  if (!record || ctx.state.revokedGrants.get(record.grantId)) return { ok: false, reason: 'The access token was revoked.' };
  return { ok: true, payload, record };
}

/** Ends every token of a grant: access tokens fail verification, refresh tokens stop refreshing. */
export function revokeGrant(ctx: SandboxContext, grantId: string): void {
  ctx.state.revokedGrants.set(grantId, true, REFRESH_TOKEN_TTL_MS);
}

function sign(ctx: SandboxContext, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: ctx.signingKey.kid, typ: 'JWT' }).sign(ctx.signingKey.privateKey);
}
