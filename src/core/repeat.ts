/**
 * Measuring an environment: the flow run `repeat` times, `concurrency` at a time, its steps' latencies
 * gathered into a {@link LatencyTable} (nearest-rank percentiles, see stats.ts). Shared by the CLI
 * (`auth-flow run --repeat N --concurrency C`) and the extension's Measure Environment command, which
 * each only show progress and print or draw the report.
 *
 * Aborting the signal stops starting runs and cancels those in flight; the report then holds what was
 * measured so far. The report is numbers only: no run, request or token is kept.
 */
import type { Run } from './model';
import { redactRun } from './redact';
import { countRule, isCount, MAX_CONCURRENCY, MAX_REPEAT } from './repeatLimits';
import { runFlow, type FlowOptions } from './run';
import { LatencyTable, type RepeatSummary } from './stats';

/** The flow to measure: as for one run, without a person to ask (nobody answers N sign-ons). */
export type MeasuredFlow = Omit<FlowOptions, 'signal' | 'ask' | 'onEvent'>;

export interface Progress {
  /** Runs done (succeeded or failed); cancelled ones are not counted. */
  runs: number;
  failed: number;
}

export interface RepeatOptions {
  /** How many runs, 1 to {@link MAX_REPEAT}. */
  repeat: number;
  /** How many at a time, 1 to {@link MAX_CONCURRENCY}; never more than `repeat`. */
  concurrency: number;
  signal?: AbortSignal;
  /** After every run done. */
  onProgress?: (done: Progress) => void;
  /** Each run as the table counted it (a failed one redacted), cancelled ones too. */
  onRun?: (run: Run) => void;
}

export interface RepeatReport extends RepeatSummary {
  profile: string;
  repeat: number;
  concurrency: number;
  /** Wall-clock time of the whole measurement, ms. */
  elapsedMs: number;
  /** The signal stopped the measurement (Ctrl+C, Cancel). */
  interrupted: boolean;
}

/** Runs the flow `repeat` times, `concurrency` at a time, and reports each step's latencies and errors. */
export async function repeatFlow(flow: MeasuredFlow, { repeat, signal, onProgress, onRun, ...options }: RepeatOptions): Promise<RepeatReport> {
  checkBound('repeat', repeat, MAX_REPEAT);
  checkBound('concurrency', options.concurrency, MAX_CONCURRENCY);
  const concurrency = Math.min(repeat, options.concurrency);
  const table = new LatencyTable();
  const started = performance.now();
  const done: Progress = { runs: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < repeat && !signal?.aborted) {
      next++;
      const result = await runFlow({ ...flow, signal });
      // Failed steps' messages may quote what the server echoed: they are kept as a run's would be shown.
      const counted = result.status === 'failed' ? redactRun(result) : result;
      table.add(counted);
      onRun?.(counted);
      if (result.status !== 'cancelled') {
        done.runs++;
        if (result.status === 'failed') done.failed++;
        onProgress?.({ ...done });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    profile: flow.profile.name,
    repeat,
    concurrency,
    elapsedMs: Math.round(performance.now() - started),
    interrupted: signal?.aborted === true,
    ...table.summary(),
  };
}

function checkBound(name: string, value: number, max: number): void {
  if (!isCount(value, max)) throw new RangeError(`${name} is ${value}; it takes ${countRule(max)}.`);
}
