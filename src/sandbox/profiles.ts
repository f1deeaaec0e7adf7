/**
 * Ready-to-run profiles, one per seeded app, each exercising a different corner (response mode,
 * authorize method, request object) so the built-in demo covers the engine's options.
 */
import type { Profile, Secrets } from '../core/profile';
import type { SandboxEndpoints } from './paths';
import { DEMO_USER, type SandboxApp } from './seed';

interface Variant {
  id: string;
  responseMode: Profile['responseMode'];
  authorizeMethod: Profile['authorizeMethod'];
  requestObject?: Profile['requestObject'];
  assertionAlg?: Profile['assertionAlg'];
}

/** Keyed by the app's method; the first (client_secret_basic, redirect, GET) is the default demo. */
const VARIANTS: Record<SandboxApp['tokenEndpointAuthMethod'], Variant> = {
  client_secret_basic: { id: 'sandbox-basic', responseMode: 'redirect', authorizeMethod: 'GET' },
  client_secret_post: { id: 'sandbox-post', responseMode: 'pi.flow', authorizeMethod: 'POST' },
  client_secret_jwt: { id: 'sandbox-secret-jwt', responseMode: 'redirect', authorizeMethod: 'POST', assertionAlg: 'HS256', requestObject: { alg: 'HS256' } },
  private_key_jwt: { id: 'sandbox-private-key-jwt', responseMode: 'pi.flow', authorizeMethod: 'GET', assertionAlg: 'RS256', requestObject: { alg: 'RS256' } },
  none: { id: 'sandbox-public', responseMode: 'redirect', authorizeMethod: 'GET' },
  tls_client_auth: { id: 'sandbox-tls-client-auth', responseMode: 'pi.flow', authorizeMethod: 'POST' },
  self_signed_tls_client_auth: { id: 'sandbox-self-signed-tls-client-auth', responseMode: 'redirect', authorizeMethod: 'GET' },
};

export function sandboxProfiles(url: string, envId: string, endpoints: SandboxEndpoints, apps: readonly SandboxApp[]): Array<{ profile: Profile; secrets: Secrets }> {
  return apps.map((app) => {
    const variant = VARIANTS[app.tokenEndpointAuthMethod];
    const profile: Profile = {
      id: variant.id,
      name: `Local sandbox (${app.tokenEndpointAuthMethod})`,
      region: 'custom',
      authPath: url,
      envId,
      clientId: app.id,
      redirectUri: endpoints.callback,
      scopes: ['openid', 'profile', 'email'],
      clientAuthMethod: app.tokenEndpointAuthMethod,
      ...(variant.assertionAlg ? { assertionAlg: variant.assertionAlg } : {}),
      authorizeMethod: variant.authorizeMethod,
      responseMode: variant.responseMode,
      pkce: true,
      ...(variant.requestObject ? { requestObject: variant.requestObject } : {}),
      userinfo: true,
    };
    const secrets: Secrets = {
      ...(app.clientSecret ? { clientSecret: app.clientSecret } : {}),
      ...(app.keyPair ? { privateKey: app.keyPair.privateKeyPem } : {}),
      username: DEMO_USER.username,
      password: DEMO_USER.password,
    };
    return { profile, secrets };
  });
}
