/**
 * Pushed authorization requests (RFC 9126): the authorize parameters posted straight to the server
 * with the client's authentication (§2.1), answered with a `request_uri` that stands for them and how
 * long it lasts (§2.2); the authorize request then carries only client_id and that request_uri (§4).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Exchange } from '../model';
import type { ClientAuthentication } from './clientAuth';
import { expectJsonObject, failureFrom, responseOf } from './responses';

/**
 * RFC 9126 §2.1: the authorize parameters and the client authentication in one form. A client_id the
 * authentication sends itself is not sent twice.
 */
export function buildParRequest(endpoint: string, params: [string, string][], auth: ClientAuthentication): HttpRequest {
  const named = new Set(auth.params.map(([name]) => name));
  return {
    method: 'POST',
    url: endpoint,
    headers: [['content-type', 'application/x-www-form-urlencoded'], ['accept', 'application/json'], ...auth.headers],
    body: new URLSearchParams([...params.filter(([name]) => !named.has(name)), ...auth.params]).toString(),
    secrets: auth.secrets,
  };
}

export interface PushedRequest {
  requestUri: string;
  /** Seconds the request_uri is good for. */
  expiresIn: number;
}

/** RFC 9126 §2.2 (201 Created; a 200 is taken too) or the §2.3 error. */
export function readParResponse(exchange: Exchange): PushedRequest {
  const response = responseOf(exchange);
  if (response.status !== 201 && response.status !== 200) {
    throw failureFrom(response, 'the pushed authorization response', 'Check the authorize parameters and the client authentication: the PAR endpoint checks both, as authorize and the token endpoint would.');
  }
  const json = expectJsonObject(response, 'the pushed authorization response');
  if (typeof json.request_uri !== 'string' || !json.request_uri || typeof json.expires_in !== 'number' || !(json.expires_in > 0)) {
    throw new FlowError(
      Codes.INVALID_PAR_RESPONSE,
      'The pushed authorization response lacks a request_uri or a positive expires_in.',
      'RFC 9126 §2.2 requires both; check the server.',
      { detail: json },
    );
  }
  return { requestUri: json.request_uri, expiresIn: json.expires_in };
}
