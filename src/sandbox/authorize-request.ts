/**
 * Validates authorize parameters into an {@link AuthorizeRequest}. Shared by /as/authorize and
 * /as/par, so a pushed request is checked exactly like a front-channel one (RFC 9126 §2.1).
 *
 * Order matters: client_id and redirect_uri are settled first, and until both are trusted an error is
 * never sent to the redirect_uri (RFC 6749 §4.1.2.1: "MUST NOT automatically redirect").
 */
import { decodeJwt, jwtVerify } from 'jose';
import { DEFAULT_POLICY, SIGN_ON_POLICIES, findApp, type AuthorizeRequest, type ResponseMode, type SandboxContext, type SignOnPolicy } from './context';
import { oauthError, type OAuthError } from './errors';
import { appAlgorithms, appVerificationKey } from './keys';
import type { SandboxApp } from './seed';

export const SCOPES_SUPPORTED = ['openid', 'profile', 'email'] as const;
export const RESPONSE_MODES_SUPPORTED: readonly ResponseMode[] = ['pi.flow', 'query', 'fragment', 'form_post'];
const PROMPTS = ['none', 'login', 'consent'];
/** RFC 7636 §4.1/§4.2: 43–128 characters from the unreserved set. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;
/** JWT claims that describe the request object itself rather than an authorize parameter (RFC 9101 §4). */
const ENVELOPE_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub']);

/** Where an error may be delivered once the client and its redirect_uri are trusted. */
export interface ErrorRedirect {
  redirectUri: string;
  responseMode: ResponseMode;
  state?: string;
}

export type AuthorizeValidation =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; error: OAuthError; redirectTo?: ErrorRedirect };

/**
 * @param pushedBy the client that authenticated at /as/par; its pushed parameters may not name
 *   another client nor nest a request_uri (RFC 9126 §2.1).
 */
export async function validateAuthorizeParams(
  ctx: SandboxContext,
  params: ReadonlyMap<string, string>,
  pushedBy?: SandboxApp,
): Promise<AuthorizeValidation> {
  const fail = (error: OAuthError, redirectTo?: ErrorRedirect): AuthorizeValidation => ({ ok: false, error, redirectTo });

  if (pushedBy && params.has('request_uri')) return fail(oauthError('invalid_request', 'A pushed request cannot contain request_uri.'));
  if (params.has('request') && params.has('request_uri')) {
    return fail(oauthError('invalid_request', 'Send either request or request_uri, not both.'));
  }
  const requestObject = params.get('request');
  // RFC 9101 §5 wants client_id outside the request object too; taking it from `iss` is a courtesy.
  const clientId = params.get('client_id') ?? (requestObject ? unverifiedIssuer(requestObject) : undefined);
  if (!clientId) return fail(oauthError('invalid_request', 'client_id is required.'));
  const app = findApp(ctx, clientId);
  if (!app) return fail(oauthError('invalid_client', `No application has the client_id "${clientId}".`));
  if (pushedBy && pushedBy !== app) {
    return fail(oauthError('invalid_request', 'client_id does not match the client that authenticated.'));
  }

  let merged: ReadonlyMap<string, string> = params;
  if (requestObject) {
    const outer = params.get('redirect_uri');
    const result = await readRequestObject(ctx, app, requestObject);
    if ('error' in result) {
      // The request object cannot be trusted, so only an outer, registered redirect_uri can carry the error.
      const redirectTo = outer && app.redirectUris.includes(outer) ? errorRedirect(params, outer) : undefined;
      return fail(result, redirectTo);
    }
    merged = new Map([...params, ...result]);
  }

  const redirectUriParam = merged.get('redirect_uri');
  const responseModeParam = merged.get('response_mode');
  let redirectUri: string;
  if (redirectUriParam !== undefined) {
    if (!app.redirectUris.includes(redirectUriParam)) {
      return fail(oauthError('invalid_request', `redirect_uri "${redirectUriParam}" is not registered for this application.`));
    }
    redirectUri = redirectUriParam;
  } else if (responseModeParam === 'pi.flow') {
    // docs/pingone.md §1: redirect_uri is optional with pi.flow; the app's first URI is used.
    redirectUri = app.redirectUris[0]!;
  } else {
    return fail(oauthError('invalid_request', 'redirect_uri is required.'));
  }

  const state = merged.get('state');
  const responseMode = responseModeParam ?? 'query';
  if (!isResponseMode(responseMode)) {
    return fail(oauthError('invalid_request', `response_mode must be one of ${RESPONSE_MODES_SUPPORTED.join(', ')}.`), {
      redirectUri,
      responseMode: 'query',
      state,
    });
  }
  const redirectTo: ErrorRedirect = { redirectUri, responseMode, state };
  const invalid = (description: string) => fail(oauthError('invalid_request', description), redirectTo);

  const responseType = merged.get('response_type');
  if (responseType === undefined) return invalid('response_type is required.');
  if (responseType !== 'code') {
    return fail(oauthError('unsupported_response_type', `response_type "${responseType}" is not supported; use "code".`), redirectTo);
  }

  const scopes = readScopes(merged.get('scope'));
  if (!Array.isArray(scopes)) return fail(scopes, redirectTo);

  const pkce = readPkce(app, merged.get('code_challenge'), merged.get('code_challenge_method'));
  if (typeof pkce === 'string') return invalid(pkce);

  const prompt = new Set((merged.get('prompt') ?? '').split(' ').filter(Boolean));
  const badPrompt = [...prompt].find((value) => !PROMPTS.includes(value));
  if (badPrompt) return invalid(`prompt "${badPrompt}" is not supported; use none, login or consent.`);
  // OIDC Core §3.1.2.1: "none" with any other value is an error.
  if (prompt.has('none') && prompt.size > 1) return invalid('prompt=none cannot be combined with other values.');

  const maxAgeParam = merged.get('max_age');
  const maxAge = maxAgeParam === undefined ? undefined : Number(maxAgeParam);
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0)) return invalid('max_age must be a whole number of seconds.');

  const acrValues = merged.get('acr_values')?.split(' ').filter(Boolean) ?? [];
  const policy = acrValues.length ? acrValues.find(isPolicy) : DEFAULT_POLICY;
  if (!policy) return invalid(`acr_values names no sign-on policy; known: ${Object.keys(SIGN_ON_POLICIES).join(', ')}.`);

  return {
    ok: true,
    request: {
      app,
      redirectUriParam,
      redirectUri,
      responseMode,
      scopes,
      state,
      nonce: merged.get('nonce'),
      codeChallenge: pkce,
      prompt,
      maxAge,
      policy,
      loginHint: merged.get('login_hint'),
    },
  };
}

/**
 * The requested scopes, deduplicated; openid when absent (RFC 6749 §3.3 lets the server pick a
 * default). Shared with the device authorization endpoint.
 */
export function readScopes(scope: string | undefined): string[] | OAuthError {
  const scopes = [...new Set((scope ?? 'openid').split(' ').filter(Boolean))];
  const unknown = scopes.filter((name) => !(SCOPES_SUPPORTED as readonly string[]).includes(name));
  return unknown.length ? oauthError('invalid_scope', `Unknown scope ${unknown.join(', ')}; supported: ${SCOPES_SUPPORTED.join(' ')}.`) : scopes;
}

function errorRedirect(params: ReadonlyMap<string, string>, redirectUri: string): ErrorRedirect {
  const mode = params.get('response_mode') ?? 'query';
  return { redirectUri, responseMode: isResponseMode(mode) ? mode : 'query', state: params.get('state') };
}

function isResponseMode(value: string): value is ResponseMode {
  return (RESPONSE_MODES_SUPPORTED as readonly string[]).includes(value);
}

function isPolicy(value: string): value is SignOnPolicy {
  return Object.hasOwn(SIGN_ON_POLICIES, value);
}

function unverifiedIssuer(jwt: string): string | undefined {
  try {
    const { iss } = decodeJwt(jwt);
    return iss;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a request object and returns its parameters (RFC 9101 §6.3): signed with the app's secret
 * (HS256/384/512) or key (RS or PS), `iss` = client_id, `aud` = the issuer (docs/pingone.md §1).
 */
async function readRequestObject(ctx: SandboxContext, app: SandboxApp, jwt: string): Promise<Map<string, string> | OAuthError> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(jwt, (header) => appVerificationKey(app, header.alg), {
      issuer: app.id,
      audience: ctx.endpoints.issuer,
      algorithms: appAlgorithms(app),
      currentDate: new Date(ctx.now()),
    }));
  } catch (error) {
    return oauthError('invalid_request_object', `The request object failed verification: ${(error as Error).message}`);
  }
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(payload)) {
    if (ENVELOPE_CLAIMS.has(name)) continue;
    if (name === 'request' || name === 'request_uri') {
      return oauthError('invalid_request_object', `A request object cannot contain ${name}.`);
    }
    if (typeof value === 'string') params.set(name, value);
    else if (typeof value === 'number') params.set(name, String(value));
  }
  if (params.has('client_id') && params.get('client_id') !== app.id) {
    return oauthError('invalid_request_object', 'The request object client_id does not match.');
  }
  return params;
}

/** PKCE per the app's `pkceEnforcement`; a method without a challenge defaults to plain (RFC 7636 §4.3). */
function readPkce(app: SandboxApp, challenge: string | undefined, method: string | undefined): AuthorizeRequest['codeChallenge'] | string {
  if (challenge === undefined) {
    if (method !== undefined) return 'code_challenge_method was sent without code_challenge.';
    if (app.pkceEnforcement !== 'OPTIONAL') return `This application requires PKCE (${app.pkceEnforcement}): send code_challenge.`;
    return undefined;
  }
  const resolved = method ?? 'plain';
  if (resolved !== 'S256' && resolved !== 'plain') return `code_challenge_method "${resolved}" is not supported; use S256.`;
  if (resolved !== 'S256' && app.pkceEnforcement === 'S256_REQUIRED') return 'This application requires code_challenge_method=S256.';
  if (!PKCE_VALUE.test(challenge)) return 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.2).';
  return { value: challenge, method: resolved };
}
