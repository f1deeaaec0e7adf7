/**
 * A measurement of an environment (Auth Flow: Measure Environment, src/core/repeat.ts) as the timeline
 * shows it, one closable panel per profile measured: per step how many runs, how many failed, and the
 * p50 / p95 / max latency (nearest-rank percentiles, src/core/stats.ts) in a table, which is the source
 * of truth; the same p50 and p95 as an SVG bar chart with the max as a tick; then the errors by code.
 * Numbers only: the host sends no run or token with a measurement.
 */
import type { Measured } from '../src/core/stats';
import type { Measurement } from '../src/protocol';
import { closablePanel } from './blocks';
import { h, svg } from './dom';
import { clockTime, formatMs } from './format';

export interface MeasureUi {
  /** Closes the panel of this profile's measurement: it leaves the state. */
  dismissMeasurement(profileId: string): void;
}

export function renderMeasurements(measurements: readonly Measurement[], ui: MeasureUi): HTMLElement {
  return h('div', { class: 'measurements' }, ...measurements.map((m) => renderMeasurement(m, ui)));
}

function renderMeasurement({ profileId, measuredAt, report }: Measurement, ui: MeasureUi): HTMLElement {
  const outcome = `${report.succeeded} succeeded, ${report.failed} failed${report.cancelled ? `, ${report.cancelled} cancelled` : ''}`;
  const how = `${report.concurrency} at a time, in ${formatMs(report.elapsedMs)} (finished ${clockTime(measuredAt)})`;
  const summary = report.interrupted
    ? `Cancelled: measured ${report.runs} of ${report.repeat} runs, ${how}: ${outcome}.`
    : `Measured ${report.runs} runs, ${how}: ${outcome}.`;
  const panel = closablePanel(
    { class: 'measure', title: `Measurement of ${report.profile}`, onClose: () => ui.dismissMeasurement(profileId) },
    h('p', { class: 'measure-summary' }, summary),
    renderTable(report.steps, report.run),
    report.steps.length ? renderChart(report.profile, report.steps) : null,
    report.steps.length ? renderLegend() : null,
    report.errors.length
      ? h(
          'div',
          { class: 'measure-errors' },
          h('h3', { class: 'measure-errors-title' }, 'Errors by code'),
          h('ul', null, ...report.errors.map((e) => h('li', { attrs: { 'data-code': e.code } }, `${e.count}× `, h('span', { class: 'mono' }, e.code), ` in ${e.step}: ${e.message}`))),
        )
      : null,
    h('p', { class: 'muted' }, 'Latencies are of the steps that succeeded (nearest-rank percentiles); failures count as errors.'),
  );
  panel.dataset.profileId = profileId;
  return panel;
}

const ms = (value: number | undefined): string => (value === undefined ? '–' : String(value));

function renderTable(steps: readonly (Measured & { title: string })[], run: Measured): HTMLElement {
  const header = ['step', 'runs', 'errors', 'p50 ms', 'p95 ms', 'max ms'];
  const row = (title: string, m: Measured, total = false) =>
    h(
      'tr',
      { class: total ? 'measure-total' : undefined, attrs: { 'data-step': total ? undefined : title } },
      h('th', { attrs: { scope: 'row' } }, title),
      ...[String(m.count), String(m.errors), ms(m.p50), ms(m.p95), ms(m.max)].map((cell) => h('td', null, cell)),
    );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'measure-table' },
      h('caption', null, 'Latency per step'),
      h('thead', null, h('tr', null, ...header.map((cell) => h('th', { attrs: { scope: 'col' } }, cell)))),
      h('tbody', null, ...steps.map((s) => row(s.title, s)), row('whole run', run, true)),
    ),
  );
}

const PLOT = { left: 48, top: 12, height: 140, bottom: 84, group: 52, bar: 16 };

function renderChart(profile: string, steps: readonly (Measured & { title: string })[]): SVGElement {
  const top = niceCeiling(Math.max(1, ...steps.map((s) => s.max ?? s.p95 ?? 0)));
  const width = PLOT.left + steps.length * PLOT.group + 8;
  const height = PLOT.top + PLOT.height + PLOT.bottom;
  const base = PLOT.top + PLOT.height;
  const y = (value: number) => base - (value / top) * PLOT.height;
  const label = `Bar chart of the p50 and p95 latency of each step of ${profile}, the maximum as a tick; the table holds the values.`;
  const axis = [0, top / 2, top].map((value) =>
    svg(
      'g',
      { class: 'measure-axis' },
      svg('line', { class: 'measure-grid', attrs: { x1: String(PLOT.left), x2: String(width), y1: String(y(value)), y2: String(y(value)) } }),
      svg('text', { attrs: { x: String(PLOT.left - 4), y: String(y(value) + 4), 'text-anchor': 'end' } }, `${value} ms`),
    ),
  );
  const groups = steps.map((step, i) => {
    const x = PLOT.left + i * PLOT.group + 8;
    const bar = (kind: 'p50' | 'p95', value: number | undefined, offset: number) =>
      svg('rect', { class: `measure-bar measure-${kind}`, attrs: { x: String(x + offset), y: String(y(value ?? 0)), width: String(PLOT.bar), height: String(base - y(value ?? 0)) } });
    const labelX = x + PLOT.bar;
    return svg(
      'g',
      { class: 'measure-group', attrs: { 'data-step': step.title } },
      svg('title', null, `${step.title}: p50 ${formatMs(step.p50)}, p95 ${formatMs(step.p95)}, max ${formatMs(step.max)}`),
      bar('p50', step.p50, 0),
      bar('p95', step.p95, PLOT.bar + 2),
      step.max === undefined
        ? null
        : svg('line', { class: 'measure-max', attrs: { x1: String(x - 3), x2: String(x + 2 * PLOT.bar + 5), y1: String(y(step.max)), y2: String(y(step.max)) } }),
      svg('text', { class: 'measure-step-label', attrs: { x: String(labelX), y: String(base + 12), 'text-anchor': 'end', transform: `rotate(-40 ${labelX} ${base + 12})` } }, shorten(step.title)),
    );
  });
  return svg(
    'svg',
    { class: 'measure-chart', attrs: { role: 'img', 'aria-label': label, viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height) } },
    svg('title', null, label),
    ...axis,
    ...groups,
  );
}

function renderLegend(): HTMLElement {
  const item = (kind: string, text: string) => h('span', { class: 'measure-legend-item' }, h('span', { class: `measure-swatch measure-swatch-${kind}`, attrs: { 'aria-hidden': 'true' } }), text);
  return h('p', { class: 'measure-legend', attrs: { 'aria-hidden': 'true' } }, item('p50', 'p50'), item('p95', 'p95'), item('max', 'max'));
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value` (≥ 1): the chart's top. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= value) ?? 10 * power;
}

/** A step title short enough for the chart's slanted label; the full one is the group's title. */
function shorten(title: string): string {
  return title.length > 22 ? `${title.slice(0, 21)}…` : title;
}
