/** The environment's signing keys (RFC 7517 §5), fetched once per run to verify its tokens. */
import { Codes } from '../codes';
import type { JSONWebKeySet } from 'jose';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Exchange } from '../model';
import { expectJsonObject, failureFrom, responseOf } from './responses';

export function buildJwksRequest(jwksUri: string): HttpRequest {
  return { method: 'GET', url: jwksUri, headers: [['accept', 'application/json']] };
}

export function readJwksResponse(exchange: Exchange): JSONWebKeySet {
  const response = responseOf(exchange);
  if (response.status !== 200) throw failureFrom(response, 'the JWKS');
  const json = expectJsonObject(response, 'the JWKS');
  if (!Array.isArray(json.keys) || !json.keys.every((k) => typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string')) {
    throw new FlowError(Codes.INVALID_JWKS, 'The JWKS has no "keys" array of JWKs.', 'Check the jwks_uri: it should answer {"keys":[{"kty":"RSA",…}]}.', { detail: json });
  }
  return json as unknown as JSONWebKeySet;
}
