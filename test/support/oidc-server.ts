/**
 * A generic OpenID Provider on loopback: panva's oidc-provider v9 used directly, configured the way
 * someone else's server would be, so the engine can be tested knowing only an issuer URL and client
 * credentials (OpenID Connect Discovery 1.0 §4, RFC 8414 §3).
 *
 *   {origin}/tenant-a/oidc                                   the issuer; oidc-provider mounted under it
 *   {issuer}/.well-known/openid-configuration                discovery (oidc-provider's own route)
 *   {origin}/.well-known/oauth-authorization-server/tenant-a/oidc
 *                                                            RFC 8414 §3.1's path form: oidc-provider only
 *                                                            serves the OIDC form, so this path is rewritten
 *                                                            to it and the same metadata comes back
 *   {issuer}/interaction/{uid}[/login|/confirm]              the login and consent pages served here
 *   {issuer}/device                                          RFC 8628 §3.3 user-code page (oidc-provider's,
 *                                                            with the HTML sources below)
 *
 * Every protocol rule — client authentication, PKCE, DPoP (RFC 9449), PAR (RFC 9126), resource
 * indicators (RFC 8707), device flow, refresh token rotation, introspection (RFC 7662), revocation
 * (RFC 7009), RP-initiated logout — is oidc-provider's; this module holds only configuration and pages.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { Provider, errors } from 'oidc-provider';
import type { ClientMetadata, Interaction } from 'oidc-provider';
import { escapeHtml } from '../../src/sandbox/html';

export type OidcClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

export interface OidcServerClient {
  clientId: string;
  method: OidcClientAuthMethod;
  /** client_secret_basic, client_secret_post, client_secret_jwt (the HS256 key). */
  clientSecret?: string;
  /** private_key_jwt: PKCS#8 PEM of the RS256 key whose public half is registered (no `kid`). */
  privateKeyPem?: string;
}

export interface OidcServerUser {
  username: string;
  password: string;
  sub: string;
  name: string;
  email: string;
}

export interface OidcServerOptions {
  /** Seconds a device code lives: `expires_in` of the device authorization response (RFC 8628 §3.2). Default 600. */
  deviceCodeTTL?: number;
}

export interface OidcServer {
  /** `http://127.0.0.1:{port}/tenant-a/oidc` */
  issuer: string;
  /** RFC 8414 §3.1: `http://127.0.0.1:{port}/.well-known/oauth-authorization-server/tenant-a/oidc`. */
  authorizationServerMetadataUrl: string;
  /** A port that was free when the server started, for the client under test's loopback listener. */
  redirectPort: number;
  /** `http://127.0.0.1:{redirectPort}/callback`, registered for every client. */
  redirectUri: string;
  /** `http://127.0.0.1:{redirectPort}/signed-out`, registered for every client. */
  postLogoutRedirectUri: string;
  clients: Record<OidcClientAuthMethod, OidcServerClient>;
  /** client_secret_basic, and registered with require_pushed_authorization_requests (RFC 9126 §6). */
  parClient: OidcServerClient;
  /** A resource indicator (RFC 8707): access tokens issued for it are JWTs (RFC 9068) with `aud` = it. */
  apiResource: string;
  /** The one scope `apiResource` knows. */
  apiScope: string;
  user: OidcServerUser;
  /** Errors oidc-provider reported as server_error, and any the pages here threw. */
  serverErrors: Error[];
  close(): Promise<void>;
}

const TENANT_PATH = '/tenant-a/oidc';
const RFC8414_PATH = `/.well-known/oauth-authorization-server${TENANT_PATH}`;
const INTERACTION_PATH = new RegExp(`^${TENANT_PATH}/interaction/([^/]+)(?:/(login|confirm))?$`);
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The part of oidc-provider's Koa context its HTML source callbacks use. */
interface PageContext {
  body: unknown;
  type: string;
}

export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${TENANT_PATH}`;
  const redirectPort = await freePort();
  const redirectUri = `http://127.0.0.1:${redirectPort}/callback`;
  const postLogoutRedirectUri = `http://127.0.0.1:${redirectPort}/signed-out`;
  const apiResource = 'https://api.tenant-a.example/';
  const apiScope = 'api:read';
  const user: OidcServerUser = {
    username: 'grace',
    password: randomBytes(9).toString('base64url'),
    sub: randomUUID(),
    name: 'Grace Hopper',
    email: 'grace@tenant-a.example',
  };

  const [signing, clientKey] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
  ]);
  const signingKey = { ...(await exportJWK(signing.privateKey)), kid: randomBytes(6).toString('hex'), alg: 'RS256', use: 'sig' };
  const clientPublicJwk = { ...(await exportJWK(clientKey.publicKey)), alg: 'RS256', use: 'sig' };

  const secret = () => randomBytes(32).toString('base64url');
  const clients: OidcServer['clients'] = {
    client_secret_basic: { clientId: 'basic-client', method: 'client_secret_basic', clientSecret: secret() },
    client_secret_post: { clientId: 'post-client', method: 'client_secret_post', clientSecret: secret() },
    client_secret_jwt: { clientId: 'secret-jwt-client', method: 'client_secret_jwt', clientSecret: secret() },
    private_key_jwt: { clientId: 'private-key-jwt-client', method: 'private_key_jwt', privateKeyPem: await exportPKCS8(clientKey.privateKey) },
    none: { clientId: 'public-client', method: 'none' },
  };
  const parClient: OidcServerClient = { clientId: 'par-client', method: 'client_secret_basic', clientSecret: secret() };

  const registration = (client: OidcServerClient): ClientMetadata => ({
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(client.method === 'private_key_jwt' ? { jwks: { keys: [clientPublicJwk] } } : {}),
    token_endpoint_auth_method: client.method,
    grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT, ...(client.method === 'none' ? [] : ['client_credentials'])],
    response_types: ['code'],
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutRedirectUri],
  });

  const provider = new Provider(issuer, {
    clients: [...Object.values(clients).map(registration), { ...registration(parClient), require_pushed_authorization_requests: true }],
    jwks: { keys: [signingKey] },
    // Authorization code only, as a current deployment offers (no implicit or hybrid responses).
    responseTypes: ['code'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    findAccount: (_ctx, sub) =>
      sub === user.sub
        ? {
            accountId: sub,
            claims: () => ({
              sub,
              name: user.name,
              given_name: 'Grace',
              family_name: 'Hopper',
              preferred_username: user.username,
              email: user.email,
              email_verified: true,
            }),
          }
        : undefined,
    interactions: { url: (_ctx, interaction) => `${TENANT_PATH}/interaction/${interaction.uid}` },
    // A refresh token whenever the client may use the grant, offline_access or not (oidc-provider's
    // default wants offline_access, which it only keeps with prompt=consent); a new one on every use.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(grant: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: ownTokensOnly },
      revocation: { enabled: true, allowedPolicy: ownTokensOnly },
      userinfo: { enabled: true },
      deviceFlow: { enabled: true, userCodeInputSource, userCodeConfirmSource, successSource: deviceSuccessSource },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      // A server nonce on every DPoP proof (RFC 9449 §8): the first proof without one is answered
      // `use_dpop_nonce` with a DPoP-Nonce header.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        // Without a `resource` parameter tokens are for userinfo, opaque (oidc-provider's default).
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== apiResource) throw new errors.InvalidTarget(`unknown resource ${resource}`);
          return { scope: apiScope, audience: apiResource, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    renderError,
    // Lifetimes in seconds, all set so oidc-provider does not fall back to its defaults (and say so on stdout).
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      DeviceCode: options.deviceCodeTTL ?? 600,
      IdToken: 3600,
      Interaction: 900,
      RefreshToken: 86_400,
      Session: 3600,
      Grant: 86_400,
    },
  });
  const serverErrors: Error[] = [];
  provider.on('server_error', (_ctx, error) => serverErrors.push(error));
  const oidc = provider.callback();

  server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === RFC8414_PATH) url.pathname = `${TENANT_PATH}/.well-known/openid-configuration`;
    const interaction = INTERACTION_PATH.exec(url.pathname);
    if (interaction) {
      interactionPage(req, res, decodeURIComponent(interaction[1]!), interaction[2]).catch((error: Error & { statusCode?: number }) => {
        const status = error.statusCode ?? 500;
        if (status >= 500) serverErrors.push(error);
        if (!res.headersSent) sendHtml(res, status, 'Sign-in error', `<p class="error">${escapeHtml(error.message)}</p>`);
        else res.destroy();
      });
      return;
    }
    if (!url.pathname.startsWith(`${TENANT_PATH}/`)) {
      sendHtml(res, 404, 'Not found', `<p>No route for ${escapeHtml(url.pathname)}.</p>`);
      return;
    }
    // The connect mounting convention: oidc-provider routes on req.url and builds its own URLs
    // (endpoints, returnTo, cookie paths) from the prefix that originalUrl adds.
    req.originalUrl = `${url.pathname}${url.search}`;
    req.url = req.originalUrl.slice(TENANT_PATH.length);
    oidc(req, res);
  });

  /** GET shows the prompt's page; POST /login checks the password, POST /confirm grants what was asked. */
  async function interactionPage(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      sendHtml(res, 400, 'Sign-in error', '<p class="error">This browser is signing in elsewhere; start again from the application.</p>');
      return;
    }
    const base = `${TENANT_PATH}/interaction/${encodeURIComponent(uid)}`;
    if (req.method === 'POST' && action === 'login' && details.prompt.name === 'login') {
      const form = new URLSearchParams(await text(req));
      if (form.get('username') === user.username && form.get('password') === user.password) {
        await provider.interactionFinished(req, res, { login: { accountId: user.sub, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
      } else {
        sendHtml(res, 400, 'Sign in', loginForm(base, 'The username or password is incorrect.'));
      }
      return;
    }
    if (req.method === 'POST' && action === 'confirm' && details.prompt.name === 'consent') {
      await provider.interactionFinished(req, res, { consent: { grantId: await grantFor(details) } });
      return;
    }
    if (req.method !== 'GET' || action !== undefined) {
      sendHtml(res, 405, 'Sign-in error', `<p class="error">That step does not match the ${escapeHtml(details.prompt.name)} prompt.</p>`);
      return;
    }
    if (details.prompt.name === 'login') sendHtml(res, 200, 'Sign in', loginForm(base));
    else sendHtml(res, 200, `Allow ${String(details.params.client_id)}?`, consentForm(base, details));
  }

  /** The interaction's grant (existing or new), with everything the consent prompt found missing. */
  async function grantFor(interaction: Interaction): Promise<string> {
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details;
    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId: user.sub, clientId: String(interaction.params.client_id) });
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
    return grant.save();
  }

  return {
    issuer,
    authorizationServerMetadataUrl: `${origin}${RFC8414_PATH}`,
    redirectPort,
    redirectUri,
    postLogoutRedirectUri,
    clients,
    parClient,
    apiResource,
    apiScope,
    user,
    serverErrors,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Introspection (RFC 7662 §4) and revocation (RFC 7009 §2.1) of a client's own tokens only. */
function ownTokensOnly(_ctx: unknown, client: { clientId: string }, token: { clientId?: string }): boolean {
  return token.clientId === client.clientId;
}

function loginForm(base: string, error?: string): string {
  return (
    (error ? `<p class="error">${escapeHtml(error)}</p>` : '') +
    `<form method="post" action="${base}/login">` +
    '<label>Username <input name="username" autocomplete="username" required></label>' +
    '<label>Password <input name="password" type="password" autocomplete="current-password" required></label>' +
    '<button type="submit">Sign in</button></form>'
  );
}

function consentForm(base: string, interaction: Interaction): string {
  const { missingOIDCScope = [], missingResourceScopes = {} } = interaction.prompt.details;
  const asked = [...missingOIDCScope, ...Object.values(missingResourceScopes).flat()];
  return (
    `<p>${escapeHtml(String(interaction.params.client_id))} asks for: ${escapeHtml(asked.join(', ') || 'nothing new')}.</p>` +
    `<form method="post" action="${base}/confirm"><input type="hidden" name="consent" value="yes">` +
    '<button type="submit">Allow</button></form>'
  );
}

// The HTML sources oidc-provider calls for its own pages. `form` is its markup (hidden xsrf, user
// code); the buttons point at it by id.

async function userCodeInputSource(ctx: PageContext, form: string, _out: unknown, error?: Error): Promise<void> {
  const message = error ? `<p class="error">${escapeHtml(error.message)}</p>` : '<p>Enter the code shown on your device.</p>';
  setPage(ctx, 'Enter the code', `${message}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

async function userCodeConfirmSource(ctx: PageContext, form: string, client: { clientId: string }, _deviceInfo: unknown, userCode: string): Promise<void> {
  setPage(
    ctx,
    'Confirm the device',
    `<p>${escapeHtml(client.clientId)} shows the code <code>${escapeHtml(userCode)}</code>.</p>${form}` +
      '<button type="submit" form="op.deviceConfirmForm">Continue</button>' +
      '<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>',
  );
}

async function deviceSuccessSource(ctx: PageContext): Promise<void> {
  setPage(ctx, 'Sign-in Success', '<p>The device is signed in; this page can be closed.</p>');
}

async function logoutSource(ctx: PageContext, form: string): Promise<void> {
  setPage(ctx, 'Sign out?', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button><button type="submit" form="op.logoutForm">Stay signed in</button>`);
}

async function postLogoutSuccessSource(ctx: PageContext): Promise<void> {
  setPage(ctx, 'Signed out', '<p>You are signed out.</p>');
}

async function renderError(ctx: PageContext, out: Record<string, string>): Promise<void> {
  setPage(ctx, 'Sign-in error', Object.entries(out).map(([name, value]) => `<p class="error"><b>${escapeHtml(name)}</b>: ${escapeHtml(value)}</p>`).join(''));
}

function document(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function setPage(ctx: PageContext, title: string, body: string): void {
  ctx.type = 'html';
  ctx.body = document(title, body);
}

function sendHtml(res: ServerResponse, status: number, title: string, body: string): void {
  const text = document(title, body);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' }).end(text);
}

/** A loopback port nothing listens on right now (the OS picks it; the probe closes at once). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
