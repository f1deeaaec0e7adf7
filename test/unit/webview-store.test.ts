/**
 * The webview's state (webview/store.ts), without a browser: a run event goes through the shared run
 * reducer (a run that starts becomes current; an event that changes nothing leaves the state the same
 * object), and a restored state keeps only runs that pass the message check, at most MAX_RUNS of them.
 */
import assert from 'node:assert/strict';
import type { Run, RunEvent } from '../../src/core/model';
import { MAX_RUNS } from '../../src/core/runStore';
import type { HostMessage } from '../../src/protocol';
import { applyHostMessage, emptyState, restoreState } from '../../webview/store';
import { failedRun, succeededRun } from '../fixtures/runs';

const event = (e: RunEvent): HostMessage => ({ method: 'timeline/run/event', params: { event: e } });

describe('webview store', () => {
  it('applies run events with the shared reducer; a started run becomes the current one', () => {
    let state = applyHostMessage(emptyState(), event({ type: 'run/started', run: { ...succeededRun, status: 'running', steps: [] } }));
    state = applyHostMessage(state, event({ type: 'step/finished', runId: succeededRun.id, step: succeededRun.steps[0] }));
    const selected = { ...applyHostMessage(state, event({ type: 'run/started', run: failedRun })), currentRunId: succeededRun.id };
    assert.deepEqual(selected.runs.map((r) => r.id), [failedRun.id, succeededRun.id]);
    assert.equal(selected.runs[1].steps.length, 1);
    const finished = applyHostMessage(selected, event({ type: 'run/finished', run: succeededRun }));
    assert.equal(finished.currentRunId, succeededRun.id, 'a run that finishes does not take the view from the one looked at');
    assert.equal(finished.runs[0], selected.runs[0], 'the other run is the same object');
    assert.equal(finished.runs[1].steps[0], selected.runs[1].steps[0], 'the step that streamed in unchanged is the same object');
    const again = applyHostMessage(selected, event({ type: 'run/started', run: succeededRun }));
    assert.equal(again.currentRunId, succeededRun.id);
  });

  it('leaves the state the same object for an event that changes nothing', () => {
    const state = applyHostMessage(emptyState(), event({ type: 'run/finished', run: succeededRun }));
    assert.equal(state.currentRunId, succeededRun.id, 'a finished run never seen start is shown');
    assert.equal(applyHostMessage(state, event({ type: 'step/finished', runId: 'unknown', step: succeededRun.steps[0] })), state);
    assert.equal(applyHostMessage(state, event({ type: 'run/finished', run: structuredClone(succeededRun) })), state);
  });

  it('restores only the runs that pass the message check, at most MAX_RUNS, and a current run among them', () => {
    const runs: unknown[] = Array.from({ length: MAX_RUNS + 2 }, (_, i): Run => ({ ...succeededRun, id: `r${i}` }));
    runs.splice(1, 0, { ...succeededRun, id: 'holes', steps: [{ id: 's1' }] }, { id: 'x' }, null);
    const state = restoreState({ runs, tokens: [], currentRunId: 'r3' });
    assert.deepEqual(state.runs.map((r) => r.id), Array.from({ length: MAX_RUNS }, (_, i) => `r${i}`));
    assert.equal(state.currentRunId, 'r3');
    assert.equal(restoreState({ runs, tokens: [], currentRunId: 'holes' }).currentRunId, undefined, 'not a run it kept');
    assert.equal(restoreState({ runs, tokens: [], currentRunId: `r${MAX_RUNS + 1}` }).currentRunId, undefined, 'a run past the limit is not kept');
    assert.deepEqual(restoreState('garbage'), emptyState());
  });
});
