import assert from 'node:assert/strict';
import { authPathOf, pingOneEndpoints } from '../../src/core/pingone/endpoints';
import { parseProfile, ProfileError, secretProblems, validateProfile } from '../../src/core/profile';
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
    const endpoints = pingOneEndpoints(profile);
    assert.equal(endpoints.issuer, 'https://auth.example.com/env-1/as');
    assert.equal(endpoints.resume, 'https://auth.example.com/env-1/as/resume');
    assert.equal(endpoints.flows, 'https://auth.example.com/env-1/flows');
    assert.equal(pingOneEndpoints(valid).token, `https://auth.pingone.eu/${valid.envId}/as/token`);
  });

  it('refuses a profile file that carries a secret', () => {
    assert.throws(() => parseProfile({ ...valid, clientSecret: 'x' }), (e: unknown) => e instanceof ProfileError && /never hold secrets/.test(e.message));
  });

  it('accepts scopes as a space-separated string', () => {
    assert.deepEqual(parseProfile({ ...valid, scopes: 'openid email' }).scopes, ['openid', 'email']);
  });

  it('refuses insecureTls, pkce and userinfo that are not real booleans, naming the field', () => {
    for (const field of ['insecureTls', 'pkce', 'userinfo'] as const) {
      for (const wrong of ['false', 'true', 0, 1, null, []]) {
        assert.throws(
          () => parseProfile({ ...valid, [field]: wrong }),
          (e: unknown) => e instanceof ProfileError && e.problems.length === 1 && e.problems[0].field === field && /true or false/.test(e.problems[0].message),
          `${field}: ${JSON.stringify(wrong)}`,
        );
      }
    }
    assert.equal(parseProfile({ ...valid, insecureTls: false }).insecureTls, false);
  });

  it('reports a field of the wrong type as a problem, never a TypeError', () => {
    const problem = (patch: Record<string, unknown>) => {
      try {
        parseProfile({ ...valid, ...patch });
      } catch (error) {
        assert.ok(error instanceof ProfileError, `${JSON.stringify(patch)} threw ${String(error)}`);
        return error.message;
      }
      assert.fail(`${JSON.stringify(patch)} was accepted`);
    };
    assert.equal(problem({ envId: 42 }), 'envId: expected a string, got the number 42.');
    assert.equal(problem({ name: ['Staging'] }), 'name: expected a string, got a list.');
    assert.equal(problem({ clientId: { id: 'x' } }), 'clientId: expected a string, got an object.');
    assert.equal(problem({ loginHint: 7 }), 'loginHint: expected a string, got the number 7.');
    assert.equal(problem({ acrValues: true }), 'acrValues: expected a string, got true.');
    assert.equal(problem({ maxAge: '60' }), 'maxAge: expected a whole number of seconds, got the string "60".');
    assert.match(problem({ maxAge: -1 }), /^maxAge: max_age is a whole number of seconds/);
    assert.match(problem({ maxAge: 1.5 }), /^maxAge: /);
    assert.match(problem({ redirectUri: 5 }), /^redirectUri: /);
    assert.match(problem({ scopes: 5 }), /^scopes: Scopes are a list of words/);
    assert.match(problem({ scopes: ['openid', 5] }), /^scopes: Scopes are a list of words/);
    assert.match(problem({ requestObject: null }), /^requestObject: /);
    assert.match(problem({ requestObject: { alg: 'none' } }), /^requestObject: The request object algorithm must be one of HS256/);
    assert.match(problem({ prompt: 'select_account' }), /^prompt: prompt is none, login or consent\.$/);
    assert.match(problem({ region: 7 }), /^region: /);
    assert.match(problem({ authorizeMethod: 'get' }), /^authorizeMethod: The authorize method is GET or POST\.$/);
    // Two wrong fields: both named, one line each.
    assert.deepEqual(problem({ envId: 42, pkce: 'yes' }).split('\n').map((line) => line.split(':')[0]), ['envId', 'pkce']);
  });

  it('refuses a field it does not know, so a misspelt one is not silently ignored', () => {
    assert.throws(
      () => parseProfile({ ...valid, insecureTLS: true }),
      (e: unknown) => e instanceof ProfileError && e.problems[0].field === 'profile' && /"insecureTLS" is not a profile field/.test(e.message),
    );
  });

  it('refuses what is not an object', () => {
    for (const value of [null, 'profile', 42, [valid]]) {
      assert.throws(() => parseProfile(value), (e: unknown) => e instanceof ProfileError && /A profile is a JSON object/.test(e.message), JSON.stringify(value));
    }
  });

  it('matches the assertion algorithm to the client authentication', () => {
    assert.throws(() => parseProfile({ ...valid, clientAuthMethod: 'client_secret_jwt', assertionAlg: 'RS256' }), (e: unknown) => e instanceof ProfileError && e.problems[0].field === 'assertionAlg');
    assert.throws(() => parseProfile({ ...valid, clientAuthMethod: 'private_key_jwt', assertionAlg: 'HS256' }), (e: unknown) => e instanceof ProfileError && e.problems[0].field === 'assertionAlg');
    assert.equal(parseProfile({ ...valid, clientAuthMethod: 'private_key_jwt', assertionAlg: 'ES256' }).assertionAlg, 'ES256');
  });

  it('fills the documented defaults and keeps an empty redirect URI only for pi.flow', () => {
    const { pkce: _p, authorizeMethod: _a, responseMode: _r, scopes: _s, redirectUri: _u, ...bare } = valid;
    const parsed = parseProfile({ ...bare, responseMode: 'pi.flow' });
    assert.deepEqual([parsed.pkce, parsed.authorizeMethod, parsed.scopes, parsed.redirectUri], [true, 'GET', ['openid'], '']);
    assert.throws(() => parseProfile(bare), (e: unknown) => e instanceof ProfileError && e.problems[0].field === 'redirectUri');
  });

  it('says which secret the client authentication needs', () => {
    assert.equal(secretProblems(valid, {}).length, 1);
    assert.deepEqual(secretProblems(valid, { clientSecret: 's' }), []);
    assert.match(secretProblems({ ...valid, clientAuthMethod: 'private_key_jwt' }, {})[0].message, /private key/);
    assert.deepEqual(secretProblems({ ...valid, clientAuthMethod: 'none' }, {}), []);
  });
});
