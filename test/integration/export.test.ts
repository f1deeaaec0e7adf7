/**
 * Run export with the real tools: a flow run against the sandbox, exported in every format, then
 * replayed against the same sandbox by bash + curl, httpyac and newman (each must come back with an
 * access token), and the HAR checked by har-validator against the HAR 1.2 schema. In redirect and
 * pi.flow mode; plus what a redacted export may not contain and what an export with secrets must say.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportRun } from '../../src/core/export/index';
import type { Run } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import { startSandbox } from '../../src/sandbox/index';
import type { Sandbox } from '../../src/sandbox/index';

const exec = promisify(execFile);
const BIN = join(__dirname, '../../node_modules/.bin');
// har-validator has no command line; its API is the tool.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const harValidator = require('har-validator') as { har(data: unknown): Promise<unknown> };

let sandbox: Sandbox;
let dir: string;

before(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'auth-flow-export-'));
});
after(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

function entry(method: 'client_secret_basic' | 'client_secret_post', responseMode: Profile['responseMode']): { profile: Profile; secrets: Secrets } {
  const found = sandbox.profiles().find((p) => p.profile.clientAuthMethod === method);
  assert.ok(found);
  const { requestObject: _requestObject, ...plain } = found.profile;
  return { profile: { ...plain, responseMode, pkce: true }, secrets: { ...found.secrets, ...sandbox.demoUser } };
}

async function runOf(method: 'client_secret_basic' | 'client_secret_post', responseMode: Profile['responseMode']): Promise<{ run: Run; secrets: Secrets }> {
  const { profile, secrets } = entry(method, responseMode);
  const run = await runFlow({ profile, secrets });
  assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
  return { run, secrets };
}

/** Writes every file of an export and returns the first one's path. */
function write(run: Run, name: string, includeSecrets = false): string {
  const files = exportRun(run, join(dir, name), { includeSecrets });
  for (const file of files) writeFileSync(file.path, file.text);
  return files[0].path;
}

const environment = (secrets: Secrets) => ({
  ...process.env,
  AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret ?? '',
  AUTH_FLOW_USERNAME: secrets.username ?? '',
  AUTH_FLOW_PASSWORD: secrets.password ?? '',
});

/** The access_token of a token response printed somewhere in `output`. */
function accessTokenIn(output: string): string | undefined {
  return /"access_token"\s*:\s*"([\w.-]+)"/.exec(output)?.[1];
}

describe('run export replays against the sandbox', function () {
  this.timeout(40_000);

  for (const [method, responseMode] of [
    ['client_secret_basic', 'redirect'],
    ['client_secret_post', 'pi.flow'],
  ] as const) {
    describe(`${method}, ${responseMode}`, () => {
      let run: Run;
      let secrets: Secrets;
      before(async () => ({ run, secrets } = await runOf(method, responseMode)));

      it('the shell script signs on again with bash and curl and prints the token response', async () => {
        const script = write(run, 'flow.sh');
        const { stdout, stderr } = await exec('bash', [script], { env: environment(secrets) });
        const token = accessTokenIn(stdout);
        assert.ok(token, `no access_token in the script's output:\n${stdout}\n${stderr}`);
        assert.notEqual(token, accessTokenIn(run.steps.find((s) => s.kind === 'token')?.exchange?.response?.body ?? ''), 'a new token, not the run\'s');
        assert.match(stderr, /userinfo: HTTP 200/);
      });

      it('the shell script stops with a clear message when a secret is not set', async () => {
        const script = write(run, 'flow.sh');
        const { AUTH_FLOW_PASSWORD: _password, ...env } = environment(secrets);
        const failure = await exec('bash', [script], { env }).then(() => undefined, (error: { code: number; stderr: string }) => error);
        assert.equal(failure?.code, 2);
        assert.match(failure?.stderr ?? '', /Set AUTH_FLOW_PASSWORD first/);
      });

      it('the .http file runs end to end with httpyac', async () => {
        const file = write(run, 'flow.http');
        // httpyac only sends files below its working directory.
        const { stdout } = await exec(join(BIN, 'httpyac'), ['send', file, '--all', '-o', 'body'], { env: environment(secrets), cwd: dir });
        assert.ok(accessTokenIn(stdout), `no access_token in httpyac's output:\n${stdout}`);
        assert.match(stdout, /"sub"\s*:/, 'userinfo answered with the user');
      });

      it('the Postman collection runs with newman and its environment', async () => {
        const collection = write(run, 'flow.postman_collection.json');
        const report = join(dir, 'newman.json');
        await exec(join(BIN, 'newman'), [
          'run', collection,
          '-e', join(dir, 'flow.postman_environment.json'),
          '--env-var', `clientSecret=${secrets.clientSecret}`,
          '--env-var', `username=${secrets.username}`,
          '--env-var', `password=${secrets.password}`,
          '--reporters', 'json', '--reporter-json-export', report,
        ]);
        const { run: result } = JSON.parse(readFileSync(report, 'utf8')) as {
          run: { stats: { assertions: { total: number; failed: number } }; executions: Array<{ item: { name: string }; response?: { stream?: { data: number[] } } }> };
        };
        assert.equal(result.stats.assertions.failed, 0);
        const tokenResponse = result.executions.find((e) => e.item.name === 'token')?.response?.stream?.data;
        assert.ok(tokenResponse && accessTokenIn(Buffer.from(tokenResponse).toString('utf8')), 'newman got a token response with an access_token');
      });

      it('the HAR is valid HAR 1.2 with every exchange', async () => {
        const har = JSON.parse(readFileSync(write(run, 'flow.har'), 'utf8')) as { log: { entries: Array<{ request: { url: string }; response: { status: number } }> } };
        await harValidator.har(har); // rejects with the schema errors
        assert.deepEqual(
          har.log.entries.map((e) => e.response.status),
          run.steps.map((s) => s.exchange?.response?.status),
        );
      });
    });
  }
});

describe('run export and secrets', function () {
  this.timeout(20_000);
  let run: Run;
  let secrets: Secrets;
  before(async () => ({ run, secrets } = await runOf('client_secret_basic', 'redirect')));

  const formats = ['flow.sh', 'flow.http', 'flow.har', 'flow.postman_collection.json'];

  it('a redacted export contains no secret of the run', () => {
    const token = run.steps.find((s) => s.kind === 'token')?.exchange?.response?.json as { access_token: string; id_token: string; refresh_token: string };
    const session = run.steps.find((s) => s.kind === 'authorize')?.exchange?.cookies.set.find((c) => c.name === 'ST')?.value;
    const values = { clientSecret: secrets.clientSecret, password: secrets.password, accessToken: token.access_token, idToken: token.id_token, refreshToken: token.refresh_token, session };
    for (const name of formats) {
      for (const file of exportRun(run, join(dir, name))) {
        for (const [what, value] of Object.entries(values)) {
          assert.ok(value && !file.text.includes(value), `${file.path} contains the ${what}`);
        }
        assert.doesNotMatch(file.text.slice(0, 400), /contains secrets/);
      }
    }
  });

  it('an export with secrets says so at its top, and holds them', () => {
    for (const name of formats) {
      const [main, ...rest] = exportRun(run, join(dir, name), { includeSecrets: true });
      assert.match(main.text.slice(0, 600), /WARNING: this file contains secrets/, main.path);
      assert.ok([main, ...rest].some((f) => f.text.includes(secrets.password!)), `${name} holds the password`);
    }
    const environment = exportRun(run, join(dir, 'flow.postman_collection.json'))[1];
    const values = (JSON.parse(environment.text) as { values: Array<{ key: string; value: string; type: string }> }).values;
    for (const key of ['clientSecret', 'username', 'password']) {
      assert.deepEqual(values.find((v) => v.key === key), { key, value: '', type: 'secret', enabled: true }, `${key} is present, empty and secret`);
    }
  });

  it('an export with secrets runs without them in the environment', async () => {
    const script = write(run, 'secrets.sh', true);
    const { stdout } = await exec('bash', [script], { env: { PATH: process.env.PATH ?? '' } });
    assert.ok(accessTokenIn(stdout));
  });

  it('refuses a file name that names no format', () => {
    assert.throws(() => exportRun(run, join(dir, 'flow.txt')), { code: 'EXPORT_FORMAT' });
  });
});

describe('auth-flow run --export', function () {
  this.timeout(30_000);

  it('writes each file in the format its name asks for, secrets left out', async () => {
    const { profile, secrets } = entry('client_secret_basic', 'redirect');
    const profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(profile));
    const { main } = await import('../../src/cli/main');
    const files = ['cli.sh', 'cli.har', 'cli.postman_collection.json'].map((name) => join(dir, name));
    const write = process.stdout.write;
    process.stdout.write = () => true; // the printed timeline is the CLI test's business
    let code: number;
    try {
      code = await main(['run', '--profile', profileFile, '--client-secret', secrets.clientSecret!, '--username', secrets.username!, '--password', secrets.password!, ...files.flatMap((f) => ['--export', f])]);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    for (const file of [...files, join(dir, 'cli.postman_environment.json')]) {
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(secrets.clientSecret!) && !text.includes(secrets.password!), `${file} holds no secret`);
    }
    await harValidator.har(JSON.parse(readFileSync(files[1], 'utf8')));
    assert.match(readFileSync(files[0], 'utf8'), /^#!\/usr\/bin\/env bash/);
  });

  it('refuses an export name with no format before running anything', async () => {
    const profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(entry('client_secret_basic', 'redirect').profile));
    const { main } = await import('../../src/cli/main');
    const write = process.stderr.write;
    process.stderr.write = () => true;
    try {
      // A valid profile: without the early check the run would go ahead and fail (exit 1) only at the export.
      assert.equal(await main(['run', '--profile', profileFile, '--export', join(dir, 'run.txt')]), 2);
    } finally {
      process.stderr.write = write;
    }
  });
});
