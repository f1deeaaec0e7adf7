/**
 * Asking again after the server refused a password or a one-time code. The refusal leaves the flow
 * where it was — at USERNAME_PASSWORD_REQUIRED or OTP_REQUIRED, its `_links` unchanged (docs/pingone.md
 * §2) — so the person may try again in the same flow, without a new authorize request. The account's
 * lockout counts every wrong password, so the asking stops after {@link MAX_SIGN_ON_ATTEMPTS} tries,
 * sooner when the server says fewer remain, and at once on PASSWORD_LOCKED_OUT (which is not a refusal
 * this module retries).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { SignOnAction } from './flow';
import { isObject } from '../oauth/responses';
import { isPlatformError } from './errors';

/** Tries of one sign-on action in one flow, the first included. */
export const MAX_SIGN_ON_ATTEMPTS = 3;

export interface AskAgain {
  /** The refusal as the failed try's step shows it: what happened, and that another try follows. */
  error: FlowError;
  /** The line the next question shows: why it is asked again. */
  message: string;
}

/**
 * Whether the failed try number `attempt` of `action` may be asked again, and how the step and the
 * next question say so; undefined when the error stands.
 */
export function askAgain(action: SignOnAction, error: unknown, attempt: number): AskAgain | undefined {
  if (!(error instanceof FlowError) || !refused(action, error)) return undefined;
  const remaining = remainingAttempts(error.detail);
  const allowed = Math.min(MAX_SIGN_ON_ATTEMPTS, attempt + (remaining ?? MAX_SIGN_ON_ATTEMPTS));
  if (attempt >= allowed) return undefined;
  const next = `attempt ${attempt + 1} of ${allowed}`;
  const what = action === 'otp.check' ? 'The one-time code was not accepted' : 'The username or password is incorrect';
  const warning = remaining === undefined ? '' : ` ${remaining === 1 ? 'One more wrong try locks' : `${remaining} more wrong tries lock`} the account.`;
  const again = new FlowError(error.code, `${error.message.replace(/\.$/, '')}; asking again (${next}).`, error.hint, { detail: error.detail, cause: error });
  again.exchange = error.exchange;
  return { error: again, message: `${what}: try again (${next}).${warning}` };
}

/**
 * A wrong password is INVALID_CREDENTIALS (docs/pingone.md §2). A wrong code is a platform error on
 * the `otp` field: the docs give no detail code for it (the sandbox answers INVALID_VALUE), so the
 * field it names decides.
 */
function refused(action: SignOnAction, error: FlowError): boolean {
  if (action === 'usernamePassword.check') return error.code === Codes.INVALID_CREDENTIALS;
  return action === 'otp.check' && firstDetail(error.detail)?.target === 'otp';
}

/** `details[0].innerError.remainingAttempts` of a platform error (docs/pingone.md §6), when a count. */
function remainingAttempts(detail: unknown): number | undefined {
  const inner = firstDetail(detail)?.innerError;
  const value = isObject(inner) ? inner.remainingAttempts : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function firstDetail(detail: unknown): Record<string, unknown> | undefined {
  const first: unknown = isPlatformError(detail) ? detail.details?.[0] : undefined;
  return isObject(first) ? first : undefined;
}
