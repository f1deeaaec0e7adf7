/**
 * A PingOne-shaped authorization server that is not our sandbox: a real, certified OpenID Provider
 * (panva's oidc-provider) behind the PingOne paths the engine calls (docs/pingone.md "Paths"), on loopback.
 *
 *   /{envId}/as/authorize            → oidc-provider's authorization endpoint (route `/authorize`)
 *   /{envId}/signon/?flowId={uid}    ← where its interaction redirect points (never requested)
 *   /{envId}/flows/{uid}  GET        → a PingOne flow built from the interaction
 *   /{envId}/flows/{uid}  POST       → usernamePassword.check: login + consent via interactionResult
 *   /{envId}/as/resume?flowId={uid}  → oidc-provider's resume route (`/authorize/{uid}`)
 *   /{envId}/as/token, /jwks, /userinfo → oidc-provider's own endpoints
 *
 * Everything OAuth and OIDC — client authentication, PKCE, codes, RS256 ID tokens, userinfo — is
 * oidc-provider's. The facade only renames paths and speaks the flows API; it holds no protocol logic.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { Provider } from 'oidc-provider';
import type { ClientMetadata, Interaction } from 'oidc-provider';

export interface FacadeClient {
  clientId: string;
  clientSecret?: string;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface PingOneFacade {
  /** `http://127.0.0.1:{port}`: a profile's custom authPath. */
  authPath: string;
  envId: string;
  /** `{authPath}/{envId}/as`, oidc-provider's issuer. */
  issuer: string;
  redirectUri: string;
  clients: Record<FacadeClient['method'], FacadeClient>;
  user: { username: string; password: string; sub: string };
  /** Errors oidc-provider reported as server_error, so a test can show them instead of a bare 500. */
  serverErrors: Error[];
  close(): Promise<void>;
}

const USERNAME_PASSWORD_CHECK = 'application/vnd.pingidentity.usernamePassword.check+json';

export interface FacadeOptions {
  /**
   * Clients may use the refresh_token grant: every code exchange then returns a refresh token, and
   * every refresh a new one (rotation). Off by default, as PingOne applications start.
   */
  refreshTokens?: boolean;
}

export async function startPingOneFacade(options: FacadeOptions = {}): Promise<PingOneFacade> {
  const envId = randomUUID();
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const authPath = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${authPath}/${envId}/as`;
  const redirectUri = 'https://app.example.test/callback';
  const user = { username: 'ada', password: randomBytes(9).toString('base64url'), sub: randomUUID() };
  const clients: PingOneFacade['clients'] = {
    client_secret_basic: { clientId: 'basic-app', clientSecret: randomBytes(24).toString('base64url'), method: 'client_secret_basic' },
    client_secret_post: { clientId: 'post-app', clientSecret: randomBytes(24).toString('base64url'), method: 'client_secret_post' },
    none: { clientId: 'public-app', method: 'none' },
  };

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(6).toString('hex'), alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: Object.values(clients).map(
      (c): ClientMetadata => ({
        client_id: c.clientId,
        ...(c.clientSecret ? { client_secret: c.clientSecret } : {}),
        token_endpoint_auth_method: c.method,
        redirect_uris: [redirectUri],
        ...(options.refreshTokens ? { grant_types: ['authorization_code', 'refresh_token'] } : {}),
      }),
    ),
    ...(options.refreshTokens
      ? {
          // Without offline_access too (oidc-provider's default asks for it), and a new one on every use.
          issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(grant: string): boolean }) => client.grantTypeAllowed('refresh_token'),
          rotateRefreshToken: true,
        }
      : {}),
    jwks: { keys: [signingKey] },
    // SameSite=None on the session cookie, as PingOne sets ST (docs/pingone.md §1); oidc-provider requires it
    // with POST authorize. Not Secure: over plain-http loopback a correct jar would drop a Secure cookie.
    cookies: { keys: [randomBytes(32).toString('base64url')], long: { httpOnly: true, sameSite: 'none' } },
    // PingOne's names under /as; resume is derived from authorization (`/authorize/:uid`).
    routes: { authorization: '/authorize', token: '/token', jwks: '/jwks', userinfo: '/userinfo', end_session: '/signoff' },
    // Where PingOne would send the browser: its hosted sign-on page, carrying the flow id.
    interactions: { url: (_ctx, interaction) => `/${envId}/signon/?flowId=${interaction.uid}` },
    claims: { openid: ['sub'], profile: ['preferred_username', 'given_name', 'family_name'], email: ['email'] },
    findAccount: (_ctx, sub) =>
      sub === user.sub
        ? { accountId: sub, claims: () => ({ sub, preferred_username: user.username, given_name: 'Ada', family_name: 'Lovelace', email: 'ada@example.test' }) }
        : undefined,
    features: { devInteractions: { enabled: false } },
    // PingOne takes the authorize parameters as a POST form too (docs/pingone.md §1); oidc-provider only when asked.
    enableHttpPostMethods: true,
    // Lifetimes in seconds, set so oidc-provider does not fall back to its defaults (and say so on stdout).
    ttl: { Interaction: 900, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 3600, IdToken: 3600, RefreshToken: 86_400 },
  });
  const serverErrors: Error[] = [];
  provider.on('server_error', (_ctx, error) => serverErrors.push(error));
  const oidc = provider.callback();

  const prefix = `/${envId}`;
  server.on('request', (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    scopeCookiesToEnvironment(res, prefix);
    const url = new URL(req.url ?? '/', authPath);
    const flow = url.pathname.startsWith(`${prefix}/flows/`) ? decodeURIComponent(url.pathname.slice(`${prefix}/flows/`.length)) : undefined;
    if (flow !== undefined) {
      flowsApi(req, res, flow).catch((error: Error) => {
        serverErrors.push(error);
        if (!res.headersSent) sendJson(res, 500, { code: 'UNEXPECTED_ERROR', message: error.message });
        else res.destroy();
      });
      return;
    }
    if (url.pathname === `${prefix}/as/resume`) {
      // PingOne's resume is oidc-provider's resume route for the same interaction.
      url.pathname = `${prefix}/as/authorize/${encodeURIComponent(url.searchParams.get('flowId') ?? '')}`;
      url.search = '';
    }
    if (!url.pathname.startsWith(`${prefix}/as/`)) {
      sendJson(res, 404, { code: 'NOT_FOUND', message: `No route for ${url.pathname}.` });
      return;
    }
    // The connect mounting convention: oidc-provider routes on req.url and builds its own URLs
    // (returnTo, cookie paths) from the prefix that originalUrl adds.
    req.originalUrl = `${url.pathname}${url.search}`;
    req.url = req.originalUrl.slice(`${prefix}/as`.length);
    oidc(req, res);
  });

  async function flowsApi(req: IncomingMessage, res: ServerResponse, flowId: string): Promise<void> {
    const interaction = await provider.Interaction.find(flowId);
    if (!interaction) {
      sendJson(res, 404, { code: 'NOT_FOUND', message: `The flow ${flowId} was not found or has expired.` });
      return;
    }
    if (req.method === 'GET') {
      sendJson(res, 200, flowResource(interaction, 'USERNAME_PASSWORD_REQUIRED'));
      return;
    }
    if (req.method !== 'POST' || req.headers['content-type'] !== USERNAME_PASSWORD_CHECK) {
      sendJson(res, 415, { code: 'INVALID_REQUEST', message: `Expected POST with Content-Type ${USERNAME_PASSWORD_CHECK}.` });
      return;
    }
    let body: { username?: unknown; password?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      sendJson(res, 400, { code: 'INVALID_DATA', message: 'The request body is not JSON.' });
      return;
    }
    if (body.username !== user.username || body.password !== user.password) {
      // docs/pingone.md §6: the platform error shape, detail INVALID_CREDENTIALS.
      sendJson(res, 400, {
        id: randomUUID(),
        code: 'INVALID_DATA',
        message: 'The request could not be completed. One or more validation errors were in the request.',
        details: [{ code: 'INVALID_CREDENTIALS', target: 'password', message: 'The provided password did not match provisioned password', innerError: { remainingAttempts: 4 } }],
      });
      return;
    }
    // interactionDetails finds the interaction by its `_interaction` cookie, not by the URL: that the
    // two agree shows the cookie set on authorize reached the flows API.
    const fromCookie = await provider.interactionDetails(req, res);
    if (fromCookie.uid !== flowId) {
      sendJson(res, 400, { code: 'INVALID_DATA', message: 'The session cookie belongs to another flow.' });
      return;
    }
    const clientId = String(interaction.params.client_id);
    const grant = new provider.Grant({ accountId: user.sub, clientId });
    grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await provider.interactionResult(req, res, { login: { accountId: user.sub, amr: ['pwd'] }, consent: { grantId } });
    sendJson(res, 200, {
      ...flowResource(interaction, 'COMPLETED'),
      session: { id: randomUUID() },
      _embedded: { user: { id: user.sub, username: user.username, name: { given: 'Ada', family: 'Lovelace' } }, application: { name: clientId } },
    });
  }

  function flowResource(interaction: Interaction, status: string): Record<string, unknown> {
    const self = `${authPath}${prefix}/flows/${interaction.uid}`;
    return {
      id: interaction.uid,
      environment: { id: envId },
      status,
      resumeUrl: `${issuer}/resume?flowId=${interaction.uid}`,
      createdAt: new Date(interaction.iat * 1000).toISOString(),
      expiresAt: new Date(interaction.exp * 1000).toISOString(),
      _links: {
        self: { href: self },
        ...(status === 'USERNAME_PASSWORD_REQUIRED' ? { 'usernamePassword.check': { href: self } } : {}),
      },
      _embedded: { application: { name: String(interaction.params.client_id) } },
    };
  }

  return {
    authPath,
    envId,
    issuer,
    redirectUri,
    clients,
    user,
    serverErrors,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * oidc-provider scopes each cookie to its own URL: `_interaction` to the interaction page
 * (/{envId}/signon/), `_interaction_resume` to /{envId}/as/authorize/{uid}. The engine calls the
 * PingOne URLs instead (/{envId}/flows/…, /{envId}/as/resume), and an RFC 6265 cookie jar rightly
 * withholds a cookie whose Path does not match (§5.1.4). PingOne itself sets its session cookies with
 * `Path=/{envId}` (docs/pingone.md §1), so every cookie is re-scoped to that, including the clearing ones.
 */
function scopeCookiesToEnvironment(res: ServerResponse, prefix: string): void {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) => {
    if (name.toLowerCase() !== 'set-cookie') return setHeader(name, value);
    const cookies = (Array.isArray(value) ? value : [String(value)]) as string[];
    return setHeader(name, cookies.map((cookie) => cookie.replace(/;\s*path=[^;]*/i, `; path=${prefix}`)));
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
