/** Building blocks shared by the cards: titled sections, disclosures, name/value tables, JSON. */
import { h, type Child, type Props } from './dom';
import { citations } from './explain';

export function section(title: string, content: Node, name?: string): HTMLElement {
  return h('section', { class: 'sub', attrs: { 'data-section': name ?? title.replace(/\s*\(.*$/, '').toLowerCase() } }, h('h4', { class: 'sub-title' }, title), content);
}

/** A panel opened over the timeline (Compare tokens, History): its title, a close button, then `children`. */
export function closablePanel(options: { class: string; title: string; label?: string; onClose: () => void }, ...children: Child[]): HTMLElement {
  return h(
    'section',
    { class: options.class, attrs: { 'aria-label': options.label ?? options.title } },
    h(
      'div',
      { class: 'compare-head' },
      h('h2', { class: 'compare-title' }, options.title),
      h('span', { class: 'spacer' }),
      h('button', { class: 'icon-button', attrs: { type: 'button', 'aria-label': `Close ${options.title}`, title: 'Close' }, on: { click: options.onClose } }, '✕'),
    ),
    ...children,
  );
}

export function disclosure(title: string, content: Node): HTMLElement {
  return h('details', { class: 'disclosure' }, h('summary', null, title), content);
}

export function kvTable(rows: [string, string, string | undefined][], nameHeader: string, name: string): HTMLElement {
  return richTable(rows.map(([k, v, note]) => ({ name: k, value: valueText(v), note })), nameHeader, name);
}

/** A value; a redacted secret (`$CLIENT_SECRET`) is marked so nobody mistakes it for the real one. */
export function valueText(value: string): HTMLElement {
  if (/^(Bearer |Basic )?\$[A-Z][A-Z0-9_]*$/.test(value)) {
    return h('span', { class: 'mono secret-var', attrs: { title: 'Redacted secret: "Copy with secrets" fills it in' } }, value);
  }
  return h('span', { class: 'mono' }, value);
}

export function richTable(rows: { name: string; value: Child; note?: string }[], nameHeader: string, name: string): HTMLElement {
  const body = h('tbody', null);
  for (const row of rows) {
    body.appendChild(
      h(
        'tr',
        { attrs: { 'data-name': row.name } },
        h('th', { attrs: { scope: 'row' } }, h('span', { class: 'mono name' }, row.name), row.note ? noteView(row.note) : null),
        h('td', null, row.value),
      ),
    );
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: `kv kv-${name}` }, h('thead', null, h('tr', null, h('th', { attrs: { scope: 'col' } }, nameHeader), h('th', { attrs: { scope: 'col' } }, 'Value'))), body),
  );
}

/**
 * An explanation with the specifications it cites as links. main.ts hands a click on one to the host
 * (timeline/link/open), which opens it in the browser.
 */
export function noteView(note: string): HTMLElement {
  return h('span', { class: 'note' }, ...citations(note).map((part) => (typeof part === 'string' ? part : h('a', { class: 'doc-link', attrs: { href: part.url, title: part.url } }, part.text))));
}

/** Pretty-printed, colourised JSON built from text nodes. */
export function jsonView(value: unknown): HTMLElement {
  const pre = h('pre', { class: 'code-block json' });
  write(pre, value, 0);
  return pre;
}

function write(out: HTMLElement, value: unknown, depth: number): void {
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.append('[]');
    out.append('[\n');
    value.forEach((item, i) => {
      out.append(pad);
      write(out, item, depth + 1);
      out.append(i < value.length - 1 ? ',\n' : '\n');
    });
    out.append(`${close}]`);
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return void out.append('{}');
    out.append('{\n');
    entries.forEach(([k, v], i) => {
      out.append(pad, h('span', { class: 'j-key' }, JSON.stringify(k)), ': ');
      write(out, v, depth + 1);
      out.append(i < entries.length - 1 ? ',\n' : '\n');
    });
    out.append(`${close}}`);
  } else if (typeof value === 'string') {
    out.append(h('span', { class: /^\$[A-Z][A-Z0-9_]*$/.test(value) ? 'j-str secret-var' : 'j-str' }, JSON.stringify(value)));
  } else if (typeof value === 'number') {
    out.append(h('span', { class: 'j-num' }, String(value)));
  } else {
    out.append(h('span', { class: 'j-lit' }, String(value)));
  }
}

/**
 * A button every card repeats (Copy as cURL, Edit and resend, a token's copies): a native button drawn
 * as the toolkit's secondary button, or its quiet icon look, from the same theme colours. A toolkit
 * component costs about a millisecond to create and as much to remove, which a long run would pay three
 * times a card; the panel's own actions (Run again, Export…, the empty panel's) stay toolkit buttons.
 */
export function cardButton(label: string, props: Props, look: 'secondary' | 'quiet' = 'secondary'): HTMLButtonElement {
  const button = h('button', props, label);
  button.type = 'button';
  button.classList.add('card-button', `card-button-${look}`);
  return button;
}

export function spinner(label: string): HTMLElement {
  return h('vscode-progress-ring', { class: 'spinner', attrs: { 'aria-label': label } });
}
