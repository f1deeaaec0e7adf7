/**
 * Token introspection (RFC 7662): the client asks the authorization server whether a token is active
 * and what it stands for. POST `token` and `token_type_hint` (§2.1) with the client's authentication;
 * the answer is a JSON object whose `active` is required (§2.2). An inactive token is an answer, not a
 * failure: expired, revoked, unknown or another client's token all read `active: false`, and the server
 * says nothing more (§2.2, §4). Errors are RFC 6749 §5.2's (§2.3).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Exchange } from '../model';
import type { ClientAuthentication } from './clientAuth';
import { expectJsonObject, failureFrom, responseOf } from './responses';

export type TokenTypeHint = 'access_token' | 'refresh_token';

export interface TokenQuery {
  endpoint: string;
  token: string;
  tokenTypeHint?: TokenTypeHint;
  auth: ClientAuthentication;
}

/** A form POST of `token` (and the hint) with the client's authentication: introspection and revocation share it. */
export function buildTokenQuery({ endpoint, token, tokenTypeHint, auth }: TokenQuery): HttpRequest {
  const params: [string, string][] = [['token', token], ...(tokenTypeHint ? [['token_type_hint', tokenTypeHint] as [string, string]] : []), ...auth.params];
  return {
    method: 'POST',
    url: endpoint,
    headers: [['content-type', 'application/x-www-form-urlencoded'], ['accept', 'application/json'], ...auth.headers],
    body: new URLSearchParams(params).toString(),
    secrets: [...auth.secrets, { variable: (tokenTypeHint ?? 'token').toUpperCase(), value: token }],
  };
}

/** RFC 7662 §2.1. */
export function buildIntrospectionRequest(query: TokenQuery): HttpRequest {
  return buildTokenQuery(query);
}

export interface Introspection {
  active: boolean;
  /** Everything else the server said about the token (scope, client_id, sub, exp…); empty when inactive. */
  claims: Record<string, unknown>;
}

/** RFC 7662 §2.2 (or the §2.3 error). */
export function readIntrospectionResponse(exchange: Exchange): Introspection {
  const response = responseOf(exchange);
  if (response.status !== 200) throw failureFrom(response, 'the introspection response', 'Check the client authentication: introspection is for the client the token was issued to (RFC 7662 §2.1).');
  const json = expectJsonObject(response, 'the introspection response');
  if (typeof json.active !== 'boolean') {
    throw new FlowError(
      Codes.INVALID_INTROSPECTION,
      `The introspection response has no boolean "active" (it is ${JSON.stringify(json.active) ?? 'missing'}).`,
      'RFC 7662 §2.2 requires "active": true or false; check that the URL is the introspection endpoint.',
      { detail: json },
    );
  }
  const { active, ...claims } = json;
  return { active, claims };
}
