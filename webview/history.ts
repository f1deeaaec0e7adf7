/**
 * The run history section: the runs the host persisted (src/extension/run/runHistory.ts), newest first,
 * each with Re-run, Rename, Delete and "Compare with…". Every request carries an id; the host answers
 * on it (`timeline/history/listed`, `timeline/history/compared`) and the answer's message shows here.
 * The comparison is the claims diff of the two runs' tokens, drawn as "Compare tokens…" draws its own.
 * What is open, being renamed or compared lives here, not in the persisted state.
 */
import type { HostMessages, HistoryEntry, WebviewMessage, WebviewState } from '../src/protocol';
import { closablePanel, spinner } from './blocks';
import { renderDiffTable } from './diff';
import { h } from './dom';
import { clockTime, formatMs } from './format';
import { tokenLabel } from './token';

export interface HistoryUi {
  post(message: WebviewMessage): void;
  /** Draws the panel again after a change made here. */
  refresh(): void;
}

const view: {
  open: boolean;
  renaming?: string;
  comparing?: string;
  notice?: { text: string; ok: boolean };
  comparison?: { names: [string, string]; answer?: HostMessages['timeline/history/compared'] };
  pending: Set<string>;
} = { open: false, pending: new Set() };
let requests = 0;

export function historyOpen(): boolean {
  return view.open;
}

/** Opening asks the host for the list, so it is current even if another window changed it. */
export function toggleHistory(ui: Pick<HistoryUi, 'post'>): void {
  view.open = !view.open;
  if (view.open) request(ui, (id) => ({ method: 'timeline/history/list', params: { id } }));
}

/** Posts a history request under a fresh id, so its answer is recognised. */
function request(ui: Pick<HistoryUi, 'post'>, build: (id: string) => WebviewMessage): void {
  const id = `history-${++requests}`;
  view.pending.add(id);
  ui.post(build(id));
}

/** Takes the answer to one of this section's requests; false when it answers none (pushed, or not ours). */
export function takeHistoryAnswer(message: { method: 'timeline/history/listed' | 'timeline/history/compared'; params: { id?: string; message?: string; ok?: boolean } }): boolean {
  const { id } = message.params;
  if (id === undefined || !view.pending.delete(id)) return false;
  if (message.method === 'timeline/history/compared') {
    const answer = message.params as HostMessages['timeline/history/compared'];
    if (view.comparison) view.comparison.answer = answer;
    view.notice = answer.ok ? undefined : { text: answer.message, ok: false };
  } else if (message.params.message) {
    view.notice = { text: message.params.message, ok: message.params.ok !== false };
  }
  return true;
}

const nameOf = (entry: HistoryEntry): string => entry.label ?? entry.profileName;

export function renderHistory(state: WebviewState, ui: HistoryUi): HTMLElement {
  const entries = state.history;
  const body = !entries
    ? h('p', { class: 'muted' }, spinner('Loading the history'), ' Loading…')
    : entries.length === 0
      ? h('p', { class: 'muted history-empty' }, 'No run saved yet: every run you start is kept here (the last 50), with its secrets redacted.')
      : h('ul', { class: 'history-list' }, ...entries.map((entry) => renderEntry(entry, entries, ui)));
  const onClose = () => {
    toggleHistory(ui);
    ui.refresh();
  };
  return closablePanel(
    { class: 'history', title: 'History', label: 'Run history', onClose },
    body,
    h('p', { class: `history-notice${view.notice?.ok === false ? ' copy-failed' : ''}`, attrs: { role: 'status', 'aria-live': 'polite' } }, view.notice?.text ?? ''),
    view.comparison ? renderComparison(view.comparison) : null,
  );
}

function renderEntry(entry: HistoryEntry, entries: HistoryEntry[], ui: HistoryUi): HTMLElement {
  const name = nameOf(entry);
  const button = (label: string, action: string, onClick: () => void, title: string) =>
    h('button', { class: 'link-button', attrs: { type: 'button', 'data-history-action': action, 'aria-label': `${label}: ${name}`, title }, on: { click: onClick } }, label);
  return h(
    'li',
    { class: 'history-entry', attrs: { 'data-run-id': entry.runId } },
    h(
      'div',
      { class: 'history-row' },
      h('span', { class: 'history-name' }, name),
      entry.label ? h('span', { class: 'muted history-profile' }, entry.profileName) : null,
      h('time', { class: 'history-when', attrs: { datetime: entry.startedAt, title: entry.startedAt } }, clockTime(entry.startedAt)),
      h('span', { class: `pill pill-${entry.status} history-status`, attrs: { 'data-run-status': entry.status } }, entry.status),
      h('span', { class: 'history-duration' }, formatMs(entry.duration)),
      h('span', { class: 'spacer' }),
      button('Re-run', 'rerun', () => ui.post({ method: 'timeline/run/again', params: { profileId: entry.profileId } }), `Run ${entry.profileName} again`),
      button('Rename', 'rename', () => { view.renaming = entry.runId; ui.refresh(); }, 'Give this run a name'),
      button('Delete', 'delete', () => request(ui, (id) => ({ method: 'timeline/history/delete', params: { id, runId: entry.runId } })), 'Remove this run from the history'),
      entries.length > 1 ? button('Compare with…', 'compare', () => { view.comparing = view.comparing === entry.runId ? undefined : entry.runId; ui.refresh(); }, 'Compare the claims of this run\'s tokens with another run\'s') : null,
    ),
    view.renaming === entry.runId ? renderRename(entry, ui) : null,
    view.comparing === entry.runId ? renderComparePick(entry, entries, ui) : null,
  );
}

function renderRename(entry: HistoryEntry, ui: HistoryUi): HTMLElement {
  const input = h('input', { class: 'history-label-input', attrs: { type: 'text', maxlength: '200', 'aria-label': `Name for the run of ${entry.profileName}`, placeholder: entry.profileName } });
  input.value = entry.label ?? '';
  const form = h(
    'form',
    { class: 'history-rename' },
    input,
    h('button', { class: 'link-button', attrs: { type: 'submit' } }, 'Save'),
    h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => { view.renaming = undefined; ui.refresh(); } } }, 'Cancel'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    view.renaming = undefined;
    request(ui, (id) => ({ method: 'timeline/history/rename', params: { id, runId: entry.runId, label: input.value } }));
    ui.refresh();
  });
  queueMicrotask(() => input.focus());
  return form;
}

function renderComparePick(entry: HistoryEntry, entries: HistoryEntry[], ui: HistoryUi): HTMLElement {
  const others = entries.filter((e) => e.runId !== entry.runId);
  const select = h('select', { class: 'history-compare-select', attrs: { 'aria-label': `Run to compare ${nameOf(entry)} with` } });
  for (const other of others) {
    const option = h('option', null, `${nameOf(other)} · ${clockTime(other.startedAt)} · ${other.status}`);
    option.value = other.runId;
    select.appendChild(option);
  }
  const go = () => {
    const other = others.find((e) => e.runId === select.value);
    if (!other) return;
    view.comparing = undefined;
    view.comparison = { names: [`${nameOf(entry)} (${clockTime(entry.startedAt)})`, `${nameOf(other)} (${clockTime(other.startedAt)})`] };
    request(ui, (id) => ({ method: 'timeline/history/compare', params: { id, runId: entry.runId, otherRunId: other.runId } }));
    ui.refresh();
  };
  return h('div', { class: 'history-compare-pick' }, select, h('button', { class: 'link-button', attrs: { type: 'button', 'data-history-action': 'compare-go' }, on: { click: go } }, 'Compare'));
}

function renderComparison({ names, answer }: NonNullable<typeof view.comparison>): HTMLElement {
  const title = h('h3', { class: 'history-compare-title' }, `${names[0]} → ${names[1]}`);
  if (!answer) return h('div', { class: 'history-comparison' }, title, h('p', { class: 'muted' }, spinner('Comparing'), ' Comparing…'));
  return h(
    'div',
    { class: 'history-comparison', attrs: { 'aria-live': 'polite' } },
    title,
    h('p', { class: 'muted' }, answer.message),
    ...answer.diffs.map((diff) =>
      h('div', { class: 'history-diff', attrs: { 'data-kind': diff.kind } }, h('h4', null, tokenLabel(diff.kind)), renderDiffTable(diff.entries, `Claims of the two runs' ${tokenLabel(diff.kind)}`)),
    ),
  );
}
