/**
 * The two error shapes the sandbox speaks: PingOne's platform error (flows API and transport-level
 * failures, docs/pingone.md §6) and RFC 6749 errors (the /as endpoints, §4.1.2.1 and §5.2).
 */
import { randomUUID } from 'node:crypto';
import { json, type Reply } from './http';

export type PlatformErrorCode = 'INVALID_DATA' | 'ACCESS_FAILED' | 'INVALID_REQUEST' | 'NOT_FOUND' | 'UNEXPECTED_ERROR';

export interface PlatformErrorDetail {
  code: string;
  target?: string;
  message: string;
  innerError?: Record<string, unknown>;
}

/** docs/pingone.md §6: `{id, code, message, details?}`; clients branch on `code`, not the status. */
export function platformError(
  status: number,
  code: PlatformErrorCode,
  message: string,
  details?: PlatformErrorDetail[],
  headers: Record<string, string | string[]> = {},
): Reply {
  return json(status, { id: randomUUID(), code, message, ...(details ? { details } : {}) }, headers);
}

/** `INVALID_DATA` about one field of the body, the shape the flows API uses for bad input. */
export function invalidValue(target: string, message: string, code = 'INVALID_VALUE', innerError?: Record<string, unknown>): Reply {
  return platformError(400, 'INVALID_DATA', 'Validation Error', [{ code, target, message, ...(innerError ? { innerError } : {}) }]);
}

/** RFC 6749 §4.1.2.1, RFC 6749 §5.2, OIDC Core §3.1.2.6, RFC 9101 §6.3 and RFC 8628 §3.5 error codes. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'invalid_request_object'
  | 'invalid_request_uri'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token';

export interface OAuthError {
  error: OAuthErrorCode;
  error_description: string;
}

export function oauthError(error: OAuthErrorCode, description: string): OAuthError {
  return { error, error_description: description };
}

/** RFC 6749 §5.2: a JSON error body, never cached. */
export function oauthErrorReply(status: number, error: OAuthError, headers: Record<string, string | string[]> = {}): Reply {
  return json(status, error, { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers });
}
