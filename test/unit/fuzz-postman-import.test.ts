/**
 * Fuzzes the Postman environment import with 10,000 files as text (random, and valid exports with
 * characters changed, inserted, dropped or repeated) and 10,000 at the JSON value level (a field's type
 * changed, removed or replaced anywhere in a valid export). Every file gives either a profile that
 * parses again unchanged, with each variable accounted for once and the secret kept out of everything
 * shown, or a FlowError with a POSTMAN_* code and one sentence: never another exception.
 * FUZZ_SEED replays a failure.
 */
import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import { importPostmanEnvironment, importSummary } from '../../src/core/postman-import';
import { parseProfile } from '../../src/core/profile';
import { fuzz, jsonInputs, textInputs } from '../support/fuzz';

const SECRET = 'Zq9-fuzz-client-secret-7QmZ2v9KxR4t';
const CODES = ['POSTMAN_NOT_JSON', 'POSTMAN_NOT_ENVIRONMENT', 'POSTMAN_MISSING_VARIABLE', 'POSTMAN_INVALID_PROFILE'];

const variable = (key: string, value: unknown, type = 'default', enabled = true) => ({ key, value, type, enabled });

const SAMPLES: unknown[] = [
  {
    id: 'a1',
    name: 'PingOne Auth Guide',
    values: [
      variable('authPath', 'https://auth.pingone.com'),
      variable('apiPath', 'https://api.pingone.com/v1'),
      variable('envID', '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f'),
      variable('adminClientId', '11111111-2222-4333-8444-555555555555'),
      variable('workerSecret', 'w', 'secret'),
      variable('appID', 'app-1'),
      variable('appSecret', SECRET, 'secret'),
      variable('redirect_uri', 'https://app.example.com/cb'),
      variable('flowID', '', 'any', false),
      variable('authorizeUrl', '{{authPath}}/{{envID}}/as/authorize'),
    ],
    _postman_variable_scope: 'environment',
  },
  {
    id: 'a2',
    name: 'MFA native',
    values: [
      variable('authPath', 'https://auth.pingone.eu/v1/'),
      variable('envID', '{{env}}'),
      variable('env', '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f'),
      variable('mfaNativeAppId', 'native-app'),
      variable('accessToken', 'eyJ.e30.sig', 'secret'),
    ],
    _postman_variable_scope: 'environment',
  },
  {
    name: 'Custom',
    values: [
      variable('authPath', 'http://127.0.0.1:9400/v1'),
      variable('envID', 'dev'),
      variable('appID', 'a'),
      variable('client_secret', SECRET, 'default'),
      variable('redirect_uri', '{{authPath}}/callback'),
      variable('a', '{{b}}'),
      variable('b', '{{a}}'),
    ],
  },
];

const SAMPLE_TEXTS = SAMPLES.map((sample, i) => JSON.stringify(sample, null, i % 2 ? 2 : 0));

/** The one property: a checked result or a coded refusal. */
function check(text: string): void {
  let result;
  try {
    result = importPostmanEnvironment(text, 'fuzz');
  } catch (error) {
    assert.ok(error instanceof FlowError, `only FlowErrors are thrown, got ${String(error)}`);
    assert.ok(CODES.includes(error.code), `a POSTMAN_* code, got ${error.code}`);
    assert.match(error.message, /^\S.*\S[.)]$/s, 'a sentence');
    assert.ok(!/[\n\r]/.test(error.message), 'on one line');
    assert.ok(error.hint.length > 0, 'with a hint');
    if (text.split(SECRET).length === 2) assert.ok(!`${error.message} ${error.hint}`.includes(SECRET), 'never the secret');
    return;
  }
  assert.deepEqual(parseProfile(result.profile), result.profile, 'the profile is one parseProfile accepts as is');
  const values = (JSON.parse(text.replace(/^\uFEFF/, '')) as { values: unknown[] }).values;
  assert.equal(result.mapped.length + result.skipped.length, values.length, 'each variable is mapped or skipped, once');
  assert.equal(result.mapped.filter((m) => m.target === 'clientSecret').length, result.secrets.clientSecret === undefined ? 0 : 1);
  if (text.split(SECRET).length === 2) {
    const shown = JSON.stringify([result.profile, result.mapped, result.skipped, result.assumed, importSummary(result)]);
    assert.ok(!shown.includes(SECRET), 'the secret is never shown');
  }
}

describe('Postman import fuzzing', function () {
  this.timeout(60_000);

  it('10,000 files as text: a profile or a coded refusal', () => {
    fuzz(textInputs(SAMPLE_TEXTS), check);
  });

  it('10,000 files reshaped at the JSON value level: a profile or a coded refusal', () => {
    fuzz(jsonInputs(SAMPLES), (value) => check(JSON.stringify(value) ?? 'undefined'));
  });
});
