/**
 * What every handler shares: the environment's addresses, the clock, the keys, the seeded users and
 * apps, and the in-memory state. Built once by `startSandbox`.
 */
import type { Endpoints } from '../core/profile';
import { endpointsOf } from '../core/profile';
import type { SigningKey } from './keys';
import type { SandboxApp, SandboxDevice, SandboxUser } from './seed';
import type { ExpiringMap } from './store';

/** PingOne flow statuses the sandbox uses (docs/pingone.md §2; RECOVERY_CODE_REQUIRED is the sandbox's choice). */
export type FlowStatus =
  | 'USERNAME_PASSWORD_REQUIRED'
  | 'SIGN_ON_REQUIRED'
  | 'PASSWORD_REQUIRED'
  | 'DEVICE_SELECTION_REQUIRED'
  | 'OTP_REQUIRED'
  | 'MUST_CHANGE_PASSWORD'
  | 'RECOVERY_CODE_REQUIRED'
  | 'COMPLETED';

/** `acr_values` names a sign-on policy (docs/pingone.md §1); the default is PingOne's `Single_Factor`. */
export const SIGN_ON_POLICIES = {
  Single_Factor: 'USERNAME_PASSWORD_REQUIRED',
  Identifier_First: 'SIGN_ON_REQUIRED',
} as const satisfies Record<string, FlowStatus>;
export type SignOnPolicy = keyof typeof SIGN_ON_POLICIES;
export const DEFAULT_POLICY: SignOnPolicy = 'Single_Factor';

export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'pi.flow';

/** An authorize request after validation: everything a flow, a code and its tokens are bound to. */
export interface AuthorizeRequest {
  app: SandboxApp;
  /** The redirect_uri parameter as sent; the token request must repeat it (RFC 6749 §4.1.3). */
  redirectUriParam?: string;
  /** Where the response goes: the parameter, or the app's first URI when pi.flow omitted it. */
  redirectUri: string;
  responseMode: ResponseMode;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: { value: string; method: 'S256' | 'plain' };
  prompt: ReadonlySet<string>;
  maxAge?: number;
  policy: SignOnPolicy;
  loginHint?: string;
}

export interface Session {
  id: string;
  /** The `ST` cookie value. */
  token: string;
  user?: SandboxUser;
  authTime?: number;
  amr: string[];
  acr?: SignOnPolicy;
}

export interface Flow {
  id: string;
  request: AuthorizeRequest;
  status: FlowStatus;
  /** The `ST` token of the session this flow signs in; flow calls and resume must carry it. */
  sessionToken: string;
  createdAt: number;
  /** The user being signed on, once identified (user.lookup, a password, or registration). */
  user?: SandboxUser;
  /** The identifier from user.lookup, password.forgot or login_hint. */
  identifier?: string;
  selectedDevice?: SandboxDevice;
  amr: string[];
}

export interface AuthorizationCode {
  request: AuthorizeRequest;
  sessionId: string;
  user: SandboxUser;
  authTime: number;
  amr: string[];
  grantId: string;
  /** Set on first use; a second use revokes the grant (RFC 6749 §4.1.2). */
  used: boolean;
}

export interface RefreshToken {
  clientId: string;
  grantId: string;
  scopes: string[];
  user: SandboxUser;
  sessionId: string;
  authTime: number;
  amr: string[];
  acr: SignOnPolicy;
}

export interface AccessTokenRecord {
  clientId: string;
  grantId: string;
}

export interface SandboxState {
  flows: ExpiringMap<Flow>;
  /** Keyed by the `ST` cookie value. */
  sessions: ExpiringMap<Session>;
  codes: ExpiringMap<AuthorizationCode>;
  refreshTokens: ExpiringMap<RefreshToken>;
  /** Keyed by access token `jti`; a token whose jti is gone was revoked. */
  accessTokens: ExpiringMap<AccessTokenRecord>;
  revokedGrants: ExpiringMap<true>;
  /** PAR requests keyed by request_uri (RFC 9126). */
  pushedRequests: ExpiringMap<AuthorizeRequest>;
  /** Client assertion `jti`s seen, kept until the assertion expires (RFC 7523 §3 item 7). */
  assertionIds: ExpiringMap<true>;
  /** Wrong-password counts and lockouts, keyed by lower-cased username. */
  lockouts: ExpiringMap<{ failures: number; lockedUntil?: number }>;
}

/** The documented endpoints (the client's own table, so both sides agree) plus the sandbox's pages. */
export interface SandboxEndpoints extends Endpoints {
  signOnPage: string;
  callback: string;
}

export interface SandboxContext {
  url: string;
  envId: string;
  orgId: string;
  endpoints: SandboxEndpoints;
  now: () => number;
  flowTtlMs: number;
  lockoutThreshold: number;
  signingKey: SigningKey;
  users: SandboxUser[];
  apps: readonly SandboxApp[];
  state: SandboxState;
}

export function sandboxEndpoints(url: string, envId: string): SandboxEndpoints {
  return { ...endpointsOf({ region: 'custom', authPath: url, envId }), signOnPage: `${url}/${envId}/signon/`, callback: `${url}/callback` };
}

export function findApp(ctx: SandboxContext, clientId: string | undefined): SandboxApp | undefined {
  return clientId === undefined ? undefined : ctx.apps.find((app) => app.id === clientId);
}

export function findUser(ctx: SandboxContext, username: string | undefined): SandboxUser | undefined {
  const wanted = username?.trim().toLowerCase();
  return wanted ? ctx.users.find((user) => user.username.toLowerCase() === wanted) : undefined;
}
