/**
 * The repeat loop (src/core/repeat.ts) against the local sandbox (startSandbox, in this process): the
 * report's figures are checked against the step durations of the runs it handed to `onRun`, with the
 * nearest-rank percentiles worked out here (sort, take rank ⌈p·n/100⌉), not by src/core/stats.ts.
 */
import assert from 'node:assert/strict';
import type { Run } from '../../src/core/model';
import { repeatFlow, type MeasuredFlow, type Progress } from '../../src/core/repeat';
import { MAX_CONCURRENCY, MAX_REPEAT } from '../../src/core/repeatLimits';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

/** p50, p95 and max of `values` by nearest rank. */
function expected(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.ceil((p * sorted.length) / 100) - 1];
  return { p50: at(50), p95: at(95), max: sorted[sorted.length - 1] };
}

describe('repeatFlow (core repeat loop, against the sandbox)', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let flow: MeasuredFlow;

  before(async () => {
    sandbox = await startSandbox();
    const [{ profile, secrets }] = sandbox.profiles();
    flow = { profile, secrets: { ...secrets, ...sandbox.demoUser } };
  });
  after(() => sandbox.close());

  it('runs N times, C at a time, and reports each step\'s p50 / p95 / max of the durations the runs recorded', async () => {
    const runs: Run[] = [];
    const progress: Progress[] = [];
    const report = await repeatFlow(flow, { repeat: 9, concurrency: 3, onRun: (run) => runs.push(run), onProgress: (p) => progress.push(p) });

    assert.equal(runs.length, 9);
    assert.ok(runs.every((run) => run.status === 'succeeded'), runs.map((r) => r.error?.message).join(' '));
    assert.deepEqual(progress.map((p) => p.runs), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(progress.every((p) => p.failed === 0));
    assert.deepEqual(
      { runs: report.runs, succeeded: report.succeeded, failed: report.failed, cancelled: report.cancelled, repeat: report.repeat, concurrency: report.concurrency, interrupted: report.interrupted },
      { runs: 9, succeeded: 9, failed: 0, cancelled: 0, repeat: 9, concurrency: 3, interrupted: false },
    );
    assert.equal(report.profile, flow.profile.name);

    const titles = [...new Set(runs.flatMap((run) => run.steps.map((step) => step.title)))];
    assert.deepEqual(report.steps.map((s) => s.title), titles);
    for (const title of titles) {
      const durations = runs.flatMap((run) => run.steps.filter((step) => step.title === title).map((step) => step.duration ?? NaN));
      const row = report.steps.find((s) => s.title === title);
      assert.deepEqual({ count: row?.count, errors: row?.errors, p50: row?.p50, p95: row?.p95, max: row?.max }, { count: durations.length, errors: 0, ...expected(durations) }, title);
    }
    const whole = runs.map((run) => run.duration ?? NaN);
    assert.deepEqual(report.run, { count: 9, errors: 0, ...expected(whole) });
    assert.deepEqual(report.errors, []);
  });

  it('counts failures as errors by code, with no latency, and reports them in progress', async () => {
    const runs: Run[] = [];
    const progress: Progress[] = [];
    const report = await repeatFlow({ ...flow, secrets: { ...flow.secrets, password: 'wrong-password' } }, { repeat: 3, concurrency: 1, onRun: (run) => runs.push(run), onProgress: (p) => progress.push(p) });

    assert.ok(runs.every((run) => run.status === 'failed'));
    assert.deepEqual(progress.at(-1), { runs: 3, failed: 3 });
    assert.equal(report.failed, 3);
    const failed = runs.map((run) => run.steps.find((step) => step.status === 'failed'));
    const code = failed[0]?.error?.code ?? '';
    assert.ok(code && failed.every((step) => step?.error?.code === code));
    assert.deepEqual(report.errors.map((e) => [e.code, e.step, e.count]), [[code, failed[0]?.title, 3]]);
    const row = report.steps.find((s) => s.title === failed[0]?.title);
    assert.deepEqual({ count: row?.count, errors: row?.errors, p50: row?.p50 }, { count: 3, errors: 3, p50: undefined });
    assert.deepEqual(report.run, { count: 3, errors: 3 });
  });

  it('stops starting runs once the signal aborts, cancels the one in flight, and reports what it measured', async () => {
    const controller = new AbortController();
    const runs: Run[] = [];
    const report = await repeatFlow(flow, {
      repeat: 50,
      concurrency: 2,
      signal: controller.signal,
      onRun: (run) => runs.push(run),
      onProgress: () => controller.abort(),
    });

    // The first run done aborts; only the one then in flight can still end, and no third starts.
    assert.ok(runs.length >= 1 && runs.length <= 2, `${runs.length} runs`);
    assert.equal(report.interrupted, true);
    assert.equal(report.runs + report.cancelled, runs.length);
    assert.equal(report.runs, runs.filter((run) => run.status !== 'cancelled').length);
  });

  it('starts nothing when the signal is already aborted', async () => {
    const runs: Run[] = [];
    const report = await repeatFlow(flow, { repeat: 5, concurrency: 2, signal: AbortSignal.abort(), onRun: (run) => runs.push(run) });
    assert.deepEqual(runs, []);
    assert.deepEqual({ runs: report.runs, interrupted: report.interrupted, steps: report.steps }, { runs: 0, interrupted: true, steps: [] });
  });

  it('refuses a count or a concurrency outside its bounds before running anything', async () => {
    const runs: Run[] = [];
    const onRun = (run: Run) => runs.push(run);
    for (const [repeat, concurrency] of [[0, 1], [MAX_REPEAT + 1, 1], [2.5, 1], [5, 0], [5, MAX_CONCURRENCY + 1], [5, Number.NaN]]) {
      await assert.rejects(repeatFlow(flow, { repeat, concurrency, onRun }), RangeError, `${repeat} × ${concurrency}`);
    }
    assert.deepEqual(runs, []);
  });

  it('never runs more at a time than it was asked to run in all', async () => {
    const report = await repeatFlow(flow, { repeat: 2, concurrency: MAX_CONCURRENCY });
    assert.deepEqual({ runs: report.runs, concurrency: report.concurrency }, { runs: 2, concurrency: 2 });
  });
});
