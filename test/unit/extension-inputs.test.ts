import { strict as assert } from 'node:assert';
import {
  normalizePrivateKey,
  parseScopes,
  validateAuthPath,
  validateEnvId,
  validateName,
  validatePrivateKey,
  validateRedirectUri,
  validateScopes,
} from '../../src/extension/environments/profileValidators';
import { openSecret, parseSecretKey, sealSecret, secretKey } from '../../src/extension/environments/secretKeys';
import { readSettings } from '../../src/extension/settings';
import { sampleProfile } from '../fixtures/profiles';

describe('extension quick-input validators', () => {
  it('wants a UUID environment ID for PingOne regions, any path-safe id for custom servers', () => {
    assert.match(validateEnvId('abc', { region: 'NA' }) ?? '', /is a UUID/);
    assert.equal(validateEnvId('8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f', { region: 'EU' }), undefined);
    assert.equal(validateEnvId('tenant-1', { region: 'custom', authPath: 'https://auth.example.com' }), undefined);
    assert.match(validateEnvId('a/b', { region: 'custom' }) ?? '', /cannot contain/);
    assert.match(validateEnvId('', { region: 'NA' }) ?? '', /required/);
  });

  it('checks URLs, scopes and names', () => {
    assert.equal(validateAuthPath('https://auth.example.com/v1', {}), undefined);
    assert.match(validateAuthPath('auth.example.com', {}) ?? '', /http\(s\) URL/);
    assert.match(validateRedirectUri('/callback', { responseMode: 'redirect' }) ?? '', /absolute URL/);
    assert.equal(validateRedirectUri('', { responseMode: 'pi.flow' }), undefined);
    assert.deepEqual(parseScopes(' openid, profile  email '), ['openid', 'profile', 'email']);
    assert.match(validateScopes('  ', {}) ?? '', /at least one scope/);
    assert.equal(validateScopes('openid profile', {}), undefined);
    assert.match(validateName('Staging', ['Staging']) ?? '', /already exists/);
    assert.match(validateName(' ', []) ?? '', /name/);
  });

  it('accepts PKCS#8 PEMs and private JWKs and rebuilds a pasted one-line PEM', () => {
    const oneLine = '-----BEGIN PRIVATE KEY----- ' + 'A'.repeat(100) + ' -----END PRIVATE KEY-----';
    assert.equal(validatePrivateKey(oneLine), undefined);
    assert.equal(normalizePrivateKey(oneLine), `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(64)}\n${'A'.repeat(36)}\n-----END PRIVATE KEY-----`);
    assert.equal(validatePrivateKey('{"kty":"RSA","d":"x"}'), undefined);
    assert.match(validatePrivateKey('{"kty":"RSA"}') ?? '', /private part "d"/);
    assert.match(validatePrivateKey('-----BEGIN RSA PRIVATE KEY-----\nx') ?? '', /PKCS#8/);
  });
});

describe('extension secret keys', () => {
  it('names one key per profile and secret and parses it back, ids with dots included', () => {
    assert.equal(secretKey('p1', 'clientSecret'), 'authFlow.profile.p1.clientSecret');
    assert.deepEqual(parseSecretKey(secretKey('team.staging', 'password')), { profileId: 'team.staging', name: 'password' });
    assert.equal(parseSecretKey('authFlow.profile.p1.other'), undefined);
    assert.equal(parseSecretKey('other.p1.clientSecret'), undefined);
  });

  it('opens a secret only for the issuer and client it was stored for', () => {
    const stored = sealSecret(sampleProfile(), 's3cret');
    assert.equal(openSecret(sampleProfile(), stored), 's3cret');
    assert.equal(openSecret(sampleProfile({ region: 'custom', authPath: 'https://evil.example' }), stored), undefined);
    assert.equal(openSecret(sampleProfile({ clientId: 'other' }), stored), undefined);
    assert.equal(openSecret(sampleProfile(), 'not json'), undefined);
  });
});

describe('extension settings', () => {
  it('uses the defaults for missing or out-of-range values', () => {
    assert.deepEqual(readSettings(() => undefined), { requestTimeoutMs: 30_000, clockSkewSec: 120, allowInsecureTls: false, curlIncludeSecretsByDefault: false, caFile: '' });
    const values: Record<string, unknown> = { requestTimeoutSeconds: 5, clockSkewSeconds: -1, allowInsecureTls: 'yes', 'curl.includeSecretsByDefault': true };
    assert.deepEqual(readSettings((key) => values[key]), { requestTimeoutMs: 5000, clockSkewSec: 120, allowInsecureTls: false, curlIncludeSecretsByDefault: true, caFile: '' });
  });
});
