/**
 * "Edit and resend" on a finished run's step: an editor for the recorded request (method, URL,
 * headers, body), prefilled from the redacted request the webview holds, so each secret shows as its
 * `$VARIABLE` and stays one: the host fills it in from the run's session (src/core/resend.ts). The
 * answer comes back on the request's id; the new step streams in as the run's. Which editor is open
 * and what was typed live here, not in the persisted state.
 */
import type { RecordedRequest, Run, Step } from '../src/core/model';
import type { HostMessages, WebviewMessage } from '../src/protocol';
import { cardButton } from './blocks';
import { h } from './dom';

export interface ResendUi {
  post(message: WebviewMessage): void;
  refresh(): void;
}

interface Draft {
  method: 'GET' | 'POST';
  url: string;
  headers: string;
  body: string;
  /** The id of the request sent, until its answer comes. */
  pending?: string;
  answer?: HostMessages['timeline/step/resent'];
}

const drafts = new Map<string, Draft>();
let requests = 0;
const keyOf = (run: Run, step: Step): string => `${run.id}\n${step.id}`;

/** Headers one per line as `name: value`; lines without a colon are dropped. */
export function parseHeaders(text: string): [string, string][] {
  return text.split('\n').flatMap((line) => {
    const colon = line.indexOf(':');
    return colon > 0 ? [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()] as [string, string]] : [];
  });
}

function draftOf(request: RecordedRequest): Draft {
  return {
    method: request.method === 'GET' ? 'GET' : 'POST',
    url: request.url,
    headers: request.headers.map(([name, value]) => `${name}: ${value}`).join('\n'),
    body: request.body ?? '',
  };
}

/** The button on a step's card; it opens (or closes) the editor under it. */
export function resendButton(run: Run, step: Step, ui: ResendUi): HTMLElement {
  const key = keyOf(run, step);
  const button = cardButton('Edit and resend', {
    attrs: { 'aria-label': `Edit and resend ${step.title}`, 'aria-expanded': String(drafts.has(key)), 'data-resend': 'open' },
    on: {
      click: () => {
        if (drafts.has(key)) drafts.delete(key);
        else if (step.exchange) drafts.set(key, draftOf(step.exchange.request));
        ui.refresh();
      },
    },
  });
  return button;
}

/** Changes whenever the step's editor opens, closes, sends or is answered: the card is drawn again then. */
export function resendVersion(run: Run, step: Step): string {
  const draft = drafts.get(keyOf(run, step));
  return draft ? `open ${draft.pending ?? ''} ${draft.answer?.id ?? ''}` : 'closed';
}

/** Takes the answer to a resend; false when it answers no open editor. */
export function takeResendAnswer(answer: HostMessages['timeline/step/resent']): boolean {
  for (const draft of drafts.values()) {
    if (draft.pending === answer.id) {
      draft.pending = undefined;
      draft.answer = answer;
      return true;
    }
  }
  return false;
}

export function renderResendEditor(run: Run, step: Step, ui: ResendUi): HTMLElement | null {
  const draft = drafts.get(keyOf(run, step));
  if (!draft) return null;
  const method = h('select', { class: 'resend-method', attrs: { 'aria-label': 'Method' } });
  for (const m of ['GET', 'POST'] as const) {
    const option = h('option', null, m);
    option.value = m;
    option.selected = m === draft.method;
    method.appendChild(option);
  }
  method.addEventListener('change', () => (draft.method = method.value === 'GET' ? 'GET' : 'POST'));
  const field = (tag: 'input' | 'textarea', label: string, value: string, set: (v: string) => void, cls: string) => {
    const element = h(tag, { class: `mono ${cls}`, attrs: { 'aria-label': label, spellcheck: 'false', ...(tag === 'textarea' ? { rows: '4' } : { type: 'text' }) } });
    element.value = value;
    element.addEventListener('input', () => set(element.value));
    return h('label', { class: 'resend-field' }, h('span', { class: 'muted' }, label), element);
  };
  const send = () => {
    const id = `resend-${++requests}`;
    draft.pending = id;
    draft.answer = undefined;
    const body = draft.body === '' ? {} : { body: draft.body };
    ui.post({ method: 'timeline/step/resend', params: { id, runId: run.id, stepId: step.id, request: { method: draft.method, url: draft.url, headers: parseHeaders(draft.headers), ...body } } });
    ui.refresh();
  };
  const answer = draft.answer;
  return h(
    'form',
    { class: 'resend-editor', attrs: { 'aria-label': `Edit and resend ${step.title}` }, on: { submit: (event: Event) => { event.preventDefault(); send(); } } },
    h('p', { class: 'muted' }, 'Secrets show as $VARIABLES: leave them so, and the extension sends the run\'s values in their place.'),
    h('div', { class: 'resend-line' }, method, field('input', 'URL', draft.url, (v) => (draft.url = v), 'resend-url')),
    field('textarea', 'Headers (one "name: value" a line)', draft.headers, (v) => (draft.headers = v), 'resend-headers'),
    field('textarea', 'Body', draft.body, (v) => (draft.body = v), 'resend-body'),
    h(
      'div',
      { class: 'resend-actions' },
      h('button', { class: 'link-button', attrs: { type: 'submit', 'data-resend': 'send', disabled: draft.pending ? '' : undefined } }, draft.pending ? 'Sending…' : 'Send'),
      h('span', { class: `resend-status${answer && !answer.ok ? ' copy-failed' : ''}`, attrs: { role: 'status', 'aria-live': 'polite' } }, answer?.message ?? ''),
      answer && !answer.held
        ? h('button', { class: 'link-button', attrs: { type: 'button', 'data-resend': 'rerun' }, on: { click: () => ui.post({ method: 'timeline/run/again', params: { profileId: run.profile.id } }) } }, 'Run again')
        : null,
    ),
  );
}
