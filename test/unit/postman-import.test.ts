import assert from 'node:assert/strict';
import { failure } from '../support/exchange';
import { FlowError } from '../../src/core/errors';
import { importPostmanEnvironment, importReport, importSummary, type PostmanImport } from '../../src/core/postman-import';

const ENV_ID = '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f';
const APP_ID = '2c0e4a8b-6d1f-4e3a-9b7c-5d8e0f1a2b3c';
const SECRET = 'Qm~z2v9KxR4t.Lp8WcN3yHf6JdS1aEb5';

type Entry = { key: unknown; value?: unknown; type?: string; enabled?: boolean };
const v = (key: string, value: unknown, more: Partial<Entry> = {}): Entry => ({ key, value, type: 'default', enabled: true, ...more });

/** Shaped like the environments PingOne's guides ship: the sign-on variables, management API ones, per-run ones. */
function guideEnvironment(values: unknown[] = guideValues()) {
  return { id: 'c9a1e8f2-0000-4000-8000-000000000001', name: 'PingOne Auth Guide', values, _postman_variable_scope: 'environment', _postman_exported_at: '2025-01-01T00:00:00.000Z', _postman_exported_using: 'Postman/11.0.0' };
}

function guideValues(): Entry[] {
  return [
    v('authPath', 'https://auth.pingone.com'),
    v('apiPath', 'https://api.pingone.com/v1'),
    v('envID', ENV_ID),
    v('adminClientId', '11111111-2222-4333-8444-555555555555'),
    v('workerSecret', 'worker-secret-value', { type: 'secret' }),
    v('appID', APP_ID),
    v('appSecret', SECRET, { type: 'secret' }),
    v('redirect_uri', 'https://app.example.com/callback'),
    v('redirect_uri_old', 'https://old.example.com/cb', { enabled: false }),
    v('flowID', ''),
    v('authCode', '', { type: 'any' }),
    v('accessToken', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', { type: 'secret' }),
    v('authorizeUrl', '{{authPath}}/{{envID}}/as/authorize'),
  ];
}

const importText = (value: unknown, id = 'imported-1') => importPostmanEnvironment(typeof value === 'string' ? value : JSON.stringify(value), id);

/** The FlowError an import throws; fails when it does not throw one. */
const refusal = (value: unknown): FlowError => failure(() => importText(value));

const skippedReason = (result: PostmanImport, variable: string) => result.skipped.find((s) => s.variable === variable)?.reason;

describe('Postman environment import', () => {
  describe("an environment shaped like PingOne's guides", () => {
    const result = importText(guideEnvironment());

    it('maps authPath to its region, envID, appID and redirect_uri into a profile with the defaults filled in', () => {
      assert.deepEqual(result.profile, {
        id: 'imported-1',
        name: 'PingOne Auth Guide',
        region: 'NA',
        envId: ENV_ID,
        clientId: APP_ID,
        redirectUri: 'https://app.example.com/callback',
        scopes: ['openid'],
        clientAuthMethod: 'client_secret_basic',
        authorizeMethod: 'GET',
        responseMode: 'redirect',
        pkce: true,
      });
    });

    it('returns the client secret apart, for the secret store', () => {
      assert.deepEqual(result.secrets, { clientSecret: SECRET });
    });

    it('says which variable became which field, in file order, without the secret', () => {
      assert.deepEqual(result.mapped, [
        { variable: 'authPath', target: 'region', value: 'NA' },
        { variable: 'envID', target: 'envId', value: ENV_ID },
        { variable: 'appID', target: 'clientId', value: APP_ID },
        { variable: 'appSecret', target: 'clientSecret' },
        { variable: 'redirect_uri', target: 'redirectUri', value: 'https://app.example.com/callback' },
      ]);
    });

    it('says why every other variable was left out', () => {
      assert.deepEqual(
        result.skipped.map((s) => s.variable),
        ['apiPath', 'adminClientId', 'workerSecret', 'redirect_uri_old', 'flowID', 'authCode', 'accessToken', 'authorizeUrl'],
      );
      assert.match(skippedReason(result, 'apiPath') ?? '', /management API/);
      assert.match(skippedReason(result, 'adminClientId') ?? '', /management API/);
      assert.match(skippedReason(result, 'workerSecret') ?? '', /management API/);
      assert.equal(skippedReason(result, 'redirect_uri_old'), 'disabled in Postman');
      assert.match(skippedReason(result, 'flowID') ?? '', /while it runs/);
      assert.match(skippedReason(result, 'accessToken') ?? '', /while it runs/);
      assert.equal(skippedReason(result, 'authorizeUrl'), 'not a setting of a sign-on profile');
    });

    it('names the client authentication it assumed', () => {
      assert.deepEqual(result.assumed.map((a) => [a.field, a.value]), [['clientAuthMethod', 'client_secret_basic']]);
    });

    it('never puts a secret value in the profile, the report or the summary', () => {
      const shown = JSON.stringify([result.profile, result.mapped, result.skipped, result.assumed, importSummary(result)]);
      for (const secret of [SECRET, 'worker-secret-value', 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln']) assert.ok(!shown.includes(secret), `${secret} is not shown`);
    });

    it('summarises in lines a person reads', () => {
      const summary = importSummary(result);
      assert.deepEqual(summary.mapped, [
        'authPath → region NA (https://auth.pingone.com)',
        `envID → envId ${ENV_ID}`,
        `appID → clientId ${APP_ID}`,
        'appSecret → client secret (kept out of the profile)',
        'redirect_uri → redirectUri https://app.example.com/callback',
      ]);
      assert.equal(summary.skipped[3], 'redirect_uri_old: disabled in Postman');
    });

    it('reports in titled, indented sections', () => {
      const lines = importReport(result).split('\n');
      assert.deepEqual(lines.filter((line) => !line.startsWith('  ')), ['Mapped:', 'Assumed:', 'Left out:']);
      assert.equal(lines[1], '  authPath → region NA (https://auth.pingone.com)');
      assert.equal(lines.length, 3 + 5 + 1 + 8);
    });
  });

  it('uses mfaNativeAppId when appID is absent, as a public client without a secret', () => {
    const values = guideValues().filter((e) => e.key !== 'appID' && e.key !== 'appSecret');
    values.push(v('mfaNativeAppId', APP_ID));
    const result = importText(guideEnvironment(values));
    assert.equal(result.profile.clientId, APP_ID);
    assert.equal(result.profile.clientAuthMethod, 'none');
    assert.deepEqual(result.secrets, {});
    assert.deepEqual(result.mapped.find((m) => m.target === 'clientId'), { variable: 'mfaNativeAppId', target: 'clientId', value: APP_ID });
  });

  it('prefers appID over mfaNativeAppId, whichever comes first, and says so', () => {
    const values = [v('mfaNativeAppId', 'native-app'), ...guideValues()];
    const result = importText(guideEnvironment(values));
    assert.equal(result.profile.clientId, APP_ID);
    assert.equal(skippedReason(result, 'mfaNativeAppId'), 'appID already gives clientId');
  });

  it('falls back to mfaNativeAppId when appID is disabled', () => {
    const values = guideValues().map((e) => (e.key === 'appID' ? { ...e, enabled: false } : e));
    values.push(v('mfaNativeAppId', 'native-app'));
    const result = importText(guideEnvironment(values));
    assert.equal(result.profile.clientId, 'native-app');
    // The secret is there, so the application is not taken for a public one.
    assert.equal(result.profile.clientAuthMethod, 'client_secret_basic');
  });

  for (const [authPath, region] of [
    ['https://auth.pingone.eu/v1', 'EU'],
    ['https://auth.pingone.com.au/', 'AU'],
    ['https://auth.pingone.ca/v1/', 'CA'],
    ['HTTPS://Auth.PingOne.sg', 'SG'],
    ['  https://auth.pingone.asia\n', 'AP'],
  ] as const) {
    it(`reads authPath ${JSON.stringify(authPath)} as region ${region}`, () => {
      const values = guideValues().map((e) => (e.key === 'authPath' ? { ...e, value: authPath } : e));
      const { profile } = importText(guideEnvironment(values));
      assert.equal(profile.region, region);
      assert.equal(profile.authPath, undefined);
    });
  }

  it('keeps another server as region custom with its auth path, /v1 and the trailing slash dropped', () => {
    const values = guideValues().map((e) => (e.key === 'authPath' ? { ...e, value: 'https://sso.example.com/v1/' } : e));
    const result = importText(guideEnvironment(values));
    assert.equal(result.profile.region, 'custom');
    assert.equal(result.profile.authPath, 'https://sso.example.com');
    assert.deepEqual(result.mapped[0], { variable: 'authPath', target: 'authPath', value: 'https://sso.example.com' });
  });

  it("resolves references to the environment's own variables, through several levels", () => {
    const values = [
      v('tld', 'eu'),
      v('authPath', 'https://auth.pingone.{{tld}}'),
      v('envID', '{{theEnv}}'),
      v('theEnv', ENV_ID),
      v('appID', APP_ID),
      v('redirect_uri', 'https://app.example.com/{{envID}}/cb'),
    ];
    const { profile } = importText(guideEnvironment(values));
    assert.equal(profile.region, 'EU');
    assert.equal(profile.envId, ENV_ID);
    assert.equal(profile.redirectUri, `https://app.example.com/${ENV_ID}/cb`);
  });

  it('leaves out a variable whose reference names nothing, or a disabled variable, and says which', () => {
    const values = guideValues().map((e) => (e.key === 'redirect_uri' ? { ...e, value: '{{host}}/cb' } : e));
    values.push(v('host', 'https://app.example.com', { enabled: false }));
    const result = importText(guideEnvironment(values));
    assert.match(skippedReason(result, 'redirect_uri') ?? '', /\{\{host\}\}, which is not an enabled variable/);
    // Without a redirect URI the profile can run only in pi.flow mode, and the import says it chose that.
    assert.equal(result.profile.responseMode, 'pi.flow');
    assert.equal(result.profile.redirectUri, '');
    assert.ok(result.assumed.some((a) => a.field === 'responseMode' && a.value === 'pi.flow'));
  });

  it('leaves out variables that refer to each other in a circle', () => {
    const values = [...guideValues().filter((e) => e.key !== 'envID'), v('envID', '{{a}}'), v('a', '{{b}}'), v('b', '{{envID}}')];
    const error = refusal(guideEnvironment(values));
    assert.equal(error.code, 'POSTMAN_MISSING_VARIABLE');
    assert.match(error.hint, /envID \(its value cannot be resolved: \{\{envID\}\} refers back to itself\)/);
  });

  it('stops a reference that doubles at every level instead of expanding it', () => {
    const values = [...guideValues().filter((e) => e.key !== 'redirect_uri'), v('redirect_uri', 'https://app.example.com/{{x0}}')];
    for (let i = 0; i < 40; i++) values.push(v(`x${i}`, `{{x${i + 1}}}{{x${i + 1}}}`));
    values.push(v('x40', 'ab'));
    const started = Date.now();
    const result = importText(guideEnvironment(values));
    assert.ok(Date.now() - started < 1000);
    assert.match(skippedReason(result, 'redirect_uri') ?? '', /expand past 8192 characters/);
  });

  it('skips empty and blank values and takes the first of two enabled definitions', () => {
    const values = [v('envID', '  '), ...guideValues(), v('appID', 'second-app')];
    const result = importText(guideEnvironment(values));
    assert.equal(result.profile.envId, ENV_ID);
    assert.equal(result.skipped[0].reason, 'empty value');
    assert.equal(result.profile.clientId, APP_ID);
    assert.equal(result.skipped.at(-1)?.reason, 'appID already gives clientId');
  });

  it('takes a client secret named client_secret or clientSecret whatever its type, and another secret-typed one named like a secret', () => {
    for (const [key, type] of [['client_secret', 'default'], ['clientSecret', 'text'], ['mfaNativeAppSecret', 'secret']]) {
      const values = [...guideValues().filter((e) => e.key !== 'appSecret'), v(key, 'the-secret', { type })];
      assert.deepEqual(importText(guideEnvironment(values)).secrets, { clientSecret: 'the-secret' }, key);
    }
    // A secret-typed variable without "secret" in its name is not taken for the client secret.
    const values = [...guideValues().filter((e) => e.key !== 'appSecret'), v('mfaNativeAppKey', 'k', { type: 'secret' })];
    assert.deepEqual(importText(guideEnvironment(values)).secrets, {});
  });

  it('reads a file that starts with a byte order mark', () => {
    assert.equal(importText(`\uFEFF${JSON.stringify(guideEnvironment())}`).profile.envId, ENV_ID);
  });

  it('names the profile after the environment, or says it chose a name', () => {
    const { name: _name, ...unnamed } = guideEnvironment();
    const result = importText(unnamed);
    assert.equal(result.profile.name, 'Postman environment');
    assert.ok(result.assumed.some((a) => a.field === 'name'));
  });

  describe('refuses, with one coded message', () => {
    const cases: Array<[string, unknown, string, RegExp]> = [
      ['text that is not JSON', 'authPath=https://auth.pingone.com', 'POSTMAN_NOT_JSON', /not JSON/],
      ['an empty file', '', 'POSTMAN_NOT_JSON', /not JSON/],
      ['a JSON list', [guideEnvironment()], 'POSTMAN_NOT_ENVIRONMENT', /holds a list/],
      ['JSON null', 'null', 'POSTMAN_NOT_ENVIRONMENT', /the file is not an object/],
      ['a collection', { info: { name: 'Guide', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [], variable: guideValues() }, 'POSTMAN_NOT_ENVIRONMENT', /a Postman collection/],
      ['an object without values', { name: 'x' }, 'POSTMAN_NOT_ENVIRONMENT', /values is missing/],
      ['values that are not a list', { name: 'x', values: {} }, 'POSTMAN_NOT_ENVIRONMENT', /values is not a list of variables/],
      ['a variable with a number for a key', guideEnvironment([...guideValues(), { key: 7, value: 'x' }]), 'POSTMAN_NOT_ENVIRONMENT', /values\[13\]\.key is not text/],
      ['a variable that is not an object', guideEnvironment([...guideValues(), 'authPath']), 'POSTMAN_NOT_ENVIRONMENT', /values\[13\] is not a variable/],
      ['enabled as a string', guideEnvironment([{ ...v('envID', ENV_ID), enabled: 'true' as unknown as boolean }]), 'POSTMAN_NOT_ENVIRONMENT', /values\[0\]\.enabled is not true or false/],
      ['Postman globals', { ...guideEnvironment(), _postman_variable_scope: 'globals' }, 'POSTMAN_NOT_ENVIRONMENT', /"globals", not an environment's/],
      ['an environment without envID', guideEnvironment(guideValues().filter((e) => e.key !== 'envID')), 'POSTMAN_MISSING_VARIABLE', /no usable envID/],
      ['an environment whose envID is disabled', guideEnvironment(guideValues().map((e) => (e.key === 'envID' ? { ...e, enabled: false } : e))), 'POSTMAN_MISSING_VARIABLE', /no usable envID/],
      ['an environment without authPath or any app', guideEnvironment([v('envID', ENV_ID)]), 'POSTMAN_MISSING_VARIABLE', /no usable authPath, appID \(or mfaNativeAppId\)/],
      ['an envID that is not a UUID on PingOne', guideEnvironment(guideValues().map((e) => (e.key === 'envID' ? { ...e, value: 'my-env' } : e))), 'POSTMAN_INVALID_PROFILE', /envID \(envId\): A PingOne environment ID is a UUID/],
      ['an authPath that is not a URL', guideEnvironment(guideValues().map((e) => (e.key === 'authPath' ? { ...e, value: 'auth.pingone' } : e))), 'POSTMAN_INVALID_PROFILE', /authPath \(authPath\): The auth path must be an http\(s\) URL/],
      ['a redirect_uri that is not a URL', guideEnvironment(guideValues().map((e) => (e.key === 'redirect_uri' ? { ...e, value: '/callback' } : e))), 'POSTMAN_INVALID_PROFILE', /redirect_uri \(redirectUri\)/],
    ];
    for (const [what, file, code, message] of cases) {
      it(what, () => {
        const error = refusal(file);
        assert.equal(error.code, code);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'), 'one line');
        assert.ok(error.hint.length > 0, 'a hint');
        assert.ok(!`${error.message} ${error.hint}`.includes(SECRET), 'never the secret');
      });
    }
  });
});
