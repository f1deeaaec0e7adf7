/**
 * A command line the CLI cannot act on: `main` prints the reason and, when there is one, the hint
 * (else the usage), and exits 2. With --json it is the `{ "error": { code, message, hint } }` document.
 */
import { Codes } from '../core/codes';

export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
    readonly code: string = Codes.USAGE,
  ) {
    super(message);
  }
}
