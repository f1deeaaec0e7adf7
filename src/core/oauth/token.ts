/**
 * The token endpoint (RFC 6749 §3.2): every grant's request — the authorization code (§4.1.3, with the
 * PKCE code_verifier of RFC 7636 §4.5), client credentials (§4.4.2), refresh (§6) — with the client's
 * authentication, and the response every grant gets (§5.1, or the §5.2 error).
 */
import { Codes } from '../codes';
import type { ClientAuthentication } from './clientAuth';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Exchange, SecretMark } from '../model';
import { expectJsonObject, failureFrom, isOAuthError, oauthFailure, responseOf } from './responses';

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

export interface AuthorizationCodeGrant {
  tokenEndpoint: string;
  code: string;
  redirectUri?: string;
  codeVerifier?: string;
  auth: ClientAuthentication;
}

/** A token request of any grant: its own parameters, then the client's authentication (RFC 6749 §3.2). */
export function buildGrantRequest(tokenEndpoint: string, params: [string, string][], auth: ClientAuthentication, secrets: SecretMark[] = []): HttpRequest {
  return {
    method: 'POST',
    url: tokenEndpoint,
    headers: [['content-type', 'application/x-www-form-urlencoded'], ['accept', 'application/json'], ...auth.headers],
    body: new URLSearchParams([...params, ...auth.params]).toString(),
    secrets: [...auth.secrets, ...secrets],
  };
}

/** RFC 6749 §4.1.3 with RFC 7636 §4.5. */
export function buildTokenRequest(grant: AuthorizationCodeGrant): HttpRequest {
  const params: [string, string][] = [['grant_type', 'authorization_code'], ['code', grant.code]];
  if (grant.redirectUri) params.push(['redirect_uri', grant.redirectUri]);
  if (grant.codeVerifier) params.push(['code_verifier', grant.codeVerifier]);
  // RFC 7636 §7.1: the verifier is what proves this client asked for the code; it is shown only on request.
  return buildGrantRequest(grant.tokenEndpoint, params, grant.auth, grant.codeVerifier ? [{ variable: 'CODE_VERIFIER', value: grant.codeVerifier, describe: 'the PKCE code_verifier of this run' }] : []);
}

/** RFC 6749 §4.4.2: the application asks for itself; `scope` as the profile lists it. */
export function buildClientCredentialsRequest(tokenEndpoint: string, scopes: string[], auth: ClientAuthentication): HttpRequest {
  return buildGrantRequest(tokenEndpoint, [['grant_type', 'client_credentials'], ...(scopes.length ? [['scope', scopes.join(' ')] as [string, string]] : [])], auth);
}

/** RFC 6749 §6: a new access token (and maybe a new refresh token) for the refresh token. */
export function buildRefreshRequest(tokenEndpoint: string, refreshToken: string, auth: ClientAuthentication): HttpRequest {
  return buildGrantRequest(tokenEndpoint, [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]], auth, [{ variable: 'REFRESH_TOKEN', value: refreshToken }]);
}

/** The token types a run accepts besides Bearer: DPoP (RFC 9449 §5) when it sent proofs. */
export interface TokenTypes {
  dpop?: boolean;
}

/**
 * RFC 6749 §5.1 success or §5.2 error. The tokens in the response are marked as its secrets first, so
 * they stay redacted even when the response is rejected and its body shown as the error's detail.
 * token_type is compared case-insensitively (RFC 6749 §5.1).
 */
export function readTokenResponse(exchange: Exchange, types: TokenTypes = {}): TokenSet {
  const response = responseOf(exchange);
  if (response.status !== 200) throw failureFrom(response, 'the token response');
  const json = expectJsonObject(response, 'the token response');
  response.secrets.push(...tokenMarks(json));
  if (isOAuthError(json)) throw oauthFailure(json, response.status);
  if (typeof json.access_token !== 'string') {
    throw new FlowError(Codes.INVALID_TOKEN_RESPONSE, 'The token response has no access_token.', 'RFC 6749 §5.1 requires access_token and token_type; check the server.', { detail: json });
  }
  const type = typeof json.token_type === 'string' ? json.token_type.toLowerCase() : undefined;
  if (type !== 'bearer' && !(type === 'dpop' && types.dpop)) {
    throw new FlowError(
      Codes.INVALID_TOKEN_TYPE,
      `The token type is ${JSON.stringify(json.token_type)}, not Bearer${types.dpop ? ' or DPoP' : ''}.`,
      type === 'dpop' ? 'The server bound the token to a DPoP key this run did not send: turn on dpop in the profile (RFC 9449).' : 'This client uses Bearer tokens (RFC 6750) and, with dpop on, DPoP tokens (RFC 9449).',
      { detail: json },
    );
  }
  return json as unknown as TokenSet;
}

/** The tokens of a token response (RFC 6749 §5.1), as secrets of the response. */
const TOKEN_FIELDS = ['access_token', 'id_token', 'refresh_token'] as const;

export function tokenMarks(json: Record<string, unknown>): SecretMark[] {
  return TOKEN_FIELDS.flatMap((field) => {
    const value = json[field];
    return typeof value === 'string' && value ? [{ variable: field.toUpperCase(), value }] : [];
  });
}
