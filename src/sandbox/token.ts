/**
 * `/as/token` (docs/pingone.md §4, RFC 6749 §4.1.3, §4.4, §6, RFC 8628 §3.4). The client authenticates
 * first, by its registered method; then the grant is checked and tokens are issued. Errors are RFC 6749
 * §5.2 JSON.
 */
import { createHash, randomUUID } from 'node:crypto';
import { authenticateClient } from './client-auth';
import type { AuthorizationCode, SandboxContext } from './context';
import { redeemDeviceCode } from './device-authorization';
import { oauthError, oauthErrorReply, type OAuthError } from './errors';
import { json, parseForm, type Reply, type SandboxRequest } from './http';
import { DEVICE_CODE_GRANT, type GrantType, type SandboxApp } from './seed';
import { issueTokens, revokeGrant, type TokenResponse } from './tokens';

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export async function handleToken(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const form = parseForm(req);
  if (!form.ok) return oauthErrorReply(400, oauthError('invalid_request', form.description));
  const params = form.params;
  const client = await authenticateClient(ctx, req, params, ctx.endpoints.token);
  if (!client.ok) return client.reply;
  const app = client.app;

  const grantType = params.get('grant_type');
  if (!grantType) return oauthErrorReply(400, oauthError('invalid_request', 'grant_type is required.'));
  if (!isGrantType(grantType)) return oauthErrorReply(400, oauthError('unsupported_grant_type', `grant_type "${grantType}" is not supported.`));
  if (!app.grantTypes.includes(grantType)) {
    return oauthErrorReply(400, oauthError('unauthorized_client', `This application may not use the ${grantType} grant.`));
  }
  const result = await GRANTS[grantType](ctx, app, params);
  return 'error' in result ? oauthErrorReply(400, result) : json(200, result, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

type GrantHandler = (ctx: SandboxContext, app: SandboxApp, params: ReadonlyMap<string, string>) => Promise<TokenResponse | OAuthError>;

const GRANTS: Record<GrantType, GrantHandler> = {
  authorization_code: async (ctx, app, params) => {
    const code = params.get('code');
    if (!code) return oauthError('invalid_request', 'code is required.');
    const record = ctx.state.codes.get(code);
    if (!record) return oauthError('invalid_grant', 'The code is unknown or expired (codes last 60 s).');
    if (record.used) {
      // RFC 6749 §4.1.2: a code used twice revokes the tokens already issued from it.
      revokeGrant(ctx, record.grantId);
      return oauthError('invalid_grant', 'The code was already used; the tokens issued from it are now revoked.');
    }
    if (record.request.app !== app) return oauthError('invalid_grant', 'The code was issued to another client.');
    record.used = true;
    const problem = redirectUriProblem(record, params.get('redirect_uri')) ?? pkceProblem(record, params.get('code_verifier'));
    if (problem) return oauthError('invalid_grant', problem);
    return issueTokens(ctx, {
      app,
      grantId: record.grantId,
      scopes: record.request.scopes,
      nonce: record.request.nonce,
      authentication: { user: record.user, sessionId: record.sessionId, authTime: record.authTime, amr: record.amr, acr: record.request.policy },
    });
  },

  refresh_token: async (ctx, app, params) => {
    const token = params.get('refresh_token');
    if (!token) return oauthError('invalid_request', 'refresh_token is required.');
    const record = ctx.state.refreshTokens.get(token);
    if (!record || record.clientId !== app.id || ctx.state.revokedGrants.get(record.grantId)) {
      return oauthError('invalid_grant', 'The refresh token is unknown, revoked, expired or issued to another client.');
    }
    const requested = params.get('scope')?.split(' ').filter(Boolean) ?? record.scopes;
    // RFC 6749 §6: a refresh may narrow the scope, never widen it.
    const extra = requested.filter((scope) => !record.scopes.includes(scope));
    if (extra.length) return oauthError('invalid_scope', `The refresh token was not granted ${extra.join(' ')}.`);
    // Rotation: the old refresh token stops working once the new one is issued.
    ctx.state.refreshTokens.delete(token);
    const { user, sessionId, authTime, amr, acr } = record;
    return issueTokens(ctx, { app, grantId: record.grantId, scopes: requested, authentication: { user, sessionId, authTime, amr, acr } });
  },

  client_credentials: async (ctx, app, params) => {
    // The sandbox exposes no API resource of its own, so a client_credentials token carries no scope.
    const scope = params.get('scope');
    if (scope) return oauthError('invalid_scope', 'The sandbox has no API scopes for client_credentials; omit scope.');
    return issueTokens(ctx, { app, grantId: randomUUID(), scopes: [] });
  },

  [DEVICE_CODE_GRANT]: redeemDeviceCode,
};

function isGrantType(value: string): value is GrantType {
  return Object.hasOwn(GRANTS, value);
}

/** RFC 6749 §4.1.3: if authorize carried redirect_uri, the token request repeats it exactly. */
function redirectUriProblem(record: AuthorizationCode, redirectUri: string | undefined): string | undefined {
  const expected = record.request.redirectUriParam;
  if (expected !== undefined && redirectUri !== expected) return `redirect_uri must be "${expected}", as in the authorize request.`;
  if (expected === undefined && redirectUri !== undefined && redirectUri !== record.request.redirectUri) {
    return 'redirect_uri does not match the one the code was issued for.';
  }
  return undefined;
}

/** RFC 7636 §4.6; a verifier without a challenge is refused too, since it means the client lost track. */
function pkceProblem(record: AuthorizationCode, verifier: string | undefined): string | undefined {
  const challenge = record.request.codeChallenge;
  if (!challenge) return verifier === undefined ? undefined : 'code_verifier was sent, but the authorize request had no code_challenge.';
  if (verifier === undefined) return 'code_verifier is required: the authorize request sent a code_challenge.';
  if (!PKCE_VERIFIER.test(verifier)) return 'code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1).';
  const derived = challenge.method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  return derived === challenge.value ? undefined : `code_verifier does not match the code_challenge (${challenge.method}).`;
}
