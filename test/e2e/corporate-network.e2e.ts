// The packaged extension on a corporate network, in a real VS Code (code-server) driven by Chromium.
// The test process runs a private CA (test/support/private-ca.ts), an HTTPS sandbox whose certificate
// it signs, and a recording forward proxy (test/support/forward-proxy.ts). The environment points at
// sandbox.corp.test, a name no resolver knows: only the proxy maps it to the sandbox's port, so a run
// that succeeds went through the proxy. code-server gets only what a VS Code user sets: the setting
// http.proxy, and the CA through NODE_EXTRA_CA_CERTS in its environment or the setting authFlow.tls.caFile.
import * as assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { NO_NETWORK_ENV, startForwardProxy, type ForwardProxy } from '../support/forward-proxy';
import { createPrivateCa, type PrivateCa } from '../support/private-ca';
import { endSession, makeTempDir, waitFor, type Session } from './harness';
import { card, DEMO_USER, openAuthFlowView, startWithExtension, waitForQuickInput, waitForRunEnd, waitForTreeRow } from './extension';

const INTERNAL_HOST = 'sandbox.corp.test';
const PROFILE_NAME = 'Corp sandbox (through the proxy)';

describe('Auth Flow Explorer on a corporate network (code-server + Chromium, proxy, private CA)', function () {
  // Two runs and a settings change in one workbench.
  this.timeout(300_000);
  let session: Session | undefined;
  let pki: PrivateCa;
  let sandbox: Sandbox;
  let proxy: ForwardProxy;
  let workspace: string;
  let clientSecret: string;

  before(async function () {
    pki = await createPrivateCa({ serverNames: [INTERNAL_HOST] });
    [sandbox, proxy] = await Promise.all([
      startSandbox({ tls: { key: pki.server.key.text, cert: pki.server.cert.text }, publicHost: INTERNAL_HOST }),
      startForwardProxy({ hosts: { [INTERNAL_HOST]: '127.0.0.1' } }),
    ]);
    const { profile, secrets } = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_basic')!;
    clientSecret = secrets.clientSecret!;
    workspace = makeTempDir('afe-e2e-corp-');
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'auth-flows.json'), JSON.stringify([{ ...profile, id: 'corp-sandbox', name: PROFILE_NAME }], null, 2));
  });
  after(async () => {
    await Promise.all([sandbox?.close(), proxy?.close()]);
    pki?.remove();
  });
  beforeEach(() => {
    proxy.passed.length = 0;
  });
  afterEach(async function () {
    await endSession(this.currentTest, session);
    session = undefined;
  });

  /** The sandbox as the proxy's CONNECT names it. */
  const target = () => new URL(sandbox.url).host;
  /** What the proxy opened to the sandbox (code-server itself may ask the proxy for other hosts). */
  const tunnels = () => proxy.passed.filter((passed) => passed.target === target());

  it('cannot reach the sandbox directly: its name does not resolve', async () => {
    assert.equal(new URL(sandbox.url).hostname, INTERNAL_HOST);
    await assert.rejects(lookup(INTERNAL_HOST), /ENOTFOUND|EAI_AGAIN/);
  });

  it('runs every step through http.proxy, trusting the private CA from NODE_EXTRA_CA_CERTS; each card names the proxy', async function () {
    session = await startWithExtension('corp-proxy-env-ca', {
      workspace,
      settings: { 'http.proxy': proxy.url },
      env: { ...NO_NETWORK_ENV, NODE_EXTRA_CA_CERTS: pki.ca.path },
    });
    const frame = await runCorpSandbox(session, { firstRun: true, signsOn: true });
    assert.equal(await waitForRunEnd(session, frame), 'succeeded');
    await assertEveryStepThroughProxy(frame);
  });

  it('without the CA fails the first step on the unknown issuer, naming the setting; with authFlow.tls.caFile set it runs', async function () {
    const current = await startWithExtension('corp-proxy-ca-file', { workspace, settings: { 'http.proxy': proxy.url }, env: NO_NETWORK_ENV });
    session = current;
    const frame = await runCorpSandbox(current, { firstRun: true, signsOn: false });
    assert.equal(await waitForRunEnd(current, frame), 'failed');
    assert.deepEqual((await stepsShown(frame)).map((s) => s.title), ['Discovery'], 'nothing is sent after the failed discovery');
    const error = card(frame, 'Discovery').locator('.error-box');
    // OpenSSL names an unknown issuer of a certificate sent without its chain either way.
    assert.match((await error.getAttribute('data-error-code'))!, /^(UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/);
    assert.match(
      await error.locator('.error-message').innerText(),
      new RegExp(`^✕?\\s*${target().replaceAll('.', '\\.')} presented a TLS certificate (from an issuer this machine does not trust|that could not be verified up to a trusted CA)`),
    );
    assert.match(await error.locator('.error-hint').innerText(), /the setting authFlow\.tls\.caFile \(under Remote in the Settings editor/);
    // It went through the proxy all the same: the tunnel opened, the TLS handshake inside it failed.
    assert.deepEqual(tunnels().map((p) => [p.method, p.status]), [['CONNECT', 200]]);
    assert.equal(await card(frame, 'Discovery').locator('.request-line .via-proxy').innerText(), `via proxy ${proxy.url} (from the setting http.proxy)`);

    proxy.passed.length = 0;
    await setCaFile(current, pki.ca.path);
    const again = await runCorpSandbox(current, { firstRun: false, signsOn: true });
    await waitFor('the second run to finish', async () => (await again.locator('.run-select option').count()) === 2);
    assert.equal(await waitForRunEnd(current, again), 'succeeded');
    await assertEveryStepThroughProxy(again);
  });

  /**
   * The run's cards, through to Userinfo, each sent to the name only the proxy resolves and saying so on
   * its request line; what the proxy opened to the sandbox, all CONNECT tunnels it opened.
   */
  async function assertEveryStepThroughProxy(frame: Frame): Promise<void> {
    const steps = await stepsShown(frame);
    assert.ok(steps.some((s) => s.title.startsWith('Userinfo')), JSON.stringify(steps));
    for (const step of steps) {
      assert.equal(new URL(step.url).hostname, INTERNAL_HOST, step.title);
      assert.equal(step.via, `via proxy ${proxy.url} (from the setting http.proxy)`, step.title);
    }
    assert.ok(tunnels().length >= 1, `the proxy saw ${JSON.stringify(proxy.passed)}`);
    for (const passed of tunnels()) assert.deepEqual([passed.method, passed.status], ['CONNECT', 200]);
  }

  /**
   * Runs the corporate environment from the palette. The first run asks for the client secret; a run
   * that gets past discovery signs on as the demo user and declines to remember the credentials.
   */
  async function runCorpSandbox(current: Session, { firstRun, signsOn }: { firstRun: boolean; signsOn: boolean }): Promise<Frame> {
    await openAuthFlowView(current);
    await waitForTreeRow(current, PROFILE_NAME);
    await current.runCommand('Auth Flow: Run Auth Flow');
    await waitForQuickInput(current, 'Environment to run');
    await current.pickItem(PROFILE_NAME);
    if (firstRun) {
      await waitForQuickInput(current, `Client secret for ${PROFILE_NAME}`);
      await current.answerInput(clientSecret);
    }
    if (signsOn) {
      await waitForQuickInput(current, `Sign in to ${PROFILE_NAME}`);
      await current.answerInput(DEMO_USER.username);
      await waitForQuickInput(current, 'Password');
      await current.answerInput(DEMO_USER.password);
      await waitForQuickInput(current, `Signed in to ${PROFILE_NAME}`);
      await current.pickItem("Don't remember");
    }
    return current.webview('Discovery');
  }
});

/** Each card's title, the URL its request went to, and what its request line says about a proxy. */
async function stepsShown(frame: Frame): Promise<Array<{ title: string; url: string; via: string }>> {
  return frame.locator('.timeline .card').evaluateAll((cards) =>
    cards.map((c) => ({
      title: c.querySelector('.card-title')?.textContent?.trim() ?? '',
      url: c.querySelector('.request-line')?.getAttribute('title') ?? '',
      via: c.querySelector('.request-line .via-proxy')?.textContent?.trim() ?? '',
    })),
  );
}

/**
 * Sets authFlow.tls.caFile in the Settings editor as a person does. The setting is machine-scoped (a
 * path on the machine the extension host runs on), and code-server's workbench is a remote window: the
 * editor offers it under the Remote tab only, which code-server keeps in <user-data-dir>/Machine/settings.json.
 */
async function setCaFile(session: Session, file: string): Promise<void> {
  await session.runCommand('Preferences: Open User Settings');
  const editor = session.page.locator('.settings-editor');
  await editor.waitFor({ state: 'visible' });
  await editor.locator('.settings-tabs-widget .action-label', { hasText: /^Remote/ }).click();
  await editor.locator('.settings-header .suggest-input-container').click();
  await session.page.keyboard.type('authFlow.tls.caFile');
  const input = editor.locator('.setting-item-contents', { hasText: 'Ca File' }).locator('.setting-item-control input').first();
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  const remoteSettings = path.join(session.server.userDataDir, 'Machine', 'settings.json');
  const read = () => (fs.existsSync(remoteSettings) ? (JSON.parse(fs.readFileSync(remoteSettings, 'utf8')) as Record<string, unknown>) : {});
  await waitFor('the remote settings to hold authFlow.tls.caFile', async () => read()['authFlow.tls.caFile'] === file, {
    timeoutMs: session.timeoutMs,
    describe: async () => JSON.stringify(read()),
  });
  // The Settings editor opens as a modal over the workbench, which keeps F1 from the palette: close it.
  await waitFor('the Settings editor to close', async () => {
    if (!(await editor.isVisible())) return true;
    await session.page.keyboard.press('Escape');
    return false;
  }, { timeoutMs: session.timeoutMs, intervalMs: 500 });
}
