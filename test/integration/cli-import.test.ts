/**
 * The built CLI (dist/cli.js; `npm run build` first) importing a Postman environment shaped like
 * PingOne's guides, pointed at the sandbox: the profile it prints runs as is with `run --profile`, in
 * redirect and pi.flow mode, with the client secret the environment held passed as the CLI asks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPostman } from '../../src/core/export/postman';
import type { Run } from '../../src/core/model';
import { importPostmanEnvironment } from '../../src/core/postman-import';
import { runFlow } from '../../src/core/run';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { runCli } from '../support/cli';



describe('CLI import of a Postman environment', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let dir: string;
  let secret: string;
  let environmentFile: string;
  let login: Record<string, string>;

  before(async () => {
    sandbox = await startSandbox();
    const basic = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_basic');
    assert.ok(basic?.secrets.clientSecret, 'the sandbox has a client_secret_basic application');
    secret = basic.secrets.clientSecret;
    login = { AUTH_FLOW_USERNAME: sandbox.demoUser.username, AUTH_FLOW_PASSWORD: sandbox.demoUser.password };
    dir = mkdtempSync(join(tmpdir(), 'afe-cli-import-'));
    const variable = (key: string, value: string, type = 'default', enabled = true) => ({ key, value, type, enabled });
    environmentFile = join(dir, 'PingOne.postman_environment.json');
    writeFileSync(
      environmentFile,
      JSON.stringify({
        id: '3b0c1f52-9e1a-4c8e-b1d2-6f7a8e9d0c1b',
        name: 'Sandbox guide',
        values: [
          variable('sandboxHost', sandbox.url),
          // As some guide pages write it: with /v1 and a trailing slash.
          variable('authPath', '{{sandboxHost}}/v1/'),
          variable('apiPath', `${sandbox.url}/v1`),
          variable('envID', sandbox.envId),
          variable('adminClientId', '11111111-2222-4333-8444-555555555555'),
          variable('workerSecret', 'worker-secret', 'secret'),
          variable('appID', basic.profile.clientId),
          variable('appSecret', secret, 'secret'),
          variable('redirect_uri', '{{sandboxHost}}/callback'),
          variable('redirect_uri', 'https://stale.example.com/cb', 'default', false),
          variable('flowID', '', 'any'),
          variable('accessToken', '', 'secret'),
        ],
        _postman_variable_scope: 'environment',
        _postman_exported_using: 'Postman/11.2.0',
      }),
    );
  });
  after(() => sandbox.close());

  it('prints the profile on stdout and what it mapped and left out on stderr, never the secret', async () => {
    const { code, stdout, stderr } = await runCli(['import', environmentFile]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), {
      name: 'Sandbox guide',
      region: 'custom',
      authPath: sandbox.url,
      envId: sandbox.envId,
      clientId: sandbox.apps.find((app) => app.tokenEndpointAuthMethod === 'client_secret_basic')?.id,
      redirectUri: `${sandbox.url}/callback`,
      scopes: ['openid'],
      clientAuthMethod: 'client_secret_basic',
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: true,
    });
    assert.match(stderr, /^ {2}envID → envId /m);
    assert.match(stderr, /^ {2}appSecret → client secret/m);
    assert.match(stderr, /^ {2}adminClientId: for PingOne's management API/m);
    assert.match(stderr, /^ {2}redirect_uri: disabled in Postman$/m);
    assert.match(stderr, /^The file holds a client secret \("appSecret"\); it is not printed\. Pass it to run as AUTH_FLOW_CLIENT_SECRET/m);
    for (const text of [stdout, stderr]) {
      assert.ok(!text.includes(secret), 'the client secret is not printed');
      assert.ok(!text.includes('worker-secret'), 'nor the worker secret');
    }
  });

  async function importAndRun(edit: (profile: Record<string, unknown>) => string): Promise<Run> {
    const imported = await runCli(['import', environmentFile]);
    assert.equal(imported.code, 0, imported.stderr);
    const profileFile = join(dir, `profile-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(profileFile, edit(JSON.parse(imported.stdout) as Record<string, unknown>));
    const { code, stdout, stderr } = await runCli(['run', '--profile', profileFile, '--json'], { ...login, AUTH_FLOW_CLIENT_SECRET: secret });
    assert.equal(code, 0, `${stderr}\n${stdout.slice(0, 2000)}`);
    return JSON.parse(stdout) as Run;
  }

  it('runs the printed profile as is, with the secret passed as AUTH_FLOW_CLIENT_SECRET', async () => {
    const run = await importAndRun((profile) => JSON.stringify(profile));
    assert.equal(run.status, 'succeeded');
    const token = run.steps.find((step) => step.exchange?.request.url.endsWith('/as/token'));
    assert.equal(token?.status, 'succeeded');
    assert.ok(token?.exchange?.request.headers.some(([name, value]) => name.toLowerCase() === 'authorization' && value.startsWith('Basic ')), 'client_secret_basic');
    assert.deepEqual([run.steps[0].kind, run.steps[0].status], ['discovery', 'succeeded']);
    assert.match(run.steps.find((step) => step.kind === 'authorize')?.exchange?.request.url ?? '', /^[^?]*\/as\/authorize\?(?![^#]*response_mode=pi\.flow)/);
  });

  it('runs it in pi.flow mode once the profile says so', async () => {
    const run = await importAndRun((profile) => JSON.stringify({ ...profile, responseMode: 'pi.flow' }));
    assert.equal(run.status, 'succeeded');
    assert.match(run.steps.find((step) => step.kind === 'authorize')?.exchange?.request.url ?? '', /\/as\/authorize\?.*\bresponse_mode=pi\.flow(&|$)/);
  });

  it('exits 2 with a one-line reason on a file that is not an environment, and on a missing file', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['not-json.json', 'authPath=https://auth.pingone.com', /is not JSON/],
      ['collection.json', JSON.stringify({ info: { name: 'Guide' }, item: [] }), /is a Postman collection, not an environment/],
      ['no-env.json', JSON.stringify({ name: 'x', values: [{ key: 'authPath', value: sandbox.url }, { key: 'appID', value: 'a' }] }), /no usable envID/],
    ];
    for (const [name, text, reason] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const { code, stdout, stderr } = await runCli(['import', file]);
      assert.equal(code, 2, name);
      assert.equal(stdout, '', `${name}: nothing on stdout`);
      assert.match(stderr, reason, name);
      assert.equal(stderr.trimEnd().split('\n').length, 1, `${name}: one line`);
    }
    const missing = await runCli(['import', join(dir, 'absent.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^Cannot read .*absent\.json: ENOENT/);
    assert.equal(missing.stderr.trimEnd().split('\n').length, 1);
  });

  it("imports the environment Export Run writes for a run's Postman collection back into the run's profile", async () => {
    const { profile, secrets } = sandbox.profiles().find((p) => p.profile.responseMode === 'pi.flow' && p.profile.clientAuthMethod === 'client_secret_post')!;
    const run = await runFlow({ profile, secrets });
    assert.equal(run.status, 'succeeded');
    const result = importPostmanEnvironment(toPostman(run, { includeSecrets: true }).environment, 'round-trip');
    assert.equal(result.profile.authPath, profile.authPath);
    assert.equal(result.profile.envId, profile.envId);
    assert.equal(result.profile.clientId, profile.clientId);
    assert.equal(result.profile.redirectUri, profile.redirectUri);
    assert.deepEqual(result.secrets, { clientSecret: secrets.clientSecret });
    assert.deepEqual(result.skipped.map((s) => s.variable), ['username', 'password']);
  });

  it('lists import in the usage text', async () => {
    const { stdout } = await runCli(['--help']);
    assert.match(stdout, /^ {2}auth-flow import FILE$/m);
  });
});
