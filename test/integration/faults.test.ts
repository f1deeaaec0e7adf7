/**
 * The built CLI (dist/cli.js) against a misbehaving PingOne: the sandbox behind a loopback proxy that
 * alters one thing per case (test/support/faulty-server.ts). Each fault must end the run with exit 1,
 * the step it hit marked failed with a reason naming what went wrong, no internal error, no secret in
 * stdout or stderr (text and --json), and no request anywhere but the server in the profile.
 *
 * Every case runs the CLI twice (text and --json), each through its own proxy. A test starts its case
 * and the next ones, so a few run at once: the file takes about the machine's CPU time, not the sum of
 * every process's start-up.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run, Step, StepKind } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import {
  echoRequest,
  editHeaders,
  editIdToken,
  editJson,
  goDownAfter,
  hang,
  hugeBody,
  randomText,
  replaceWith,
  resetMidResponse,
  startFaultyServer,
  trickle,
  type Fault,
  type FaultyServer,
  type Jwt,
} from '../support/faulty-server';
import { CLI } from '../support/cli';

/** A run the CLI has not finished by then is killed and reported as hanging. */
const KILL_AFTER_MS = 20_000;
/** Cases in flight at once (two CLI processes each). */
const CONCURRENCY = 2;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const profiles = mkdtempSync(join(tmpdir(), 'afe-faults-'));
let profileCount = 0;

function profileFile(profile: object): string {
  const file = join(profiles, `profile-${++profileCount}.json`);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

interface Scenario {
  fault?: Fault;
  tls?: boolean;
  /** Nothing listens: the proxy stops before the run. */
  refuse?: boolean;
  app?: Profile['clientAuthMethod'];
  /** The sandbox user to sign on (default demo). */
  user?: string;
  edit?: (profile: Record<string, unknown>) => Record<string, unknown>;
  timeoutSec?: number;
  /** More `run` arguments. */
  args?: string[];
}

interface Result {
  text: Outcome & { server: FaultyServer };
  json: Outcome & { server: FaultyServer };
  /** The --json run. */
  run: Run;
}

/** A pattern for a failed step's reason; a function when it names the proxy (its ports differ per run). */
type Reason = RegExp | ((server: FaultyServer) => RegExp);

interface Case {
  title: string;
  given: Scenario;
  then(result: Result): void;
}

const stepTimes = /^✘ \d+\. .*?\s(\d+) ms$/;

/** Exit 1; a step of one of `kinds` failed with a reason matching every pattern, in both output modes. */
function expectFailed(result: Result, kinds: StepKind | StepKind[], ...reasons: Reason[]): { step: Step; textMs: number } {
  const { text, json, run } = result;
  const wanted = Array.isArray(kinds) ? kinds : [kinds];
  const failed = run.steps.filter((s) => s.status === 'failed');
  const step = failed.find((s) => wanted.includes(s.kind));
  const summary = failed.map((s) => `${s.title}: ${s.error?.code} ${s.error?.message}`).join('\n') || `(no step failed; run ${run.status})`;
  assert.ok(step, `expected a failed ${wanted.join(' or ')} step; failed:\n${summary}`);
  assert.equal(json.code, 1, `--json exit code\n${summary}`);
  assert.equal(text.code, 1, `text exit code\n${text.stdout}${text.stderr}`);
  const pattern = (reason: Reason, server: FaultyServer) => (typeof reason === 'function' ? reason(server) : reason);
  for (const reason of reasons) assert.match(step.error?.message ?? '', pattern(reason, json.server), `${step.title}: ${step.error?.code} ${step.error?.message}`);
  // Text mode: the same step marked failed, and the closing line giving the reason.
  const marked = `✘ ${run.steps.indexOf(step) + 1}. ${step.title}`;
  const line = text.stdout.split('\n').find((l) => l.startsWith(marked));
  assert.ok(line, `text output marks "${step.title}" failed:\n${text.stdout}`);
  const closing = /^Flow failed[^:]*: (.*)$/m.exec(text.stdout)?.[1] ?? '';
  for (const reason of reasons) assert.match(closing, pattern(reason, text.server), `text output's reason: ${closing}`);
  return { step, textMs: Number(stepTimes.exec(line)?.[1] ?? NaN) };
}

/** The failed step ended within `ms` in both runs (its own duration, not the process's start-up). */
function expectWithin(result: Result, kinds: StepKind | StepKind[], ms: number, ...reasons: Reason[]): void {
  const { step, textMs } = expectFailed(result, kinds, ...reasons);
  assert.ok((step.duration ?? Infinity) < ms, `--json: ${step.title} took ${step.duration} ms`);
  assert.ok(textMs < ms, `text: ${step.title} took ${textMs} ms`);
}

const timedOut = /time(d)? ?out|deadline|within 1 s/i;
const host = (url: string) => new RegExp(new URL(url).host.replace(/\./g, '\\.'));
const setLink = (edit: (href: string, flow: Record<string, unknown>, elsewhere: string) => string) =>
  editJson('flow', (flow, call) => {
    const links = flow._links as Record<string, { href: string }>;
    links['usernamePassword.check'] = { href: edit(links['usernamePassword.check'].href, flow, call.elsewhere) };
    return flow;
  });
const idTokenWith = (edit: (token: Jwt) => void) =>
  editIdToken((token) => {
    edit(token);
    return token;
  });
const platformError = (status: number, code: string, message: string) =>
  replaceWith('jwks', { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: randomText(8), code, message }) });

const GROUPS: Record<string, Case[]> = {
  transport: [
    {
      // The first request of a run is discovery: an environment it cannot reach fails there, no fallback.
      title: 'refused connection: discovery fails, saying the connection was refused, and nothing runs after it',
      given: { refuse: true },
      then: (r) => {
        expectFailed(r, 'discovery', /refused/i);
        assert.deepEqual(r.run.steps.map((s) => s.kind), ['discovery']);
      },
    },
    {
      title: 'connection reset mid-response: the token step fails, saying the connection was cut after the answer began',
      given: { fault: resetMidResponse('token') },
      // The status line and headers arrived: "before answering" would send the reader to the wrong place.
      then: (r) => expectFailed(r, 'token', /reset|closed/i, /mid|partway|during|body|after the (response )?headers/i),
    },
    // With --timeout 1, on the first request (discovery): on a busy machine an earlier step could take a second too.
    // A discovery that does not answer fails the run; only an answer that is not a document falls back.
    {
      title: 'no answer at all (--timeout 1): discovery times out after about 1 s',
      given: { fault: hang('discovery'), timeoutSec: 1 },
      then: (r) => expectWithin(r, 'discovery', 2500, timedOut),
    },
    {
      title: 'a body trickling at 1 byte per 200 ms (--timeout 1): discovery ends after about 1 s (a total deadline)',
      given: { fault: trickle('discovery'), timeoutSec: 1 },
      then: (r) => expectWithin(r, 'discovery', 2500, timedOut),
    },
    {
      title: 'a 50 MB body: userinfo stops reading at the cap and says so',
      given: { fault: hugeBody('userinfo') },
      then: (r) => expectFailed(r, 'userinfo', /MB|too large|larger/i),
    },
    {
      title: 'a self-signed certificate: discovery fails naming it',
      given: { tls: true },
      then: (r) => expectFailed(r, 'discovery', /self-signed/i),
    },
    {
      title: '(control) the same TLS front with insecureTls: the run succeeds, so the failure above is the certificate',
      given: { tls: true, edit: (p) => ({ ...p, insecureTls: true }), args: ['--insecure'] },
      then: ({ run, text, json }) => {
        assert.equal(run.status, 'succeeded', run.error?.message);
        assert.equal(json.code, 0);
        assert.equal(text.code, 0, text.stdout);
        assert.match(text.stdout, /TLS certificate verification is off/);
      },
    },
  ],

  'answers that are not what the step expects': [
    {
      title: 'an HTML page instead of the discovery document: the run goes on with PingOne\'s documented paths, saying so',
      given: {
        fault: replaceWith('discovery', { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><head><title>Sign in</title></head></html>' }),
      },
      then: ({ run, text, json }) => {
        assert.equal(run.status, 'succeeded', run.error?.message);
        assert.equal(json.code, 0);
        assert.equal(text.code, 0, text.stdout);
        const [discovery] = run.steps;
        assert.deepEqual([discovery.kind, discovery.status], ['discovery', 'succeeded']);
        assert.match(discovery.warnings.join('\n'), /HTML page.*documented paths/);
        assert.match(text.stdout, /documented paths/);
        assert.ok(run.steps.some((s) => s.kind === 'userinfo' && s.status === 'succeeded'), 'the rest of the run used the documented paths');
      },
    },
    {
      title: 'a discovery document naming another issuer: discovery fails, and no endpoint of it is called',
      given: { fault: editJson('discovery', (doc) => ({ ...doc, issuer: 'https://evil.example/as' })) },
      then: (r) => {
        expectFailed(r, 'discovery', /issuer.*evil\.example/);
        assert.deepEqual(r.run.steps.map((s) => s.kind), ['discovery']);
        assert.equal(r.run.error?.code, 'DISCOVERY_ISSUER_MISMATCH');
      },
    },
    {
      title: 'an HTML error page instead of JSON: the token step says it got HTML',
      given: {
        fault: replaceWith('token', {
          status: 502,
          headers: { 'content-type': 'text/html' },
          body: '<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
        }),
      },
      then: (r) => expectFailed(r, 'token', /HTML/),
    },
    {
      title: 'invalid JSON: the token step says the body is not JSON',
      given: { fault: replaceWith('token', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"access_token": "abc", "token_type": "Bearer",' }) },
      then: (r) => expectFailed(r, 'token', /JSON/),
    },
    ...(['authorize', 'resume'] as const).flatMap((on): Case[] => [
      {
        title: `a 302 without Location on ${on}: the ${on} step names the missing Location`,
        given: { fault: editHeaders(on, ({ location: _dropped, ...rest }) => rest) },
        then: (r) => expectFailed(r, on, /Location/),
      },
      {
        title: `a hostile Location (javascript:alert(1)) on ${on}: the ${on} step fails quoting it as received`,
        given: { fault: editHeaders(on, (headers) => ({ ...headers, location: 'javascript:alert(1)' })) },
        then: (r) => expectFailed(r, on, /javascript:alert\(1\)/, /Location|redirect/i),
      },
      {
        title: `an unparsable Location on ${on}: the ${on} step fails quoting it, not with an internal error`,
        given: { fault: editHeaders(on, (headers) => ({ ...headers, location: 'http://[oops/callback' })) },
        then: (r) => expectFailed(r, on, /http:\/\/\[oops\/callback/, /Location|redirect/i),
      },
    ]),
  ],

  tokens: [
    {
      title: 'an ID token with a wrong nonce: the token step fails on the nonce',
      given: { fault: idTokenWith(({ payload }) => (payload.nonce = randomText())) },
      then: (r) => expectFailed(r, 'token', /nonce/i),
    },
    {
      title: 'an ID token with a wrong audience: the token step fails on the audience',
      given: { fault: idTokenWith(({ payload }) => (payload.aud = 'another-client')) },
      then: (r) => expectFailed(r, 'token', /audience|\baud\b/i),
    },
    {
      title: 'an ID token with a wrong issuer: the token step fails on the issuer',
      given: { fault: idTokenWith(({ payload }) => (payload.iss = 'https://auth.example.test/as')) },
      then: (r) => expectFailed(r, 'token', /issuer|\biss\b/i),
    },
    {
      title: 'an ID token with alg "none": the token step fails on the signature',
      given: { fault: idTokenWith(({ header }) => (header.alg = 'none')) },
      then: (r) => expectFailed(r, 'token', /signature|unsigned|none/i),
    },
    {
      title: 'an ID token with alg RS999: the token step fails naming the algorithm',
      given: { fault: idTokenWith(({ header }) => (header.alg = 'RS999')) },
      then: (r) => expectFailed(r, 'token', /RS999/),
    },
    {
      title: 'an ID token that is not a JWT: the token step says so',
      given: { fault: editIdToken(() => randomText(32)) },
      then: (r) => expectFailed(r, 'token', /id_token|ID token/i, /not a (valid )?JWT|JWT has|decod/i),
    },
    {
      title: 'an ID token with exp 1e13 (past any date): shown decoded, no internal error; if the run fails, the token step names exp',
      given: { fault: idTokenWith(({ payload }) => (payload.exp = 1e13)) },
      then: (r) => {
        const idToken = r.run.steps.find((s) => s.kind === 'token')?.tokens.find((t) => t.kind === 'id_token');
        assert.equal(idToken?.payload.exp, 1e13, `the ID token is decoded and shown; run: ${r.run.error?.code} ${r.run.error?.message}`);
        if (r.run.status === 'failed') expectFailed(r, 'token', /exp|expir/i);
        else assert.deepEqual([r.json.code, r.text.code], [0, 0]);
      },
    },
  ],

  'signing keys': [
    {
      title: 'JWKS refused (the server goes down after the token response): the JWKS step fails, saying refused',
      given: { fault: goDownAfter('token') },
      then: (r) => expectFailed(r, 'jwks', /refused/i),
    },
    {
      title: 'JWKS answering 500: the JWKS step fails with the status, not about a flow',
      given: { fault: platformError(500, 'UNEXPECTED_ERROR', 'An unexpected error occurred.') },
      then: (r) => assert.doesNotMatch(expectFailed(r, 'jwks', /500/).step.error?.message ?? '', /flow/i),
    },
    {
      title: 'JWKS answering 404 NOT_FOUND: the JWKS step fails, and it is not called an expired flow',
      given: { fault: platformError(404, 'NOT_FOUND', 'The requested resource was not found.') },
      then: (r) => {
        const { error } = expectFailed(r, 'jwks', /JWKS|keys/i, /404/).step;
        assert.doesNotMatch(`${error?.message} ${error?.hint}`, /flow|expire/i);
      },
    },
  ],

  'flows API links and embedded resources': [
    {
      title: 'a usernamePassword.check link to another host: the password is not sent there, and the failed step names where it pointed',
      given: { fault: setLink((_href, flow, elsewhere) => `${elsewhere}/flows/${String(flow.id)}`) },
      then: (r) => expectFailed(r, ['flow', 'signOn'], (server) => host(server.elsewhere)),
    },
    {
      title: 'a usernamePassword.check link downgraded to http on an https server: the password is not sent in clear text',
      given: { tls: true, edit: (p) => ({ ...p, insecureTls: true }), args: ['--insecure'], fault: setLink((href) => href.replace(/^https:/, 'http:')) },
      then: (r) => expectFailed(r, ['flow', 'signOn'], /https|plain http|http:|downgrad|clear ?text|unencrypted/i),
    },
    {
      title: '_embedded.devices that is not an array (mfa user): the step reading it names devices, no internal error',
      given: {
        user: 'mfa',
        fault: editJson('signOn', (flow) => {
          if (flow.status === 'DEVICE_SELECTION_REQUIRED') (flow._embedded as Record<string, unknown>).devices = { '0': { id: randomText(8), type: 'EMAIL' } };
          return flow;
        }),
      },
      then: (r) => expectFailed(r, ['flow', 'signOn'], /devices/i),
    },
  ],

  'secrets echoed by the server': [
    {
      title: 'a token error echoing the request body and Authorization header (client_secret_basic): no secret printed',
      given: { fault: echoRequest('token') },
      then: (r) => expectFailed(r, 'token', /invalid_client/),
    },
    {
      title: 'a token error echoing the request body (client_secret_post): no secret printed',
      given: { app: 'client_secret_post', fault: echoRequest('token') },
      then: (r) => expectFailed(r, 'token', /invalid_client/),
    },
  ],
};

describe('faults: the built CLI against a misbehaving PingOne', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  const queue = Object.values(GROUPS).flat();
  const started = new Map<Case, Promise<Result>>();

  function app(method: Profile['clientAuthMethod']): { profile: Profile; secrets: Secrets } {
    const found = sandbox.profiles().find((p) => p.profile.clientAuthMethod === method);
    assert.ok(found, method);
    return found;
  }

  /** One CLI run in each output mode, each through its own proxy with the fault; checks what every fault must respect. */
  async function scenario(options: Scenario): Promise<Result> {
    const { profile, secrets } = app(options.app ?? 'client_secret_basic');
    const user = sandbox.users.find((u) => u.username === (options.user ?? 'demo'));
    assert.ok(user);
    const known = [secrets.clientSecret, user.password].filter((s): s is string => Boolean(s));
    if (profile.clientAuthMethod === 'client_secret_basic') known.push(Buffer.from(`${profile.clientId}:${secrets.clientSecret}`).toString('base64'));
    const servers: FaultyServer[] = [];
    const once = async (mode: string[]) => {
      const server = await startFaultyServer(sandbox, { fault: options.fault, tls: options.tls });
      servers.push(server);
      if (options.refuse) await server.stopListening();
      const file = profileFile((options.edit ?? ((p) => p))(server.profileFor(profile)));
      const outcome = await cli(['run', '--profile', file, '--timeout', String(options.timeoutSec ?? 10), ...(options.args ?? []), ...mode], {
        AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret,
        AUTH_FLOW_USERNAME: user.username,
        AUTH_FLOW_PASSWORD: user.password,
      });
      return { ...outcome, server };
    };
    try {
      const [text, json] = await Promise.all([once([]), once(['--json'])]);
      const secretValues = [...new Set([...known, ...servers.flatMap((s) => [...s.secrets])])];
      for (const [where, output] of Object.entries({ 'text stdout': text.stdout, 'text stderr': text.stderr, 'json stdout': json.stdout, 'json stderr': json.stderr })) {
        assertNoSecret(output, secretValues, where);
      }
      assert.deepEqual(servers.flatMap((s) => s.errors), [], 'the proxy itself did not fail');
      assert.deepEqual(servers.flatMap((s) => s.strays), [], 'no request reached the elsewhere server or went in clear text');
      for (const output of [text, json]) {
        assert.notEqual(output.code, null, `the CLI was still running after ${KILL_AFTER_MS} ms:\n${output.stdout}${output.stderr}`);
        assert.doesNotMatch(output.stdout + output.stderr, /Unexpected error|\n\s+at .+:\d+:\d+\)?\n/, 'no internal error or stack trace');
      }
      let run: Run;
      try {
        run = JSON.parse(json.stdout) as Run;
      } catch {
        assert.fail(`--json printed no run (exit ${json.code}):\n${json.stdout}\n${json.stderr}`);
      }
      assert.notEqual(run.error?.code, 'INTERNAL', run.error?.message);
      return { text, json, run };
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  }

  before(async () => {
    sandbox = await startSandbox();
  });
  after(async () => {
    await Promise.allSettled(started.values());
    await sandbox.close();
    rmSync(profiles, { recursive: true, force: true });
  });

  /** The case's result, starting it and the next cases (in table order) so that a few run at once. */
  function resultOf(c: Case): Promise<Result> {
    const at = queue.indexOf(c);
    for (const next of queue.slice(at, at + CONCURRENCY)) {
      if (started.has(next)) continue;
      const result = scenario(next.given);
      result.catch(() => undefined); // awaited (and reported) by the case's own test
      started.set(next, result);
    }
    return started.get(c)!;
  }

  for (const [group, cases] of Object.entries(GROUPS)) {
    describe(group, () => {
      for (const c of cases) it(c.title, async () => c.then(await resultOf(c)));
    });
  }

  describe('profiles', () => {
    const runWith = (edit: Record<string, unknown>) => {
      const { profile, secrets } = app('client_secret_basic');
      return cli(['run', '--profile', profileFile({ ...profile, ...edit })], { AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret, AUTH_FLOW_USERNAME: secrets.username, AUTH_FLOW_PASSWORD: secrets.password });
    };

    it('insecureTls "false" (a string): exit 2 naming the field, nothing run', async () => {
      const result = await runWith({ insecureTls: 'false' });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /insecureTls/);
      assert.equal(result.stdout.trim(), '', 'no run printed');
    });

    it('an envId that is a number: exit 2 naming the field', async () => {
      const result = await runWith({ envId: 12345 });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /envId/);
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
    });
  });
});

/** Fails naming where the secret appeared, with a little context around it. */
function assertNoSecret(output: string, secrets: string[], where: string): void {
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      const at = output.indexOf(form);
      if (at >= 0) assert.fail(`a secret appears in ${where}: …${output.slice(Math.max(0, at - 120), at)}[SECRET]${output.slice(at + form.length, at + form.length + 60)}…`);
    }
  }
}
