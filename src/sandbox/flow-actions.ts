/**
 * The flow actions of docs/pingone.md §2, and PingOne's two device authorization grant actions
 * (`deviceAuthGrant.userCode.verify` {userCode}, `deviceAuthGrant.consent` {accept}). Each takes the
 * parsed JSON body, advances the flow or answers the platform error the flows API would, and never
 * signs anyone on without the right secret.
 */
import { randomUUID } from 'node:crypto';
import { findUser, type Flow, type SandboxContext } from './context';
import { consentToDevice, verifyUserCode } from './device-verification';
import { invalidValue } from './errors';
import { completeSignOn, resetFlow, type FlowAction } from './flow';
import type { Reply } from './http';
import { SANDBOX_OTP, type SandboxUser } from './seed';

/** How long an account stays locked (inferred: PingOne's default password policy locks for 900 s). */
export const LOCKOUT_MS = 15 * 60 * 1000;
/** The sandbox's password policy for password.reset, password.recover and user.register (inferred). */
const MIN_PASSWORD_LENGTH = 8;

export type ActionBody = Record<string, unknown>;
type ActionHandler = (ctx: SandboxContext, flow: Flow, body: ActionBody) => Reply | undefined;

/** Runs one action; undefined means the flow advanced and the caller answers with the flow. */
export function performAction(ctx: SandboxContext, flow: Flow, action: FlowAction, body: ActionBody): Reply | undefined {
  return HANDLERS[action](ctx, flow, body);
}

const HANDLERS: Record<FlowAction, ActionHandler> = {
  'usernamePassword.check': (ctx, flow, body) => {
    const username = text(body, 'username') ?? flow.identifier;
    const password = text(body, 'password');
    if (!username) return invalidValue('username', 'username is required.');
    if (!password) return invalidValue('password', 'password is required.');
    const user = checkPassword(ctx, username, password);
    if (!('id' in user)) return user;
    continueAfterPassword(ctx, flow, user);
    return undefined;
  },

  'user.lookup': (_ctx, flow, body) => {
    const username = text(body, 'username');
    if (!username) return invalidValue('username', 'username is required.');
    // Unknown users still reach PASSWORD_REQUIRED, so the lookup does not reveal who has an account.
    flow.identifier = username;
    flow.status = 'PASSWORD_REQUIRED';
    return undefined;
  },

  'device.select': (_ctx, flow, body) => {
    const device = body.device;
    const id = typeof device === 'object' && device !== null ? (device as Record<string, unknown>).id : undefined;
    const selected = flow.user?.devices.find((candidate) => candidate.id === id);
    if (!selected) return invalidValue('device.id', 'device.id must be the id of one of the flow\'s devices.');
    flow.selectedDevice = selected;
    flow.status = 'OTP_REQUIRED';
    return undefined;
  },

  'otp.check': (ctx, flow, body) => {
    if (text(body, 'otp') !== SANDBOX_OTP) return invalidValue('otp', 'The one-time code is wrong.');
    completeSignOn(ctx, flow, flow.user!, ['pwd', 'otp']);
    return undefined;
  },

  'password.reset': (ctx, flow, body) => {
    const user = flow.user!;
    const currentPassword = text(body, 'currentPassword');
    const newPassword = text(body, 'newPassword');
    if (currentPassword === undefined || currentPassword !== user.password) {
      return invalidValue('currentPassword', 'currentPassword is not the user\'s password.', 'INVALID_CREDENTIALS');
    }
    const problem = passwordProblem(newPassword, currentPassword);
    if (problem) return invalidValue('newPassword', problem);
    user.password = newPassword!;
    user.mustChangePassword = false;
    continueAfterPassword(ctx, flow, user);
    return undefined;
  },

  'password.forgot': (_ctx, flow, body) => {
    const username = text(body, 'username') ?? flow.identifier;
    if (!username) return invalidValue('username', 'username is required.');
    // The sandbox sends nothing; the recovery code is always SANDBOX_OTP (see seed.ts).
    flow.identifier = username;
    flow.status = 'RECOVERY_CODE_REQUIRED';
    return undefined;
  },

  'password.recover': (ctx, flow, body) => {
    const user = findUser(ctx, flow.identifier);
    if (!user || text(body, 'recoveryCode') !== SANDBOX_OTP) return invalidValue('recoveryCode', 'The recovery code is wrong.');
    const newPassword = text(body, 'newPassword');
    const problem = passwordProblem(newPassword, user.password);
    if (problem) return invalidValue('newPassword', problem);
    user.password = newPassword!;
    user.mustChangePassword = false;
    ctx.state.lockouts.delete(user.username.toLowerCase());
    continueAfterPassword(ctx, flow, user);
    return undefined;
  },

  'user.register': (ctx, flow, body) => {
    const username = text(body, 'username');
    const email = text(body, 'email');
    const password = text(body, 'password');
    if (!username || /\s/.test(username)) return invalidValue('username', 'username is required and has no spaces.');
    if (findUser(ctx, username)) return invalidValue('username', `The username "${username}" is taken.`);
    if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) return invalidValue('email', 'email must be an e-mail address.');
    const problem = passwordProblem(password, undefined);
    if (problem) return invalidValue('password', problem);
    const user: SandboxUser = { id: randomUUID(), username, password: password!, givenName: '', familyName: '', email, devices: [], mustChangePassword: false };
    ctx.users.push(user);
    completeSignOn(ctx, flow, user, ['pwd']);
    return undefined;
  },

  'session.reset': (_ctx, flow) => {
    resetFlow(flow);
    return undefined;
  },

  'deviceAuthGrant.userCode.verify': (ctx, flow, body) => {
    const userCode = text(body, 'userCode');
    if (!userCode) return invalidValue('userCode', 'userCode is required.');
    return verifyUserCode(ctx, flow, userCode);
  },

  'deviceAuthGrant.consent': (ctx, flow, body) => {
    if (typeof body.accept !== 'boolean') return invalidValue('accept', 'accept must be true (approve) or false (deny).');
    return consentToDevice(ctx, flow, body.accept);
  },
};

/**
 * The user if the password is right. Failures count per username, known or not, so the answers
 * do not reveal which accounts exist; the attempt that reaches the threshold locks the account.
 */
function checkPassword(ctx: SandboxContext, username: string, password: string): SandboxUser | Reply {
  const key = username.toLowerCase();
  const record = ctx.state.lockouts.get(key) ?? { failures: 0 };
  const now = ctx.now();
  if (record.lockedUntil !== undefined && record.lockedUntil > now) return lockedOut(record.lockedUntil - now);
  const user = findUser(ctx, username);
  if (user && user.password === password) {
    ctx.state.lockouts.delete(key);
    return user;
  }
  record.failures += 1;
  if (record.failures >= ctx.lockoutThreshold) {
    ctx.state.lockouts.set(key, { failures: record.failures, lockedUntil: now + LOCKOUT_MS }, LOCKOUT_MS);
    return lockedOut(LOCKOUT_MS);
  }
  ctx.state.lockouts.set(key, record, LOCKOUT_MS);
  return invalidValue('password', 'The username or password is wrong.', 'INVALID_CREDENTIALS', {
    remainingAttempts: ctx.lockoutThreshold - record.failures,
  });
}

function lockedOut(remainingMs: number): Reply {
  return invalidValue('password', 'Too many wrong passwords: the account is locked.', 'PASSWORD_LOCKED_OUT', {
    secondsUntilUnlock: Math.ceil(remainingMs / 1000),
  });
}

/** After a good password: a forced change first, then MFA if the user has devices, else done. */
function continueAfterPassword(ctx: SandboxContext, flow: Flow, user: SandboxUser): void {
  flow.user = user;
  flow.identifier = user.username;
  if (user.mustChangePassword) flow.status = 'MUST_CHANGE_PASSWORD';
  else if (user.devices.length) flow.status = 'DEVICE_SELECTION_REQUIRED';
  else completeSignOn(ctx, flow, user, ['pwd']);
}

function passwordProblem(candidate: string | undefined, current: string | undefined): string | undefined {
  if (!candidate || candidate.length < MIN_PASSWORD_LENGTH) return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (candidate === current) return 'The new password must differ from the current one.';
  return undefined;
}

function text(body: ActionBody, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
