/**
 * The built CLI (dist/cli.js) reading profile files: every problem exits 2 naming the field (never a
 * stack trace), and a profile that turns TLS verification off runs only with `--insecure`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../../src/core/model';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { runCli } from '../support/cli';



describe('CLI profile files', function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let dir: string;
  let profile: Record<string, unknown>;
  let env: Record<string, string>;

  before(async () => {
    sandbox = await startSandbox();
    const [demo] = sandbox.profiles();
    const { id: _id, name: _name, ...file } = demo.profile;
    profile = file;
    env = { AUTH_FLOW_CLIENT_SECRET: demo.secrets.clientSecret ?? '', AUTH_FLOW_USERNAME: sandbox.demoUser.username, AUTH_FLOW_PASSWORD: sandbox.demoUser.password };
    dir = mkdtempSync(join(tmpdir(), 'afe-cli-profile-'));
  });
  after(() => sandbox.close());

  const write = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };

  it('exits 2 naming each badly typed field, without a stack trace', async () => {
    const { code, stderr } = await runCli(['run', '--profile', write('typed.json', { ...profile, envId: 42, insecureTls: 'false' })], env);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /^envId: expected a string, got the number 42\.$/m);
    assert.match(stderr, /^insecureTls: expected true or false, got the string "false"\.$/m);
    assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
  });

  it('exits 2 on a profile file that is not one JSON object', async () => {
    const { code, stderr } = await runCli(['run', '--profile', write('list.json', [profile])], env);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /A profile is a JSON object/);
  });

  it('refuses insecureTls without --insecure, before any request', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--profile', write('insecure.json', { ...profile, insecureTls: true })], env);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /--insecure/);
    assert.equal(stdout, '', 'nothing ran');
  });

  it('runs insecureTls with --insecure, every step warning that verification is off', async () => {
    const { code, stdout, stderr } = await runCli(['run', '--profile', write('insecure.json', { ...profile, insecureTls: true }), '--insecure', '--json'], env);
    assert.equal(code, 0, stderr);
    const run = JSON.parse(stdout) as Run;
    assert.equal(run.status, 'succeeded');
    assert.ok(run.steps.length > 3);
    for (const step of run.steps) assert.ok(step.warnings.some((w) => /TLS certificate verification is off/.test(w)), `${step.title} warns`);
  });

  it('documents --insecure in the usage text', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /--insecure/);
  });
});
