/**
 * The one run reducer the host and the webview share (src/core/runStore.ts): a run starts at the top, a
 * step is added or replaced by its id, a run finishes in place, the oldest runs go past MAX_RUNS, an
 * event for a run not held changes nothing, and every run and step an event does not change stays the
 * same object, including when the event arrives as a copy (postMessage clones it).
 */
import assert from 'node:assert/strict';
import type { Run, RunEvent, Step } from '../../src/core/model';
import { applyRunEvent, eventRunId, MAX_RUNS } from '../../src/core/runStore';
import { succeededRun } from '../fixtures/runs';

const runOf = (id: string, steps: Step[] = []): Run => ({ ...structuredClone(succeededRun), id, status: 'running', duration: undefined, steps });
const stepOf = (id: string, status: Step['status'] = 'running'): Step => ({ ...structuredClone(succeededRun.steps[0]), id, status });
const apply = (events: RunEvent[], runs: Run[] = []): Run[] => events.reduce(applyRunEvent, runs);

describe('run store: applyRunEvent', () => {
  it('puts a started run first, and a run started again in place of the one with its id', () => {
    const runs = apply([
      { type: 'run/started', run: runOf('a') },
      { type: 'run/started', run: runOf('b') },
    ]);
    assert.deepEqual(runs.map((r) => r.id), ['b', 'a']);
    const again = applyRunEvent(runs, { type: 'run/started', run: { ...runOf('a'), status: 'running', steps: [stepOf('s1')] } });
    assert.deepEqual(again.map((r) => r.id), ['a', 'b'], 'moved to the top, not duplicated');
    assert.equal(again[0].steps.length, 1);
    assert.equal(again[1], runs[0], 'the other run is the same object');
  });

  it('appends a new step, then replaces it by its id as it finishes, in order', () => {
    const runs = apply([
      { type: 'run/started', run: runOf('a') },
      { type: 'step/started', runId: 'a', step: stepOf('s1') },
      { type: 'step/finished', runId: 'a', step: stepOf('s1', 'succeeded') },
      { type: 'step/started', runId: 'a', step: stepOf('s2') },
      { type: 'step/failed', runId: 'a', step: stepOf('s2', 'failed') },
    ]);
    assert.deepEqual(runs[0].steps.map((s) => [s.id, s.status]), [['s1', 'succeeded'], ['s2', 'failed']]);
  });

  it('ends a run in place with the status, duration, error and steps the finished run carries', () => {
    const started = apply([
      { type: 'run/started', run: runOf('a') },
      { type: 'run/started', run: runOf('b') },
      { type: 'step/started', runId: 'a', step: stepOf('s1') },
    ]);
    const error = { code: 'HTTP_TIMEOUT', message: 'No answer.', hint: 'Check the network.' };
    const finished: Run = { ...runOf('a', [stepOf('s1', 'failed')]), status: 'failed', duration: 1234, error };
    const runs = applyRunEvent(started, { type: 'run/finished', run: finished });
    assert.deepEqual(runs.map((r) => r.id), ['b', 'a'], 'stays where it was');
    assert.equal(runs[1].status, 'failed');
    assert.equal(runs[1].duration, 1234);
    assert.deepEqual(runs[1].error, error);
    assert.equal(runs[1].steps[0].status, 'failed');
    assert.equal(runs[0], started[0], 'the other run is the same object');
  });

  it('holds a finished run it never saw start, first', () => {
    const runs = applyRunEvent([runOf('a')], { type: 'run/finished', run: { ...runOf('z', [stepOf('s1', 'succeeded')]), status: 'succeeded' } });
    assert.deepEqual(runs.map((r) => r.id), ['z', 'a']);
  });

  it(`keeps the ${MAX_RUNS} newest runs`, () => {
    const ids = Array.from({ length: MAX_RUNS + 3 }, (_, i) => `r${i}`);
    const runs = apply(ids.map((id): RunEvent => ({ type: 'run/started', run: runOf(id) })));
    assert.equal(runs.length, MAX_RUNS);
    assert.deepEqual(runs.map((r) => r.id), ids.slice(3).reverse(), 'newest first; the three oldest gone');
    const dropped = applyRunEvent(runs, { type: 'step/started', runId: 'r0', step: stepOf('s1') });
    assert.equal(dropped, runs, 'a step of a run let go changes nothing');
  });

  it('changes nothing for a step of a run it does not hold', () => {
    const runs = apply([{ type: 'run/started', run: runOf('a') }]);
    for (const type of ['step/started', 'step/finished', 'step/failed'] as const) {
      assert.equal(applyRunEvent(runs, { type, runId: 'unknown', step: stepOf('s1') }), runs, type);
    }
    assert.deepEqual(runs[0].steps, []);
  });

  it('keeps every step an event does not change the same object, and makes new objects only for what changed', () => {
    const before = apply([
      { type: 'run/started', run: runOf('other') },
      { type: 'run/started', run: runOf('a') },
      ...['s1', 's2', 's3'].map((id): RunEvent => ({ type: 'step/finished', runId: 'a', step: stepOf(id, 'succeeded') })),
    ]);
    const [s1, s2, s3] = before[0].steps;
    const after = applyRunEvent(before, { type: 'step/failed', runId: 'a', step: stepOf('s2', 'failed') });
    assert.notEqual(after, before);
    assert.notEqual(after[0], before[0], 'a new run object for the run that changed');
    assert.equal(after[1], before[1], 'the other run unchanged');
    assert.equal(after[0].steps[0], s1);
    assert.notEqual(after[0].steps[1], s2);
    assert.equal(after[0].steps[1].status, 'failed');
    assert.equal(after[0].steps[2], s3);
    assert.equal(before[0].steps[1], s2, 'nothing changed in place');
    assert.equal(s2.status, 'succeeded');

    const appended = applyRunEvent(after, { type: 'step/started', runId: 'a', step: stepOf('s4') });
    assert.deepEqual(appended[0].steps.map((s) => s.id), ['s1', 's2', 's3', 's4']);
    for (const [i, step] of after[0].steps.entries()) assert.equal(appended[0].steps[i], step, `appending keeps ${step.id} the same object`);
  });

  it('returns the same array for an event that changes nothing, even as a copy', () => {
    const runs = apply([
      { type: 'run/started', run: runOf('a') },
      { type: 'step/finished', runId: 'a', step: stepOf('s1', 'succeeded') },
    ]);
    assert.equal(applyRunEvent(runs, { type: 'step/finished', runId: 'a', step: structuredClone(runs[0].steps[0]) }), runs);
    assert.equal(applyRunEvent(runs, { type: 'run/started', run: structuredClone(runs[0]) }), runs);
    assert.equal(applyRunEvent(runs, { type: 'run/finished', run: structuredClone(runs[0]) }), runs);
  });

  it('keeps the step objects a finished run (a copy) carries unchanged, and takes the ones it changed', () => {
    const before = apply([
      { type: 'run/started', run: runOf('a') },
      ...['s1', 's2'].map((id): RunEvent => ({ type: 'step/finished', runId: 'a', step: stepOf(id, 'succeeded') })),
    ]);
    const finished: Run = structuredClone({ ...before[0], status: 'succeeded', duration: 99 });
    finished.steps[1].warnings = ['Redacted again once a later step marked a secret.'];
    const after = applyRunEvent(before, { type: 'run/finished', run: finished });
    assert.equal(after[0].status, 'succeeded');
    assert.equal(after[0].steps[0], before[0].steps[0], 'unchanged step: the same object');
    assert.notEqual(after[0].steps[1], before[0].steps[1]);
    assert.deepEqual(after[0].steps[1].warnings, ['Redacted again once a later step marked a secret.']);
    const closed = applyRunEvent(before, { type: 'run/finished', run: structuredClone({ ...before[0], status: 'succeeded' }) });
    assert.equal(closed[0].steps, before[0].steps, 'no step changed: the same steps array');
  });

  it('names the run of every event', () => {
    const run = runOf('a');
    assert.equal(eventRunId({ type: 'run/started', run }), 'a');
    assert.equal(eventRunId({ type: 'run/finished', run }), 'a');
    assert.equal(eventRunId({ type: 'step/failed', runId: 'b', step: stepOf('s1') }), 'b');
  });
});
