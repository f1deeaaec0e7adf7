/**
 * The `authFlow.*` settings, read through a getter so the parsing can be tested without VS Code.
 * Out-of-range numbers fall back to the defaults declared in package.json.
 */

export const SETTINGS_SECTION = 'authFlow';

export interface Settings {
  requestTimeoutMs: number;
  clockSkewSec: number;
  /** When false, profiles with `insecureTls` are refused before any request is sent. */
  allowInsecureTls: boolean;
  /** When true, "Copy as cURL" offers the command with secrets (still behind a confirmation). */
  curlIncludeSecretsByDefault: boolean;
}

function number(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

/** `get` reads one key below `authFlow.`, as `WorkspaceConfiguration.get` does. */
export function readSettings(get: (key: string) => unknown): Settings {
  return {
    requestTimeoutMs: number(get('requestTimeoutSeconds'), 30, 1, 600) * 1000,
    clockSkewSec: number(get('clockSkewSeconds'), 120, 0, 3600),
    allowInsecureTls: get('allowInsecureTls') === true,
    curlIncludeSecretsByDefault: get('curl.includeSecretsByDefault') === true,
  };
}
