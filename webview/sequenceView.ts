/**
 * The run's sequence diagram in the panel: a folded section under the run header with an SVG drawn
 * from sequence.ts's model, and Copy as Mermaid. Colours come from the theme through classes in
 * main.css; every arrow is a button that opens its step's card.
 */
import type { Run } from '../src/core/model';
import { h, svg, uid } from './dom';
import type { Ui } from './render';
import { sequenceOf, toMermaid, type SequenceDiagram, type SequenceMessage } from './sequence';

/** Layout in px: a column per lifeline, a row per message. */
const COLUMN = 136;
const HEAD = 26;
const TOP = 44;
const ROW = 30;
/** Width of a label character, estimated for the 11 px editor font: the SVG is sized before it is in the page. */
const CHAR = 6.8;

/** A section's run as last shown, and what changes with it. */
interface Section {
  run: Run;
  body: HTMLElement;
  copy: HTMLElement;
  openStep: (stepId: string) => void;
  /** The run the diagram in the body was drawn from, if drawn. */
  drawn?: Run;
}

const sections = new WeakMap<HTMLElement, Section>();

/**
 * The section of one run: built once per run (its toolkit button is costly to build and to remove),
 * then shown with each update of the run by {@link showSequence}, so its open state, focus and a copy
 * confirmation survive updates.
 */
export function sequenceSection(run: Run, ui: Ui, openStep: (stepId: string) => void): HTMLElement {
  const key = `${run.id}\nsequence`;
  const open = ui.expandedFor(key) ?? false;
  const body = h('div', { class: 'sequence-body', attrs: { id: uid('sequence') } });
  body.hidden = !open;
  const toggle = h('button', {
    class: 'section-toggle',
    attrs: { type: 'button', 'aria-expanded': String(open), 'aria-controls': body.id },
    on: {
      click: () => {
        const next = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', String(next));
        body.hidden = !next;
        draw(section);
        ui.setExpanded(key, next);
      },
    },
  }, h('span', { class: 'chevron', attrs: { 'aria-hidden': 'true' } }), 'Sequence diagram');

  const status = h('span', { class: 'copy-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const copy = h('vscode-button', {
    attrs: {
      appearance: 'secondary',
      'aria-label': `Copy the sequence diagram of ${run.profile.name} as Mermaid`,
      title: 'Mermaid sequenceDiagram text for docs and bug reports: paths and status codes, no secrets',
    },
    on: {
      click: () => ui.copy((id) => ({ method: 'timeline/diagram/copy', params: { id, text: toMermaid(sequenceOf(section.run)) } }), status, 'Copying…'),
    },
  }, 'Copy as Mermaid');
  copy.classList.add('sequence-copy');

  const element = h(
    'section',
    { class: 'sequence', attrs: { 'aria-label': 'Sequence diagram' } },
    h('div', { class: 'sequence-head' }, h('h2', { class: 'sequence-title' }, toggle), h('span', { class: 'spacer' }), status, copy),
    body,
  );
  const section: Section = { run, body, copy, openStep };
  sections.set(element, section);
  return element;
}

/** Shows `run` in its section: the copy button off while it runs, the diagram drawn again if open. */
export function showSequence(element: HTMLElement, run: Run): HTMLElement {
  const section = sections.get(element);
  if (!section) return element;
  section.run = run;
  section.copy.toggleAttribute('disabled', run.status === 'running');
  draw(section);
  return element;
}

/** Drawn only while open: a folded diagram costs nothing while steps stream in. */
function draw(section: Section): void {
  if (section.body.hidden || section.drawn === section.run) return;
  section.drawn = section.run;
  section.body.replaceChildren(h('div', { class: 'sequence-scroll' }, drawDiagram(section.run, sequenceOf(section.run), section.openStep)));
}

function drawDiagram(run: Run, diagram: SequenceDiagram, openStep: (stepId: string) => void): SVGSVGElement {
  const x = new Map(diagram.lifelines.map((lifeline, i) => [lifeline.id, COLUMN / 2 + i * COLUMN]));
  const height = TOP + diagram.messages.length * ROW + 12;
  const rows = diagram.messages.map((message, i) => ({ message, y: TOP + i * ROW + 20, ...span(message, x) }));
  const width = Math.ceil(Math.max(diagram.lifelines.length * COLUMN, ...rows.map((r) => r.labelX + labelWidth(r.message) + 8)));
  const root = svg('svg', {
    class: 'seq',
    attrs: {
      width: String(width),
      height: String(height),
      viewBox: `0 0 ${width} ${height}`,
      role: 'group',
      'aria-label': `Sequence diagram of ${run.profile.name}: ${diagram.messages.filter((m) => m.kind === 'request').length} requests`,
    },
  });
  for (const lifeline of diagram.lifelines) {
    const cx = x.get(lifeline.id)!;
    root.append(
      svg('g', { class: `seq-lifeline seq-lifeline-${lifeline.id}`, attrs: { 'data-lifeline': lifeline.id } },
        svg('line', { class: 'seq-life', attrs: { x1: String(cx), x2: String(cx), y1: String(6 + HEAD), y2: String(height - 4) } }),
        svg('rect', { class: 'seq-head', attrs: { x: String(cx - COLUMN / 2 + 8), y: '6', width: String(COLUMN - 16), height: String(HEAD), rx: '4' } }),
        svg('text', { class: 'seq-head-label', attrs: { x: String(cx), y: String(6 + HEAD / 2), 'text-anchor': 'middle', 'dominant-baseline': 'central' } }, lifeline.label),
      ),
    );
  }
  const titles = new Map(run.steps.map((step) => [step.id, step.title]));
  for (const { message, y, from, to, labelX } of rows) {
    const classes = ['seq-msg', `seq-${message.kind}`, message.failed ? 'seq-failed' : '', message.answer && message.answer !== 'answered' ? `seq-${message.answer}` : ''];
    const group = svg('g', {
      class: classes.filter(Boolean).join(' '),
      attrs: {
        role: 'button',
        tabindex: '0',
        'data-step-id': message.stepId,
        'data-kind': message.kind,
        'aria-label': `${message.label}. Go to ${titles.get(message.stepId) ?? 'the step'}.`,
      },
      on: {
        click: () => openStep(message.stepId),
        keydown: (event) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          openStep(message.stepId);
        },
      },
    });
    const left = Math.min(from, to, labelX) - 4;
    group.append(
      svg('title', null, message.label),
      svg('rect', { class: 'seq-hit', attrs: { x: String(left), y: String(y - ROW + 8), width: String(Math.max(Math.abs(to - from), labelX + labelWidth(message) - left) + 8), height: String(ROW - 2), rx: '3' } }),
    );
    if (message.kind === 'note') {
      group.append(svg('rect', { class: 'seq-note', attrs: { x: String(labelX - 6), y: String(y - 18), width: String(labelWidth(message) + 12), height: '22', rx: '3' } }));
    } else {
      group.append(svg('line', { class: 'seq-line', attrs: { x1: String(from), x2: String(to), y1: String(y), y2: String(y) } }), arrowHead(message, to, Math.sign(to - from), y));
    }
    group.append(svg('text', { class: 'seq-label', attrs: { x: String(labelX), y: String(message.kind === 'note' ? y - 7 : y - 6), 'dominant-baseline': message.kind === 'note' ? 'central' : 'auto' } }, message.text));
    root.append(group);
  }
  return root;
}

/** Where a message's line runs and its label starts: a note sits on this client's lifeline. */
function span(message: SequenceMessage, x: Map<string, number>): { from: number; to: number; labelX: number } {
  const from = x.get(message.from)!;
  const to = x.get(message.to)!;
  return { from, to, labelX: message.kind === 'note' ? from + 10 : Math.min(from, to) + 8 };
}

function labelWidth(message: SequenceMessage): number {
  return [...message.text].length * CHAR;
}

/** An open arrowhead; a cross where a request got no answer (Mermaid's `-x`). */
function arrowHead(message: SequenceMessage, at: number, direction: number, y: number): SVGPathElement {
  const d = message.answer === 'none'
    ? `M ${at - 5} ${y - 5} L ${at + 5} ${y + 5} M ${at - 5} ${y + 5} L ${at + 5} ${y - 5}`
    : `M ${at - direction * 8} ${y - 4} L ${at} ${y} L ${at - direction * 8} ${y + 4}`;
  return svg('path', { class: 'seq-arrow', attrs: { d } });
}
