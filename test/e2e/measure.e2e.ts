// Auth Flow: Measure Environment (Repeat Run)… in a real VS Code (code-server) driven by Chromium: the
// local sandbox measured from the Command Palette (count, concurrency, the credentials asked once),
// the report drawn in the timeline, and a long measurement cancelled from its progress notification.
import * as assert from 'node:assert/strict';
import { endSession, waitFor, type Session } from './harness';
import { DEMO_USER, inputValue, openAuthFlowView, startWithExtension, waitForQuickInput } from './extension';

const STEPS = ['Discovery', 'Authorize', 'Flow status', 'Sign on', 'Resume', 'Token', 'Signing keys', 'Userinfo'];

describe('Measure Environment in VS Code (code-server + Chromium)', function () {
  let session: Session | undefined;

  afterEach(async function () {
    await endSession(this.currentTest, session);
    session = undefined;
  });

  /** Starts measuring the sandbox: `repeat` runs, `concurrency` at a time, signing on as the demo user. */
  async function measureSandbox(active: Session, repeat: string, concurrency: string): Promise<void> {
    await active.runCommand('Auth Flow: Measure Environment (Repeat Run)…');
    await waitForQuickInput(active, 'Environment to measure');
    await active.pickItem('Local sandbox');
    await waitForQuickInput(active, /Measure Local sandbox.*How many runs \(1 to 10000\)/s);
    assert.equal(await inputValue(active), '20', 'the count defaults to 20');
    await active.answerInput(repeat);
    await waitForQuickInput(active, /How many runs at a time/);
    assert.equal(await inputValue(active), '1', 'the concurrency defaults to 1');
    await active.answerInput(concurrency);
    await waitForQuickInput(active, 'Sign in to Local sandbox');
    assert.equal(await inputValue(active), DEMO_USER.username, 'the demo user is prefilled');
    await active.answerInput(DEMO_USER.username);
    await waitForQuickInput(active, `the demo password is "${DEMO_USER.password}"`);
    await active.answerInput(DEMO_USER.password);
  }

  it('measures the local sandbox: one table row and one bar group per step, every run counted; a cancelled measurement says so', async function () {
    session = await startWithExtension('measure-sandbox');
    await openAuthFlowView(session);
    await measureSandbox(session, '6', '2');
    const frame = await session.webview('Measurement of');
    await session.waitForText(frame, 'Measured 6 runs, 2 at a time');
    const rows = await frame.locator('.measure table.measure-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c as HTMLElement).innerText.trim())));
    assert.equal(rows.length, STEPS.length + 1, JSON.stringify(rows));
    STEPS.forEach((title, i) => {
      const [step, runs, errors, p50, p95, max] = rows[i]!;
      assert.ok(step!.startsWith(title), `row ${i + 1}: ${step}`);
      assert.deepEqual([runs, errors], ['6', '0'], step);
      assert.ok(Number(p50) <= Number(p95) && Number(p95) <= Number(max), `${step}: p50 ${p50} ≤ p95 ${p95} ≤ max ${max}`);
    });
    assert.deepEqual(rows.at(-1)!.slice(0, 3), ['whole run', '6', '0']);
    assert.equal(await frame.locator('.measure svg.measure-chart .measure-group').count(), STEPS.length);
    // The runs themselves are neither streamed into the timeline nor kept.
    assert.equal(await frame.locator('.run-header').count(), 0, 'no run shown');

    // A long measurement stops from its notification, and reports what it measured by then.
    await measureSandbox(session, '10000', '1');
    const progress = session.page.locator('.notification-toast', { hasText: 'Auth Flow: measuring' });
    await waitFor('the progress to count runs', async () => /\d+\/10000 runs, 0 failed/.test(await progress.innerText().catch(() => '')));
    await progress.locator('.monaco-button', { hasText: /^\s*Cancel\s*$/ }).click();
    const text = await session.waitForText(frame, 'Cancelled: measured');
    assert.match(text, /Cancelled: measured \d+ of 10000 runs, 1 at a time/);
    assert.equal(await frame.locator('.measure').count(), 1, 'the latest measurement of the sandbox replaced the first');
  });
});
