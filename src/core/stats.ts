/**
 * Latency statistics over repeated runs of one flow (src/core/repeat.ts, for `auth-flow run --repeat`
 * and the extension's Measure Environment): for each step, how often it ran, how often it failed, and
 * the 50th and 95th percentile and the maximum of its duration (ms, as the timeline shows it); the
 * same for whole runs; and the errors by code.
 *
 * Percentiles use the nearest-rank method: of n durations sorted ascending, the p-th percentile is the
 * one at rank ⌈p·n/100⌉ (1-based). It is always a measured duration, never an interpolation between
 * two, so "p95 12 ms" reads as: 95 % took 12 ms or less, and one took exactly that.
 *
 * Latencies are those of steps (and runs) that succeeded; a failure is counted in `errors` instead, as
 * a 30 s timeout or a 1 ms refused connection says nothing about how fast the server answers. Cancelled
 * runs are left out of every figure and counted apart. The table keeps numbers only, never the runs.
 */
import type { Run, StepKind } from './model';

/** The value at rank ⌈p·n/100⌉ of `sorted` (ascending); `p` in (0, 100]. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (!sorted.length) throw new RangeError('A percentile of no values is undefined.');
  if (!(p > 0 && p <= 100)) throw new RangeError(`Percentile ${p} is outside (0, 100].`);
  return sorted[Math.max(1, Math.ceil((p * sorted.length) / 100)) - 1];
}

/** Durations of what succeeded, in ms; absent when nothing did. */
export interface Latency {
  p50?: number;
  p95?: number;
  max?: number;
}

export interface Measured extends Latency {
  /** How many times it ran (succeeded or failed). */
  count: number;
  errors: number;
}

export interface StepStats extends Measured {
  title: string;
  kind: StepKind;
}

export interface ErrorCount {
  code: string;
  /** The title of the step that failed. */
  step: string;
  count: number;
  /** The message of its first occurrence. */
  message: string;
}

export interface RepeatSummary {
  /** Runs measured: succeeded + failed. */
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  /** One row per step title, in the order steps first ran. */
  steps: StepStats[];
  /** Whole runs. */
  run: Measured;
  /** By code and step, in the order first seen. */
  errors: ErrorCount[];
}

interface Series {
  count: number;
  errors: number;
  durations: number[];
}

export class LatencyTable {
  readonly #steps = new Map<string, Series & { kind: StepKind }>();
  readonly #runs: Series = { count: 0, errors: 0, durations: [] };
  readonly #errors = new Map<string, ErrorCount>();
  #cancelled = 0;

  add(run: Run): void {
    if (run.status === 'cancelled') {
      this.#cancelled++;
      return;
    }
    record(this.#runs, run.status === 'succeeded', run.duration);
    for (const step of run.steps) {
      let series = this.#steps.get(step.title);
      if (!series) this.#steps.set(step.title, (series = { kind: step.kind, count: 0, errors: 0, durations: [] }));
      record(series, step.status === 'succeeded', step.duration);
      if (step.error) {
        const key = JSON.stringify([step.error.code, step.title]);
        const seen = this.#errors.get(key);
        if (seen) seen.count++;
        else this.#errors.set(key, { code: step.error.code, step: step.title, count: 1, message: step.error.message });
      }
    }
  }

  summary(): RepeatSummary {
    return {
      runs: this.#runs.count,
      succeeded: this.#runs.count - this.#runs.errors,
      failed: this.#runs.errors,
      cancelled: this.#cancelled,
      steps: [...this.#steps].map(([title, series]) => ({ title, kind: series.kind, ...measured(series) })),
      run: measured(this.#runs),
      errors: [...this.#errors.values()].map((e) => ({ ...e })),
    };
  }
}

function record(series: Series, succeeded: boolean, duration: number | undefined): void {
  series.count++;
  if (!succeeded) series.errors++;
  else if (duration !== undefined) series.durations.push(duration);
}

function measured({ count, errors, durations }: Series): Measured {
  if (!durations.length) return { count, errors };
  const sorted = [...durations].sort((a, b) => a - b);
  return { count, errors, p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), max: sorted[sorted.length - 1] };
}
