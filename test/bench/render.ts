/**
 * The timeline drawing a long run: the production webview (dist/webview from `npm run build`) in
 * headless Chromium under its CSP, posted host messages, timed from the message to the next frame
 * (a task queued from the requestAnimationFrame after the handler runs once style, layout and paint of
 * that frame are done). Three cases, each against the same case on a 7-step run in the same process:
 * a whole 200-step run (one step carries a ~100 KB ID token) arriving at a panel that has drawn a run
 * before, the same at a panel just opened and loaded (its first draw: fonts and code not warmed yet), and one
 * step arriving while the run is live. Target: 50 ms, and an update that costs about the same on any
 * run length. A whole run's first frame holds its first screen; the time until every card is in the
 * page (drawn on idle time) is printed beside it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { DecodedToken, Run } from '../../src/core/model';
import type { HostMessage } from '../../src/protocol';
import { ORG_ID, streamedEvents, succeededRun } from '../fixtures/runs';
import { launchChromium } from '../support/browser-sign-on';
import { pageSetup, serveWebview, THEMES } from '../support/webview-page';
import type { BenchResult } from './result';

const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = join(ROOT, 'dist/webview');
const ITERATIONS = 11;
const LONG = 200;
const TARGET_MS = 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** An ID token of about `bytes` as a compact JWT: a directory's group memberships, as large tenants issue. */
function bigToken(base: DecodedToken, bytes: number): DecodedToken {
  const groups: string[] = [];
  const payload = { ...base.payload, groups };
  // A JWT is base64url(header).base64url(payload).signature: 4/3 of the JSON.
  while (JSON.stringify(payload).length * 4 / 3 < bytes) groups.push(`cn=app-role-${groups.length},ou=groups,o=${ORG_ID}`);
  return { ...base, payload };
}

/** The fixture's sign-on repeated to `count` steps, each its own id and start time; one token of ~100 KB. */
function longRun(count: number): Run {
  const start = Date.parse(succeededRun.startedAt);
  const perSignOn = succeededRun.steps.length;
  // The token step (the fifth) of the sign-on in the middle of the run.
  const big = perSignOn * Math.floor(count / perSignOn / 2) + 4;
  const steps = Array.from({ length: count }, (_, i) => {
    const step = succeededRun.steps[i % perSignOn];
    const tokens = i === big ? [bigToken(step.tokens[0], 100_000), ...step.tokens.slice(1)] : step.tokens;
    return { ...step, id: `s${i + 1}`, startedAt: new Date(start + i * 450).toISOString(), tokens };
  });
  return { ...succeededRun, id: `run-bench-${count}`, steps, duration: count * 450 };
}

/** A panel that has loaded: it has said ready and done what it does on its first idle time. */
async function openPage(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await page.addInitScript(pageSetup(THEMES.dark));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0, undefined, { timeout: 10_000 });
  await page.evaluate(() => new Promise<void>((idle) => requestIdleCallback(() => idle())));
  return page;
}

interface Timing {
  /** ms in the message handler (the script: parsing, the store, building and inserting DOM). */
  script: number;
  /** ms from dispatching the message (as VS Code delivers it) to the end of the next frame. */
  frame: number;
  /** ms from dispatching the message until every card of the run is in the page. */
  all?: number;
}

function timeToFrame(page: Page, message: HostMessage): Promise<Timing> {
  return page.evaluate((m) => new Promise<Timing>((done) => {
    const start = performance.now();
    (window as unknown as { __start: number }).__start = start;
    window.dispatchEvent(new MessageEvent('message', { data: m }));
    const script = performance.now() - start;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done({ script, frame: performance.now() - start });
      channel.port2.postMessage(undefined);
    });
  }), message);
}

/** Waits until the panel has settled (not aria-busy) with all `count` cards in the page; ms since the last timed message. */
async function allCards(page: Page, count: number): Promise<number> {
  await page.waitForFunction((n) => !document.getElementById('app')?.hasAttribute('aria-busy') && document.querySelectorAll('.timeline .card').length === n, count, { timeout: 30_000 });
  return page.evaluate(() => performance.now() - (window as unknown as { __start: number }).__start);
}

/**
 * The whole run at once (a run/finished for a run the panel has not shown), on a panel just opened, or
 * on one that has shown the fixture's run stream in before (`opened`), as a panel in use has.
 */
async function wholeRun(browser: Browser, origin: string, run: Run, opened: boolean): Promise<Timing> {
  const page = await openPage(browser, origin);
  try {
    if (opened) {
      // A run before, streamed in as the host sends one: started, each step, finished.
      const before = { ...succeededRun, id: 'run-before' };
      for (const event of streamedEvents(before)) await timeToFrame(page, { method: 'timeline/run/event', params: { event } });
      await allCards(page, before.steps.length);
    }
    const timing = await timeToFrame(page, { method: 'timeline/run/event', params: { event: { type: 'run/finished', run } } });
    return { ...timing, all: await allCards(page, run.steps.length) };
  } finally {
    await page.close();
  }
}

/** The run live with all but its last step, then the last step arriving. */
async function stepArriving(browser: Browser, origin: string, run: Run): Promise<Timing> {
  const page = await openPage(browser, origin);
  try {
    await timeToFrame(page, { method: 'timeline/run/event', params: { event: { type: 'run/started', run: { ...run, status: 'running', duration: undefined, steps: run.steps.slice(0, -1) } } } });
    await allCards(page, run.steps.length - 1);
    const timing = await timeToFrame(page, { method: 'timeline/run/event', params: { event: { type: 'step/finished', runId: run.id, step: run.steps.at(-1)! } } });
    if ((await page.locator('.timeline .card').count()) !== run.steps.length) throw new Error(`expected ${run.steps.length} cards`);
    return timing;
  } finally {
    await page.close();
  }
}

export async function benchRender(): Promise<BenchResult[]> {
  const browser = await launchChromium();
  if (!browser) {
    console.log('timeline render: skipped, Chromium not found (apt-get install chromium, or set AFE_E2E_CHROMIUM)');
    return [];
  }
  if (!existsSync(join(BUNDLE, 'main.js'))) throw new Error(`${BUNDLE}/main.js missing: run npm run build`);
  const served = await serveWebview(BUNDLE);
  try {
    const short = succeededRun;
    const long = longRun(LONG);
    const tokenKb = Math.max(...long.steps.flatMap((s) => s.tokens.map((t) => JSON.stringify(t.payload).length * 4 / 3 / 1024)));
    console.log(`timeline render, message → next frame, production bundle, median of ${ITERATIONS}: ${short.steps.length} steps against ${LONG} steps (largest token ~${Math.round(tokenKb)} KB)`);
    const empty = () => ({ short: [] as Timing[], long: [] as Timing[] });
    const cases = { whole: empty(), first: empty(), step: empty() };
    for (let i = 0; i < ITERATIONS; i++) {
      // Alternating which goes first, so both see the same machine state.
      for (const size of i % 2 ? (['long', 'short'] as const) : (['short', 'long'] as const)) {
        const run = size === 'long' ? long : short;
        cases.whole[size].push(await wholeRun(browser, served.origin, run, true));
        cases.first[size].push(await wholeRun(browser, served.origin, run, false));
        cases.step[size].push(await stepArriving(browser, served.origin, run));
      }
    }
    const results: BenchResult[] = [];
    const labels = [['whole', 'run arriving'], ['first', 'run arriving, new panel'], ['step', 'step arriving (live run)']] as const;
    for (const [name, label] of labels) {
      const s = median(cases[name].short.map((t) => t.frame));
      const l = median(cases[name].long.map((t) => t.frame));
      const of = (size: 'short' | 'long', field: 'script' | 'all') => median(cases[name][size].map((t) => t[field] ?? 0)).toFixed(1);
      const all = (size: 'short' | 'long') => (name === 'step' ? '' : `, all cards in ${of(size, 'all')}`);
      console.log(`  ${label.padEnd(26)} ${short.steps.length} steps ${s.toFixed(1)} ms (script ${of('short', 'script')}${all('short')})  ${LONG} steps ${l.toFixed(1)} ms (script ${of('long', 'script')}${all('long')})  ratio ${(l / s).toFixed(2)}×`);
      results.push({ name: `timeline: ${LONG}-step ${label}`, value: l, unit: 'ms', target: `≤ ${TARGET_MS} ms`, ok: l <= TARGET_MS });
      // A whole run may cost its length (linear); an update should not grow with the run.
      const bound = name === 'step' ? 3 : LONG / short.steps.length;
      results.push({ name: `timeline: ${label}, ${LONG} / ${short.steps.length} steps`, value: l / s, unit: '×', target: `≤ ${bound.toFixed(1)}×`, ok: l / s <= bound });
    }
    return results;
  } finally {
    await browser.close();
    await served.close();
  }
}
