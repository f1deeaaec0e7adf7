/**
 * PingOne's platform error (docs/pingone.md §6), the shape the flows API and the management APIs answer
 * with: branch on `code` and the first detail's code, not on the HTTP status. Loading this module adds
 * the shape to what {@link failureFrom} reads.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import { addErrorShape, isObject, sentence } from '../oauth/responses';

/** PingOne platform error (docs/pingone.md §6). Branch on `code`, not on the HTTP status. */
export interface PlatformError {
  id?: string;
  code: string;
  message?: string;
  details?: Array<{ code?: string; target?: string; message?: string; innerError?: Record<string, unknown> }>;
}

export function isPlatformError(value: unknown): value is PlatformError {
  return isObject(value) && typeof value.code === 'string' && (typeof value.message === 'string' || Array.isArray(value.details));
}

/** Codes the engine gives its own outcomes; a server's error never takes them (see `platformCode`). */
const ENGINE_CODES: ReadonlySet<string> = new Set([Codes.INTERNAL, Codes.CANCELLED]);

/** A platform code (UPPER_SNAKE, docs/pingone.md §6) as the step's code, or PLATFORM_ERROR when it is not one. */
function platformCode(code: unknown): string {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) && !ENGINE_CODES.has(code) ? code : Codes.PLATFORM_ERROR;
}

/**
 * A PingOne platform error turned into words, with the specific advice its detail codes call for.
 * `what` names what was asked for: a NOT_FOUND is about that, whatever the endpoint. `otherwise` is the
 * caller's advice for any other error: only it knows what there is to check (a flow's `_links` exist
 * only once there is a flow).
 */
export function platformFailure(error: PlatformError, status: number, what: string, otherwise?: string): FlowError {
  const first: unknown = error.details?.[0];
  const detail = isObject(first) ? (first as NonNullable<PlatformError['details']>[number]) : undefined;
  const inner = isObject(detail?.innerError) ? detail.innerError : {};
  switch (detail?.code ?? error.code) {
    case Codes.INVALID_CREDENTIALS: {
      const remaining = typeof inner.remainingAttempts === 'number' ? ` ${inner.remainingAttempts} attempts remain before the account locks.` : '';
      return new FlowError(Codes.INVALID_CREDENTIALS, `The username or password is incorrect (${status}).`, `Check the credentials for this environment's user.${remaining}`, { detail: error });
    }
    case Codes.PASSWORD_LOCKED_OUT: {
      const seconds = typeof inner.secondsUntilUnlock === 'number' ? inner.secondsUntilUnlock : undefined;
      return new FlowError(
        Codes.PASSWORD_LOCKED_OUT,
        `The account is locked after too many wrong passwords${seconds === undefined ? '' : `; it unlocks in ${Math.ceil(seconds / 60)} min`}.`,
        'Wait for the lockout to end, or unlock the user in the PingOne admin console.',
        { detail: error },
      );
    }
    case Codes.NOT_FOUND:
      return new FlowError(
        Codes.NOT_FOUND,
        `${sentence(what)} failed: the server has nothing at this URL (${status}, NOT_FOUND).`,
        'Check the environment ID and the region or auth path: the server has nothing at this URL.',
        { detail: error },
      );
    case Codes.INVALID_TOKEN:
      return new FlowError(Codes.INVALID_TOKEN, `The server rejected the token or session (${status}): ${error.message ?? ''}`.trim(), 'Run the flow again; check that the ST cookie reaches the flows API.', { detail: error });
    default: {
      const target = detail?.target ? ` (${detail.target})` : '';
      const message = detail?.message ?? error.message ?? error.code;
      const hint =
        status === 415
          ? 'The flows API needs Content-Type application/vnd.pingidentity.<action>+json for the action.'
          : status === 406
            ? 'Send Accept: */* (or no Accept header) to the flows API.'
            : `${detail?.target ? `The server names ${detail.target}. ` : ''}${otherwise ?? 'Check the request against the PingOne API docs for this endpoint.'}`;
      return new FlowError(platformCode(detail?.code ?? error.code), `${message}${target} (${error.code}, ${status}).`, hint, { detail: error });
    }
  }
}


addErrorShape((json, status, what, otherwise) => (isPlatformError(json) ? platformFailure(json, status, what, otherwise) : undefined));
