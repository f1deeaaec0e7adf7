import assert from 'node:assert/strict';
import { authPathOf, endpointsOf, parseProfile, ProfileError, secretProblems, validateProfile } from '../../src/core/profile';
import type { Profile } from '../../src/core/profile';
import { sampleProfile } from '../fixtures/profiles';

const valid: Profile = sampleProfile({ region: 'EU' });

describe('profile', () => {
  it('accepts a complete profile', () => assert.deepEqual(validateProfile(valid), []));

  it('names each bad field', () => {
    const problems = validateProfile({ ...valid, envId: 'not-a-uuid', redirectUri: 'callback', region: 'XX' as Profile['region'], scopes: ['open id'] });
    assert.deepEqual(problems.map((p) => p.field).sort(), ['envId', 'redirectUri', 'region', 'scopes']);
  });

  it('strips a trailing /v1 from a custom auth path and builds the documented endpoints', () => {
    const profile = parseProfile({ ...valid, region: 'custom', authPath: 'https://auth.example.com/v1/', envId: 'env-1' });
    assert.equal(authPathOf(profile), 'https://auth.example.com');
    const endpoints = endpointsOf(profile);
    assert.equal(endpoints.issuer, 'https://auth.example.com/env-1/as');
    assert.equal(endpoints.resume, 'https://auth.example.com/env-1/as/resume');
    assert.equal(endpoints.flows, 'https://auth.example.com/env-1/flows');
    assert.equal(endpointsOf(valid).token, `https://auth.pingone.eu/${valid.envId}/as/token`);
  });

  it('refuses a profile file that carries a secret', () => {
    assert.throws(() => parseProfile({ ...valid, clientSecret: 'x' }), (e: unknown) => e instanceof ProfileError && /never hold secrets/.test(e.message));
  });

  it('accepts scopes as a space-separated string', () => {
    assert.deepEqual(parseProfile({ ...valid, scopes: 'openid email' }).scopes, ['openid', 'email']);
  });

  it('says which secret the client authentication needs', () => {
    assert.equal(secretProblems(valid, {}).length, 1);
    assert.deepEqual(secretProblems(valid, { clientSecret: 's' }), []);
    assert.match(secretProblems({ ...valid, clientAuthMethod: 'private_key_jwt' }, {})[0].message, /private key/);
    assert.deepEqual(secretProblems({ ...valid, clientAuthMethod: 'none' }, {}), []);
  });
});
