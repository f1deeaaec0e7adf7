/**
 * Latency statistics over repeated runs (src/core/stats.ts), against timings recorded from sandbox runs.
 * Every expected percentile is worked out here by hand with the nearest-rank method: sort the n values,
 * the p-th percentile is the value at rank ⌈p·n/100⌉ (1-based).
 */
import assert from 'node:assert/strict';
import type { Run, Step, StepKind } from '../../src/core/model';
import { LatencyTable, nearestRank } from '../../src/core/stats';

type StepSpec = [title: string, kind: StepKind, duration: number, error?: string];

let runCount = 0;
function runOf(steps: StepSpec[], status: Run['status'] = steps.some((s) => s[3]) ? 'failed' : 'succeeded', duration = steps.reduce((sum, s) => sum + s[2], 0)): Run {
  return {
    id: `r${++runCount}`,
    profile: { id: 'p', name: 'p', issuer: 'https://as.example', clientId: 'c' },
    status,
    startedAt: '2026-01-01T00:00:00.000Z',
    duration,
    steps: steps.map(([title, kind, ms, error], i): Step => ({
      id: `s${i + 1}`,
      kind,
      title,
      status: error ? 'failed' : 'succeeded',
      startedAt: '2026-01-01T00:00:00.000Z',
      duration: ms,
      facts: {},
      checks: [],
      tokens: [],
      warnings: [],
      ...(error ? { error: { code: error, message: `${title} failed.`, hint: 'Check it.' } } : {}),
    })),
    ...(status === 'failed' ? { error: { code: steps.find((s) => s[3])?.[3] ?? 'X', message: 'failed.', hint: 'Check it.' } } : {}),
  };
}

// The token step of 20 sandbox runs, in the order they finished (ms).
const TOKEN_MS = [12, 9, 31, 10, 11, 14, 9, 10, 48, 12, 11, 10, 13, 9, 10, 12, 11, 15, 10, 9];
// Sorted: 9 9 9 9 | 10 10 10 10 10 | 11 11 11 | 12 12 12 | 13 14 15 31 48
//   p50: rank ⌈50·20/100⌉ = 10 → 11;  p95: rank ⌈95·20/100⌉ = 19 → 31;  max 48.

describe('nearestRank', () => {
  const sorted = [...TOKEN_MS].sort((a, b) => a - b);

  it('takes the value at rank ⌈p·n/100⌉ of the sorted values', () => {
    assert.equal(nearestRank(sorted, 50), 11);
    assert.equal(nearestRank(sorted, 95), 31);
    assert.equal(nearestRank(sorted, 100), 48);
    // ⌈5·20/100⌉ = 1: the smallest; ⌈6·20/100⌉ = ⌈1.2⌉ = 2.
    assert.equal(nearestRank(sorted, 5), 9);
    assert.equal(nearestRank([1, 2, 3, 4, 5, 6], 6), 1);
    assert.equal(nearestRank([1, 2, 3, 4, 5, 6], 17), 2);
  });

  it('always answers a measured value, never one between two', () => {
    // Six values: p50 is rank 3 (an interpolating method would say 3.5); p95 is rank ⌈5.7⌉ = 6.
    assert.equal(nearestRank([1, 2, 3, 4, 5, 6], 50), 3);
    assert.equal(nearestRank([1, 2, 3, 4, 5, 6], 95), 6);
    // Seven values: p95 is ⌈6.65⌉ = 7, the maximum.
    assert.equal(nearestRank([2, 3, 5, 7, 11, 13, 17], 95), 17);
  });

  it('of one value is that value at every percentile', () => {
    for (const p of [1, 50, 95, 100]) assert.equal(nearestRank([42], p), 42);
  });

  it('refuses no values and percentiles outside (0, 100]', () => {
    assert.throws(() => nearestRank([], 50), RangeError);
    assert.throws(() => nearestRank([1], 0), RangeError);
    assert.throws(() => nearestRank([1], 101), RangeError);
  });
});

describe('LatencyTable', () => {
  const flow = (token: number): StepSpec[] => [
    ['Authorize (GET, redirect)', 'authorize', 3],
    ['Flow status', 'flow', 2],
    ['Sign on (usernamePassword.check)', 'signOn', 4],
    ['Resume (read the redirect, do not follow it)', 'resume', 2],
    ['Token (authorization_code, client_secret_basic)', 'token', token],
    ['Signing keys (JWKS)', 'jwks', 1],
    ['Userinfo', 'userinfo', 2],
  ];

  it('summarises each step over every run, in the order the steps ran', () => {
    const table = new LatencyTable();
    for (const ms of TOKEN_MS) table.add(runOf(flow(ms)));
    const summary = table.summary();
    assert.equal(summary.runs, 20);
    assert.equal(summary.succeeded, 20);
    assert.equal(summary.failed, 0);
    assert.deepEqual(
      summary.steps.map((s) => s.title),
      flow(0).map(([title]) => title),
    );
    const token = summary.steps.find((s) => s.kind === 'token');
    assert.deepEqual(token, { title: 'Token (authorization_code, client_secret_basic)', kind: 'token', count: 20, errors: 0, p50: 11, p95: 31, max: 48 });
    assert.deepEqual(summary.steps[0], { title: 'Authorize (GET, redirect)', kind: 'authorize', count: 20, errors: 0, p50: 3, p95: 3, max: 3 });
    // Whole runs: 14 ms of other steps plus the token step, so the token's percentiles shifted by 14.
    assert.deepEqual(summary.run, { count: 20, errors: 0, p50: 25, p95: 45, max: 62 });
  });

  it('counts failed steps as errors, by code, and leaves them out of the latencies', () => {
    const table = new LatencyTable();
    table.add(runOf(flow(10)));
    table.add(runOf(flow(20)));
    // A timeout after 30 s is an error, not a 30 s latency: it would hide how fast the answers were.
    table.add(runOf([['Authorize (GET, redirect)', 'authorize', 3], ['Flow status', 'flow', 30_000, 'HTTP_TIMEOUT']]));
    table.add(runOf([['Authorize (GET, redirect)', 'authorize', 5], ['Flow status', 'flow', 2], ['Sign on (usernamePassword.check)', 'signOn', 1, 'INVALID_CREDENTIALS']]));
    const summary = table.summary();
    assert.equal(summary.runs, 4);
    assert.equal(summary.succeeded, 2);
    assert.equal(summary.failed, 2);
    const byTitle = Object.fromEntries(summary.steps.map((s) => [s.title, s]));
    // Authorize: 3 3 3 5 → p50 rank 2 = 3, p95 rank ⌈3.8⌉ = 4 → 5.
    assert.deepEqual(byTitle['Authorize (GET, redirect)'], { title: 'Authorize (GET, redirect)', kind: 'authorize', count: 4, errors: 0, p50: 3, p95: 5, max: 5 });
    // Flow status: ran 4 times, 1 failed; latencies of the 3 others, 2 2 2.
    assert.deepEqual(byTitle['Flow status'], { title: 'Flow status', kind: 'flow', count: 4, errors: 1, p50: 2, p95: 2, max: 2 });
    // Sign on: 3 ran, 1 failed: 4 4.
    assert.deepEqual(byTitle['Sign on (usernamePassword.check)'], { title: 'Sign on (usernamePassword.check)', kind: 'signOn', count: 3, errors: 1, p50: 4, p95: 4, max: 4 });
    // The token step ran in the two complete runs only: 10 and 20.
    assert.deepEqual(byTitle['Token (authorization_code, client_secret_basic)'], { title: 'Token (authorization_code, client_secret_basic)', kind: 'token', count: 2, errors: 0, p50: 10, p95: 20, max: 20 });
    // Whole runs: the succeeded ones only, 24 and 34 ms.
    assert.deepEqual(summary.run, { count: 4, errors: 2, p50: 24, p95: 34, max: 34 });
    assert.deepEqual(summary.errors, [
      { code: 'HTTP_TIMEOUT', step: 'Flow status', count: 1, message: 'Flow status failed.' },
      { code: 'INVALID_CREDENTIALS', step: 'Sign on (usernamePassword.check)', count: 1, message: 'Sign on (usernamePassword.check) failed.' },
    ]);
  });

  it('a step that never succeeded has counts and no latencies', () => {
    const table = new LatencyTable();
    table.add(runOf([['Authorize (GET, redirect)', 'authorize', 1, 'ECONNREFUSED']]));
    table.add(runOf([['Authorize (GET, redirect)', 'authorize', 2, 'ECONNREFUSED']]));
    const [authorize] = table.summary().steps;
    assert.deepEqual(authorize, { title: 'Authorize (GET, redirect)', kind: 'authorize', count: 2, errors: 2 });
    assert.deepEqual(table.summary().errors, [{ code: 'ECONNREFUSED', step: 'Authorize (GET, redirect)', count: 2, message: 'Authorize (GET, redirect) failed.' }]);
  });

  it('leaves cancelled runs out of every figure, counting them apart', () => {
    const table = new LatencyTable();
    table.add(runOf(flow(10)));
    table.add(runOf([['Authorize (GET, redirect)', 'authorize', 900, 'CANCELLED']], 'cancelled'));
    const summary = table.summary();
    assert.equal(summary.runs, 1);
    assert.equal(summary.cancelled, 1);
    assert.deepEqual(summary.steps[0], { title: 'Authorize (GET, redirect)', kind: 'authorize', count: 1, errors: 0, p50: 3, p95: 3, max: 3 });
    assert.deepEqual(summary.errors, []);
  });

  it('keeps numbers, not runs: a thousand runs add no more than their durations', () => {
    const table = new LatencyTable();
    const run = runOf(flow(10));
    for (let i = 0; i < 1000; i++) table.add(run);
    assert.equal(table.summary().steps[0].count, 1000);
    // Nothing of the run is retained: changing it afterwards changes no figure.
    run.steps[0].duration = 999;
    assert.equal(table.summary().steps[0].max, 3);
  });
});
