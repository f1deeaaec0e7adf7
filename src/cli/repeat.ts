/**
 * `auth-flow run --repeat N [--concurrency C]`: measures an environment by running the flow N times,
 * C at a time, and prints per step how many ran, how many failed, and p50 / p95 / max latency (a
 * table, or one JSON document with --json). Progress goes to stderr; Ctrl+C stops starting runs,
 * cancels those in flight and prints what was measured so far. The loop is src/core/repeat.ts, the
 * statistics src/core/stats.ts.
 */
import { repeatFlow, type MeasuredFlow, type Progress, type RepeatReport } from '../core/repeat';
import { countOf, countRule, MAX_CONCURRENCY, MAX_REPEAT } from '../core/repeatLimits';
import type { Measured } from '../core/stats';
import { UsageError } from './usage';

/** What the shell reports for a program stopped by Ctrl+C (128 + SIGINT). */
export const INTERRUPTED = 130;

export interface Repeat {
  repeat: number;
  concurrency: number;
}

/** --repeat and --concurrency as given; undefined when neither is. */
export function repeatOf(repeat: string | undefined, concurrency: string | undefined): Repeat | undefined {
  if (repeat === undefined && concurrency === undefined) return undefined;
  if (repeat === undefined) throw new UsageError('--concurrency goes with --repeat N.');
  const count = wholeNumber(repeat, '--repeat', MAX_REPEAT);
  return { repeat: count, concurrency: Math.min(count, concurrency === undefined ? 1 : wholeNumber(concurrency, '--concurrency', MAX_CONCURRENCY)) };
}

function wholeNumber(text: string, flag: string, max: number): number {
  const value = countOf(text, max);
  if (value === undefined) throw new UsageError(`${flag} takes ${countRule(max)}.`);
  return value;
}

/** Runs the flow `repeat` times, `concurrency` at a time. Exit code: 0 all succeeded, 1 one failed, 130 interrupted. */
export async function repeatCommand(run: MeasuredFlow, { repeat, concurrency }: Repeat, json: boolean): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  const progress = progressLine(repeat);
  let report: RepeatReport;
  try {
    report = await repeatFlow(run, { repeat, concurrency, signal: controller.signal, onProgress: progress });
  } finally {
    process.off('SIGINT', onSignal);
    progress(undefined);
  }
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : printReport(report));
  return report.interrupted ? INTERRUPTED : report.failed ? 1 : 0;
}

/**
 * Progress on stderr: on a terminal one line rewritten in place at most every 100 ms, otherwise a line
 * at most every second; the last count is always shown. `undefined` ends it.
 */
function progressLine(repeat: number): (done: Progress | undefined) => void {
  const tty = process.stderr.isTTY;
  const interval = tty ? 100 : 1000;
  let shownAt = -Infinity;
  let shown: Progress | undefined;
  let last: Progress | undefined;
  const show = (p: Progress) => {
    shown = { ...p };
    shownAt = performance.now();
    process.stderr.write(tty ? `\r${p.runs}/${repeat} runs, ${p.failed} failed\x1b[K` : `${p.runs}/${repeat} runs, ${p.failed} failed\n`);
  };
  return (done) => {
    if (done) {
      last = done;
      if (performance.now() - shownAt >= interval) show(done);
      return;
    }
    if (last && last.runs !== shown?.runs) show(last);
    if (tty && last) process.stderr.write('\n');
  };
}

const HEADINGS = ['step', 'runs', 'errors', 'p50 ms', 'p95 ms', 'max ms'];

function printReport(report: RepeatReport): string {
  const outcome = `${report.succeeded} succeeded, ${report.failed} failed${report.cancelled ? `, ${report.cancelled} cancelled` : ''}`;
  const head = report.interrupted
    ? `Interrupted: measured ${report.runs} of ${report.repeat} runs of "${report.profile}", ${report.concurrency} at a time, in ${seconds(report.elapsedMs)}: ${outcome}.`
    : `Measured ${report.runs} runs of "${report.profile}", ${report.concurrency} at a time, in ${seconds(report.elapsedMs)}: ${outcome}.`;
  const rows = [...report.steps.map((s) => row(s.title, s)), row('whole run', report.run)];
  const widths = HEADINGS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const errors = report.errors.map((e) => `  ${e.count}× ${e.code} in ${e.step}: ${e.message}`);
  return [
    head,
    '',
    format(HEADINGS),
    ...rows.map(format),
    ...(errors.length ? ['', 'Errors:', ...errors] : []),
    '',
    'Latencies are of the steps that succeeded (nearest-rank percentiles); failures count as errors.',
    '',
  ].join('\n');
}

function row(title: string, m: Measured): string[] {
  const ms = (value: number | undefined) => (value === undefined ? '–' : String(value));
  return [title, String(m.count), String(m.errors), ms(m.p50), ms(m.p95), ms(m.max)];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
