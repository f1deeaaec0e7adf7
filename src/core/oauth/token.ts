/**
 * Step 5 — the token request (RFC 6749 §4.1.3, RFC 7636 §4.5): exchange the authorization code, with
 * the PKCE code_verifier and the application's client authentication, for tokens (§5.1).
 */
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

export function buildTokenRequest(grant: AuthorizationCodeGrant): HttpRequest {
  const params: [string, string][] = [['grant_type', 'authorization_code'], ['code', grant.code]];
  if (grant.redirectUri) params.push(['redirect_uri', grant.redirectUri]);
  if (grant.codeVerifier) params.push(['code_verifier', grant.codeVerifier]);
  params.push(...grant.auth.params);
  return {
    method: 'POST',
    url: grant.tokenEndpoint,
    headers: [['content-type', 'application/x-www-form-urlencoded'], ['accept', 'application/json'], ...grant.auth.headers],
    body: new URLSearchParams(params).toString(),
    // RFC 7636 §7.1: the verifier is what proves this client asked for the code; it is shown only on request.
    secrets: [...grant.auth.secrets, ...(grant.codeVerifier ? [{ variable: 'CODE_VERIFIER', value: grant.codeVerifier, describe: 'the PKCE code_verifier of this run' }] : [])],
  };
}

/**
 * RFC 6749 §5.1 success or §5.2 error. The tokens in the response are marked as its secrets first, so
 * they stay redacted even when the response is rejected and its body shown as the error's detail.
 */
export function readTokenResponse(exchange: Exchange): TokenSet {
  const response = responseOf(exchange);
  if (response.status !== 200) throw failureFrom(response, 'the token response');
  const json = expectJsonObject(response, 'the token response');
  response.secrets.push(...tokenMarks(json));
  if (isOAuthError(json)) throw oauthFailure(json, response.status);
  if (typeof json.access_token !== 'string') {
    throw new FlowError('INVALID_TOKEN_RESPONSE', 'The token response has no access_token.', 'RFC 6749 §5.1 requires access_token and token_type; check the server.', { detail: json });
  }
  if (typeof json.token_type !== 'string' || json.token_type.toLowerCase() !== 'bearer') {
    throw new FlowError('INVALID_TOKEN_TYPE', `The token type is ${JSON.stringify(json.token_type)}, not Bearer.`, 'This client only uses Bearer tokens (RFC 6750).', { detail: json });
  }
  return json as unknown as TokenSet;
}

const TOKEN_FIELDS = ['access_token', 'id_token', 'refresh_token'] as const;

function tokenMarks(json: Record<string, unknown>): SecretMark[] {
  return TOKEN_FIELDS.flatMap((field) => {
    const value = json[field];
    return typeof value === 'string' && value ? [{ variable: field.toUpperCase(), value }] : [];
  });
}
