/** OpenID Provider metadata (OIDC Discovery §3, RFC 8414 §2, RFC 8628 §4) and the JWKS (RFC 7517 §5). */
import { RESPONSE_MODES_SUPPORTED, SCOPES_SUPPORTED } from './authorize-request';
import { SIGN_ON_POLICIES, type SandboxContext } from './context';
import { json, type Reply } from './http';

const ASSERTION_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

export function handleDiscovery(ctx: SandboxContext): Reply {
  const e = ctx.endpoints;
  // The methods of the registered apps: the mutual TLS ones only where the sandbox asks for client certificates.
  const clientAuthMethods = [...new Set(ctx.apps.map((app) => app.tokenEndpointAuthMethod))];
  return json(200, {
    issuer: e.issuer,
    authorization_endpoint: e.authorize,
    pushed_authorization_request_endpoint: e.par,
    device_authorization_endpoint: e.deviceAuthorization,
    token_endpoint: e.token,
    userinfo_endpoint: e.userinfo,
    jwks_uri: e.jwks,
    end_session_endpoint: e.signoff,
    introspection_endpoint: e.introspect,
    revocation_endpoint: e.revoke,
    scopes_supported: SCOPES_SUPPORTED,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'sid', 'at_hash', 'env', 'org', 'p1.region', 'preferred_username', 'given_name', 'family_name', 'name', 'email', 'email_verified'],
    response_types_supported: ['code'],
    response_modes_supported: RESPONSE_MODES_SUPPORTED,
    grant_types_supported: [...new Set(ctx.apps.flatMap((app) => app.grantTypes))],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    request_object_signing_alg_values_supported: ASSERTION_ALGS,
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    require_pushed_authorization_requests: false,
    token_endpoint_auth_methods_supported: clientAuthMethods,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    introspection_endpoint_auth_methods_supported: clientAuthMethods,
    revocation_endpoint_auth_methods_supported: clientAuthMethods,
    code_challenge_methods_supported: ['S256', 'plain'],
    acr_values_supported: Object.keys(SIGN_ON_POLICIES),
    claims_parameter_supported: false,
  });
}

export function handleJwks(ctx: SandboxContext): Reply {
  return json(200, { keys: [ctx.signingKey.publicJwk] });
}
