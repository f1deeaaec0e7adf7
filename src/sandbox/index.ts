/**
 * The embedded PingOne sandbox: a local, in-memory PingOne environment that behaves as PingOne's
 * documented API does, so anyone can run a flow with no PingOne account and the engine's
 * tests have a real server to talk to. See seed.ts for the users and their passwords.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Profile, Secrets } from '../core/profile';
import type { SandboxContext, SandboxState } from './context';
import { approveByUserCode, denyByUserCode } from './device-verification';
import { defaultKeyCacheDir, loadSandboxKeys } from './key-cache';
import { sandboxProfiles } from './profiles';
import { DEMO_USER, seedApps, seedUsers, type MutualTlsApps, type SandboxApp, type SandboxUser } from './seed';
import { declaresTooLarge } from './http';
import { sandboxEndpoints } from './paths';
import { requestListener } from './server';
import { ExpiringMap } from './store';

export type { SandboxApp, SandboxUser } from './seed';

/** The sandbox's environment id; fixed so profiles stay valid across restarts. */
export const SANDBOX_ENV_ID = '5a4db0f8-7c2e-4e43-9d6b-1f0a2c3e4b5d';
/** The organization id in tokens' `org` claim. */
export const SANDBOX_ORG_ID = '0c9f3e27-41d8-4b6a-a2f5-7e8d9c0b1a23';

export interface SandboxOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * The host name clients reach it by when that is not the address it listens on: an internal name
   * that only a proxy or gateway maps to this port. Every URL it writes (issuer, endpoints, redirects,
   * profiles) uses it, with the listening port. Default: the listening address.
   */
  publicHost?: string;
  /** Milliseconds clock, injectable so tests can expire flows, codes and lockouts. Default Date.now. */
  now?: () => number;
  /** A flow expires this long after its last interaction. Default 15 minutes (docs/pingone.md §2). */
  flowTtlMs?: number;
  /** Wrong passwords before PASSWORD_LOCKED_OUT. Default 5. */
  lockoutThreshold?: number;
  /** Listen with TLS (an https URL) with this certificate, instead of plain http. */
  tls?: SandboxTls;
  /**
   * Device authorization grant timing in seconds, as /as/device_authorization answers it: `expiresIn`
   * (default 600) and the polling `interval` (default 5), docs/pingone.md §5.
   */
  device?: { expiresIn?: number; interval?: number };
  /**
   * The directory the sandbox's RSA key pairs are kept in between starts (see key-cache.ts). Default
   * {@link defaultKeyCacheDir}: $XDG_CACHE_HOME/auth-flow-explorer, else ~/.cache/auth-flow-explorer.
   * `false`: new keys for this sandbox alone, nothing read or written.
   */
  keyCache?: string | false;
}

export interface SandboxTls {
  /** PEM. */
  key: string;
  /** PEM, with any intermediates after it. */
  cert: string;
  /**
   * Ask for TLS client certificates (RFC 8705), registering the mutual TLS apps: `ca` verifies the
   * certificates of the tls_client_auth app, which must carry `subjectDn`.
   */
  clientAuth?: MutualTlsApps & { ca?: string };
}

export interface Sandbox {
  /** The authPath, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  envId: string;
  /** `${url}/${envId}/as` */
  issuer: string;
  demoUser: { username: string; password: string };
  users: readonly SandboxUser[];
  apps: readonly SandboxApp[];
  /** One ready-to-run profile per seeded app, with the secrets it needs. */
  profiles(): Array<{ profile: Profile; secrets: Secrets }>;
  /**
   * Approves the pending device authorization with this user code (RFC 8628 §3.3), as `username`
   * (default the demo user) would on the verification page after signing on. The code is matched as
   * a person types it: case, dashes and spaces do not matter. Throws if no pending authorization has
   * the code (mistyped, expired or already decided) or the user does not exist.
   */
  approveDevice(userCode: string, username?: string): void;
  /** Denies the pending device authorization with this user code; throws as {@link approveDevice} does. */
  denyDevice(userCode: string): void;
  /** Closes the server and all sockets promptly. */
  close(): Promise<void>;
}

/** The sandbox could not listen where it was asked to; `code` is the system's (EADDRINUSE…). */
export class SandboxListenError extends Error {
  override name = 'SandboxListenError';
  constructor(
    message: string,
    readonly code: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): SandboxListenError {
  const where = `Port ${port} on ${host}`;
  const messages: Record<string, string> = {
    EADDRINUSE: `${where} is already in use.`,
    EACCES: `${where} needs privileges this process does not have.`,
    EADDRNOTAVAIL: `${host} is not an address of this machine.`,
  };
  return new SandboxListenError(messages[error.code ?? ''] ?? `${where} could not be opened: ${error.message}`, error.code ?? 'UNKNOWN', { cause: error });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;

  const clientAuth = options.tls?.clientAuth;
  // A certificate is asked for but not required: the other apps' clients connect without one, and a
  // missing or unknown certificate is the token endpoint's invalid_client, as RFC 8705 §2 has it.
  // node:https (and with it node:tls) is loaded only for a sandbox that serves TLS; the demo's does not.
  const server = options.tls
    ? (await import('node:https')).createServer({ key: options.tls.key, cert: options.tls.cert, requestTimeout: 30_000, ...(clientAuth ? { requestCert: true, rejectUnauthorized: false, ...(clientAuth.ca ? { ca: clientAuth.ca } : {}) } : {}) })
    : createServer({ requestTimeout: 30_000 });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const [listenHost, listenPort] = [options.host ?? '127.0.0.1', options.port ?? 0];
  // The keys are read (or, with no cache, generated on other threads) while the server starts listening.
  const [{ signingKey, clientKeys }] = await Promise.all([
    loadSandboxKeys(options.keyCache ?? defaultKeyCacheDir()),
    new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, listenHost, listenPort));
      server.once('error', onError);
      server.listen(listenPort, listenHost, () => {
        server.off('error', onError);
        resolve();
      });
    }),
  ]).catch((error: unknown) => {
    server.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const host = options.publicHost ?? (address.family === 'IPv6' ? `[${address.address}]` : address.address);
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;

  const endpoints = sandboxEndpoints(url, SANDBOX_ENV_ID);
  const state: SandboxState = {
    flows: new ExpiringMap(now),
    sessions: new ExpiringMap(now),
    codes: new ExpiringMap(now),
    refreshTokens: new ExpiringMap(now),
    accessTokens: new ExpiringMap(now),
    revokedGrants: new ExpiringMap(now),
    deviceAuthorizations: new ExpiringMap(now),
    userCodes: new ExpiringMap(now),
    pushedRequests: new ExpiringMap(now),
    assertionIds: new ExpiringMap(now),
    lockouts: new ExpiringMap(now),
  };
  const ctx: SandboxContext = {
    url,
    envId: SANDBOX_ENV_ID,
    orgId: SANDBOX_ORG_ID,
    endpoints,
    now,
    flowTtlMs: options.flowTtlMs ?? 15 * 60 * 1000,
    lockoutThreshold: options.lockoutThreshold ?? 5,
    device: { expiresIn: options.device?.expiresIn ?? 600, interval: options.device?.interval ?? 5 },
    signingKey,
    users: seedUsers(),
    apps: seedApps(endpoints.callback, clientKeys, clientAuth),
    state,
  };
  const listener = requestListener(ctx);
  server.on('request', listener);
  // RFC 9110 §10.1.1: a body announced too large gets its 413 instead of 100 Continue, so the client
  // need not send it at all.
  server.on('checkContinue', (req, res) => {
    if (!declaresTooLarge(req)) res.writeContinue();
    listener(req, res);
  });

  return {
    url,
    envId: SANDBOX_ENV_ID,
    issuer: endpoints.issuer,
    demoUser: { ...DEMO_USER },
    users: ctx.users,
    apps: ctx.apps,
    profiles: () => sandboxProfiles(url, SANDBOX_ENV_ID, endpoints, ctx.apps),
    approveDevice: (userCode, username = DEMO_USER.username) => approveByUserCode(ctx, userCode, username),
    denyDevice: (userCode) => denyByUserCode(ctx, userCode),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Kept-alive sockets would hold close() open for seconds; end them now.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
