/**
 * Fuzzes profile parsing, the one gate for saved profiles, the workspace file and the CLI: any JSON
 * value, valid profiles with fields removed or replaced by any JSON, and mutated workspace-file text.
 * `parseProfile` returns a profile or throws a ProfileError, nothing else; what it returns is checked
 * here by hand against the documented format (never by the schema under test), above all that
 * `insecureTls`, `pkce` and `userinfo` were real booleans in the input. FUZZ_SEED replays a failure.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ASSERTION_ALGS, AUTHORIZE_METHODS, CLIENT_AUTH_METHODS, parseProfile, ProfileError, REGIONS, REQUEST_OBJECT_ALGS, RESPONSE_MODES } from '../../src/core/profile';
import type { Profile } from '../../src/core/profile';
import { parseWorkspaceFile } from '../../src/extension/environments/profiles';
import { sampleProfile } from '../fixtures/profiles';
import { fuzz, jsonInputs, textInputs } from '../support/fuzz';

const SAMPLES: Array<Record<string, unknown>> = [
  sampleProfile(),
  { ...sampleProfile({ id: 'p2', region: 'custom', authPath: 'http://127.0.0.1:9400/v1', envId: 'env-1', responseMode: 'pi.flow', redirectUri: '' }), insecureTls: true, userinfo: false },
  {
    ...sampleProfile({ id: 'p3', clientAuthMethod: 'private_key_jwt', assertionAlg: 'ES256', requestObject: { alg: 'RS256' }, prompt: 'login', loginHint: 'ann', acrValues: 'Single_Factor', maxAge: 300 }),
    scopes: 'openid email',
    insecureTls: false,
  },
  { id: 'p4', name: 'Bare', region: 'EU', envId: '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f', clientId: 'c', redirectUri: 'https://app.example/cb', clientAuthMethod: 'none' },
];

const FIELDS = ['id', 'name', 'region', 'authPath', 'envId', 'clientId', 'redirectUri', 'scopes', 'clientAuthMethod', 'assertionAlg', 'authorizeMethod', 'responseMode', 'pkce', 'requestObject', 'prompt', 'loginHint', 'acrValues', 'maxAge', 'userinfo', 'insecureTls'];
const BOOLEANS = ['pkce', 'userinfo', 'insecureTls'] as const;
const TEXT = ['id', 'name', 'envId', 'clientId', 'redirectUri', 'authPath', 'loginHint', 'acrValues'] as const;
const HTTP_URL = /^https?:\/\/[^\s]/i;

/** One field of a valid sample set to any JSON value, or to a value of a neighbouring type. */
const retyped = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.constantFrom(...FIELDS, 'insecureTLS', 'clientSecret', '__proto__', 'constructor'),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('true', 'false', '1', '0', 0, 1, null, '', ' ', [], {}, 'openid', 'GET', 'custom', -1, 1.5, 2 ** 60)),
  )
  .map(([sample, field, value]) => ({ ...sample, [field]: value }));

const isWords = (value: unknown) => Array.isArray(value) && value.every((s) => typeof s === 'string' && /^\S+$/.test(s));

/** What an accepted profile must be, checked against the input it came from. */
function assertWellFormed(input: Record<string, unknown>, profile: Profile): void {
  for (const key of Object.keys(input)) assert.ok(FIELDS.includes(key), `unknown field ${key} accepted`);
  for (const field of BOOLEANS) {
    if (field in input) assert.equal(typeof input[field], 'boolean', `${field} ${JSON.stringify(input[field])} accepted`);
    assert.equal(profile[field], input[field] ?? (field === 'pkce' ? true : undefined));
  }
  for (const field of TEXT) if (field in input) assert.equal(typeof input[field], 'string', `${field} ${JSON.stringify(input[field])} accepted`);
  for (const field of ['id', 'name', 'envId', 'clientId'] as const) assert.match(profile[field] ?? '', /\S/, field);
  assert.ok([...Object.keys(REGIONS), 'custom'].includes(profile.region ?? ''));
  if (profile.region === 'custom') assert.match(profile.authPath ?? '', HTTP_URL);
  else assert.match(profile.envId ?? '', /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i);
  assert.doesNotMatch(profile.envId ?? '', /[/?#\s]/);
  if (profile.redirectUri === '') assert.equal(profile.responseMode, 'pi.flow');
  else assert.match(profile.redirectUri, HTTP_URL);
  assert.ok(isWords(profile.scopes), `scopes ${JSON.stringify(profile.scopes)}`);
  if ('scopes' in input) assert.ok(typeof input.scopes === 'string' || isWords(input.scopes));
  assert.ok(CLIENT_AUTH_METHODS.includes(profile.clientAuthMethod));
  assert.ok(AUTHORIZE_METHODS.includes(profile.authorizeMethod));
  assert.ok(RESPONSE_MODES.includes(profile.responseMode));
  if (profile.assertionAlg !== undefined) assert.ok(ASSERTION_ALGS.includes(profile.assertionAlg));
  if ('requestObject' in input) {
    assert.deepEqual(Object.keys(input.requestObject as object), ['alg']);
    assert.ok(REQUEST_OBJECT_ALGS.includes(profile.requestObject!.alg));
  }
  if (profile.prompt !== undefined) assert.ok(['none', 'login', 'consent'].includes(profile.prompt));
  if ('maxAge' in input) assert.ok(Number.isSafeInteger(input.maxAge) && (input.maxAge as number) >= 0, `maxAge ${JSON.stringify(input.maxAge)}`);
}

/** parseProfile's whole contract: a well-formed profile, or a ProfileError naming fields. */
function parsesOrRefuses(input: unknown): void {
  let profile: Profile;
  try {
    profile = parseProfile(input);
  } catch (error) {
    assert.ok(error instanceof ProfileError, `threw ${String(error)} for ${JSON.stringify(input)}`);
    assert.ok(error.problems.length > 0);
    for (const problem of error.problems) {
      assert.ok([...FIELDS, 'secrets', 'profile'].includes(problem.field), problem.field);
      assert.match(problem.message, /\S/);
    }
    return;
  }
  assert.ok(typeof input === 'object' && input !== null && !Array.isArray(input), `accepted ${JSON.stringify(input)}`);
  assertWellFormed(input as Record<string, unknown>, profile);
}

describe('fuzz: profile parsing', function () {
  this.timeout(60_000);

  it('accepts the samples', () => {
    for (const sample of SAMPLES) assertWellFormed(sample, parseProfile(sample));
  });

  it('returns a well-formed profile or throws a ProfileError, for any JSON and reshaped samples', () => {
    fuzz(fc.oneof(jsonInputs(SAMPLES), retyped), parsesOrRefuses);
  });

  it('reads any workspace file text without throwing, listing only well-formed profiles', () => {
    const files = [JSON.stringify(SAMPLES, null, 2), `[\n  // team\n  ${JSON.stringify(SAMPLES[0])} /* first */\n]`];
    fuzz(textInputs(files), (text) => {
      const read = parseWorkspaceFile(text, 'auth-flows.json');
      for (const profile of read.profiles) assert.ok(isWords(profile.scopes) && typeof profile.pkce === 'boolean' && (profile.insecureTls === undefined || typeof profile.insecureTls === 'boolean'));
      for (const problem of read.problems) assert.equal(typeof problem, 'string');
    });
  });
});
