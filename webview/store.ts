/**
 * The timeline's state: exactly `WebviewState`, persisted with `setState` after changes (main.ts saves
 * a burst of them once) so a window reload restores it. Pure functions; main.ts owns the single mutable
 * reference.
 */
import type { Run } from '../src/core/model';
import { applyRunEvent, MAX_RUNS } from '../src/core/runStore';
import { parseHostMessage, type HostMessage, type Measurement, type WebviewState } from '../src/protocol';

/** Enough decoded tokens to compare without letting the persisted state grow without bound. */
export const MAX_TOKENS = 20;
/** Measurements kept, the latest of each profile: a handful of environments is what one compares. */
export const MAX_MEASUREMENTS = 10;

export function emptyState(): WebviewState {
  return { runs: [], tokens: [] };
}

/**
 * What was saved, if it still has the shape received messages must have: each run and token passes
 * the same check as the message that brought it. Anything else starts empty rather than half-rendered.
 */
export function restoreState(saved: unknown): WebviewState {
  if (typeof saved !== 'object' || saved === null) return emptyState();
  const { runs, tokens, currentRunId, measurements } = saved as Record<string, unknown>;
  const okRuns = Array.isArray(runs)
    ? runs.filter((run) => parseHostMessage({ method: 'timeline/run/event', params: { event: { type: 'run/started', run } } }) !== undefined) as Run[]
    : [];
  const okTokens = Array.isArray(tokens)
    ? tokens.filter((entry) => parseHostMessage({ method: 'timeline/token/show', params: entry }) !== undefined) as WebviewState['tokens']
    : [];
  const state: WebviewState = { runs: okRuns.slice(0, MAX_RUNS), tokens: okTokens.slice(0, MAX_TOKENS) };
  if (typeof currentRunId === 'string' && state.runs.some((run) => run.id === currentRunId)) state.currentRunId = currentRunId;
  const okMeasurements = Array.isArray(measurements)
    ? measurements.filter((entry) => parseHostMessage({ method: 'timeline/measure/reported', params: entry }) !== undefined) as Measurement[]
    : [];
  if (okMeasurements.length) state.measurements = okMeasurements.slice(0, MAX_MEASUREMENTS);
  const view = restoreView((saved as Record<string, unknown>).view, new Set(state.runs.map((r) => r.id)));
  if (view) state.view = view;
  return state;
}

/** Keeps only well-typed entries for runs still present. */
function restoreView(saved: unknown, runIds: Set<string>): WebviewState['view'] {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const { expanded, tabs } = saved as Record<string, unknown>;
  const keep = <T>(record: unknown, ok: (v: unknown) => v is T): Record<string, T> => {
    if (typeof record !== 'object' || record === null) return {};
    return Object.fromEntries(Object.entries(record).filter(([key, value]) => runIds.has(key.split('\n')[0]) && ok(value))) as Record<string, T>;
  };
  return {
    expanded: keep(expanded, (v): v is boolean => typeof v === 'boolean'),
    tabs: keep(tabs, (v): v is string => typeof v === 'string'),
  };
}

/** The state after a host message; the same object when the message changes nothing. */
export function applyHostMessage(state: WebviewState, message: HostMessage): WebviewState {
  switch (message.method) {
    case 'timeline/run/event': {
      const { event } = message.params;
      const runs = applyRunEvent(state.runs, event);
      if (runs === state.runs) return state;
      // A run that starts, or finishes without having been seen start, is the one to look at.
      const arrived = event.type === 'run/started' || (event.type === 'run/finished' && !state.runs.some((r) => r.id === event.run.id));
      return arrived ? { ...state, runs, currentRunId: event.run.id } : { ...state, runs };
    }
    case 'timeline/token/show': {
      return { ...state, tokens: [message.params, ...state.tokens].slice(0, MAX_TOKENS) };
    }
    case 'timeline/token/verified': {
      const { verifyKey, token } = message.params;
      if (!token) return state;
      return { ...state, tokens: state.tokens.map((entry) => (entry.verifyKey === verifyKey ? { ...entry, token } : entry)) };
    }
    case 'timeline/history/listed':
      return { ...state, history: message.params.entries };
    case 'timeline/run/followUps': {
      const { runId, actions } = message.params;
      if (!state.runs.some((r) => r.id === runId)) return state;
      return { ...state, followUps: { ...state.followUps, [runId]: actions } };
    }
    case 'timeline/measure/reported': {
      const measurement = message.params;
      const others = (state.measurements ?? []).filter((m) => m.profileId !== measurement.profileId);
      return { ...state, measurements: [measurement, ...others].slice(0, MAX_MEASUREMENTS) };
    }
    case 'timeline/copied':
    case 'timeline/history/compared':
    case 'timeline/step/resent':
      return state;
  }
}

/** The state without the measurement of this profile (its panel was closed). */
export function dismissMeasurement(state: WebviewState, profileId: string): WebviewState {
  return { ...state, measurements: (state.measurements ?? []).filter((m) => m.profileId !== profileId) };
}

export function currentRun(state: WebviewState): Run | undefined {
  return state.runs.find((r) => r.id === state.currentRunId) ?? state.runs[0];
}
