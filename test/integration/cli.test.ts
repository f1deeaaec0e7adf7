/**
 * The built CLI (dist/cli.js, as `npm start` and users run it) as a separate process: exit codes,
 * the timeline, --json, secrets kept out of output, and `sandbox` printing a profile that works.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Run } from '../../src/core/model';
import { CLI, runCli } from '../support/cli';



describe('CLI', function () {
  this.timeout(30_000);
  let sandboxProcess: ReturnType<typeof spawn>;
  let profileFile: string;
  let clientSecret: string;
  let demo: { username: string; password: string };

  before(async () => {
    // `auth-flow sandbox` in its own process: the profile it prints must be ready to use as is.
    sandboxProcess = spawn(process.execPath, [CLI, 'sandbox', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    sandboxProcess.stdout?.on('data', (chunk) => (output += chunk));
    while (!output.includes('Press Ctrl+C')) await once(sandboxProcess.stdout!, 'data');
    const profileJson = output.slice(output.indexOf('{', output.indexOf('Profile (save as profile.json):')), output.indexOf('\n}\n') + 2);
    clientSecret = /AUTH_FLOW_CLIENT_SECRET='([^']*)'/.exec(output)?.[1] ?? '';
    const [, username, password] = /Demo user: (\S+) \/ (\S+)/.exec(output) ?? [];
    demo = { username, password };
    profileFile = join(mkdtempSync(join(tmpdir(), 'afe-cli-')), 'profile.json');
    writeFileSync(profileFile, profileJson);
  });
  after(async () => {
    sandboxProcess.kill('SIGINT');
    await once(sandboxProcess, 'exit');
  });

  it('run --json prints the whole run, succeeded, with secrets redacted', async () => {
    const { code, stdout } = await runCli(['run', '--profile', profileFile, '--json'], {
      AUTH_FLOW_CLIENT_SECRET: clientSecret,
      AUTH_FLOW_USERNAME: demo.username,
      AUTH_FLOW_PASSWORD: demo.password,
    });
    assert.equal(code, 0);
    const run = JSON.parse(stdout) as Run;
    assert.equal(run.status, 'succeeded');
    assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'authorize', 'flow', 'signOn', 'resume', 'token', 'jwks', 'userinfo']);
    assert.equal(run.steps[0].status, 'succeeded');
    assert.equal(run.steps.find((s) => s.kind === 'resume')?.exchange?.response?.status, 302);
    assert.ok(!stdout.includes(clientSecret), 'client secret redacted');
    assert.ok(!stdout.includes(`"password":"${demo.password}"`), 'password redacted');
    assert.ok(stdout.includes('$PASSWORD'));
  });

  it('run prints a timeline with each step, status, cURL and the decoded ID token', async () => {
    const { code, stdout } = await runCli(['run', '--profile', profileFile, '--client-secret', clientSecret, '--username', demo.username, '--password', demo.password]);
    assert.equal(code, 0, stdout);
    for (const title of ['Discovery', 'Authorize', 'Flow status', 'Sign on (usernamePassword.check)', 'Resume', 'Token', 'Userinfo']) assert.ok(stdout.includes(title), title);
    assert.match(stdout, /Resume \(read the redirect, do not follow it\)\s+GET \S+\/as\/resume\?flowId=\S+\s+302/);
    assert.match(stdout, /id_token \(RS256, kid \S+\) — verified/);
    assert.match(stdout, /preferred_username: demo/);
    assert.match(stdout, /curl -i -X POST '\S+\/as\/token'/);
    assert.ok(!stdout.includes(clientSecret));
    assert.match(stdout, /Flow completed in \d+ ms\./);
  });

  it('exits 1 with the failed step explained on a wrong password', async () => {
    const { code, stdout } = await runCli(['run', '--profile', profileFile, '--client-secret', clientSecret, '--username', demo.username, '--password', 'nope-nope']);
    assert.equal(code, 1);
    assert.match(stdout, /^✔ 1\. Discovery /m);
    assert.match(stdout, /✘ 4\. Sign on \(usernamePassword\.check\)/);
    assert.match(stdout, /username or password is incorrect/);
  });

  it('exits 2 on bad usage and on a profile that carries a secret', async () => {
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.equal((await runCli(['run'])).code, 2);
    const withSecret = join(mkdtempSync(join(tmpdir(), 'afe-cli-')), 'bad.json');
    writeFileSync(withSecret, JSON.stringify({ region: 'NA', envId: 'x', clientSecret: 'leak' }));
    const bad = await runCli(['run', '--profile', withSecret]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /never hold secrets/);
  });

  it('decode verifies a token against the sandbox JWKS, and explains a non-token', async () => {
    const { stdout } = await runCli(['run', '--profile', profileFile, '--json', '--include-secrets', '--client-secret', clientSecret, '--username', demo.username, '--password', demo.password]);
    const run = JSON.parse(stdout) as Run;
    const idToken = run.steps.find((s) => s.kind === 'token')?.tokens.find((t) => t.kind === 'id_token');
    assert.ok(idToken && idToken.raw.startsWith('eyJ'), '--include-secrets keeps the raw token');
    const jwks = run.steps.find((s) => s.kind === 'jwks')?.exchange?.request.url ?? '';
    const decoded = await runCli(['decode', `Bearer ${idToken.raw}`, '--jwks', jwks]);
    assert.equal(decoded.code, 0, decoded.stderr);
    const result = JSON.parse(decoded.stdout);
    assert.equal(result.verified, true);
    assert.equal(result.payload.sub, idToken.payload.sub);
    const junk = await runCli(['decode', 'not-a-token']);
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /No JWT found/);
  });

  it('exits 2 with a clear line, not a stack trace, for a busy sandbox port and a missing private key file', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const taken = await runCli(['sandbox', '--port', String(port)]);
      assert.equal(taken.code, 2, taken.stderr);
      assert.match(taken.stderr.split('\n')[0]!, new RegExp(`^Port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
      assert.doesNotMatch(taken.stderr, /^\s+at /m);
    } finally {
      busy.close();
    }
    const missing = join(tmpdir(), 'afe-no-such-key.pem');
    for (const [args, env] of [[['--private-key-file', missing], {}], [[], { AUTH_FLOW_PRIVATE_KEY_FILE: missing }]] as const) {
      const run = await runCli(['run', '--profile', profileFile, ...args], env);
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.split('\n')[0]!.includes(`private key file ${missing}`), run.stderr);
      assert.doesNotMatch(run.stderr, /^\s+at /m);
    }
  });

  it('decode --jwks with a value that is not a URL says so, quoting it', async () => {
    const header = Buffer.from('{"alg":"RS256"}').toString('base64url');
    const payload = Buffer.from('{"sub":"x"}').toString('base64url');
    const result = await runCli(['decode', `${header}.${payload}.c2ln`, '--jwks', 'notaurl']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /"notaurl" is not a valid http or https URL/);
    assert.doesNotMatch(result.stderr, /bug|^\s+at /m);
  });

  it('demo (npm start) runs a complete flow against the embedded sandbox', async () => {
    const { code, stdout } = await runCli(['demo']);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /Flow completed/);
    assert.match(stdout, /^✔ 1\. Discovery /m);
    assert.equal((stdout.match(/^✔ \d+\./gm) ?? []).length, 8);
  });
});
