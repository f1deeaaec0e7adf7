/**
 * The timeline webview, built as it ships and rendered in headless Chromium under the exact CSP of
 * renderTimelineHtml, with a fake acquireVsCodeApi. Runs are posted like the host posts them; the
 * assertions read the DOM a person would see and compare it with values taken from the fixtures.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Run, RunEvent, Step } from '../../src/core/model';
import { redactEvent, redactRun } from '../../src/core/redact';
import { applyRunEvent, eventRunId } from '../../src/core/runStore';
import { runFlow } from '../../src/core/run';
import { renderTimelineHtml } from '../../src/panel/html';
import { startSandbox } from '../../src/sandbox/index';
import { MAX_VALUE_TEXT, parseWebviewMessage, type HostMessage, type WebviewMessage, type WebviewState } from '../../src/protocol';
import type { RepeatReport } from '../../src/core/repeat';
import type { Measured } from '../../src/core/stats';
import { skipSuite } from '../support/skips';
import { pageSetup, serveWebview, THEMES, type ThemeName } from '../support/webview-page';
import { CLIENT_ID, CODE, CODE_VERIFIER, ENV_ID, FLOW_ID, IAT, ISSUER, KID, STATE, failedRun, streamedEvents, succeededRun, tamperedToken } from '../fixtures/runs';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, '.test-artifacts/webview');
/** The endpoint fields of RFC 8414 §2 and OIDC Discovery §3 a run can use, to count those a document names. */
const DISCOVERY_ENDPOINT_FIELDS = [
  'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint',
  'end_session_endpoint', 'pushed_authorization_request_endpoint', 'device_authorization_endpoint',
];

describe('renderTimelineHtml', () => {
  const nonce = randomBytes(16).toString('base64');
  const base = { cspSource: 'https://*.vscode-cdn.net', nonce, scriptUri: 'https://x.vscode-cdn.net/dist/webview/main.js?a=1&b=2', styleUri: 'https://x.vscode-cdn.net/dist/webview/main.css' };

  it('declares the strict policy with the nonce on the script and nothing unsafe', () => {
    const html = renderTimelineHtml(base);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replaceAll('&#39;', "'");
    assert.equal(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://*.vscode-cdn.net 'nonce-${nonce}'; img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net`);
    assert.ok(!html.includes('unsafe-'));
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://x.vscode-cdn.net/dist/webview/main.js?a=1&#38;b=2"></script>`));
    assert.ok(html.includes(`<meta property="csp-nonce" content="${nonce}">`));
  });

  it('escapes the title and refuses values that would rewrite the policy', () => {
    assert.ok(renderTimelineHtml({ ...base, title: '<b>"x"</b>' }).includes('<title>&#60;b&#62;&#34;x&#34;&#60;/b&#62;</title>'));
    assert.ok(renderTimelineHtml({ ...base, cspSource: "'self' https://*.vscode-cdn.net" }).includes("style-src &#39;self&#39; https://*.vscode-cdn.net"));
    assert.throws(() => renderTimelineHtml({ ...base, nonce: "abc'; script-src *" }));
    assert.throws(() => renderTimelineHtml({ ...base, nonce: 'short' }));
    assert.throws(() => renderTimelineHtml({ ...base, cspSource: 'https://a; script-src *' }));
    assert.throws(() => renderTimelineHtml({ ...base, cspSource: '' }));
  });
});

describe('timeline messages the host accepts from the webview', () => {
  it('starts only the commands an empty panel offers', () => {
    for (const command of ['authFlow.run', 'authFlow.trySandbox', 'authFlow.addEnvironment']) {
      assert.deepEqual(parseWebviewMessage({ method: 'timeline/command/run', params: { command } }), { method: 'timeline/command/run', params: { command } });
    }
    for (const command of ['authFlow.deleteEnvironment', 'authFlow.forgetCredentials', 'workbench.action.terminal.sendSequence', 'AUTHFLOW.RUN', '', 42]) {
      assert.equal(parseWebviewMessage({ method: 'timeline/command/run', params: { command } }), undefined, String(command));
    }
  });

  it('runs only the follow-ups the engine has, on a run named by id', () => {
    for (const action of ['refresh', 'introspect', 'revoke', 'userinfo', 'signoff']) {
      assert.deepEqual(parseWebviewMessage({ method: 'timeline/run/followUp', params: { runId: 'r', action } }), { method: 'timeline/run/followUp', params: { runId: 'r', action } });
    }
    for (const action of ['logout', 'REFRESH', '', 7]) {
      assert.equal(parseWebviewMessage({ method: 'timeline/run/followUp', params: { runId: 'r', action } }), undefined, String(action));
    }
    assert.equal(parseWebviewMessage({ method: 'timeline/run/followUp', params: { action: 'refresh' } }), undefined);
  });

  it('takes a token to copy by its place in a step, and a value of a bounded size', () => {
    const ref = { id: 'copy-1', runId: 'r', stepId: 's5', tokenIndex: 1 };
    assert.deepEqual(parseWebviewMessage({ method: 'timeline/token/copy', params: ref }), { method: 'timeline/token/copy', params: ref });
    for (const tokenIndex of [-1, 0.5, '0', Number.NaN]) {
      assert.equal(parseWebviewMessage({ method: 'timeline/token/copy', params: { ...ref, tokenIndex } }), undefined, String(tokenIndex));
    }
    assert.ok(parseWebviewMessage({ method: 'timeline/value/copy', params: { id: 'copy-2', text: 'x'.repeat(MAX_VALUE_TEXT) } }));
    assert.equal(parseWebviewMessage({ method: 'timeline/value/copy', params: { id: 'copy-2', text: 'x'.repeat(MAX_VALUE_TEXT + 1) } }), undefined);
  });
});

describe('timeline webview (Chromium, production bundle, strict CSP)', function () {
  this.timeout(60_000);

  let outdir: string;
  let served: Awaited<ReturnType<typeof serveWebview>>;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleLines: string[];

  before(async function () {
    if (!existsSync(CHROMIUM)) skipSuite(this, 'timeline webview (Chromium)', `apt-get install chromium, or set CHROMIUM_PATH, to run them (${CHROMIUM} not found)`);
    outdir = mkdtempSync(join(tmpdir(), 'afe-webview-'));
    // Same options as the webview entry in esbuild.mjs (minified, browser IIFE, CSS emitted beside).
    await esbuild.build({
      entryPoints: { main: join(ROOT, 'webview/main.ts') },
      outdir,
      bundle: true,
      minify: true,
      legalComments: 'none',
      platform: 'browser',
      target: 'chrome120',
      format: 'iife',
      loader: { '.css': 'css' },
      banner: { js: '//# allFunctionsCalledOnLoad' },
      logLevel: 'silent',
    });
    served = await serveWebview(outdir);
    origin = served.origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });

  after(async () => {
    await browser?.close();
    await served?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  /** A new page; `vars` overrides some of the theme's variables from the start, as VS Code would set them. */
  async function open(options: { theme?: ThemeName; width?: number; vars?: Record<string, string> } = {}): Promise<void> {
    await context?.close();
    context = await browser.newContext({ viewport: { width: options.width ?? 900, height: 900 }, deviceScaleFactor: 1 });
    page = await context.newPage();
    consoleLines = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    // Tokens in the fixtures were issued at IAT; look at them 2 s later.
    await page.clock.setFixedTime(new Date((IAT + 2) * 1000));
    const theme = THEMES[options.theme ?? 'dark'];
    await page.addInitScript(pageSetup({ ...theme, vars: { ...theme.vars, ...options.vars } }));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0, undefined, { timeout: 10_000 }).catch((error: Error) => {
      throw new Error(`webview did not post ready: ${error.message}\n${consoleLines.join("\n")}`);
    });
  }

  // Dispatched synchronously, as the 'message' event VS Code delivers: when this resolves the page has
  // handled it, so a test reads the DOM after the update instead of racing window.postMessage's task.
  const post = (message: unknown): Promise<void> =>
    page.evaluate((m) => {
      window.dispatchEvent(new MessageEvent('message', { data: m }));
    }, message);
  const send = (message: HostMessage): Promise<void> => post(message);
  /** Posts an engine event as the host does. */
  const sendEvent = (event: RunEvent): Promise<void> => send({ method: 'timeline/run/event', params: { event } });
  const sendStep = (runId: string, step: Step): Promise<void> => sendEvent({ type: 'step/finished', runId, step });
  const posted = (): Promise<WebviewMessage[]> => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
  const card = (stepId: string) => page.locator(`.timeline .card[data-step-id="${stepId}"]`);
  const text = async (selector: string): Promise<string> => (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
  /** Rows of a key/value table in the visible panel: name cell → value cell text. */
  async function rows(scope: ReturnType<typeof card>, table: string): Promise<Map<string, string>> {
    const pairs = await scope.locator(`.tabpanel:not([hidden]) table.${table} tbody tr`).evaluateAll((trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.name ?? '', ((tr.querySelector('td .mono') ?? tr.querySelector('td')) as HTMLElement).innerText.trim()] as [string, string]),
    );
    return new Map(pairs);
  }
  async function showTab(stepId: string, tab: string): Promise<void> {
    const toggle = card(stepId).locator('.card-toggle');
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await card(stepId).locator(`[role="tab"][data-tab="${tab}"]`).click();
    assert.equal(await card(stepId).locator(`[role="tabpanel"][data-panel="${tab}"]`).isVisible(), true, `${tab} panel of ${stepId} visible`);
  }
  /** The ids of the requests of this method the webview posted, in order. */
  const idsOf = async (method: WebviewMessage['method']): Promise<string[]> =>
    (await posted()).filter((m) => m.method === method).map((m) => (m.params as { id: string }).id);
  async function loadRun(run: Run): Promise<void> {
    for (const event of streamedEvents(run)) await sendEvent(event);
    await settled();
  }
  /** Waits until the panel has drawn all it put off to idle time (near.ts marks it aria-busy till then). */
  async function settled(): Promise<void> {
    await page.locator('#app:not([aria-busy])').waitFor({ state: 'attached' });
  }

  it('says ready first, shows the empty state, and runs under the CSP with the toolkit upgraded', async () => {
    await open();
    const messages = await posted();
    assert.deepEqual(messages[0], { method: 'webview/ready', params: {} });
    assert.equal(await page.locator('.empty h1').innerText(), 'No run yet');
    await loadRun(succeededRun);
    // FAST components render into shadow roots styled through adoptedStyleSheets: proof the CSP allows them.
    const upgraded = await page.locator('vscode-button').first().evaluate((el) => el.shadowRoot !== null && (el.shadowRoot.adoptedStyleSheets.length > 0));
    assert.equal(upgraded, true, 'vscode-button upgraded and styled');
    const buttonBg = await page.locator('.run-again').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(buttonBg, 'rgb(0, 120, 212)', 'toolkit button takes --vscode-button-background');
    // A card's native buttons are drawn as the toolkit's secondary button beside them in the header.
    const secondary = async (selector: string) => page.locator(selector).first().evaluate((el) => {
      const style = getComputedStyle(el);
      return { background: style.backgroundColor, color: style.color };
    });
    assert.deepEqual(await secondary('.timeline .card-button[data-copy="plain"]'), await secondary('.run-export'));
    assert.equal((await secondary('.run-export')).background, 'rgb(49, 49, 49)', '--vscode-button-secondaryBackground');
    const cssApplied = await page.locator('.timeline .card').first().evaluate((el) => getComputedStyle(el).display);
    assert.equal(cssApplied, 'grid', 'main.css loaded under style-src');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
  });

  it('shows the run header and one card per step with status code and duration', async () => {
    await open();
    await loadRun(succeededRun);
    const header = await text('.run-header');
    assert.ok(header.includes(succeededRun.profile.name), header);
    assert.ok(header.includes(ISSUER));
    assert.ok(header.includes(CLIENT_ID));
    assert.ok(header.includes('Succeeded'));
    assert.ok(header.includes('1.87 s'), 'total run time');
    const ids = await page.locator('.timeline .card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.stepId));
    assert.deepEqual(ids, succeededRun.steps.map((s) => s.id));
    for (const step of succeededRun.steps) {
      const c = card(step.id);
      assert.equal((await c.locator('.card-title').innerText()).trim(), step.title);
      assert.equal(await c.locator('.card-toggle').getAttribute('aria-expanded'), String(step.tokens.length > 0), 'only the token step opens by default');
      const response = step.exchange!.response!;
      assert.equal((await c.locator('.card-head .code-badge').innerText()).trim(), `${response.status} ${response.statusText}`);
      assert.equal((await c.locator('.card-head .duration').innerText()).trim(), `${step.duration} ms`);
      const offset = Date.parse(step.startedAt) - Date.parse(succeededRun.startedAt);
      assert.equal((await c.locator('.card-head .offset').innerText()).trim(), `at +${offset < 1000 ? `${offset} ms` : `${(offset / 1000).toFixed(2)} s`}`);
      const timing = (await c.locator('.timing').innerText()).replace(/\s+/g, ' ');
      assert.ok(timing.includes(`TTFB ${step.exchange!.timing.ttfb} ms`), timing);
      assert.ok(timing.includes(`total ${step.exchange!.timing.total} ms`), timing);
      const url = new URL(step.exchange!.request.url);
      assert.equal((await c.locator('.url-path').innerText()).trim(), url.pathname);
      assert.equal((await c.locator('.request-line .method').innerText()).trim(), step.exchange!.request.method);
    }
    assert.equal(await card('s1').locator('.card-head .code-badge').getAttribute('class'), 'code-badge code-redirect');
    assert.equal(await card('s2').locator('.card-head .code-badge').getAttribute('class'), 'code-badge code-ok');
  });

  it('decodes query parameters, form bodies and headers into tables', async () => {
    await open();
    await loadRun(succeededRun);
    await showTab('s1', 'request');
    const authorize = succeededRun.steps[0].exchange!.request;
    const query = await rows(card('s1'), 'kv-query');
    assert.deepEqual([...query.entries()], [...new URL(authorize.url).searchParams.entries()]);
    assert.equal(query.get('redirect_uri'), 'http://localhost:8765/callback', 'shown decoded');
    const headers = await rows(card('s1'), 'kv-headers');
    assert.deepEqual([...headers.entries()], authorize.headers);

    await showTab('s5', 'request');
    const form = await rows(card('s5'), 'kv-form');
    assert.deepEqual([...form.entries()], [...new URLSearchParams(succeededRun.steps[4].exchange!.request.body).entries()]);
    assert.equal(form.get('client_secret'), '$CLIENT_SECRET');
    assert.equal(await card('s5').locator('.tabpanel:not([hidden]) tr[data-name="client_secret"] td .secret-var').count(), 1, 'redacted secret marked');
    assert.equal(form.get('code_verifier'), CODE_VERIFIER);

    await showTab('s3', 'request');
    const jsonBody = await card('s3').locator('.tabpanel:not([hidden]) [data-section="json body"] pre').innerText();
    assert.deepEqual(JSON.parse(jsonBody), JSON.parse(succeededRun.steps[2].exchange!.request.body!));
  });

  it('pretty-prints JSON responses and splits a 302 Location into its parameters', async () => {
    await open();
    await loadRun(succeededRun);
    await showTab('s2', 'response');
    const body = await card('s2').locator('.tabpanel:not([hidden]) pre.json').first().innerText();
    assert.deepEqual(JSON.parse(body), succeededRun.steps[1].exchange!.response!.json);
    assert.ok(body.includes('\n  "status": "USERNAME_PASSWORD_REQUIRED"'), 'indented');
    assert.ok((await card('s2').locator('.tabpanel:not([hidden]) .status-line').innerText()).includes('HTTP 200 OK'));

    await showTab('s4', 'response');
    const location = await rows(card('s4'), 'kv-location');
    assert.equal(location.get('code'), CODE);
    assert.equal(location.get('state'), STATE);
    assert.match(await card('s4').locator('.tabpanel:not([hidden]) table.kv-headers tr[data-name="Correlation-Id"] .note').innerText(), /Ping support/);
    const responseHeaders = await rows(card('s4'), 'kv-headers');
    assert.equal(responseHeaders.get('Location'), `http://localhost:8765/callback?code=${CODE}&state=${STATE}`);
  });

  it('shows a pi.flow resume answer (200 JSON) split like a redirect', async () => {
    await open();
    const resume = succeededRun.steps[3];
    const body = { id: 'flow', status: 'COMPLETED', authorizeResponse: { code: CODE, state: STATE } };
    const step: Step = {
      ...resume,
      exchange: {
        ...resume.exchange!,
        response: { status: 200, statusText: 'OK', headers: [['Content-Type', 'application/json']], body: JSON.stringify(body), json: body, size: 90, secrets: [] },
      },
    };
    await loadRun({ ...succeededRun, steps: [step] });
    await showTab(step.id, 'response');
    const params = await rows(card(step.id), 'kv-location');
    assert.deepEqual(Object.fromEntries(params), body.authorizeResponse);
  });

  it('lists cookies sent and set with their attributes, and the values each step kept', async () => {
    await open();
    await loadRun(succeededRun);
    await showTab('s3', 'cookies');
    const sent = await card('s3').locator('.tabpanel:not([hidden]) [data-section="cookies-sent"] tbody tr').allInnerTexts();
    const signOn = succeededRun.steps[2].exchange!.cookies;
    assert.equal(sent.length, signOn.sent.length);
    assert.ok(sent[0].includes(signOn.sent[0].name) && sent[0].includes(signOn.sent[0].value));
    const set = (await card('s3').locator('.tabpanel:not([hidden]) [data-section="cookies-set"] tbody tr').allInnerTexts()).join(' ');
    const st = signOn.set[0];
    for (const part of [st.name, st.value, `Path=/${ENV_ID}`, 'Secure', 'HttpOnly', 'SameSite=None']) assert.ok(set.includes(part), `${part} in ${set}`);

    await showTab('s1', 'values');
    assert.equal((await card('s1').locator('[role="tab"][data-tab="values"]').evaluate((tab) => tab.firstChild?.textContent)), 'Values');
    const facts = await rows(card('s1'), 'kv-values');
    assert.deepEqual(Object.fromEntries(facts), succeededRun.steps[0].facts);
    const note = await card('s1').locator('.tabpanel:not([hidden]) tr[data-name="code_verifier"] .note').innerText();
    assert.match(note, /PKCE/);
    // Where each value went next: the hand-offs a sign-on depends on.
    const seen = async (fact: string) => card('s1').locator(`.tabpanel:not([hidden]) tr[data-name="${fact}"] .seen-item`).allInnerTexts();
    const [, flowStep, , resume, token] = succeededRun.steps;
    assert.deepEqual(await seen('state'), [`${resume.title}: state in the Location`]);
    assert.deepEqual(await seen('code_verifier'), [`${token.title}: code_verifier in the form body`]);
    assert.deepEqual(await seen('nonce'), [`${token.title}: id_token claim nonce`]);
    assert.ok((await seen('flowId')).includes(`${flowStep.title}: URL path`));
    assert.ok((await seen('flowId')).includes(`${resume.title}: flowId in the query`));
    // Cookies: who set the one sent, who sent back the one set.
    const provenance = (section: string, name: string) => card('s3').locator(`.tabpanel:not([hidden]) [data-section="${section}"] tr[data-name="${name}"] .provenance`).innerText();
    await showTab('s3', 'cookies');
    assert.equal(await provenance('cookies-sent', 'ST-NO-SS'), `set by ${succeededRun.steps[0].title}`);
    assert.equal(await provenance('cookies-set', 'ST'), `sent back by ${resume.title}`);
  });

  it('says on the request line which proxy a step went through, and lists it among no values', async () => {
    await open();
    const proxy = 'http://proxy.corp.test:3128 (from the setting http.proxy)';
    const [first, ...rest] = succeededRun.steps;
    await loadRun({ ...succeededRun, steps: [{ ...first, facts: { ...first.facts, proxy } }, ...rest] });
    const via = card('s1').locator('.request-line .via-proxy');
    assert.equal((await via.innerText()).trim(), `via proxy ${proxy}`);
    assert.equal(await via.getAttribute('data-proxy'), proxy);
    assert.equal(await card('s2').locator('.request-line .via-proxy').count(), 0, 'a step sent directly names no proxy');
    await showTab('s1', 'values');
    assert.deepEqual(Object.fromEntries(await rows(card('s1'), 'kv-values')), first.facts);
  });

  it('decodes the ID token: claims explained, times as ISO and relative, signature verified with the kid', async () => {
    await open();
    await loadRun(succeededRun);
    const tokens = card('s5').locator('.tabpanel:not([hidden]) .token');
    assert.equal(await tokens.count(), succeededRun.steps[4].tokens.length, 'token step opens on its tokens');
    const id = card('s5').locator('.token[data-token-kind="id_token"]');
    assert.equal(await id.locator('.signature').getAttribute('data-signature'), 'verified');
    assert.equal((await id.locator('.signature').textContent())!.replace('✓', '').trim(), `Verified with key ${KID} from JWKS (RS256)`);
    const claims = await id.locator('table.kv-claims tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ name: (tr as HTMLElement).dataset.name, note: tr.querySelector('.note')?.textContent ?? '', value: (tr.querySelector('td') as HTMLElement).innerText })),
    );
    const payload = succeededRun.steps[4].tokens[0].payload;
    assert.deepEqual(claims.map((c) => c.name), Object.keys(payload));
    for (const name of ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'sid', 'at_hash', 'env', 'org', 'p1.region', 'given_name']) {
      assert.ok(claims.find((c) => c.name === name)!.note.length > 5, `explanation for ${name}`);
    }
    assert.equal(claims.find((c) => c.name === 'iss')!.value, ISSUER);
    assert.equal(claims.find((c) => c.name === 'amr')!.value, '["pwd"]');
    const exp = claims.find((c) => c.name === 'exp')!.value;
    assert.ok(exp.includes(new Date((IAT + 3600) * 1000).toISOString().replace('.000Z', 'Z')), exp);
    assert.ok(exp.includes('expires in 59 min'), exp);
    assert.ok(claims.find((c) => c.name === 'iat')!.value.includes('issued 2 s ago'));
    const summary = await id.locator('.token-times').innerText();
    assert.ok(summary.includes('issued 2 s ago') && summary.includes('expires in 59 min') && summary.includes('lifetime 1 h'), summary);
    // The second token starts folded, its summary still saying whether it verified.
    const access = card('s5').locator('.token[data-token-kind="access_token"]');
    assert.equal(await access.evaluate((el) => (el as HTMLDetailsElement).open), false);
    assert.ok((await access.locator('summary.token-summary').innerText()).includes(`Verified with key ${KID} from JWKS`));
    await access.locator('summary.token-summary').click();
    assert.equal(await access.locator('table.kv-claims tr[data-name="client_id"] td').innerText(), CLIENT_ID);
    const checks = await id.locator('.checks li').evaluateAll((lis) => lis.map((li) => [(li as HTMLElement).dataset.check, (li as HTMLElement).dataset.checkStatus]));
    assert.deepEqual(checks, succeededRun.steps[4].tokens[0].checks.map((c) => [c.name, c.status]));
  });

  it('shows a failed step in red with its message, hint and error detail, and warnings', async () => {
    await open();
    await loadRun(failedRun);
    const failed = failedRun.steps[1];
    const c = card(failed.id);
    assert.equal(await c.getAttribute('data-step-status'), 'failed');
    const message = await c.locator('.error-box .error-message').innerText();
    assert.ok(message.includes(failed.error!.message), message);
    const hint = (await c.locator('.error-box .error-hint').innerText()).replace(/\s+/g, ' ');
    assert.equal(hint, `What to check: ${failed.error!.hint}`);
    const errorColor = await c.locator('.error-box .error-message').evaluate((el) => getComputedStyle(el).color);
    // --vscode-errorForeground (#f85149) lightened for text: still red, no longer the theme's exact value.
    const [r, g, b] = (errorColor.match(/[\d.]+/g) ?? []).map(Number);
    assert.ok(r > g * 1.4 && r > b * 1.4, `a red: ${errorColor}`);
    const border = await c.evaluate((el) => getComputedStyle(el).borderTopColor);
    assert.equal(border, 'rgb(190, 17, 0)', 'uses --vscode-inputValidation-errorBorder');
    assert.equal((await c.locator('.card-head .code-badge').innerText()).trim(), '400 Bad Request');
    // The detail is collapsed until asked for.
    const detail = c.locator('.error-detail pre');
    assert.equal(await detail.isVisible(), false);
    await c.locator('.error-detail summary').click();
    assert.deepEqual(JSON.parse(await detail.innerText()), failed.error!.detail);
    // Warnings are on the card itself, not hidden in a tab.
    assert.ok((await c.locator('.warnings').innerText()).includes(failed.warnings[0]));
    assert.ok((await card('s1').locator('.warnings').isVisible()));
    const header = await text('.run-header');
    assert.ok(header.includes('Failed') && header.includes(failedRun.error!.message), header);
    await page.getByRole('button', { name: 'Go to the failed step' }).click();
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.stepId), failed.id);
    await showTab(failed.id, 'response');
    assert.ok((await c.locator('.tabpanel:not([hidden]) pre.json').first().innerText()).includes('"INVALID_CREDENTIALS"'));
  });

  it('posts timeline/curl/copy with the right ids and shows the confirmation', async () => {
    await open();
    await loadRun(succeededRun);
    await card('s5').locator('button[data-copy="plain"]').click();
    await card('s5').locator('button[data-copy="secrets"]').click();
    await card('s1').locator('button[data-copy="plain"]').press('Enter');
    const copies = (await posted()).filter((m) => m.method === 'timeline/curl/copy');
    const ids = copies.map((m) => (m.params as { id: string }).id);
    assert.deepEqual(copies, [
      { method: 'timeline/curl/copy', params: { id: ids[0], runId: succeededRun.id, stepId: 's5', includeSecrets: false } },
      { method: 'timeline/curl/copy', params: { id: ids[1], runId: succeededRun.id, stepId: 's5', includeSecrets: true } },
      { method: 'timeline/curl/copy', params: { id: ids[2], runId: succeededRun.id, stepId: 's1', includeSecrets: false } },
    ]);
    assert.equal(new Set(ids).size, 3, 'each request has its own id');
    for (const copy of copies) assert.deepEqual(parseWebviewMessage(copy), copy, 'the host accepts it as sent');
    assert.equal(await page.locator('.timeline button[data-copy="plain"]').count(), succeededRun.steps.length, 'every step with a request');
    // window.postMessage delivers on a later task: wait for the reply to show rather than read at once.
    const copied = 'Copied cURL with secrets (5 variables filled).';
    await send({ method: 'timeline/copied', params: { id: ids[1], ok: true, message: copied } });
    await card('s5').locator('.copy-status', { hasText: copied }).waitFor({ timeout: 5000 });
    await send({ method: 'timeline/copied', params: { id: ids[2], ok: false, message: 'Clipboard unavailable.' } });
    await card('s1').locator('.copy-status.copy-failed', { hasText: 'Clipboard unavailable.' }).waitFor({ timeout: 5000 });
    assert.equal(await card('s1').locator('.copy-status').getAttribute('class'), 'copy-status copy-failed');
  });

  it('offers the first actions on an empty panel, as buttons that send their command', async () => {
    await open();
    const buttons = page.locator('.empty vscode-button');
    assert.deepEqual(await buttons.allInnerTexts(), ['Run Auth Flow', 'Try the Local Sandbox', 'Add Environment', 'Run History']);
    await page.getByRole('button', { name: 'Run Auth Flow' }).click();
    await page.getByRole('button', { name: 'Try the Local Sandbox' }).press('Enter');
    await page.getByRole('button', { name: 'Add Environment' }).click();
    const sent = (await posted()).filter((m) => m.method === 'timeline/command/run');
    assert.deepEqual(sent.map((m) => m.params), [{ command: 'authFlow.run' }, { command: 'authFlow.trySandbox' }, { command: 'authFlow.addEnvironment' }]);
    for (const message of sent) assert.deepEqual(parseWebviewMessage(message), message, 'the host accepts it as sent');
    await loadRun(succeededRun);
    assert.equal(await page.locator('.empty').count(), 0, 'gone once a run shows');
  });

  it('lists the host\'s run history and sends re-run, rename, delete and compare requests, each answered on its id', async () => {
    await open();
    await page.locator('.empty .open-history').click();
    const listRequest = (await posted()).find((m) => m.method === 'timeline/history/list');
    assert.ok(listRequest?.method === 'timeline/history/list' && parseWebviewMessage(listRequest), 'opening asks the host for the list, with an id');
    assert.ok(await page.locator('.history').isVisible(), 'the section opens');
    const entries = [
      { runId: 'r2', profileId: 'p-staging', profileName: 'Staging', startedAt: '2026-11-30T09:15:00.000Z', status: 'failed' as const, duration: 1234 },
      { runId: 'r1', profileId: 'p-staging', profileName: 'Staging', label: 'before the fix', startedAt: '2026-11-30T09:00:00.000Z', status: 'succeeded' as const, duration: 420 },
    ];
    await send({ method: 'timeline/history/listed', params: { id: listRequest.params.id, entries } });
    const rows = page.locator('.history .history-entry');
    assert.deepEqual(await rows.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.runId)), ['r2', 'r1']);
    const first = await rows.nth(0).locator('.history-row').innerText();
    for (const part of ['Staging', 'failed', '1.23 s']) assert.ok(first.includes(part), `${part} in ${first}`);
    assert.equal(await rows.nth(1).locator('.history-name').innerText(), 'before the fix');
    assert.equal(await rows.nth(0).locator('time').getAttribute('datetime'), entries[0].startedAt);

    const row = (runId: string) => page.locator(`.history-entry[data-run-id="${runId}"]`);
    await row('r2').locator('[data-history-action="rerun"]').click();
    await row('r2').locator('[data-history-action="rename"]').click();
    await row('r2').locator('.history-label-input').fill('with MFA');
    await row('r2').locator('.history-label-input').press('Enter');
    await row('r1').locator('[data-history-action="delete"]').click();
    await row('r2').locator('[data-history-action="compare"]').click();
    await row('r2').locator('.history-compare-select').selectOption('r1');
    await row('r2').locator('[data-history-action="compare-go"]').click();
    const sent = (await posted()).filter((m) => m.method.startsWith('timeline/history/') || m.method === 'timeline/run/again').slice(1);
    assert.deepEqual(sent.map((m) => [m.method, { ...m.params, id: undefined }]), [
      ['timeline/run/again', { profileId: 'p-staging', id: undefined }],
      ['timeline/history/rename', { runId: 'r2', label: 'with MFA', id: undefined }],
      ['timeline/history/delete', { runId: 'r1', id: undefined }],
      ['timeline/history/compare', { runId: 'r2', otherRunId: 'r1', id: undefined }],
    ]);
    for (const message of sent) assert.deepEqual(parseWebviewMessage(message), message, 'the host accepts it as sent');
    const ids = sent.slice(1).map((m) => (m.params as { id: string }).id);
    assert.equal(new Set([listRequest.params.id, ...ids]).size, 4, 'every request has its own id');

    // The rename's answer: the new list, and what was done.
    await send({ method: 'timeline/history/listed', params: { id: ids[0], entries: [{ ...entries[0], label: 'with MFA' }, entries[1]], message: 'Renamed.' } });
    assert.equal(await row('r2').locator('.history-name').innerText(), 'with MFA');
    assert.equal(await page.locator('.history-notice').innerText(), 'Renamed.');
    assert.equal(await page.locator('.history-notice.copy-failed').count(), 0);
    // An answer to nobody's request (a stale id) changes no message.
    await send({ method: 'timeline/history/compared', params: { id: 'history-999', ok: false, message: 'stale', diffs: [] } });
    assert.equal(await page.locator('.history-notice').innerText(), 'Renamed.');
    await send({
      method: 'timeline/history/compared',
      params: { id: ids[2], ok: true, message: 'Compared id_token.', diffs: [{ kind: 'id_token', entries: [{ claim: 'acr', change: 'added', after: 'mfa' }, { claim: 'sub', change: 'same', before: 'u1', after: 'u1' }] }] },
    });
    const diff = page.locator('.history-comparison .history-diff[data-kind="id_token"]');
    assert.ok((await diff.innerText()).includes('acr'), 'the added claim shows');
    assert.ok((await diff.innerText()).includes('mfa'));
    assert.equal(await page.locator('.history-compare-title').innerText(), 'Staging (09:15:00) → before the fix (09:00:00)');
    // The delete's answer: the run was already gone (another window), said as a failure.
    await send({ method: 'timeline/history/listed', params: { id: ids[1], entries: [entries[0]], ok: false, message: 'That run is no longer in the history.' } });
    assert.equal(await page.locator('.history-notice.copy-failed').innerText(), 'That run is no longer in the history.');
    assert.equal(await page.locator('.history-entry').count(), 1);
  });

  it('edits and resends a finished run\'s request: prefilled redacted, sent as edited, answered on its id, Run again when the host lets go of the run', async () => {
    await open();
    await sendEvent({ type: 'run/started', run: { ...succeededRun, status: 'running', steps: [] } });
    await sendStep(succeededRun.id, succeededRun.steps[4]);
    assert.equal(await card('s5').locator('[data-resend="open"]').count(), 0, 'not while the run runs');
    await sendEvent({ type: 'run/finished', run: succeededRun });
    const step = succeededRun.steps.find((s) => s.id === 's5')!;
    const recorded = step.exchange!.request;
    await card('s5').locator('[data-resend="open"]').click();
    const editor = card('s5').locator('.resend-editor');
    assert.equal(await editor.locator('.resend-url').inputValue(), recorded.url);
    assert.equal(await editor.locator('.resend-body').inputValue(), recorded.body);
    assert.equal(await editor.locator('.resend-headers').inputValue(), recorded.headers.map(([n, v]) => `${n}: ${v}`).join('\n'));
    assert.equal(await editor.locator('.resend-method').inputValue(), 'POST');
    const body = `${recorded.body}&scope=openid%20profile`;
    await editor.locator('.resend-body').fill(body);
    await editor.locator('.resend-headers').fill('Content-Type: application/x-www-form-urlencoded\nX-Trace: 42\nno colon here');
    await editor.locator('[data-resend="send"]').click();
    const sent = (await posted()).filter((m) => m.method === 'timeline/step/resend');
    assert.equal(sent.length, 1);
    const [message] = sent;
    assert.deepEqual(parseWebviewMessage(message), message, 'the host accepts it as sent');
    assert.deepEqual({ ...message.params, id: undefined }, {
      id: undefined,
      runId: succeededRun.id,
      stepId: 's5',
      request: { method: 'POST', url: recorded.url, headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Trace', '42']], body },
    });
    assert.equal(await editor.locator('[data-resend="send"]').innerText(), 'Sending…');
    const id = (message.params as { id: string }).id;
    await send({ method: 'timeline/step/resent', params: { id: 'resend-999', ok: true, held: true, message: 'not ours' } });
    assert.equal(await card('s5').locator('.resend-status').innerText(), '', 'an answer on another id is not this one');
    await send({ method: 'timeline/step/resent', params: { id, ok: false, held: false, message: 'This run is no longer held by the extension.' } });
    assert.equal(await card('s5').locator('.resend-status').innerText(), 'This run is no longer held by the extension.');
    await card('s5').locator('[data-resend="rerun"]').click();
    assert.deepEqual((await posted()).at(-1), { method: 'timeline/run/again', params: { profileId: succeededRun.profile.id } });
  });

  it('verifies a decoded token against pasted keys through the host, and shows the checks it answers with', async () => {
    await open();
    const shown = { ...tamperedToken, verifyKey: 'token-1' };
    await send({ method: 'timeline/token/show', params: shown });
    const cardLocator = page.locator('.token-card');
    await cardLocator.locator('[data-verify="open"]').click();
    const jwks = '{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","kid":"k"}]}';
    await cardLocator.locator('.verify-keys').fill(jwks);
    await cardLocator.locator('[data-verify="send"]').click();
    const sent = (await posted()).filter((m) => m.method === 'timeline/token/verify');
    assert.equal(sent.length, 1);
    assert.deepEqual(parseWebviewMessage(sent[0]), sent[0], 'the host accepts it as sent');
    const { id, ...rest } = sent[0].params as { id: string };
    assert.deepEqual(rest, { verifyKey: 'token-1', keys: jwks });
    const detail = 'signature does not match the key k (RS256)';
    const checked = { ...tamperedToken.token, verified: false, checks: [{ code: 'signature' as const, name: 'Signature', status: 'failed' as const, detail }] };
    await send({ method: 'timeline/token/verified', params: { id, verifyKey: 'token-1', ok: false, message: 'Not verified against the pasted keys: see the failed checks.', token: checked } });
    assert.equal(await cardLocator.locator('.verify-status').innerText(), 'Not verified against the pasted keys: see the failed checks.');
    assert.ok((await cardLocator.innerText()).includes(detail), 'the check the host answered with shows on the card');
    // Kept across a reload: the token with its checks (the webview state), not the pane. Saved when idle.
    await page.waitForFunction((d) => JSON.stringify(JSON.parse(sessionStorage.getItem('vscode-state')!).tokens[0].token.checks).includes(d), detail, { timeout: 5000 });
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state')!));
    assert.deepEqual(saved.tokens[0].token.checks, checked.checks);
  });

  it('copies a token\'s decoded header, payload and claims as the webview holds them, and has the host copy the token itself', async () => {
    await open();
    await loadRun(succeededRun);
    const step = succeededRun.steps.find((s) => s.tokens.length === 2)!;
    const [idToken] = step.tokens;
    await showTab(step.id, 'tokens');
    const id = card(step.id).locator('.token[data-token-kind="id_token"]');
    const copies = async (): Promise<Array<{ id: string; text: string }>> =>
      (await posted()).filter((m) => m.method === 'timeline/value/copy').map((m) => m.params as { id: string; text: string });

    await id.locator('button[data-copy="header"]').click();
    await id.locator('button[data-copy="payload"]').click();
    await id.locator('tr[data-name="sub"] .copy-claim').click();
    await id.locator('tr[data-name="amr"] .copy-claim').click();
    await id.locator('tr[data-name="exp"] .copy-claim').click();
    const [header, payload, sub, amr, exp] = await copies();
    assert.equal(header.text, JSON.stringify(idToken.header, null, 2), 'pretty JSON');
    assert.deepEqual(JSON.parse(payload.text), idToken.payload);
    assert.ok(payload.text.includes('\n  "sub": '), 'pretty JSON');
    assert.equal(sub.text, idToken.payload.sub, 'a string claim as it is, without quotes');
    assert.deepEqual(JSON.parse(amr.text), idToken.payload.amr);
    assert.equal(exp.text, String(idToken.payload.exp), 'a time claim as its number, not the words shown');
    for (const message of (await posted()).filter((m) => m.method === 'timeline/value/copy')) assert.deepEqual(parseWebviewMessage(message), message);
    assert.equal(new Set([header.id, payload.id, sub.id, amr.id, exp.id]).size, 5, 'each copy has its own id');

    const access = card(step.id).locator('.token[data-token-kind="access_token"]');
    await access.locator('summary.token-summary').click();
    await access.locator('button[data-copy="token"]').click();
    await id.locator('button[data-copy="token"]').click();
    const tokenCopies = (await posted()).filter((m) => m.method === 'timeline/token/copy');
    const [accessId, idTokenId] = tokenCopies.map((m) => (m.params as { id: string }).id);
    assert.deepEqual(tokenCopies.map((m) => m.params), [
      { id: accessId, runId: succeededRun.id, stepId: step.id, tokenIndex: 1 },
      { id: idTokenId, runId: succeededRun.id, stepId: step.id, tokenIndex: 0 },
    ]);
    assert.equal(new Set([accessId, idTokenId, header.id, payload.id, sub.id, amr.id, exp.id]).size, 7, 'one id space for every copy');
    assert.equal(await access.locator('.copy-status').innerText(), 'Waiting for confirmation…');

    // Answers land beside the token they were for, whatever order they come in.
    await send({ method: 'timeline/copied', params: { id: idTokenId, ok: false, message: 'Copy cancelled.' } });
    await send({ method: 'timeline/copied', params: { id: sub.id, ok: true, message: 'Copied.' } });
    await send({ method: 'timeline/copied', params: { id: accessId, ok: true, message: 'Copied $ACCESS_TOKEN in clear text.' } });
    assert.equal(await id.locator('.copy-status').innerText(), 'Copied.');
    assert.equal(await id.locator('.copy-status').getAttribute('class'), 'copy-status copy-ok');
    assert.equal(await access.locator('.copy-status').innerText(), 'Copied $ACCESS_TOKEN in clear text.');
    await send({ method: 'timeline/copied', params: { id: idTokenId, ok: false, message: 'Copy cancelled.' } });
    assert.equal(await id.locator('.copy-status').innerText(), 'Copied.', 'an answer nobody waits for changes nothing');
  });

  it('copies the header and payload of a token decoded from an editor, but offers no token copy: no run holds it', async () => {
    await open();
    await send({ method: 'timeline/token/show', params: tamperedToken });
    const token = page.locator('.token-cards .token');
    assert.equal(await token.locator('button[data-copy="token"]').count(), 0);
    await token.locator('button[data-copy="payload"]').click();
    const [copy] = (await posted()).filter((m) => m.method === 'timeline/value/copy');
    assert.deepEqual(JSON.parse((copy.params as { text: string }).text), tamperedToken.token.payload);
  });

  it('posts timeline/run/again with the profile id', async () => {
    await open();
    await loadRun(failedRun);
    await page.locator('.run-again').click();
    const last = (await posted()).at(-1);
    assert.deepEqual(last, { method: 'timeline/run/again', params: { profileId: failedRun.profile.id } });
  });

  it('streams steps in: running spinner, then the result', async () => {
    await open();
    await sendEvent({ type: 'run/started', run: { ...succeededRun, status: 'running', duration: undefined, steps: [] } });
    assert.ok((await text('.run-header')).includes('Running'));
    const running: Step = { ...succeededRun.steps[0], status: 'running', duration: undefined, exchange: { ...succeededRun.steps[0].exchange!, response: undefined } };
    await sendEvent({ type: 'step/started', runId: succeededRun.id, step: running });
    assert.equal(await card('s1').getAttribute('data-step-status'), 'running');
    assert.equal(await card('s1').locator('vscode-progress-ring').count(), 1);
    await sendStep(succeededRun.id, succeededRun.steps[0]);
    assert.equal(await card('s1').getAttribute('data-step-status'), 'succeeded');
    assert.equal(await card('s1').locator('vscode-progress-ring').count(), 0);
    assert.equal((await card('s1').locator('.card-head .code-badge').innerText()).trim(), '302 Found');
    assert.equal(await page.locator('.timeline .card').count(), 1);
  });

  it('redraws only what a streamed step changes, and builds a folded card\'s details when it is opened', async () => {
    await open();
    const [s1, s2, s3, s4, s5] = succeededRun.steps;
    const step = (st: Step) => sendStep(succeededRun.id, st);
    await sendEvent({ type: 'run/started', run: { ...succeededRun, status: 'running', duration: undefined, steps: [] } });
    for (const st of [s1, s2, s3]) await step(st);
    // Mark the nodes on screen: a node drawn again would come without the mark.
    const mark = () => page.evaluate(() => {
      for (const el of document.querySelectorAll('.timeline .card, .waterfall > li')) (el as unknown as { marked: boolean }).marked = true;
    });
    const marked = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((el) => (el as unknown as { marked?: boolean }).marked === true));
    // The Values tab of step 1 traces its values through the steps so far: the resume has not come yet.
    await showTab('s1', 'values');
    const seenState = () => card('s1').locator('.tabpanel:not([hidden]) tr[data-name="state"] .seen-item').allInnerTexts();
    assert.deepEqual(await seenState(), []);
    const valuesTab = card('s1').locator('[role="tab"][data-tab="values"]');
    await valuesTab.focus();
    await mark();

    await step({ ...s4, status: 'running', duration: undefined, exchange: { ...s4.exchange!, response: undefined } });
    await step(s4);
    assert.deepEqual(await marked('.timeline .card'), [true, true, true, false], 'steps 1–3 kept their nodes');
    assert.deepEqual(await marked('.waterfall > li'), [true, true, true, false], 'and their waterfall rows');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.tab), 'values', 'focus stayed on the tab');
    assert.equal(await card('s1').locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'values');
    assert.deepEqual(await seenState(), [`${s4.title}: state in the Location`], 'step 1 traced the new step');

    // Folded: the card's title and outcome are there, its tabs are not until it is opened.
    const folded = card('s4');
    assert.equal(await folded.locator('.card-toggle').getAttribute('aria-expanded'), 'false');
    assert.equal(await folded.locator('.card-body').evaluate((body) => body.childElementCount), 0);
    await folded.locator('.card-toggle').click();
    assert.ok((await folded.locator('[role="tab"]').count()) >= 2);
    // Only the tab shown is built; another is built when chosen.
    const panel = (tab: string) => folded.locator(`[role="tabpanel"][data-panel="${tab}"]`);
    assert.ok((await panel('response').evaluate((p) => p.childElementCount)) > 0);
    assert.equal(await panel('request').evaluate((p) => p.childElementCount), 0);
    await showTab('s4', 'request');
    assert.deepEqual([...(await rows(folded, 'kv-query')).keys()], [...new URL(s4.exchange!.request.url).searchParams.keys()]);

    await mark();
    await step(s5);
    assert.deepEqual(await marked('.timeline .card'), [true, true, true, true, false], 'the opened card kept too');
    assert.equal(await folded.locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'request');
  });

  it('in a long run, builds a card\'s buttons and open details when it nears the viewport or is opened, not with the run', async () => {
    await open();
    // The fixture's sign-on five times over (35 steps, past the long-run threshold), each step its own id.
    const perSignOn = succeededRun.steps.length;
    const steps = Array.from({ length: perSignOn * 5 }, (_, i) => ({ ...succeededRun.steps[i % perSignOn], id: `s${i + 1}` }));
    const long: Run = { ...succeededRun, id: 'run-long', steps };
    await sendEvent({ type: 'run/finished', run: long });
    // The cards come in on idle time; once all are in, none has been drawn near the viewport but the first.
    await settled();
    assert.deepEqual(await page.locator('.timeline .card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.stepId)), steps.map((s) => s.id));
    // The last sign-on's token step: open by default, yet nothing built below its head while off screen.
    const tokenIndex = succeededRun.steps.findIndex((step) => step.tokens.length > 0);
    const tokenStep = succeededRun.steps[tokenIndex];
    const lastId = `s${perSignOn * 4 + tokenIndex + 1}`;
    const last = card(lastId);
    assert.equal(await last.locator('.card-toggle').getAttribute('aria-expanded'), 'true');
    assert.equal((await last.locator('.card-title').textContent())?.trim(), tokenStep.title);
    assert.equal(await last.locator('.card-button').count(), 0, 'no action button off screen');
    assert.equal(await last.locator('.request-line').count(), 0, 'nor the request line');
    assert.equal(await last.locator('.card-body').evaluate((body) => body.childElementCount), 0, 'no details off screen');
    // Opened by hand (a click without scrolling it into view): built at once.
    const folded = card(`s${perSignOn * 3 + 2}`);
    assert.equal(await folded.locator('.card-toggle').getAttribute('aria-expanded'), 'false');
    assert.equal(await folded.locator('.card-button').count(), 0);
    const opened = await folded.locator('.card-toggle').evaluate((toggle) => {
      (toggle as HTMLButtonElement).click();
      const built = toggle.closest('.card')!;
      return { buttons: built.querySelectorAll('.card-actions .card-button').length, tabs: built.querySelectorAll('[role="tab"]').length };
    });
    assert.equal(opened.buttons, 3, 'Copy as cURL, Copy with secrets, Edit and resend');
    assert.ok(opened.tabs > 1, 'and the tabs');
    // Scrolled near: built then, the copy button working as on any card.
    await last.evaluate((el) => el.scrollIntoView());
    await last.locator('button[data-copy="plain"]').click();
    assert.deepEqual((await posted()).filter((m) => m.method === 'timeline/curl/copy').map((m) => (m.params as { stepId: string }).stepId), [lastId]);
    assert.ok((await last.locator('[role="tab"]').count()) > 1, 'the open card\'s details');
    assert.equal((await last.locator('.url-path').innerText()).trim(), new URL(tokenStep.exchange!.request.url).pathname);
    assert.ok((await last.locator('.tabpanel:not([hidden])').innerText()).includes(tokenStep.tokens[0].payload.sub as string));
  });

  it('draws a whole run\'s first screen in the frame it arrives, the rest on idle time, and any card asked for at once', async () => {
    await open();
    const perSignOn = succeededRun.steps.length;
    const steps = Array.from({ length: perSignOn * 6 }, (_, i) => ({ ...succeededRun.steps[i % perSignOn], id: `s${i + 1}` }));
    const long: Run = { ...succeededRun, id: 'run-whole', steps };
    const target = steps[15];
    // In one task, as a person could not: the run arrives, then the waterfall row of a step far down is clicked.
    const seen = await page.evaluate(({ event }) => {
      window.dispatchEvent(new MessageEvent('message', { data: { method: 'timeline/run/event', params: { event } } }));
      const arrived = {
        cards: [...document.querySelectorAll<HTMLElement>('.timeline .card')].map((c) => c.dataset.stepId),
        rows: document.querySelectorAll('.waterfall .wf-row').length,
        rest: document.querySelectorAll('.timeline .list-rest').length,
        busy: document.getElementById('app')?.getAttribute('aria-busy'),
      };
      document.querySelectorAll<HTMLButtonElement>('.waterfall .wf-row')[15]?.click();
      const focused = (document.activeElement as HTMLElement | null)?.dataset.stepId;
      return { arrived, afterClick: [...document.querySelectorAll<HTMLElement>('.timeline .card')].map((c) => c.dataset.stepId), focused };
    }, { event: { type: 'run/finished', run: long } as RunEvent });
    assert.ok(seen.arrived.cards.length > 0 && seen.arrived.cards.length < steps.length, `a first screen of cards, not all ${steps.length}: ${seen.arrived.cards.length}`);
    assert.deepEqual(seen.arrived.cards, steps.slice(0, seen.arrived.cards.length).map((s) => s.id), 'the first ones, in order');
    assert.equal(seen.arrived.rest, 1, 'one element holds the place of the others');
    assert.equal(seen.arrived.busy, 'true', 'the panel says it is busy till they are in');
    assert.ok(seen.arrived.rows > 15 && seen.arrived.rows < steps.length, `the waterfall's first rows: ${seen.arrived.rows}`);
    assert.equal(seen.focused, target.id, 'the card asked for is drawn and focused at once');
    assert.deepEqual(seen.afterClick, steps.slice(0, 16).map((s) => s.id), 'with the cards before it');
    // Left alone, the panel draws the rest on idle time, in order, drops the place holder and is no longer busy.
    await settled();
    assert.deepEqual(await page.locator('.timeline .card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.stepId)), steps.map((s) => s.id));
    await page.locator('.timeline .list-rest').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.waterfall .wf-row').count(), steps.length);
  });

  it('keeps a card on screen while its redraw waits its turn, as when a run ends and every card is drawn again', async () => {
    await open();
    const events = streamedEvents(succeededRun);
    for (const event of events.slice(0, -1)) await sendEvent(event);
    // A running run offers no Edit and resend; the finished one does on every card, so every card is drawn again.
    assert.equal(await page.locator('.timeline [data-resend="open"]').count(), 0);
    const atOnce = await page.evaluate((event) => {
      window.dispatchEvent(new MessageEvent('message', { data: { method: 'timeline/run/event', params: { event } } }));
      return { cards: document.querySelectorAll('.timeline .card').length, resend: document.querySelectorAll('.timeline [data-resend="open"]').length };
    }, events.at(-1)!);
    assert.equal(atOnce.cards, succeededRun.steps.length, 'no card missing while the others wait');
    assert.ok(atOnce.resend > 0 && atOnce.resend < succeededRun.steps.length, `some drawn again at once, not all: ${atOnce.resend}`);
    await settled();
    assert.equal(await page.locator('.timeline [data-resend="open"]').count(), succeededRun.steps.length);
    assert.equal(await page.locator('.timeline .card').count(), succeededRun.steps.length);
  });

  it('rewrites a token\'s relative times only when their words change, not on every render', async () => {
    await open();
    await loadRun(succeededRun);
    const times = page.locator('.timeline .reltime');
    assert.ok((await times.count()) > 0, 'the open token card shows relative times');
    const before = await times.allInnerTexts();
    // Another render (the host's follow-ups change the header) with the clock where it was: no time rewritten.
    const rewritten = await page.evaluate((runId) => new Promise<number>((done) => {
      let count = 0;
      const observer = new MutationObserver((records) => {
        count += records.filter((r) => (r.target instanceof Element ? r.target : r.target.parentElement)?.closest('.reltime')).length;
      });
      for (const element of document.querySelectorAll('.reltime')) observer.observe(element, { childList: true, characterData: true, subtree: true });
      window.dispatchEvent(new MessageEvent('message', { data: { method: 'timeline/run/followUps', params: { runId, actions: [{ action: 'userinfo' }] } } }));
      setTimeout(() => {
        observer.disconnect();
        done(count);
      }, 50);
    }), succeededRun.id);
    assert.ok(await page.locator('.run-header [data-follow-up="userinfo"]').count(), 'the render happened');
    assert.equal(rewritten, 0);
    // Two days later the words change, and the next render says so.
    await page.clock.setFixedTime(new Date((IAT + 2 * 86_400) * 1000));
    await send({ method: 'timeline/run/followUps', params: { runId: succeededRun.id, actions: [{ action: 'introspect' }] } });
    const after = await times.allInnerTexts();
    assert.notDeepEqual(after, before);
    assert.ok(after.some((text) => /2 d(ays)? ago|expired/.test(text)), after.join(' | '));
  });

  it('saves a burst of changes once, after it is drawn, and at once when the panel is hidden or unloaded', async () => {
    await open();
    const calls = () => page.evaluate(() => (window as unknown as { __setStateCalls: number }).__setStateCalls);
    const saved = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') as WebviewState | null);
    const before = await calls();
    const events = streamedEvents(succeededRun);
    // The burst in one task, as the host's messages arrive together.
    const during = await page.evaluate((all) => {
      for (const event of all) window.dispatchEvent(new MessageEvent('message', { data: { method: 'timeline/run/event', params: { event } } }));
      return (window as unknown as { __setStateCalls: number }).__setStateCalls;
    }, events);
    assert.equal(during, before, 'nothing saved while the burst is handled');
    assert.equal(await page.locator('.timeline .card').count(), succeededRun.steps.length, 'yet all of it drawn');
    await page.waitForFunction((n) => (window as unknown as { __setStateCalls: number }).__setStateCalls > n, before);
    assert.equal(await calls(), before + 1, 'saved once');
    assert.equal((await saved())?.runs[0].steps.length, succeededRun.steps.length);

    // A change, then the document hidden (VS Code tears a hidden webview down): saved before the handler returns.
    const hidden = await page.evaluate((token) => {
      window.dispatchEvent(new MessageEvent('message', { data: { method: 'timeline/token/show', params: token } }));
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      return (window as unknown as { __setStateCalls: number }).__setStateCalls;
    }, tamperedToken);
    assert.equal(hidden, before + 2);
    assert.equal((await saved())?.tokens.length, 1);
    // And on unload (pagehide), the same.
    const unloaded = await page.evaluate(() => {
      document.querySelector<HTMLButtonElement>('.token-card .icon-button')!.click();
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      return (window as unknown as { __setStateCalls: number }).__setStateCalls;
    });
    assert.equal(unloaded, before + 3);
    assert.equal((await saved())?.tokens.length, 0);
  });

  it('renders a real engine run against the local sandbox, streamed and redacted as the host does', async () => {
    const sandbox = await startSandbox({});
    let run: Run;
    const messages: HostMessage[] = [];
    try {
      const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_post');
      assert.ok(entry, 'the sandbox seeds a client_secret_post app');
      // As the host's RunController does: apply the event to the held runs, post it redacted with every secret of its run.
      let held: Run[] = [];
      const onEvent = (event: RunEvent): void => {
        held = applyRunEvent(held, event);
        messages.push({ method: 'timeline/run/event', params: { event: redactEvent(event, held.find((r) => r.id === eventRunId(event))!) } });
      };
      run = redactRun(await runFlow({ profile: entry.profile, secrets: { ...entry.secrets, ...sandbox.demoUser }, onEvent }));
    } finally {
      await sandbox.close();
    }
    await open();
    await page.clock.setFixedTime(new Date(Date.parse(run.startedAt) + 2000));
    for (const message of messages) await send(message);
    const ids = await page.locator('.timeline .card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.stepId));
    assert.deepEqual(ids, run.steps.map((st) => st.id));
    for (const step of run.steps) {
      assert.equal((await card(step.id).locator('.card-title').innerText()).trim(), step.title);
      assert.equal(await card(step.id).getAttribute('data-step-status'), step.status);
      const status = step.exchange?.response?.status;
      if (status !== undefined) assert.equal(await card(step.id).locator('.card-head .code-badge').getAttribute('data-status'), String(status));
      if (step.error) assert.ok((await card(step.id).locator('.error-box').innerText()).includes(step.error.message));
      for (const token of step.tokens) {
        const shown = await card(step.id).locator(`.token[data-token-kind="${token.kind}"] .signature`).first().getAttribute('data-signature');
        assert.equal(shown, token.verified === true ? 'verified' : token.verified === false ? 'failed' : 'unchecked');
      }
    }
    assert.equal(await page.locator('.run-header [data-run-status]').getAttribute('data-run-status'), run.status);
    // Folded cards say what each step came to, read here from the responses themselves.
    assert.equal(run.status, 'succeeded');
    let previousStatus: string | undefined;
    for (const step of run.steps) {
      const json = step.exchange!.response!.json as Record<string, any>;
      const outcome = (await card(step.id).locator('.outcome').innerText()).replace(/\s+/g, ' ');
      const expected: string[] = [];
      if (step.kind === 'authorize' || step.kind === 'flow') expected.push(`flow ${json.status}`);
      if (step.kind === 'signOn') expected.push(`flow ${previousStatus} → ${json.status}`);
      if (step.kind === 'resume') expected.push(`code=${String(json.authorizeResponse.code).slice(0, 10)}`);
      if (step.kind === 'token') expected.push(`issued ${[json.id_token && 'ID token', json.access_token && 'access token', json.refresh_token && 'refresh token'].filter(Boolean).join(', ')}`);
      if (step.kind === 'jwks') expected.push(`${json.keys.length} key`);
      if (step.kind === 'discovery') expected.push(`${DISCOVERY_ENDPOINT_FIELDS.filter((field) => typeof json[field] === 'string').length} endpoints`);
      if (step.kind === 'userinfo') expected.push(`sub ${String(json.sub).slice(0, 10)}`);
      assert.equal(expected.length, 1, `a rule for ${step.kind}`);
      assert.ok(outcome.includes(expected[0]), `${step.title}: "${outcome}" should say "${expected[0]}"`);
      assert.equal(await card(step.id).locator('.card-body').isVisible(), step.kind === 'token', `${step.title} folded`);
      if (typeof json.status === 'string') previousStatus = json.status;
    }
    // Redaction reached the webview: no raw token or client secret in the DOM.
    const dom = await page.locator('#app').textContent();
    for (const step of run.steps) for (const token of step.tokens) assert.ok(token.raw.startsWith('$'), 'token raw is redacted');
    assert.ok(!/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/.test(dom ?? ''), 'no compact JWT in the DOM');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-run.png'), fullPage: true });
  });

  it('says where a redirect points, and which check failed, on the folded card', async () => {
    await open();
    const token = succeededRun.steps[4];
    const failing: Step = { ...token, checks: [{ code: 'nonce', name: 'Nonce', status: 'failed', detail: 'nonce differs' }] };
    await loadRun({ ...succeededRun, steps: [...succeededRun.steps.slice(0, 4), failing] });
    assert.equal((await card('s1').locator('.outcome').innerText()).trim(), `→ apps.pingone.com flowId=${FLOW_ID.slice(0, 10)}…`);
    assert.equal((await card('s4').locator('.outcome').innerText()).trim(), `→ localhost:8765 code=${CODE.slice(0, 10)}…`);
    const tokenOutcome = (await card('s5').locator('.outcome').innerText()).replace(/\s+/g, ' ');
    assert.ok(tokenOutcome.includes('issued ID token, access token'), tokenOutcome);
    assert.ok(tokenOutcome.includes('✕ Nonce failed'), tokenOutcome);
  });

  for (const width of [320, 480, 800]) {
    it(`never cuts a step name off at ${width} px`, async () => {
      await open({ width });
      await loadRun({ ...succeededRun, steps: succeededRun.steps.map((st) => (st.id === 's3' ? { ...st, title: 'Sign on (usernamePassword.check, attempt 2)' } : st)) });
      const cut = await page.locator('.wf-title, .card-title, .outcome-item').evaluateAll((els) =>
        els
          .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1 || getComputedStyle(el).textOverflow === 'ellipsis')
          .map((el) => (el as HTMLElement).innerText),
      );
      assert.deepEqual(cut, []);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
      if (width === 320) await page.screenshot({ path: join(ARTIFACTS, 'names-320.png'), fullPage: true });
    });
  }

  it('compresses think time in the waterfall and says how long it was', async () => {
    await open();
    const think = 30_000;
    const later = (st: Step): Step => ({ ...st, startedAt: new Date(Date.parse(st.startedAt) + think).toISOString() });
    const run: Run = { ...succeededRun, duration: succeededRun.duration! + think, steps: succeededRun.steps.map((st, i) => (i >= 3 ? later(st) : st)) };
    await loadRun(run);
    const [, , signOn, resume] = run.steps;
    const idle = Date.parse(resume.startedAt) - (Date.parse(signOn.startedAt) + signOn.duration!);
    const gaps = page.locator('.waterfall .wf-gap');
    assert.equal(await gaps.count(), 1);
    assert.equal(await gaps.getAttribute('data-idle-ms'), String(idle));
    assert.ok((await gaps.innerText()).includes(`${(idle / 1000).toFixed(1)} s idle`), await gaps.innerText());
    // The gap sits between the sign-on row and the resume row.
    const order = await page.locator('.waterfall > li').evaluateAll((lis) => lis.map((li) => (li.classList.contains('wf-gap') ? 'gap' : (li.querySelector('.wf-title') as HTMLElement).innerText)));
    assert.deepEqual(order, [...run.steps.slice(0, 3).map((st) => st.title), 'gap', ...run.steps.slice(3).map((st) => st.title)]);
    // The 412 ms authorize stays readable: at least a tenth of the track, not 1.3 % of 31.9 s.
    const share = await page.locator('.waterfall .wf-row').first().evaluate((row) => row.querySelector('.wf-bar')!.getBoundingClientRect().width / row.querySelector('.wf-track')!.getBoundingClientRect().width);
    assert.ok(share >= 0.1, `authorize bar is ${(share * 100).toFixed(1)} % of the track`);
  });

  it('shows only the timings the transport measured: a refused connection has no connect time', async () => {
    await open();
    const authorize = succeededRun.steps[0];
    const refused: Step = {
      ...authorize,
      status: 'failed',
      duration: 3,
      exchange: { request: authorize.exchange!.request, timing: { total: 3 }, cookies: { sent: [], set: [] } },
      error: { code: 'HTTP_CONNECTION_REFUSED', message: 'Nothing listens at auth.pingone.com:443.', hint: 'Check the region.' },
    };
    await loadRun({ ...succeededRun, status: 'failed', steps: [refused], error: refused.error });
    assert.equal((await card('s1').locator('.timing').innerText()).replace(/\s+/g, ' ').trim(), 'total 3 ms');
    assert.equal((await card('s1').locator('.card-head .code-badge').innerText()).trim(), 'No response');
    // A kept-alive connection, measured as 0 ms, still says it was reused.
    await loadRun(succeededRun);
    assert.equal(succeededRun.steps[1].exchange!.timing.connect, 0);
    assert.ok((await card('s2').locator('.timing').innerText()).includes('connect 0 ms (reused)'));
  });

  // ── Sequence diagram ──────────────────────────────────────────────────────────────────────
  const arrows = (kind: string) => page.locator(`.sequence .seq-msg[data-kind="${kind}"]`);
  async function openSequence(): Promise<void> {
    const toggle = page.locator('.sequence .section-toggle');
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await page.locator('.sequence svg.seq').waitFor();
  }
  /** `#cccccc` as getComputedStyle writes it. */
  const rgb = (hex: string): string => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

  it('draws the run as a sequence diagram: folded by default, one arrow per request and per answer, redirects not followed', async () => {
    await open();
    await loadRun(succeededRun);
    const toggle = page.locator('.sequence .section-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'folded by default');
    assert.equal(await page.locator('.sequence svg').count(), 0, 'nothing drawn while folded');
    await openSequence();
    const lifelines = await page.locator('.seq-lifeline .seq-head-label').allTextContents();
    assert.deepEqual(lifelines, ['VS Code', 'Authorization server', 'Flows API', 'Sign-on page', 'Redirect URI', 'Userinfo']);
    const withExchange = succeededRun.steps.filter((st) => st.exchange);
    assert.equal(await arrows('request').count(), withExchange.length);
    assert.equal(await arrows('response').count(), withExchange.filter((st) => st.exchange!.response).length);
    assert.deepEqual(await arrows('request').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-step-id'))), withExchange.map((st) => st.id));
    for (const [index, step] of withExchange.entries()) {
      const { method, url } = step.exchange!.request;
      const label = await arrows('request').nth(index).locator('title').textContent();
      assert.equal(label, `${method} ${new URL(url).pathname.replace(`/${ENV_ID}`, '')}`);
    }
    const redirects = await arrows('notFollowed').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-step-id'), g.querySelector('title')!.textContent]));
    assert.deepEqual(redirects, [['s1', `302 not followed · flowId=${FLOW_ID}`], ['s4', `302 not followed · code=${CODE}`]]);
    // Dashed toward where the redirect pointed: the sign-on page, then the redirect URI (the 4th and 5th lifelines).
    const lifelineX = await page.locator('.seq-lifeline .seq-life').evaluateAll((ls) => ls.map((l) => Number(l.getAttribute('x1'))));
    const ends = await arrows('notFollowed').locator('.seq-line').evaluateAll((ls) => ls.map((l) => [Number(l.getAttribute('x1')), Number(l.getAttribute('x2')), getComputedStyle(l).strokeDasharray]));
    assert.deepEqual(ends.map(([from, to]) => [from, to]), [[lifelineX[0], lifelineX[3]], [lifelineX[0], lifelineX[4]]]);
    for (const [, , dash] of ends) assert.notEqual(dash, 'none', 'dashed');
    assert.equal(await page.locator('.seq-failed').count(), 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), []);
    assert.deepEqual(consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
    await page.locator('.sequence').screenshot({ path: join(ARTIFACTS, 'sequence.png') });
  });

  it('scrolls a wide diagram inside its section in a 320 px panel, not the page', async () => {
    await open({ width: 320 });
    await loadRun(succeededRun);
    await openSequence();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
    const inner = await page.locator('.sequence-scroll').evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(inner > 0, 'six lifelines are wider than the panel: the diagram scrolls');
  });

  it('opens the step card from its arrow, by click and by keyboard, and keeps the diagram open across a reload', async () => {
    await open();
    await loadRun(succeededRun);
    await openSequence();
    assert.equal(await card('s4').locator('.card-toggle').getAttribute('aria-expanded'), 'false');
    await arrows('request').nth(3).click();
    assert.equal(await card('s4').locator('.card-toggle').getAttribute('aria-expanded'), 'true', 'the resume card opened');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.stepId), 's4', 'and has focus');
    await arrows('response').nth(1).focus();
    await page.keyboard.press('Enter');
    assert.equal(await card('s2').locator('.card-toggle').getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.stepId), 's2');

    await page.reload();
    await page.locator('.timeline .card').first().waitFor();
    assert.equal(await page.locator('.sequence .section-toggle').getAttribute('aria-expanded'), 'true', 'open state kept like the cards');
    assert.equal(await page.locator('.sequence svg.seq').isVisible(), true);
    await page.locator('.sequence .section-toggle').click();
    await page.reload();
    await page.locator('.timeline .card').first().waitFor();
    assert.equal(await page.locator('.sequence .section-toggle').getAttribute('aria-expanded'), 'false', 'and closed');
  });

  it('marks the failed step on its arrow, and draws a request that got no answer', async () => {
    await open();
    const token = succeededRun.steps[4];
    const timedOut: Step = { ...token, status: 'failed', exchange: { ...token.exchange!, response: undefined }, error: { code: 'HTTP_TIMEOUT', message: 'No answer.', hint: 'Check the network.' } };
    await loadRun({ ...succeededRun, id: 'run-lost', status: 'failed', steps: [...succeededRun.steps.slice(0, 4), timedOut] });
    await openSequence();
    const lost = page.locator('.seq-msg.seq-none');
    assert.equal(await lost.count(), 1);
    assert.equal(await lost.getAttribute('data-step-id'), 's5');
    assert.equal(await page.locator('.seq-msg[data-step-id="s5"]').count(), 1, 'no answer drawn');
    assert.ok((await lost.locator('text').textContent())!.endsWith('✕ HTTP_TIMEOUT'));

    await loadRun(failedRun);
    await openSequence();
    const failed = page.locator('.seq-msg.seq-failed');
    assert.equal(await failed.count(), 1);
    assert.equal(await failed.getAttribute('data-step-id'), 's2');
    assert.equal(await failed.getAttribute('data-kind'), 'response');
    assert.equal(await failed.locator('text').textContent(), `400 Bad Request ✕ ${failedRun.error!.code}`);
    await failed.click();
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.stepId), 's2');
  });

  it('copies the diagram as Mermaid through the host and shows the answer', async () => {
    await open();
    await loadRun(succeededRun);
    await page.locator('.sequence vscode-button.sequence-copy').click();
    const copies = (await posted()).filter((m) => m.method === 'timeline/diagram/copy');
    assert.equal(copies.length, 1);
    assert.deepEqual(parseWebviewMessage(copies[0]), copies[0], 'the host accepts it as sent');
    const { id: copyId, text: mermaid } = copies[0].params as { id: string; text: string };
    const lines = mermaid.trimEnd().split('\n');
    assert.equal(lines[0], 'sequenceDiagram');
    for (const step of succeededRun.steps) {
      const { method, url } = step.exchange!.request;
      assert.ok(lines.some((l) => l.endsWith(`: ${method} ${new URL(url).pathname.replace(`/${ENV_ID}`, '')}`)), `${step.title} in ${mermaid}`);
    }
    assert.ok(!mermaid.includes(STATE), 'no query value');
    assert.match(await page.locator('.sequence .copy-status').innerText(), /Copying/);
    await send({ method: 'timeline/copied', params: { id: copyId, ok: true, message: 'Copied as Mermaid.' } });
    assert.equal(await page.locator('.sequence .copy-status').innerText(), 'Copied as Mermaid.');
    assert.equal(await page.locator('.sequence .copy-status').getAttribute('class'), 'copy-status copy-ok');
  });

  for (const theme of Object.keys(THEMES) as ThemeName[]) {
    it(`draws the diagram in the theme's colours (${theme})`, async () => {
      await open({ theme });
      await loadRun(failedRun);
      await openSequence();
      const vars: Record<string, string> = THEMES[theme].vars;
      const stroke = (selector: string) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).stroke);
      assert.equal(await stroke('.seq-request:not(.seq-failed) .seq-line'), rgb(vars['--vscode-foreground']));
      assert.equal(await stroke('.seq-failed .seq-line'), rgb(vars['--vscode-errorForeground']));
      assert.equal(await page.locator('.seq-head-label').first().evaluate((el) => getComputedStyle(el).fill), rgb(vars['--vscode-foreground']));
      assert.equal(await page.locator('.seq-head').first().evaluate((el) => getComputedStyle(el).fill), rgb(vars['--vscode-editor-background']));
      const border = theme === 'high-contrast' ? vars['--vscode-contrastBorder'] : vars['--vscode-panel-border'];
      assert.equal(await stroke('.seq-head'), rgb(border), 'lifeline heads outlined');
      if (theme === 'high-contrast') {
        assert.equal(await page.locator('.sequence').evaluate((el) => getComputedStyle(el).borderTopColor), rgb(border), 'section outlined with --vscode-contrastBorder');
      }
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.locator('.sequence').screenshot({ path: join(ARTIFACTS, `sequence-failed-${theme}.png`) });
    });
  }

  it('shows a cancelled run as cancelled, not as an error', async () => {
    await open();
    const cancel = { code: 'CANCELLED', message: 'The run was cancelled.', hint: 'Run it again when ready.' };
    const [authorize, signOn] = failedRun.steps;
    const stopped: Step = { ...signOn, status: 'failed', warnings: [], exchange: { ...signOn.exchange!, response: undefined, timing: { total: 900 } }, error: cancel };
    await loadRun({ ...failedRun, status: 'cancelled', steps: [authorize, stopped], error: cancel });
    const c = card(stopped.id);
    assert.match((await c.getAttribute('class'))!, /\bcard-cancelled\b/);
    assert.equal(await c.locator('.error-box').count(), 0);
    assert.ok((await c.locator('.cancel-box').innerText()).includes(cancel.message));
    assert.equal((await c.locator('.card-head .code-badge').innerText()).trim(), 'Cancelled');
    assert.equal(await c.locator('[role="tab"].tab-alert').count(), 0);
    const colours = await c.evaluate((el) => [getComputedStyle(el.querySelector('.card-title')!).color, getComputedStyle(document.body).color, getComputedStyle(el).borderTopColor]);
    assert.equal(colours[0], colours[1], 'title in the plain foreground');
    assert.notEqual(colours[2], 'rgb(190, 17, 0)', 'no error border');
    assert.equal(await page.locator('.run-header .run-error').count(), 0);
    assert.equal((await page.locator('.run-header .run-cancelled-note').innerText()).trim(), `Cancelled during ${stopped.title}.`);
    assert.equal((await page.locator('.run-header [data-run-status]').innerText()).trim(), 'Cancelled');
  });

  it('shows a decoded token in its own section, apart from any run', async () => {
    await open();
    await loadRun(succeededRun);
    await send({ method: 'timeline/token/show', params: tamperedToken });
    const order = await page.locator('#app > *').evaluateAll((els) => els.map((el) => el.className.split(' ')[0]));
    assert.deepEqual(order, ['token-cards', 'run-header', 'sequence', 'timeline']);
    assert.equal((await page.locator('.token-cards > h1').innerText()).trim(), 'Decoded tokens');
    assert.equal(await page.locator('.run-header .token-card, .timeline .token-card').count(), 0);
    assert.equal(await page.locator('.timeline .card').count(), succeededRun.steps.length, 'the run keeps only its own steps');
  });

  it('explains a header by where it was seen, and opens the cited section through the host', async () => {
    await open();
    await loadRun(succeededRun);
    const note = (stepId: string, name: string) => card(stepId).locator(`.tabpanel:not([hidden]) table.kv-headers tr[data-name="${name}"] .note`);
    await showTab('s1', 'response');
    const onRedirect = await note('s1', 'Cache-Control').innerText();
    assert.ok(!onRedirect.includes('6749') && !/token/i.test(onRedirect), onRedirect);
    assert.match(onRedirect, /cache/i);
    assert.match(await note('s1', 'Location').innerText(), /sign-on page with a flowId/);
    await showTab('s5', 'response');
    const onToken = note('s5', 'Cache-Control');
    assert.match(await onToken.innerText(), /Token responses .* \(RFC 6749 §5\.1\)/);
    const link = onToken.locator('a.doc-link');
    assert.equal(await link.innerText(), 'RFC 6749 §5.1');
    const url = page.url();
    await link.click();
    assert.equal(page.url(), url, 'the webview does not navigate');
    assert.deepEqual((await posted()).at(-1), { method: 'timeline/link/open', params: { url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.1' } });
    await showTab('s5', 'request');
    assert.equal(await card('s5').locator('.tabpanel:not([hidden]) table.kv-form tr[data-name="code_verifier"] a.doc-link').innerText(), 'RFC 7636 §4.1');
  });

  it('drops malformed messages and keeps rendering', async () => {
    await open();
    await loadRun(failedRun);
    const before = await page.locator('#app').innerHTML();
    const bad: unknown[] = [
      'timeline/run/event',
      null,
      { method: 'timeline/run/event' },
      { method: 'timeline/run/event', params: { event: { type: 'run/started', run: { id: 'x' } } } },
      { method: 'timeline/run/event', params: { event: { type: 'step/finished', runId: failedRun.id, step: { id: 's9' } } } },
      { method: 'timeline/run/event', params: { event: { type: 'step/renamed', runId: failedRun.id, step: failedRun.steps[0] } } },
      { method: 'timeline/nope', params: {} },
      { method: 'toString', params: {} },
      { method: 'timeline/copied', params: { id: 'copy-1', ok: 'yes', message: 'x' } },
    ];
    for (const message of bad) await post(message);
    // A well-formed step for a run the webview never saw is dropped too.
    await sendStep('unknown-run', succeededRun.steps[0]);
    assert.equal(await page.locator('#app').innerHTML(), before);
    assert.equal(consoleLines.filter((l) => l.startsWith('warning') && l.includes('[timeline]')).length, bad.length);
    assert.deepEqual(consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
  });

  it('refuses a run with holes in it whole, and keeps what it shows', async () => {
    await open();
    await loadRun(succeededRun);
    const before = await page.locator('#app').innerHTML();
    // Messages are checked all the way down: a step without checks, tokens or a whole exchange never reaches the renderer.
    const broken = { id: 's2', kind: 'flow', title: 'Broken step', status: 'succeeded', startedAt: 'not a date', exchange: {} } as unknown as Step;
    await post({ method: 'timeline/run/event', params: { event: { type: 'run/started', run: { ...succeededRun, id: 'holes', steps: [succeededRun.steps[0], broken, succeededRun.steps[2]] } } } });
    await post({ method: 'timeline/run/event', params: { event: { type: 'step/finished', runId: succeededRun.id, step: broken } } });
    assert.equal(await page.locator('#app').innerHTML(), before);
    assert.equal(consoleLines.filter((l) => l.startsWith('warning') && l.includes('[timeline]')).length, 2);
    assert.deepEqual(consoleLines.filter((l) => l.startsWith('pageerror')), []);
  });

  it('renders attacker-controlled bodies and headers as text', async () => {
    await open();
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const step: Step = {
      ...failedRun.steps[1],
      title: `Sign on ${payload}`,
      exchange: {
        ...failedRun.steps[1].exchange!,
        response: { ...failedRun.steps[1].exchange!.response!, headers: [['X-Evil', payload]], body: payload, json: undefined },
      },
      error: { code: 'X', message: payload, hint: payload, detail: { html: payload } },
    };
    await loadRun({ ...failedRun, steps: [step] });
    await showTab(step.id, 'response');
    assert.equal(await page.locator('#app img, #app script').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.ok((await card(step.id).locator('.tabpanel:not([hidden]) .raw-body').innerText()).includes(payload));
  });

  it('keeps a run list (latest first), switches runs, and restores everything after a reload', async () => {
    await open();
    await loadRun(succeededRun);
    await loadRun(failedRun);
    await send({ method: 'timeline/token/show', params: tamperedToken });
    const options = await page.locator('.run-select option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(options, [failedRun.id, succeededRun.id]);
    await page.locator('.run-select').selectOption(succeededRun.id);
    assert.equal(await page.locator('.timeline .card').count(), succeededRun.steps.length);
    // View choices survive the reload too: an opened card on a chosen tab, a folded token step.
    await showTab('s2', 'response');
    await card('s5').locator('.card-toggle').click();
    await page.reload();
    await page.locator('.timeline .card').first().waitFor();
    assert.equal(await page.locator('.run-title').innerText(), succeededRun.profile.name, 'the run chosen before the reload');
    assert.equal(await page.locator('.timeline .card').count(), succeededRun.steps.length);
    assert.equal(await page.locator('.run-select option').count(), 2);
    assert.equal(await card('s2').locator('.card-toggle').getAttribute('aria-expanded'), 'true');
    assert.equal(await card('s2').locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'response');
    assert.equal(await card('s5').locator('.card-toggle').getAttribute('aria-expanded'), 'false');
    const tokenCard = page.locator('.token-card');
    assert.ok((await tokenCard.innerText()).includes(tamperedToken.source));
    assert.equal(await tokenCard.locator('.signature').getAttribute('data-signature'), 'failed');
    assert.ok((await tokenCard.locator('.signature').innerText()).includes('Signature check failed'));
    await tokenCard.getByRole('button', { name: 'Dismiss decoded token' }).click();
    assert.equal(await page.locator('.token-card').count(), 0);
    // Saved when the webview is next idle (main.ts): wait for that save rather than read at once.
    await page.waitForFunction(() => JSON.parse(sessionStorage.getItem('vscode-state')!).tokens.length === 0, undefined, { timeout: 5000 });
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state')!));
    assert.equal(saved.tokens.length, 0);
    assert.equal(saved.currentRunId, succeededRun.id);
  });

  it('offers follow-ups on a finished run the host holds, disabled with the host\'s reason, and sends the one clicked', async () => {
    await open();
    await loadRun(succeededRun);
    assert.equal(await page.locator('.follow-ups').count(), 0, 'no buttons until the host says what it can do');
    const noRevoke = 'https://auth.example/as names no revocation_endpoint.';
    await send({
      method: 'timeline/run/followUps',
      params: { runId: succeededRun.id, actions: [{ action: 'refresh' }, { action: 'introspect' }, { action: 'revoke', reason: noRevoke }, { action: 'userinfo' }, { action: 'signoff' }] },
    });
    const buttons = page.locator('.run-header .follow-ups vscode-button');
    assert.deepEqual(await buttons.evaluateAll((els) => els.map((el) => [(el as HTMLElement).dataset.followUp, el.textContent?.trim()])), [
      ['refresh', 'Refresh'],
      ['introspect', 'Introspect'],
      ['revoke', 'Revoke'],
      ['userinfo', 'Userinfo'],
      ['signoff', 'Sign off'],
    ]);
    const revoke = page.locator('[data-follow-up="revoke"]');
    assert.equal(await revoke.getAttribute('disabled'), '');
    assert.equal(await revoke.getAttribute('title'), noRevoke);
    assert.equal(await page.locator('[data-follow-up="refresh"]').getAttribute('disabled'), null);
    await page.locator('[data-follow-up="refresh"]').click();
    await page.locator('[data-follow-up="signoff"]').click();
    await revoke.click({ force: true });
    const sent = (await posted()).filter((m) => m.method === 'timeline/run/followUp');
    assert.deepEqual(sent, [
      { method: 'timeline/run/followUp', params: { runId: succeededRun.id, action: 'refresh' } },
      { method: 'timeline/run/followUp', params: { runId: succeededRun.id, action: 'signoff' } },
    ]);
    for (const message of sent) assert.ok(parseWebviewMessage(message), 'the host accepts what the button sends');
    // While a follow-up runs the run is running again: no buttons.
    await sendEvent({ type: 'run/started', run: { ...succeededRun, status: 'running' } });
    assert.equal(await page.locator('.follow-ups').count(), 0);
  });

  it('shows a refresh step\'s claims diff as a table: added, removed, changed first, times in words, the same folded', async () => {
    await open();
    await loadRun(succeededRun);
    const words = 'exp moved 1 h later: expires in 1 h 59 min';
    const refresh: Step = {
      ...succeededRun.steps[4],
      id: 's8',
      kind: 'refresh',
      title: 'Refresh (client_secret_basic)',
      diffs: [
        {
          kind: 'access_token',
          entries: [
            { claim: 'sub', change: 'same', before: 'u-1', after: 'u-1' },
            { claim: 'exp', change: 'changed', before: IAT + 3600, after: IAT + 7200, words },
            { claim: 'sid', change: 'added', after: 'new-session' },
            { claim: 'amr', change: 'removed', before: ['pwd'] },
          ],
        },
      ],
    };
    await sendStep(succeededRun.id, refresh);
    const changes = card('s8').locator('[role="tabpanel"][data-panel="changes"]');
    assert.equal(await changes.isVisible(), true, 'a refresh opens on its Changes tab');
    assert.equal((await card('s8').locator('[role="tab"][data-tab="changes"] .tab-badge').innerText()).trim(), '3', 'three claims differ');
    const rowsOf = (table: string) =>
      changes.locator(`table.${table} tbody tr`).evaluateAll((trs) =>
        trs.map((tr) => [(tr as HTMLElement).dataset.claim, (tr as HTMLElement).dataset.change, ...[...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())]),
      );
    assert.deepEqual(await rowsOf('diff-changes'), [
      ['exp', 'changed', 'changed', String(IAT + 3600), String(IAT + 7200)],
      ['sid', 'added', 'added', '—', 'new-session'],
      ['amr', 'removed', 'removed', '["pwd"]', '—'],
    ]);
    assert.equal((await changes.locator('tr[data-claim="exp"] .diff-words').innerText()).trim(), words);
    assert.equal(await changes.locator('table.diff-same').isVisible(), false, 'the claims that stayed are folded');
    await changes.locator('details.disclosure summary').click();
    assert.deepEqual(await rowsOf('diff-same'), [['sub', 'same', 'same', 'u-1', 'u-1']]);
    // The folded cards of introspection and revocation say what they found.
    const base = { ...succeededRun.steps[6], checks: [], tokens: [] };
    await sendStep(succeededRun.id, { ...base, id: 's9', kind: 'revoke', title: 'Revoke (refresh_token)', facts: { token: 'refresh_token' } });
    await sendStep(succeededRun.id, { ...base, id: 's10', kind: 'introspect', title: 'Introspect (access_token)', facts: { token: 'access_token', active: 'false' } });
    assert.equal((await card('s9').locator('.outcome').innerText()).trim(), 'refresh token revoked');
    assert.equal((await card('s10').locator('.outcome').innerText()).trim(), 'access token not active');
  });

  it('compares two tokens: one of the run, one pasted, as a claims diff', async () => {
    await open();
    await loadRun(succeededRun);
    const idToken = succeededRun.steps[4].tokens.find((t) => t.kind === 'id_token')!;
    const { nonce: _nonce, ...rest } = idToken.payload;
    const other = { ...rest, sub: 'someone-else', extra: true };
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await page.locator('.run-compare').click();
    const compare = page.locator('section.compare');
    await compare.waitFor();
    const first = compare.locator('select[data-side="0"]');
    const second = compare.locator('select[data-side="1"]');
    const idLabel = await first.locator('option', { hasText: 'ID token' }).first().innerText();
    await first.selectOption({ label: idLabel });
    await second.selectOption({ label: 'Paste a token…' });
    await compare.locator('textarea[aria-label="Second token, pasted"]').fill(`Bearer ${b64({ alg: 'none' })}.${b64(other)}.`);
    const changed = await compare.locator('table.diff-changes tbody tr').evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset.claim, (tr as HTMLElement).dataset.change]));
    assert.deepEqual(changed, [['sub', 'changed'], ['nonce', 'removed'], ['extra', 'added']]);
    await compare.locator('textarea[aria-label="Second token, pasted"]').fill('not a token');
    assert.match(await compare.locator('.compare-problem').innerText(), /No JWT found/);
    await compare.locator('button[aria-label="Close Compare tokens"]').click();
    assert.equal(await page.locator('section.compare').count(), 0);
  });

  it('is keyboard navigable: tabs move with arrow keys, focus stays visible', async () => {
    await open();
    await loadRun(succeededRun);
    // Succeeded steps without tokens start collapsed; the title is the disclosure button.
    const toggle = card('s2').locator('.card-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await card('s2').locator('.card-body').isVisible(), false);
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const first = card('s2').locator('[role="tab"]').first();
    await first.focus();
    await page.keyboard.press('ArrowRight');
    const selected = await card('s2').locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab');
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.tab);
    assert.equal(selected, focused);
    assert.notEqual(selected, 'request');
    await page.keyboard.press('Home');
    assert.equal(await card('s2').locator('[role="tab"][aria-selected="true"]').getAttribute('data-tab'), 'request');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(outline, 'solid');
    // Only the selected tab is a tab stop.
    assert.deepEqual(await card('s2').locator('[role="tab"]').evaluateAll((ts) => ts.map((t) => (t as HTMLElement).tabIndex).filter((i) => i === 0).length), 1);
  });

  it('fits a 320 px wide panel without horizontal scrolling', async () => {
    await open({ width: 320 });
    await loadRun(succeededRun);
    await send({ method: 'timeline/token/show', params: tamperedToken });
    for (const [id, tab] of [['s1', 'request'], ['s3', 'cookies'], ['s4', 'response']] as const) await showTab(id, tab);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'narrow-320.png'), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'narrow-320-top.png') });
  });

  for (const [text, code] of [[13, 12], [15, 14]]) {
    it(`sets every text of a run in the type ramp: five sizes from the theme's, weights 400 and 600 (${text} px, editor ${code} px)`, async () => {
      // Each size and weight is a font lookup on a new panel's first draw; a short ramp keeps it cheap.
      // The diagrams (SVG) are drawn to a fixed scale and are not part of it.
      const faces = async (): Promise<string[]> =>
        page.evaluate(() => {
          const seen = new Set<string>();
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const element = walker.currentNode.parentElement;
            if (!element || !walker.currentNode.textContent?.trim() || element.closest('svg') || !element.getClientRects().length) continue;
            const style = getComputedStyle(element);
            seen.add(`${Number(parseFloat(style.fontSize).toFixed(2))}px ${style.fontWeight}`);
          }
          return [...seen];
        });
      const ramp = new Set([text, text * 0.9, code, text * 1.08, text * 1.35].flatMap((px) => ['400', '600'].map((weight) => `${Number(px.toFixed(2))}px ${weight}`)));

      await open({ vars: { '--vscode-font-size': `${text}px`, '--vscode-editor-font-size': `${code}px` } });
      await loadRun(failedRun);
      await loadRun(succeededRun);
      await send({ method: 'timeline/token/show', params: tamperedToken });
      const seen = new Set(await faces());
      for (const tab of ['request', 'response', 'cookies', 'values', 'checks']) {
        await showTab('s4', tab);
        for (const face of await faces()) seen.add(face);
      }
      await showTab('s5', 'tokens');
      for (const face of await faces()) seen.add(face);
      assert.deepEqual([...seen].filter((face) => !ramp.has(face)), [], `sizes and weights outside the ramp (${[...ramp].join(', ')})`);
      assert.ok(seen.size >= 6, `the run's text uses the ramp (${[...seen].join(', ')})`);
    });
  }

  it('shows a measurement as a table of each step\'s figures and a bar chart ordered like them, the latest per profile, until closed', async () => {
    await open();
    const report: RepeatReport = {
      profile: 'Staging',
      repeat: 20,
      concurrency: 2,
      elapsedMs: 3400,
      interrupted: false,
      runs: 20,
      succeeded: 18,
      failed: 2,
      cancelled: 0,
      steps: [
        { title: 'Discovery', kind: 'discovery', count: 20, errors: 0, p50: 12, p95: 31, max: 48 },
        { title: 'Token request', kind: 'token', count: 20, errors: 2, p50: 40, p95: 95, max: 120 },
        { title: 'Userinfo', kind: 'userinfo', count: 18, errors: 0, p50: 20, p95: 25, max: 30 },
        { title: 'Sign off', kind: 'signoff', count: 2, errors: 2 },
      ],
      run: { count: 20, errors: 2, p50: 70, p95: 140, max: 180 },
      errors: [{ code: 'INVALID_GRANT', step: 'Token request', count: 2, message: 'The code was used.' }],
    };
    await send({ method: 'timeline/measure/reported', params: { profileId: 'p-staging', measuredAt: '2026-01-01T10:00:00.000Z', report } });
    const panel = page.locator('.measure[data-profile-id="p-staging"]');
    const cells = async () => panel.locator('table.measure-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c as HTMLElement).innerText.trim())));
    const figures = (title: string, m: Measured) => [title, String(m.count), String(m.errors), ...[m.p50, m.p95, m.max].map((v) => (v === undefined ? '–' : String(v)))];
    assert.deepEqual(await cells(), [...report.steps.map((s) => figures(s.title, s)), figures('whole run', report.run)]);
    assert.deepEqual(await panel.locator('table.measure-table thead th').allInnerTexts(), ['step', 'runs', 'errors', 'p50 ms', 'p95 ms', 'max ms']);
    assert.ok((await panel.locator('.measure-summary').innerText()).includes('Measured 20 runs, 2 at a time'));
    assert.deepEqual(await panel.locator('.measure-errors li').allInnerTexts(), ['2× INVALID_GRANT in Token request: The code was used.']);

    // The chart: titled, one bar group per step in the table's order, bars as tall as their values rank.
    const chart = panel.locator('svg.measure-chart');
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.ok((await chart.getAttribute('aria-label'))?.includes('p95'));
    assert.ok((await chart.locator(':scope > title').textContent())?.includes('Staging'));
    const groups = await chart.locator('.measure-group').evaluateAll((gs) =>
      gs.map((g) => ({
        step: g.getAttribute('data-step'),
        p50: Number(g.querySelector('.measure-p50')?.getAttribute('height')),
        p95: Number(g.querySelector('.measure-p95')?.getAttribute('height')),
        p95Top: Number(g.querySelector('.measure-p95')?.getAttribute('y')),
        maxY: g.querySelector('.measure-max')?.getAttribute('y1') ?? null,
      })),
    );
    assert.deepEqual(groups.map((g) => g.step), report.steps.map((s) => s.title));
    const byHeight = groups.map((_, i) => i).sort((a, b) => groups[a].p95 - groups[b].p95);
    const byValue = report.steps.map((_, i) => i).sort((a, b) => (report.steps[a].p95 ?? 0) - (report.steps[b].p95 ?? 0));
    assert.deepEqual(byHeight, byValue);
    for (const [i, g] of groups.entries()) {
      const step = report.steps[i];
      if (step.p95 === undefined) {
        assert.deepEqual([g.p50, g.p95, g.maxY], [0, 0, null], `${g.step}: nothing succeeded, nothing drawn`);
        continue;
      }
      assert.ok(g.p50 > 0 && g.p50 < g.p95, `${g.step}: p50 bar shorter than p95`);
      assert.ok(Number(g.maxY) < g.p95Top, `${g.step}: the max tick above the p95 bar`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await panel.screenshot({ path: join(ARTIFACTS, 'measure-dark.png') });
    // Theme colours: p50 in the chart blue, the max tick in the foreground colour.
    assert.equal(await chart.locator('.measure-p50').first().evaluate((el) => getComputedStyle(el).fill), 'rgb(55, 148, 255)');
    assert.equal(await chart.locator('.measure-max').first().evaluate((el) => getComputedStyle(el).stroke), 'rgb(204, 204, 204)');

    // A newer measurement of the same profile replaces it; another profile's comes first, beside it.
    await send({ method: 'timeline/measure/reported', params: { profileId: 'p-staging', measuredAt: '2026-01-01T10:05:00.000Z', report: { ...report, steps: report.steps.slice(0, 1) } } });
    await send({ method: 'timeline/measure/reported', params: { profileId: 'p-prod', measuredAt: '2026-01-01T10:06:00.000Z', report: { ...report, profile: 'Production', interrupted: true, runs: 7 } } });
    assert.deepEqual(await page.locator('.measure').evaluateAll((ps) => ps.map((p) => (p as HTMLElement).dataset.profileId)), ['p-prod', 'p-staging']);
    assert.equal(await panel.locator('.measure-group').count(), 1);
    assert.ok((await page.locator('.measure[data-profile-id="p-prod"] .measure-summary').innerText()).startsWith('Cancelled: measured 7 of 20 runs'));
    // A report with a figure of the wrong type is dropped whole.
    await post({ method: 'timeline/measure/reported', params: { profileId: 'p-bad', measuredAt: 'x', report: { ...report, run: { count: '20', errors: 0 } } } });
    assert.equal(await page.locator('.measure').count(), 2);

    await page.reload();
    await panel.waitFor();
    assert.equal(await page.locator('.measure').count(), 2, 'restored after a reload');
    await panel.getByRole('button', { name: 'Close Measurement of Staging' }).click();
    assert.deepEqual(await page.locator('.measure').evaluateAll((ps) => ps.map((p) => (p as HTMLElement).dataset.profileId)), ['p-prod']);
    // Saved when the webview is next idle (main.ts).
    await page.waitForFunction(() => JSON.parse(sessionStorage.getItem('vscode-state')!).measurements.length === 1, undefined, { timeout: 5000 });
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state')!) as WebviewState);
    assert.deepEqual(saved.measurements?.map((m) => m.profileId), ['p-prod']);
    assert.deepEqual(consoleLines.filter((l) => /^(error|pageerror)/.test(l)), []);
  });

  /** WCAG 2.x contrast of every visible status text against what is painted behind it, read from computed styles. */
  async function statusContrasts(): Promise<{ what: string; text: string; ratio: number }[]> {
    // A string, not a function: tsx would wrap the function's inner helpers with one that does not exist in the page.
    return page.evaluate(`(() => {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 1;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      // Any CSS colour (rgb(), color(srgb …) from color-mix) as 0–255 RGBA, through the canvas.
      const rgba = (color) => {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = '#000';
        ctx.fillStyle = color;
        ctx.fillRect(0, 0, 1, 1);
        const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
        return [r, g, b, a / 255];
      };
      const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
      const background = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
          const c = rgba(getComputedStyle(e).backgroundColor);
          if (c[3] > 0) layers.push(c);
          if (c[3] === 1) break;
        }
        return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
      };
      const luminance = (c) =>
        [0, 1, 2].map((i) => {
          const v = c[i] / 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
      const selector = '.code-badge, .wf-code, .pill, .signature, .copy-status, .check-icon, .check-failed .check-name, .check-failed .check-detail, .error-message, .tab-alert, .method, .row-error td, .reltime.expired, .card-title, .outcome, .outcome *';
      return [...document.querySelectorAll(selector)]
        .filter((el) => el.offsetParent !== null && el.innerText.trim() !== '')
        .map((el) => {
          const bg = background(el);
          const fg = over(rgba(getComputedStyle(el).color), bg);
          const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
          return { what: el.className, text: el.innerText.trim().slice(0, 40), ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100 };
        });
    })()`);
  }

  for (const theme of Object.keys(THEMES) as ThemeName[]) {
    it(`gives every status text at least 4.5:1 contrast (${theme})`, async () => {
      await open({ theme });
      await loadRun(succeededRun);
      await loadRun(failedRun);
      await send({ method: 'timeline/token/show', params: tamperedToken });
      await card('s1').locator('button[data-copy="plain"]').click();
      await card('s2').locator('button[data-copy="plain"]').click();
      const [s1Copy, s2Copy] = await idsOf('timeline/curl/copy');
      await send({ method: 'timeline/copied', params: { id: s1Copy, ok: true, message: 'Copied' } });
      await send({ method: 'timeline/copied', params: { id: s2Copy, ok: false, message: 'Clipboard unavailable' } });
      await page.locator('.copy-status.copy-ok').waitFor({ timeout: 5000 });
      await page.locator('.copy-status.copy-failed').waitFor({ timeout: 5000 });
      await showTab('s2', 'response');
      const failedRunTexts = await statusContrasts();
      await page.locator('.run-select').selectOption(succeededRun.id);
      await showTab('s4', 'response');
      await showTab('s4', 'checks');
      const all = [...failedRunTexts, ...(await statusContrasts())];
      for (const text of ['200 OK', '302 Found', '400 Bad Request', 'Succeeded', 'Failed', 'Verified', 'Copied']) {
        assert.ok(all.some((t) => t.text.includes(text)), `"${text}" measured`);
      }
      const low = all.filter((t) => t.ratio < 4.5);
      assert.deepEqual(low, [], `below 4.5:1 in ${theme}`);
    });
  }

  for (const theme of Object.keys(THEMES) as ThemeName[]) {
    it(`screenshots the timeline (${theme})`, async () => {
      await open({ theme, width: 900 });
      await loadRun(succeededRun);
      await loadRun(failedRun);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `failed-${theme}.png`), fullPage: true });
      await page.screenshot({ path: join(ARTIFACTS, `failed-top-${theme}.png`) });
      await page.locator('.run-select').selectOption(succeededRun.id);
      await page.screenshot({ path: join(ARTIFACTS, `succeeded-${theme}.png`), fullPage: true });
      await page.screenshot({ path: join(ARTIFACTS, `succeeded-top-${theme}.png`) });
      await card('s5').screenshot({ path: join(ARTIFACTS, `token-${theme}.png`) });
      await showTab('s4', 'response');
      await card('s4').screenshot({ path: join(ARTIFACTS, `resume-${theme}.png`) });
      await showTab('s1', 'values');
      await card('s1').screenshot({ path: join(ARTIFACTS, `values-${theme}.png`) });
      await showTab('s3', 'cookies');
      await card('s3').screenshot({ path: join(ARTIFACTS, `cookies-${theme}.png`) });
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(bg, 'rgba(0, 0, 0, 0)');
      if (theme === 'high-contrast') {
        assert.equal(await card('s1').evaluate((el) => getComputedStyle(el).borderTopColor), 'rgb(111, 195, 223)', 'cards outlined with --vscode-contrastBorder');
      }
    });
  }
});
