/**
 * Browser sign-on: not built yet in this commit.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { RunSession } from '../session';
import type { AuthorizeState } from './authorizationCode';

export async function signOnInBrowser(_session: RunSession, _sent: AuthorizeState, _facts: Record<string, string>): Promise<string> {
  throw new FlowError(Codes.UNSUPPORTED_GRANT, 'Browser sign-on is not available yet.', 'Use headless sign-on.');
}
