/**
 * The device authorization grant (RFC 8628): not built yet in this commit.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { RunSession } from '../session';

export async function deviceCode(_session: RunSession): Promise<void> {
  throw new FlowError(Codes.UNSUPPORTED_GRANT, 'The device grant is not available yet.', 'Use another grant.');
}
