/**
 * What every handler shares: the environment's addresses, the clock, the keys, the seeded users and
 * apps, and the in-memory state. Built once by `startSandbox`.
 */
import type { DeviceAuthorization } from './device-authorization';
import type { SigningKey } from './keys';
import type { SandboxEndpoints } from './paths';
import type { SandboxApp, SandboxDevice, SandboxUser } from './seed';
import type { ExpiringMap } from './store';

/**
 * PingOne flow statuses the sandbox uses (docs/pingone.md §2; RECOVERY_CODE_REQUIRED is the sandbox's
 * choice). DAG_USER_CODE_REQUIRED and DAG_CONSENT_REQUIRED are PingOne's device authorization grant
 * steps; a denied device authorization ends its flow FAILED (the sandbox's choice).
 */
export type FlowStatus =
  | 'USERNAME_PASSWORD_REQUIRED'
  | 'SIGN_ON_REQUIRED'
  | 'PASSWORD_REQUIRED'
  | 'DEVICE_SELECTION_REQUIRED'
  | 'OTP_REQUIRED'
  | 'MUST_CHANGE_PASSWORD'
  | 'RECOVERY_CODE_REQUIRED'
  | 'DAG_USER_CODE_REQUIRED'
  | 'DAG_CONSENT_REQUIRED'
  | 'COMPLETED'
  | 'FAILED';

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

/**
 * What a flow signs someone on for: an authorize request (ends in /as/resume), or the verification of
 * a device authorization (RFC 8628 §3.3), which after sign-on asks for the user code and a decision.
 */
export type FlowPurpose =
  | { kind: 'authorize'; request: AuthorizeRequest }
  | {
      kind: 'device';
      /** The user_code of verification_uri_complete, shown pre-filled; untrusted until verified. */
      prefilledUserCode?: string;
      /** Set once the person enters a live user code. */
      authorization?: DeviceAuthorization;
    };

export interface Flow {
  id: string;
  purpose: FlowPurpose;
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
  /** Device authorizations keyed by device_code, kept past their expiry so a late poll hears expired_token (RFC 8628 §3.5). */
  deviceAuthorizations: ExpiringMap<DeviceAuthorization>;
  /** device_code by normalised user_code, for exactly as long as the user code is valid. */
  userCodes: ExpiringMap<string>;
  /** PAR requests keyed by request_uri (RFC 9126). */
  pushedRequests: ExpiringMap<AuthorizeRequest>;
  /** Client assertion `jti`s seen, kept until the assertion expires (RFC 7523 §3 item 7). */
  assertionIds: ExpiringMap<true>;
  /** Wrong-password counts and lockouts, keyed by lower-cased username. */
  lockouts: ExpiringMap<{ failures: number; lockedUntil?: number }>;
}

/** Device authorization grant timing, in seconds (RFC 8628 §3.2). */
export interface DeviceTiming {
  expiresIn: number;
  interval: number;
}

export interface SandboxContext {
  url: string;
  envId: string;
  orgId: string;
  endpoints: SandboxEndpoints;
  now: () => number;
  flowTtlMs: number;
  lockoutThreshold: number;
  device: DeviceTiming;
  signingKey: SigningKey;
  users: SandboxUser[];
  apps: readonly SandboxApp[];
  state: SandboxState;
}

export function findApp(ctx: SandboxContext, clientId: string | undefined): SandboxApp | undefined {
  return clientId === undefined ? undefined : ctx.apps.find((app) => app.id === clientId);
}

export function findUser(ctx: SandboxContext, username: string | undefined): SandboxUser | undefined {
  const wanted = username?.trim().toLowerCase();
  return wanted ? ctx.users.find((user) => user.username.toLowerCase() === wanted) : undefined;
}
