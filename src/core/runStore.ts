/**
 * The runs a timeline holds, newest first, and how each engine event (`RunEvent`, core/model.ts) changes
 * them: one pure reducer, applied by the extension host to the unredacted events (for copying with
 * secrets and export) and by the webview to the redacted ones it is sent (for showing). Nothing is
 * changed in place. An event that changes nothing returns the same array; one that changes a step
 * returns a new array, a new object for that run and for that step only, so every other run and step
 * stays the same object (===) and a renderer can redraw only what changed. An event arriving as a copy
 * (postMessage clones it) keeps the objects it does not change: equal values are recognised as such.
 */
import type { Run, RunEvent, Step } from './model';

/** The runs a timeline holds, host and webview alike: enough to compare attempts, with a bound on memory and persisted state. */
export const MAX_RUNS = 20;

/** The id of the run the event belongs to. */
export function eventRunId(event: RunEvent): string {
  return event.type === 'run/started' || event.type === 'run/finished' ? event.run.id : event.runId;
}

/**
 * The runs after `event`. A run that starts goes first (replacing one with its id); a finished run
 * replaces the one it ends, or goes first when it is not held; a step is replaced by its id or
 * appended to its run. A step of a run not held changes nothing. Past {@link MAX_RUNS}, the oldest go.
 */
export function applyRunEvent(runs: Run[], event: RunEvent): Run[] {
  const index = runs.findIndex((run) => run.id === eventRunId(event));
  if (event.type === 'run/started' || (event.type === 'run/finished' && index === -1)) {
    if (index === 0 && sameValue(runs[0], event.run)) return runs;
    return [event.run, ...runs.filter((run) => run.id !== event.run.id)].slice(0, MAX_RUNS);
  }
  if (index === -1) return runs;
  const known = runs[index];
  const next = event.type === 'run/finished' ? finishedRun(known, event.run) : withStep(known, event.step);
  return next === known ? runs : runs.map((run, i) => (i === index ? next : run));
}

/** The finished run as sent, keeping the held run's objects for every step it did not change. */
function finishedRun(known: Run, finished: Run): Run {
  const held = new Map(known.steps.map((step) => [step.id, step]));
  const reused = finished.steps.map((step) => {
    const before = held.get(step.id);
    return before && sameValue(before, step) ? before : step;
  });
  const steps = reused.length === known.steps.length && reused.every((step, i) => step === known.steps[i]) ? known.steps : reused;
  const next = { ...finished, steps };
  return sameValue(known, next) ? known : next;
}

/** The run with `step` in place of the step with its id, or appended. */
function withStep(run: Run, step: Step): Run {
  const index = run.steps.findIndex((s) => s.id === step.id);
  if (index === -1) return { ...run, steps: [...run.steps, step] };
  if (sameValue(run.steps[index], step)) return run;
  return { ...run, steps: run.steps.map((s, i) => (i === index ? step : s)) };
}

/** Whether two JSON-like values are equal, field by field. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
