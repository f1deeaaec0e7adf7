import { Codes } from './codes';
import type { Exchange, StepError } from './model';

/**
 * The one error type the engine throws. It carries what a failed step shows: a code to branch on,
 * a sentence saying what happened, and a hint saying what to check. `detail` holds the parsed error
 * body (RFC 6749 §5.2 or the PingOne platform error) when the server sent one.
 */
export class FlowError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly detail?: unknown;
  /** The request (and any response) that failed, so the step can still show it. */
  exchange?: Exchange;

  constructor(code: string, message: string, hint: string, options?: { detail?: unknown; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'FlowError';
    this.code = code;
    this.hint = hint;
    this.detail = options?.detail;
  }

  toStepError(): StepError {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.detail === undefined ? {} : { detail: this.detail }) };
  }
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns anything thrown into a StepError; unexpected errors are reported as such, never swallowed. */
export function toStepError(error: unknown): StepError {
  if (error instanceof FlowError) return error.toStepError();
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: Codes.CANCELLED, message: 'The run was cancelled.', hint: 'Run the flow again when ready.' };
  }
  const message = errorMessage(error);
  return {
    code: Codes.INTERNAL,
    message: `Unexpected error: ${message}`,
    hint: 'This is a bug in Auth Flow Explorer; the request and response above show how far the step got.',
  };
}
