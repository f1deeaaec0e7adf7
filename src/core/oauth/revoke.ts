/**
 * Token revocation (RFC 7009): the client tells the authorization server it no longer needs a token.
 * POST `token` and `token_type_hint` (§2.1) with the client's authentication. A 200 is success even for a
 * token the server does not know or has already revoked (§2.2): the body is not read. Errors (§2.2.1)
 * are RFC 6749 §5.2's, `unsupported_token_type` among them; a 503 means "not now": the token is still
 * valid and the client may retry (after Retry-After, when sent).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import { headerValue, type HttpRequest } from '../http';
import type { Exchange } from '../model';
import { buildTokenQuery, type TokenQuery } from './introspect';
import { failureFrom, responseOf } from './responses';

/** RFC 7009 §2.1. */
export function buildRevocationRequest(query: TokenQuery): HttpRequest {
  return buildTokenQuery(query);
}

/** RFC 7009 §2.2: returns when the token is revoked (or was never valid); throws otherwise. */
export function readRevocationResponse(exchange: Exchange): void {
  const response = responseOf(exchange);
  if (response.status === 200) return;
  if (response.status === 503) {
    const retryAfter = headerValue(response.headers, 'retry-after');
    throw new FlowError(
      Codes.REVOCATION_UNAVAILABLE,
      `The server could not revoke the token now (503${retryAfter ? `, Retry-After ${retryAfter}` : ''}); the token is still valid.`,
      'Try again later (RFC 7009 §2.2.1); until then the token works as before.',
    );
  }
  throw failureFrom(response, 'the revocation response', 'Check the client authentication: a client revokes only its own tokens (RFC 7009 §2.1).');
}
