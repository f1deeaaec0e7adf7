/**
 * The device authorization grant (RFC 8628; docs/pingone.md §4 and §5). `/as/device_authorization`
 * hands a client a device_code and a user_code (§3.1–3.2); a person enters the user code on the
 * verification page and approves or denies (§3.3, see device-verification.ts); meanwhile the device
 * polls the token endpoint with the device_code (§3.4) and hears authorization_pending, slow_down,
 * expired_token or access_denied, or gets its tokens, once (§3.5).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readScopes } from './authorize-request';
import { authenticateClient } from './client-auth';
import type { SandboxContext } from './context';
import { oauthError, oauthErrorReply, type OAuthError } from './errors';
import { json, parseForm, type Reply, type SandboxRequest } from './http';
import { DEVICE_CODE_GRANT, type SandboxApp } from './seed';
import { issueTokens, type Authentication, type TokenResponse } from './tokens';

/** RFC 8628 §6.1: base-20 letters, no vowels (so no words) and none easily confused. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LETTERS = 8;
/** RFC 8628 §3.5: each slow_down adds 5 seconds to the interval, for that and every later poll. */
const SLOW_DOWN_STEP_S = 5;

export type DeviceDecision = { approved: true; authentication: Authentication } | { approved: false };

export interface DeviceAuthorization {
  deviceCode: string;
  /** As shown to the person: `BCDF-GHJK`. */
  userCode: string;
  app: SandboxApp;
  scopes: string[];
  /** On the sandbox clock (ms). */
  expiresAt: number;
  /** Seconds the device must leave between polls; grows with each slow_down. */
  interval: number;
  lastPolledAt?: number;
  decision?: DeviceDecision;
  redeemed: boolean;
}

export async function handleDeviceAuthorization(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const form = parseForm(req);
  if (!form.ok) return oauthErrorReply(400, oauthError('invalid_request', form.description));
  // RFC 8628 §3.1: a confidential client authenticates as at the token endpoint.
  const client = await authenticateClient(ctx, req, form.params, ctx.endpoints.deviceAuthorization);
  if (!client.ok) return client.reply;
  const app = client.app;
  if (!app.grantTypes.includes(DEVICE_CODE_GRANT)) {
    return oauthErrorReply(400, oauthError('unauthorized_client', 'This application may not use the device authorization grant.'));
  }
  const scopes = readScopes(form.params.get('scope'));
  if (!Array.isArray(scopes)) return oauthErrorReply(400, scopes);

  const { expiresIn, interval } = ctx.device;
  const authorization: DeviceAuthorization = {
    deviceCode: randomBytes(32).toString('base64url'),
    userCode: newUserCode(ctx),
    app,
    scopes,
    expiresAt: ctx.now() + expiresIn * 1000,
    interval,
    redeemed: false,
  };
  // Kept for another lifetime after expiry, so a late poll hears expired_token rather than invalid_grant.
  ctx.state.deviceAuthorizations.set(authorization.deviceCode, authorization, 2 * expiresIn * 1000);
  ctx.state.userCodes.set(normaliseUserCode(authorization.userCode), authorization.deviceCode, expiresIn * 1000);
  const verificationUri = ctx.endpoints.deviceVerification;
  return json(
    200,
    {
      device_code: authorization.deviceCode,
      user_code: authorization.userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?${new URLSearchParams({ user_code: authorization.userCode })}`,
      expires_in: expiresIn,
      interval,
    },
    { 'Cache-Control': 'no-store' },
  );
}

function newUserCode(ctx: SandboxContext): string {
  for (;;) {
    const letters = Array.from({ length: USER_CODE_LETTERS }, () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)]).join('');
    if (ctx.state.userCodes.get(letters) === undefined) return `${letters.slice(0, 4)}-${letters.slice(4)}`;
  }
}

/** RFC 8628 §6.1: case, dashes and spaces do not matter when a person types the code. */
function normaliseUserCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z]/g, '');
}

/** Why the authorization can no longer be decided, if it cannot. */
export function decisionProblem(ctx: SandboxContext, authorization: DeviceAuthorization): string | undefined {
  if (authorization.decision) return 'This code was already used.';
  if (ctx.now() >= authorization.expiresAt) return 'This code has expired; start again on the device.';
  return undefined;
}

/** The live, undecided authorization a typed user code names, or why there is none. */
export function pendingAuthorization(ctx: SandboxContext, userCode: string): DeviceAuthorization | string {
  const deviceCode = ctx.state.userCodes.get(normaliseUserCode(userCode));
  const authorization = deviceCode === undefined ? undefined : ctx.state.deviceAuthorizations.get(deviceCode);
  if (!authorization) return 'No device is waiting for this code: it is mistyped or has expired.';
  return decisionProblem(ctx, authorization) ?? authorization;
}

/** Records the person's decision, which is final (RFC 8628 §3.3); callers check {@link decisionProblem} first. */
export function decide(ctx: SandboxContext, authorization: DeviceAuthorization, decision: DeviceDecision): void {
  authorization.decision = decision;
  ctx.state.userCodes.delete(normaliseUserCode(authorization.userCode));
}

/** The token endpoint's `urn:ietf:params:oauth:grant-type:device_code` grant (RFC 8628 §3.4–3.5). */
export async function redeemDeviceCode(ctx: SandboxContext, app: SandboxApp, params: ReadonlyMap<string, string>): Promise<TokenResponse | OAuthError> {
  const deviceCode = params.get('device_code');
  if (!deviceCode) return oauthError('invalid_request', 'device_code is required.');
  const authorization = ctx.state.deviceAuthorizations.get(deviceCode);
  if (!authorization || authorization.app !== app) {
    return oauthError('invalid_grant', 'The device_code is unknown, long expired, or was issued to another client.');
  }
  if (authorization.redeemed) return oauthError('invalid_grant', 'The device_code was already exchanged for tokens; it works once.');
  const now = ctx.now();
  if (now >= authorization.expiresAt) {
    return oauthError('expired_token', `The device_code expired ${ctx.device.expiresIn} s after it was issued; start a new device authorization.`);
  }
  const decision = authorization.decision;
  if (!decision) return poll(authorization, now);
  if (!decision.approved) return oauthError('access_denied', 'The person denied the device authorization.');
  authorization.redeemed = true;
  return issueTokens(ctx, { app, grantId: randomUUID(), scopes: authorization.scopes, authentication: decision.authentication });
}

/** A poll while the person has not decided: slow_down if sooner than the interval after the last one. */
function poll(authorization: DeviceAuthorization, now: number): OAuthError {
  const last = authorization.lastPolledAt;
  authorization.lastPolledAt = now;
  if (last !== undefined && now - last < authorization.interval * 1000) {
    const was = authorization.interval;
    authorization.interval += SLOW_DOWN_STEP_S;
    return oauthError('slow_down', `Polled sooner than every ${was} s; wait at least ${authorization.interval} s between polls from now on.`);
  }
  return oauthError('authorization_pending', 'The person has not approved or denied the device yet; poll again after the interval.');
}
