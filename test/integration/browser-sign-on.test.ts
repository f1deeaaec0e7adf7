/**
 * Browser sign-on end to end with a real browser: the run's host hands the authorize URL to a Chromium
 * page (test/support/browser-sign-on.ts signs on there as a person would), and the engine's loopback
 * listener catches the redirect. Against oidc-provider as a generic issuer (test/support/oidc-server.ts)
 * and the sandbox as PingOne, whose redirect URI is its own /callback page: that port is taken, so
 * the run asks for the pasted URL instead. Also the built CLI's `run --browser --no-open`. Skips when
 * Chromium is missing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CheckCodes, Codes } from '../../src/core/codes';
import type { Run, Step, StepKind } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import { exportRun } from '../../src/core/export/index';
import { redactRun } from '../../src/core/redact';
import { runFlow, type RunHost } from '../../src/core/run';
import type { Ask } from '../../src/core/questions';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { chromiumPath } from '../e2e/harness';
import { completeSignOnInBrowser, launchChromium, type SignOnOutcome } from '../support/browser-sign-on';
import { CLI, runCli } from '../support/cli';
import { startOidcServer, type OidcServer } from '../support/oidc-server';
import { skipSuite } from '../support/skips';

const BROWSER_FLOW: StepKind[] = ['discovery', 'authorize', 'browser', 'token', 'jwks', 'userinfo'];

function step(run: Run, kind: StepKind): Step {
  const found = run.steps.find((s) => s.kind === kind);
  assert.ok(found, `the run has a ${kind} step: ${run.steps.map((s) => s.kind).join(', ')}`);
  return found;
}

describe('browser sign-on with Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let op: OidcServer;
  let context: BrowserContext;
  let page: Page;

  before(async function () {
    const launched = await launchChromium();
    if (!launched) skipSuite(this, 'browser sign-on (Chromium)', `apt-get install chromium, or set AFE_E2E_CHROMIUM, to run them (${chromiumPath()} not found)`);
    browser = launched;
    op = await startOidcServer();
  });
  after(async () => {
    await op?.close();
    await browser?.close();
  });
  beforeEach(async () => {
    // A fresh context each time: no sign-on session left from another test.
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(() => context?.close());

  function issuerProfile(clientId: string, method: Profile['clientAuthMethod']): Profile {
    return {
      id: `oidc-${clientId}`,
      name: `oidc-server (${method})`,
      issuer: op.issuer,
      clientId,
      redirectUri: op.redirectUri,
      scopes: ['openid', 'profile', 'email'],
      clientAuthMethod: method,
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: true,
    };
  }

  /** A host whose "system browser" is the test's page; what the page went through is kept for the assertion messages. */
  function chromiumHost(): { host: RunHost; signedOn: () => Promise<SignOnOutcome | Error> } {
    let outcome: Promise<SignOnOutcome | Error> = Promise.resolve(new Error('openUrl was never called'));
    const host: RunHost = {
      openUrl: async (url, why) => {
        assert.equal(why, 'signOn');
        outcome = completeSignOnInBrowser(page, url, op.user).catch((error: Error) => error);
      },
    };
    return { host, signedOn: () => outcome };
  }

  it('then refreshes twice and calls userinfo: oidc-provider rotates the refresh token each time, and the new access token works', async () => {
    const { host, signedOn } = chromiumHost();
    const run = await runFlow({ profile: issuerProfile('public-client', 'none'), secrets: {}, host, then: ['refresh', 'refresh', 'userinfo'] });
    const outcome = await signedOn();
    assert.equal(run.status, 'succeeded', JSON.stringify({ error: run.error, outcome: String(outcome), serverErrors: op.serverErrors.map(String) }));
    assert.deepEqual(run.steps.map((s) => s.kind), [...BROWSER_FLOW, 'refresh', 'refresh', 'userinfo']);
    const refreshes = run.steps.filter((s) => s.kind === 'refresh');
    const sent = refreshes.map((s) => new URLSearchParams(s.exchange?.request.body ?? '').get('refresh_token'));
    const issued = [step(run, 'token'), ...refreshes].map((s) => (s.exchange?.response?.json as { refresh_token?: string } | undefined)?.refresh_token);
    assert.equal(sent[0], issued[0], 'the first refresh sends the refresh token of the code exchange');
    assert.equal(sent[1], issued[1], 'the second sends the one the first refresh returned');
    assert.notEqual(issued[1], issued[0], 'rotated');
    assert.match(refreshes[1].facts.refresh_token ?? '', /rotated/);
    const userinfo = run.steps.at(-1)!;
    assert.equal(userinfo.exchange?.response?.status, 200);
    const newest = (refreshes[1].exchange?.response?.json as { access_token?: string }).access_token;
    assert.equal(userinfo.exchange?.request.headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1], `Bearer ${newest}`, 'userinfo used the newest access token');
  });

  it('pushes the authorize parameters first (PAR) for a client that must, and the browser opens only client_id and request_uri', async () => {
    const { host, signedOn } = chromiumHost();
    const profile: Profile = { ...issuerProfile(op.parClient.clientId, 'client_secret_basic'), par: true };
    const run = await runFlow({ profile, secrets: { clientSecret: op.parClient.clientSecret }, host });
    const outcome = await signedOn();
    assert.equal(run.status, 'succeeded', JSON.stringify({ error: run.error, outcome: String(outcome), serverErrors: op.serverErrors.map(String) }));
    assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'par', ...BROWSER_FLOW.slice(1)]);
    const requestUri = step(run, 'par').facts.request_uri;
    assert.match(requestUri ?? '', /^urn:ietf:params:oauth:request_uri:/);
    const opened = new URL(step(run, 'authorize').facts.authorize_url!);
    assert.deepEqual([...opened.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.equal(opened.searchParams.get('request_uri'), requestUri);
  });

  for (const [clientId, method] of [['public-client', 'none'], ['basic-client', 'client_secret_basic']] as const) {
    it(`signs on in Chromium against a generic issuer (${method}) and catches the redirect on the loopback port`, async () => {
      const secrets: Secrets = method === 'none' ? {} : { clientSecret: op.clients.client_secret_basic.clientSecret };
      const { host, signedOn } = chromiumHost();
      const run = await runFlow({ profile: issuerProfile(clientId, method), secrets, host });
      const outcome = await signedOn();
      assert.equal(run.status, 'succeeded', JSON.stringify({ error: run.error, outcome: String(outcome), serverErrors: op.serverErrors.map(String) }));
      assert.deepEqual(run.steps.map((s) => s.kind), BROWSER_FLOW);
      assert.ok(!(outcome instanceof Error) && outcome.outcome === 'redirected');

      const authorize = step(run, 'authorize');
      assert.equal(authorize.exchange, undefined, 'the browser sent authorize, not the engine');
      const authorizeUrl = new URL(authorize.facts.authorize_url!);
      assert.equal(authorizeUrl.searchParams.get('state'), authorize.facts.state);
      assert.equal(authorizeUrl.searchParams.get('code_challenge'), authorize.facts.code_challenge);

      const caught = step(run, 'browser');
      assert.equal(caught.exchange?.request.url, outcome.url, 'the step records the request the browser made');
      assert.equal(caught.exchange?.response?.status, 200);
      assert.match(caught.exchange?.response?.body ?? '', /Signed in/);
      assert.match(await page.content(), /Signed in — you can close this tab/);
      const passed = caught.checks.filter((c) => c.status === 'passed').map((c) => c.code);
      assert.ok(passed.includes(CheckCodes.STATE), 'the state check passed');
      assert.ok(passed.includes(CheckCodes.RESPONSE_ISSUER), `the iss check passed: ${JSON.stringify(caught.checks)}`);

      // The code is a secret: the shareable run shows neither it in the callback nor in the token request.
      const code = new URL(outcome.url).searchParams.get('code')!;
      const shared = JSON.stringify(redactRun(run));
      assert.ok(!shared.includes(code), 'the code is redacted everywhere');
      assert.match(redactRun(run).steps.find((s) => s.kind === 'browser')!.facts.callback!, /code=\$AUTHORIZATION_CODE/);

      assert.equal(step(run, 'userinfo').exchange?.response?.status, 200);

      // A HAR export keeps the callback as an entry, its code redacted.
      const [har] = exportRun(run, 'run.har');
      const entries = (JSON.parse(har!.text) as { log: { entries: { request: { url: string } }[] } }).log.entries;
      const callbackEntry = entries.find((entry) => entry.request.url.startsWith(op.redirectUri));
      assert.ok(callbackEntry, 'the callback is an entry of the HAR');
      assert.ok(!har!.text.includes(code));
    });
  }

  it('opens a POST-authorize profile with GET, saying so on the authorize step', async () => {
    const { host, signedOn } = chromiumHost();
    const run = await runFlow({ profile: { ...issuerProfile('public-client', 'none'), authorizeMethod: 'POST' }, secrets: {}, host });
    assert.equal(run.status, 'succeeded', JSON.stringify({ error: run.error, outcome: String(await signedOn()) }));
    const authorize = step(run, 'authorize');
    assert.ok(authorize.warnings.some((w) => /a browser is sent there with GET/.test(w)), authorize.warnings.join(' | '));
    assert.equal(new URL(authorize.facts.authorize_url!).searchParams.get('client_id'), 'public-client');
  });

  it('refuses a callback with another state: STATE_MISMATCH, no token request, the page says why', async () => {
    // The browser is sent to the redirect URI with another state, as a forged or stale response would be.
    const host: RunHost = {
      openUrl: async (url) => {
        const forged = new URL(op.redirectUri);
        forged.search = new URLSearchParams({ code: 'stolen-code', state: 'forged-state', iss: op.issuer }).toString();
        assert.notEqual(new URL(url).searchParams.get('state'), 'forged-state');
        await page.goto(forged.href);
      },
    };
    const run = await runFlow({ profile: issuerProfile('public-client', 'none'), secrets: {}, host });
    assert.equal(run.status, 'failed');
    const caught = step(run, 'browser');
    assert.equal(caught.status, 'failed');
    assert.equal(caught.error?.code, Codes.STATE_MISMATCH);
    assert.match(caught.error?.message ?? '', /forged-state/);
    assert.equal(run.steps.some((s) => s.kind === 'token'), false, 'the code was not exchanged');
    assert.match(await page.content(), /Sign-on refused/);
    assert.ok(!JSON.stringify(redactRun(run)).includes('stolen-code'), 'even a refused code is redacted');
  });

  it('takes the pasted URL when the person chooses to paste instead of waiting; the listener is closed by then', async () => {
    let opened: string | undefined;
    const host: RunHost = {
      openUrl: async (url) => {
        opened = url;
      },
      // The person chooses "Paste the URL instead" as soon as it is offered.
      offerPaste: async () => undefined,
    };
    const ask: Ask = async (question) => {
      if (question.kind !== 'redirectUrl') throw new Error(`unexpected question ${question.kind}`);
      assert.equal(question.authorizeUrl, opened);
      // Nothing listens on the redirect URI any more: the browser's redirect fails to load, its URL is what is pasted.
      const outcome = await completeSignOnInBrowser(page, question.authorizeUrl, op.user);
      assert.equal(outcome.outcome, 'redirected');
      return { url: outcome.outcome === 'redirected' ? outcome.url : '' } as never;
    };
    const run = await runFlow({ profile: issuerProfile('public-client', 'none'), secrets: {}, host, ask });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.deepEqual(run.steps.map((s) => s.kind), BROWSER_FLOW);
    const caught = step(run, 'browser');
    assert.equal(caught.facts.received_by, 'URL pasted by the person');
    assert.equal(caught.exchange?.response, undefined, 'a pasted URL has no response of ours');
    assert.ok(caught.checks.some((c) => c.code === CheckCodes.RESPONSE_ISSUER && c.status === 'passed'));
    assert.doesNotMatch(await page.content(), /Signed in — you can close this tab/, 'the listener was closed when the person chose to paste');
  });

  it('ends cancelled when the run is cancelled while waiting, and frees the redirect port', async () => {
    const controller = new AbortController();
    const host: RunHost = { openUrl: async () => controller.abort() };
    const run = await runFlow({ profile: issuerProfile('public-client', 'none'), secrets: {}, host, signal: controller.signal });
    assert.equal(run.status, 'cancelled');
    assert.equal(step(run, 'browser').error?.code, Codes.CANCELLED);
    const free = await fetch(op.redirectUri).then(
      () => false,
      () => true,
    );
    assert.ok(free, 'nothing listens on the redirect URI after the run');
  });

  it('without a host that opens a browser or asks, fails at the browser step saying what it needs', async () => {
    const run = await runFlow({ profile: issuerProfile('public-client', 'none'), secrets: {} });
    assert.equal(run.status, 'failed');
    const caught = step(run, 'browser');
    assert.equal(caught.error?.code, Codes.NEEDS_INPUT);
    assert.match(caught.error?.message ?? '', /the URL the browser was sent to/);
    assert.match(caught.error?.hint ?? '', /paste the URL/);
    assert.ok(caught.warnings.some((w) => /cannot open a browser/.test(w)));
  });

  describe('against the sandbox as PingOne', () => {
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startSandbox();
    });
    after(() => sandbox?.close());

    it('signs on through the sandbox\'s HTML pages; its redirect URI\'s port is the sandbox\'s, so the pasted URL is read', async () => {
      const [demo] = sandbox.profiles();
      const profile: Profile = { ...demo!.profile, signOn: 'browser' };
      let signedOn: Promise<SignOnOutcome> | undefined;
      const host: RunHost = {
        openUrl: async (url) => {
          signedOn = completeSignOnInBrowser(page, url, sandbox.demoUser);
        },
      };
      const asked: string[] = [];
      // The person copies the address the browser ended on (the sandbox's /callback page) and pastes it.
      const ask: Ask = async (question) => {
        if (question.kind !== 'redirectUrl') throw new Error(`unexpected question ${question.kind}`);
        asked.push(question.authorizeUrl);
        assert.ok(signedOn, 'the browser was opened before the URL was asked for');
        const outcome = await signedOn;
        assert.equal(outcome.outcome, 'redirected');
        return { url: outcome.outcome === 'redirected' ? outcome.url : '' } as never;
      };
      const run = await runFlow({ profile, secrets: { clientSecret: demo!.secrets.clientSecret }, ask, host });
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      assert.deepEqual(run.steps.map((s) => s.kind), BROWSER_FLOW);
      assert.equal(asked.length, 1);
      assert.equal(asked[0], step(run, 'authorize').facts.authorize_url);
      const caught = step(run, 'browser');
      assert.equal(caught.facts.received_by, 'URL pasted by the person');
      assert.ok(caught.warnings.some((w) => w.includes('already in use')), caught.warnings.join(' | '));
      assert.ok(caught.checks.some((c) => c.code === CheckCodes.STATE && c.status === 'passed'));
      assert.equal(caught.exchange?.request.url, (await signedOn!).outcome === 'redirected' ? ((await signedOn!) as { url: string }).url : '');
    });
  });

  it('the CLI: run --browser --no-open --json prints the authorize URL on stderr and catches the redirect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afe-browser-'));
    try {
      const { id: _id, name: _name, ...file } = issuerProfile('public-client', 'none');
      const profileFile = join(dir, 'profile.json');
      writeFileSync(profileFile, JSON.stringify(file));
      const child = spawn(process.execPath, [CLI, 'run', '--profile', profileFile, '--browser', '--no-open', '--json'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const authorizeUrl = await new Promise<string>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const found = /https?:\/\/\S+\/auth\?\S+/.exec(stderr);
          if (found) resolve(found[0]);
        });
        child.once('exit', () => reject(new Error(`the CLI exited before printing the authorize URL: ${stderr}${stdout}`)));
      });
      const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
      const outcome = await completeSignOnInBrowser(page, authorizeUrl, op.user);
      assert.equal(outcome.outcome, 'redirected');
      const code = await exited;
      assert.equal(code, 0, `${stderr}\n${stdout}`);
      const run = JSON.parse(stdout) as Run;
      assert.equal(run.status, 'succeeded');
      assert.deepEqual(run.steps.map((s) => s.kind), BROWSER_FLOW);
      assert.equal(step(run, 'authorize').facts.authorize_url, authorizeUrl);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('auth-flow run --browser: usage', () => {
  it('refuses --browser for a profile that signs no person on, and with --repeat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afe-browser-usage-'));
    try {
      const base = { issuer: 'http://127.0.0.1:9/tenant', clientId: 'c', redirectUri: 'http://127.0.0.1:53682/callback', scopes: ['openid'], clientAuthMethod: 'client_secret_basic' };
      const machine = join(dir, 'machine.json');
      writeFileSync(machine, JSON.stringify({ ...base, grant: 'client_credentials', redirectUri: '' }));
      const refused = await runCli(['run', '--profile', machine, '--browser', '--client-secret', 's']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /--browser signs a person on; the profile .* runs client_credentials/);

      const person = join(dir, 'person.json');
      writeFileSync(person, JSON.stringify(base));
      const repeated = await runCli(['run', '--profile', person, '--browser', '--repeat', '2', '--client-secret', 's', '--json']);
      assert.equal(repeated.code, 2, repeated.stdout);
      assert.match(JSON.parse(repeated.stdout).error.message, /--browser signs a person on once; leave it out with --repeat/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
