import type { Profile } from '../../src/core/profile';

/** A valid user profile for the extension's unit tests; override what a test is about. */
export function sampleProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: 'p1',
    name: 'Staging',
    region: 'NA',
    envId: '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f',
    clientId: 'client-1',
    redirectUri: 'https://localhost:3000/callback',
    scopes: ['openid', 'profile'],
    clientAuthMethod: 'client_secret_basic',
    authorizeMethod: 'GET',
    responseMode: 'redirect',
    pkce: true,
    ...overrides,
  };
}
