/**
 * Every outcome code the engine gives, in one place. A failed step's `error.code` and a check's `code`
 * are one of these (or, for a server's own refusal, the OAuth error code it sent, such as
 * `invalid_grant`, or a PingOne platform code). Hints, the CLI's exit codes, the webview and the tests
 * branch on these constants, never on a title or a message.
 */

export const Codes = {
  // The run itself
  USAGE: 'USAGE',
  CANCELLED: 'CANCELLED',
  INTERNAL: 'INTERNAL',
  INVALID_PROFILE: 'INVALID_PROFILE',
  NEEDS_INPUT: 'NEEDS_INPUT',
  MISSING_SECRET: 'MISSING_SECRET',
  MISSING_KEY: 'MISSING_KEY',
  BAD_KEY: 'BAD_KEY',
  CHECK_FAILED: 'CHECK_FAILED',
  NO_ENDPOINT: 'NO_ENDPOINT',
  NO_TOKEN: 'NO_TOKEN',
  // Transport
  INVALID_URL: 'INVALID_URL',
  HTTP_TIMEOUT: 'HTTP_TIMEOUT',
  NETWORK_ERROR: 'NETWORK_ERROR',
  ECONNRESET: 'ECONNRESET',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  PROXY_AUTH_REQUIRED: 'PROXY_AUTH_REQUIRED',
  PROXY_UNREACHABLE: 'PROXY_UNREACHABLE',
  PROXY_ERROR: 'PROXY_ERROR',
  CREDENTIALS_OVER_HTTP: 'CREDENTIALS_OVER_HTTP',
  // What came back
  NO_RESPONSE: 'NO_RESPONSE',
  HTTP_ERROR: 'HTTP_ERROR',
  OAUTH_ERROR: 'OAUTH_ERROR',
  UNEXPECTED_HTML: 'UNEXPECTED_HTML',
  UNEXPECTED_PAGE: 'UNEXPECTED_PAGE',
  EMPTY_RESPONSE: 'EMPTY_RESPONSE',
  INVALID_JSON: 'INVALID_JSON',
  NO_LOCATION: 'NO_LOCATION',
  INVALID_LOCATION: 'INVALID_LOCATION',
  // Discovery
  DISCOVERY_ISSUER_MISMATCH: 'DISCOVERY_ISSUER_MISMATCH',
  DISCOVERY_INCOMPLETE: 'DISCOVERY_INCOMPLETE',
  // Authorization response
  NO_CODE: 'NO_CODE',
  STATE_MISMATCH: 'STATE_MISMATCH',
  ISSUER_MISMATCH: 'ISSUER_MISMATCH',
  // Browser sign-on (the loopback listener, RFC 8252 §7.3)
  REDIRECT_NOT_LOOPBACK: 'REDIRECT_NOT_LOOPBACK',
  LOOPBACK_PORT_IN_USE: 'LOOPBACK_PORT_IN_USE',
  LOOPBACK_UNAVAILABLE: 'LOOPBACK_UNAVAILABLE',
  LOOPBACK_TIMEOUT: 'LOOPBACK_TIMEOUT',
  // Tokens
  INVALID_TOKEN_RESPONSE: 'INVALID_TOKEN_RESPONSE',
  INVALID_TOKEN_TYPE: 'INVALID_TOKEN_TYPE',
  INVALID_JWKS: 'INVALID_JWKS',
  JWT_MALFORMED: 'JWT_MALFORMED',
  TOKEN_TEXT_TOO_LONG: 'TOKEN_TEXT_TOO_LONG',
  SUB_MISMATCH: 'SUB_MISMATCH',
  // Device authorization grant (RFC 8628)
  INVALID_DEVICE_RESPONSE: 'INVALID_DEVICE_RESPONSE',
  DEVICE_CODE_EXPIRED: 'DEVICE_CODE_EXPIRED',
  DEVICE_ACCESS_DENIED: 'DEVICE_ACCESS_DENIED',
  // Pushed authorization requests (RFC 9126)
  INVALID_PAR_RESPONSE: 'INVALID_PAR_RESPONSE',
  // Introspection, revocation, sign-off
  INVALID_INTROSPECTION: 'INVALID_INTROSPECTION',
  REVOCATION_UNAVAILABLE: 'REVOCATION_UNAVAILABLE',
  SIGNOFF_ELSEWHERE: 'SIGNOFF_ELSEWHERE',
  // PingOne flows API
  NO_FLOW_ID: 'NO_FLOW_ID',
  INVALID_FLOW_ID: 'INVALID_FLOW_ID',
  INVALID_FLOW: 'INVALID_FLOW',
  FLOW_NOT_FOUND: 'FLOW_NOT_FOUND',
  FLOW_FAILED: 'FLOW_FAILED',
  FLOW_LOOP: 'FLOW_LOOP',
  FLOW_LINK_ELSEWHERE: 'FLOW_LINK_ELSEWHERE',
  UNSUPPORTED_STATUS: 'UNSUPPORTED_STATUS',
  PLATFORM_ERROR: 'PLATFORM_ERROR',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  PASSWORD_LOCKED_OUT: 'PASSWORD_LOCKED_OUT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_TOKEN: 'INVALID_TOKEN',
  // Importing a Postman environment
  /** The file is not JSON. */
  POSTMAN_NOT_JSON: 'POSTMAN_NOT_JSON',
  /** JSON, but not a Postman environment (a collection, globals, a list, a variable without a key…). */
  POSTMAN_NOT_ENVIRONMENT: 'POSTMAN_NOT_ENVIRONMENT',
  /** No usable authPath, envID or appID (nor mfaNativeAppId). */
  POSTMAN_MISSING_VARIABLE: 'POSTMAN_MISSING_VARIABLE',
  /** The variables are there but do not make a valid profile (an envID that is not a UUID…). */
  POSTMAN_INVALID_PROFILE: 'POSTMAN_INVALID_PROFILE',
  // Exports and copies
  CURL_NUL_BYTE: 'CURL_NUL_BYTE',
  EXPORT_UNSUPPORTED: 'EXPORT_UNSUPPORTED',
  EXPORT_FORMAT: 'EXPORT_FORMAT',
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];

/** Checks a step or token runs; a failed one fails its step with {@link Codes.CHECK_FAILED}. */
export const CheckCodes = {
  SIGNATURE: 'signature',
  ISSUER: 'issuer',
  AUDIENCE: 'audience',
  EXPIRY: 'expiry',
  NOT_BEFORE: 'not-before',
  ISSUED_AT: 'issued-at',
  TIME_CLAIM: 'time-claim',
  NONCE: 'nonce',
  AT_HASH: 'at-hash',
  DECODE: 'decode',
  ID_TOKEN_PRESENT: 'id-token-present',
  STATE: 'state',
  REDIRECT_URI: 'redirect-uri',
  RESPONSE_ISSUER: 'response-issuer',
  SUBJECT: 'subject',
  DPOP_BINDING: 'dpop-binding',
} as const;

export type CheckCode = (typeof CheckCodes)[keyof typeof CheckCodes];

/** How each check is labelled on a card and in the CLI (a time claim's check takes the claim's name). */
export const CHECK_LABELS: Record<CheckCode, string> = {
  [CheckCodes.SIGNATURE]: 'Signature',
  [CheckCodes.ISSUER]: 'Issuer',
  [CheckCodes.AUDIENCE]: 'Audience',
  [CheckCodes.EXPIRY]: 'Expiry',
  [CheckCodes.NOT_BEFORE]: 'Not before',
  [CheckCodes.ISSUED_AT]: 'Issued at',
  [CheckCodes.TIME_CLAIM]: 'Time claim',
  [CheckCodes.NONCE]: 'Nonce',
  [CheckCodes.AT_HASH]: 'at_hash',
  [CheckCodes.DECODE]: 'Decode',
  [CheckCodes.ID_TOKEN_PRESENT]: 'ID token',
  [CheckCodes.STATE]: 'State',
  [CheckCodes.REDIRECT_URI]: 'Redirect URI',
  [CheckCodes.RESPONSE_ISSUER]: 'Issuer',
  [CheckCodes.SUBJECT]: 'Subject',
  [CheckCodes.DPOP_BINDING]: 'DPoP binding',
};

/** What to do when a check fails, by check. */
export const CHECK_HINTS: Record<CheckCode, string> = {
  [CheckCodes.DECODE]: 'The token endpoint returned a token that is not a JWT this client can read: check the server, or a proxy rewriting its responses.',
  [CheckCodes.TIME_CLAIM]: 'A time claim in the token is not a usable date (RFC 7519 §2 NumericDate): the issuer is misconfigured or the token was altered.',
  [CheckCodes.SIGNATURE]: 'Do not trust this token: check that the issuer\'s JWKS is the one that signed it, and that nothing altered it in transit.',
  [CheckCodes.ISSUER]: 'Check the issuer (for PingOne, the environment ID and region): the token comes from another issuer.',
  [CheckCodes.AUDIENCE]: 'Check the client ID in the profile: the token was issued to another application.',
  [CheckCodes.NONCE]: 'The ID token was not issued for this authorize request (replay?). Start a new run.',
  [CheckCodes.EXPIRY]: 'Check this machine\'s clock, or raise the clock-skew setting.',
  [CheckCodes.ISSUED_AT]: 'Check this machine\'s clock, or raise the clock-skew setting.',
  [CheckCodes.NOT_BEFORE]: 'Check this machine\'s clock, or raise the clock-skew setting.',
  [CheckCodes.AT_HASH]: 'The ID token and access token do not belong together; do not use them.',
  [CheckCodes.ID_TOKEN_PRESENT]: 'The scope includes openid, so the token response must carry an ID token (OIDC Core §3.1.3.3): check the application\'s response types and scopes.',
  [CheckCodes.STATE]: 'The response may belong to another request (or be forged); do not use its code. Start a new run.',
  [CheckCodes.REDIRECT_URI]: 'Register the redirect URI on the application exactly as the profile sends it.',
  [CheckCodes.RESPONSE_ISSUER]: 'Do not use its code: another authorization server answered (a mix-up attack or a misconfigured environment).',
  [CheckCodes.SUBJECT]: 'Do not use these claims: they describe another user (OIDC Core §5.3.2).',
  [CheckCodes.DPOP_BINDING]: 'The access token is bound to another key than this run\'s DPoP key (cnf.jkt, RFC 9449 §6.1): do not use it, and check the server.',
};

/** Codes that mean the run could not start as asked: the CLI exits 2 for them, 1 for any other failure. */
export const USAGE_CODES: ReadonlySet<string> = new Set([Codes.INVALID_PROFILE, Codes.USAGE]);

/** The CLI's exit code for a run that ended with this code (undefined: it succeeded). */
export function exitCodeFor(code: string | undefined): 0 | 1 | 2 {
  if (code === undefined) return 0;
  return USAGE_CODES.has(code) ? 2 : 1;
}
