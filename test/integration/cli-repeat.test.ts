/**
 * The built CLI (dist/cli.js; `npm run build` first) measuring the sandbox with run --repeat, and the
 * CLI's consistency: --json prints one JSON document whatever happens (the run, the measurement, or
 * an error with its code, message and hint), a missing client secret is bad usage worded for the CLI.
 * The sandbox runs in this process (startSandbox()); the CLI in its own.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../../src/core/model';
import type { RepeatReport } from '../../src/core/repeat';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { CLI, runCli } from '../support/cli';

describe('CLI run --repeat', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let dir: string;
  let profileFile: string;
  let env: Record<string, string>;

  before(async () => {
    sandbox = await startSandbox();
    const [{ profile, secrets }] = sandbox.profiles();
    const { id: _id, name: _name, ...file } = profile;
    dir = mkdtempSync(join(tmpdir(), 'afe-repeat-'));
    profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(file));
    env = { AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret ?? '', AUTH_FLOW_USERNAME: sandbox.demoUser.username, AUTH_FLOW_PASSWORD: sandbox.demoUser.password };
  });
  after(() => sandbox.close());

  const STEPS = ['discovery', 'authorize', 'flow', 'signOn', 'resume', 'token', 'jwks', 'userinfo'];

  it('--repeat 6 --concurrency 2 --json: every step of every run is counted, with latencies', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--profile', profileFile, '--repeat', '6', '--concurrency', '2', '--json'], env);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as RepeatReport;
    assert.equal(report.repeat, 6);
    assert.equal(report.concurrency, 2);
    assert.equal(report.runs, 6);
    assert.equal(report.succeeded, 6);
    assert.equal(report.failed, 0);
    assert.equal(report.interrupted, false);
    assert.deepEqual(report.steps.map((s) => s.kind), STEPS);
    for (const step of [...report.steps, report.run]) {
      assert.equal(step.count, 6, JSON.stringify(step));
      assert.equal(step.errors, 0);
      assert.ok(typeof step.p50 === 'number' && typeof step.p95 === 'number' && typeof step.max === 'number', JSON.stringify(step));
      assert.ok(step.p50 <= step.p95 && step.p95 <= step.max, JSON.stringify(step));
    }
    // A whole run takes at least as long as its slowest step.
    assert.ok(report.run.max! >= Math.max(...report.steps.map((s) => s.max!)));
    // Progress on stderr, the last line saying all were done.
    assert.match(stderr, /6\/6 runs, 0 failed/);
  });

  it('prints the table: one row per step and the whole run, each with its counts', async () => {
    const { code, stdout } = await runCli(['run', '--profile', profileFile, '--repeat', '3'], env);
    assert.equal(code, 0);
    assert.match(stdout, /^Measured 3 runs of ".*profile\.json", 1 at a time, in \d+\.\d s: 3 succeeded, 0 failed\./);
    const rows = stdout.split('\n');
    const header = rows.findIndex((line) => /^step\s+runs\s+errors\s+p50 ms\s+p95 ms\s+max ms$/.test(line));
    assert.ok(header >= 0, stdout);
    const body = rows.slice(header + 1, header + 10);
    const titles = ['Discovery', 'Authorize', 'Flow status', 'Sign on', 'Resume', 'Token', 'Signing keys', 'Userinfo', 'whole run'];
    titles.forEach((title, i) => assert.match(body[i], new RegExp(`^${title}.*\\s3\\s+0\\s+\\d+\\s+\\d+\\s+\\d+$`), body[i]));
  });

  it('counts a failing step as an error of every run, with its code', async () => {
    const { code, stdout } = await runCli(['run', '--profile', profileFile, '--repeat', '4', '--concurrency', '4', '--json'], { ...env, AUTH_FLOW_PASSWORD: 'wrong-password' });
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as RepeatReport;
    assert.equal(report.runs, 4);
    assert.equal(report.failed, 4);
    const signOn = report.steps.find((s) => s.kind === 'signOn');
    assert.deepEqual([signOn?.count, signOn?.errors, signOn?.p50], [4, 4, undefined]);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0].count, 4);
    assert.ok(!stdout.includes('wrong-password'), 'the password stays out of the report');
  });

  it('Ctrl+C stops the measurement and prints what was measured so far', async () => {
    const child = spawn(process.execPath, [CLI, 'run', '--profile', profileFile, '--repeat', '10000', '--concurrency', '2', '--json'], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const progressed = new Promise<void>((resolve) => child.stderr.on('data', (chunk) => ((stderr += chunk), / runs, /.test(stderr) && resolve())));
    await progressed;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    const report = JSON.parse(stdout) as RepeatReport;
    assert.equal(report.interrupted, true);
    assert.ok(report.runs >= 1 && report.runs < 10_000, String(report.runs));
    assert.equal(report.succeeded, report.runs);
    for (const step of report.steps) assert.equal(step.errors, 0, JSON.stringify(step));
  });

  for (const [args, pattern] of [
    [['--repeat', '0'], /--repeat takes a whole number from 1 to 10000/],
    [['--repeat', '10001'], /--repeat takes a whole number from 1 to 10000/],
    [['--repeat', '2.5'], /--repeat takes a whole number/],
    [['--repeat', '5', '--concurrency', '33'], /--concurrency takes a whole number from 1 to 32/],
    [['--concurrency', '2'], /--concurrency goes with --repeat/],
    [['--repeat', '2', '--export', 'run.har'], /--export writes one run/],
  ] as const) {
    it(`refuses ${args.join(' ')} as bad usage`, async () => {
      const { code, stderr } = await runCli(['run', '--profile', profileFile, ...args], env);
      assert.equal(code, 2);
      assert.match(stderr, pattern);
    });
  }
});

describe('CLI consistency', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let profileFile: string;
  let badProfileFile: string;
  let user: Record<string, string>;

  before(async () => {
    sandbox = await startSandbox();
    const [{ profile }] = sandbox.profiles();
    const { id: _id, name: _name, ...file } = profile;
    const dir = mkdtempSync(join(tmpdir(), 'afe-cli-json-'));
    profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(file));
    badProfileFile = join(dir, 'bad.json');
    writeFileSync(badProfileFile, JSON.stringify({ ...file, pkce: 'yes' }));
    user = { AUTH_FLOW_USERNAME: sandbox.demoUser.username, AUTH_FLOW_PASSWORD: sandbox.demoUser.password, AUTH_FLOW_CLIENT_SECRET: '' };
  });
  after(() => sandbox.close());

  it('a missing client secret exits 2 naming --client-secret and AUTH_FLOW_CLIENT_SECRET', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--profile', profileFile], user);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /needs a client secret \(client_secret_basic\)/);
    assert.match(stderr, /--client-secret/);
    assert.match(stderr, /AUTH_FLOW_CLIENT_SECRET/);
    assert.doesNotMatch(stderr, /set its secrets/i);
  });

  /** stdout holds exactly one JSON document: the whole output parses. */
  const oneDocument = (stdout: string) => JSON.parse(stdout) as { error?: { code: string; message: string; hint: string } } & Partial<Run>;

  const errorCases: [string, string[], Record<string, string>, number, string, RegExp][] = [
    ['a missing client secret', [], {}, 2, 'MISSING_SECRET', /--client-secret S or AUTH_FLOW_CLIENT_SECRET/],
    ['an unknown option', ['--colour'], {}, 2, 'USAGE', /auth-flow --help/],
    ['a bad --repeat', ['--repeat', 'x'], {}, 2, 'USAGE', /auth-flow --help/],
    ['a profile with a mistyped field', ['--profile', 'BAD'], {}, 2, 'INVALID_PROFILE', /profile file/],
    ['a profile file that does not exist', ['--profile', '/nonexistent/profile.json'], {}, 2, 'USAGE', /auth-flow --help/],
  ];
  for (const [what, args, extra, exit, code, hint] of errorCases) {
    it(`--json with ${what}: one JSON error document, exit ${exit}`, async () => {
      const profileArgs = args.includes('--profile') ? args.map((a) => (a === 'BAD' ? badProfileFile : a)) : ['--profile', profileFile, ...args];
      const result = await runCli(['run', ...profileArgs, '--json'], { ...user, ...extra });
      assert.equal(result.code, exit, result.stderr);
      const document = oneDocument(result.stdout);
      assert.equal(document.error?.code, code, result.stdout);
      assert.ok(document.error?.message, 'a message');
      assert.match(document.error?.hint ?? '', hint);
    });
  }

  it('--json with a server that refuses connections prints the failed run, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afe-cli-json-'));
    const refused = join(dir, 'refused.json');
    const [{ profile }] = sandbox.profiles();
    const { id: _id, name: _name, ...file } = profile;
    // Port 9 (discard) on loopback: nothing listens there, so the connection is refused.
    writeFileSync(refused, JSON.stringify({ ...file, authPath: 'http://127.0.0.1:9' }));
    const { code, stdout } = await runCli(['run', '--profile', refused, '--json'], { ...user, AUTH_FLOW_CLIENT_SECRET: 'x' });
    assert.equal(code, 1);
    const run = oneDocument(stdout);
    assert.equal(run.status, 'failed');
    assert.equal(run.error?.code, 'ECONNREFUSED');
  });
});
