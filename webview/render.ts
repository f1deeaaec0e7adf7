/**
 * Builds the timeline from a WebviewState: run header, decoded tokens, one card per step.
 * All data reaches the DOM as text (see dom.ts).
 */
import { Codes } from '../src/core/codes';
import type { Exchange, FollowUp, RecordedRequest, Run, Step, StepError } from '../src/core/model';
import type { CopyRequest, FollowUpAction, PanelCommand, WebviewMessage, WebviewState } from '../src/protocol';
import { cardButton, jsonView, section, spinner } from './blocks';
import { compareOpen, renderCompare } from './compare';
import { historyOpen, renderHistory } from './history';
import { renderMeasurements, type MeasureUi } from './measure';
import { renderResendEditor, resendButton, resendVersion } from './resend';
import { renderVerify } from './verify';
import { renderDiffTable } from './diff';
import { append, h, syncChildren, uid, type Child } from './dom';
import { forget, later } from './near';
import { renderChecks, renderCookies, renderRequest, renderResponse, renderValues } from './exchange';
import { clockTime, formatMs, splitUrl, statusClass } from './format';
import { stepOutcome } from './outcome';
import { placeSpans } from './scale';
import { sequenceSection, showSequence } from './sequenceView';
import { currentRun } from './store';
import { tabs, type Tabs, type TabSpec } from './tabs';
import { refreshTimes, renderToken, tokenLabel } from './token';

export interface Ui extends MeasureUi {
  post(message: WebviewMessage): void;
  selectRun(runId: string): void;
  dismissToken(index: number): void;
  tabFor(key: string): string | undefined;
  setTab(key: string, tab: string): void;
  /** Whether a card's details are open; undefined until the user toggles it. */
  expandedFor(key: string): boolean | undefined;
  setExpanded(key: string, open: boolean): void;
  /** Posts the copy request `build` makes with a fresh id, showing `waiting` in `status` until the answer on that id replaces it. */
  copy(build: (id: string) => CopyRequest, status: HTMLElement, waiting: string): void;
  /** Copies text the webview wrote from its redacted data, through the host; the answer goes into `status`. */
  copyValue(text: string, status: HTMLElement): void;
  /** Opens or closes "Compare tokens…" (webview/compare.ts) and renders again. */
  toggleCompare(): void;
  /** Opens or closes the run history (webview/history.ts) and renders again. */
  toggleHistory(): void;
  /** Renders again after a change only the webview knows of. */
  refresh(): void;
}

/**
 * From this many steps, waterfall rows and cards off screen skip rendering until scrolled near (main.css,
 * .long-run), and a card builds its lines, buttons and open details only when it nears the viewport or
 * is opened (near.ts); in a shorter run, with the rest of the card.
 */
const LONG_RUN = 30;

/**
 * The step list and the waterfall are put in the page a part at a time (see `shownOf`): what the
 * first screen of a run shows in the frame the run arrives in, the rest on idle time or as it is
 * scrolled near. Sizes in items; heights in px, for the space held by what is not in the page yet.
 */
const CARDS = { first: 3, chunk: 6, height: 122 };
/** A long run's waterfall scrolls within half the panel's height: about 17 rows of a 900 px panel. */
const ROWS = { first: 20, chunk: 50, height: 21 };

/** A card of a step that changed is drawn again at once up to this many per render; past it, on idle time. */
const REDRAWS_PER_FRAME = 3;

/**
 * A run's waterfall, card list, list items and sequence section are kept while the run is held, and
 * their children updated in place (syncChildren), so an update moves and restyles only what it changed.
 */
const containers = new Map<string, Map<string, { version: string; element: HTMLElement }>>();

/** The element `name` of `run` from the last render, or a new one from `make` when there was none or `version` changed. */
function kept(name: string, run: Run, make: () => HTMLElement, version = ''): HTMLElement {
  let ofRun = containers.get(run.id);
  if (!ofRun) containers.set(run.id, (ofRun = new Map()));
  const known = ofRun.get(name);
  if (known?.version === version) return known.element;
  const element = make();
  ofRun.set(name, { version, element });
  return element;
}

/** The run shown and how to render again, as of the last renderApp: for what grows its lists later. */
let shown: { run?: Run; redraw(): void } = { redraw: () => undefined };

export function renderApp(root: HTMLElement, state: WebviewState, ui: Ui): void {
  const run = currentRun(state);
  shown = { run, redraw: ui.refresh };
  const children: Child[] = [];
  // Tokens decoded from an editor belong to no run: they come first, under their own heading, not
  // between a run's header and its steps.
  if (state.tokens.length > 0) children.push(guard('decoded tokens', () => renderTokenCards(state, ui)));
  if (state.measurements?.length) children.push(guard('measurements', () => renderMeasurements(state.measurements ?? [], ui)));
  if (run) children.push(guard('run header', () => renderHeader(run, state, ui)));
  if (historyOpen()) children.push(guard('run history', () => renderHistory(state, ui)));
  if (compareOpen()) children.push(guard('token comparison', () => renderCompare(state, ui.toggleCompare)));
  if (run && run.steps.length > 0) {
    children.push(guard('sequence diagram', () => showSequence(kept('sequence', run, () => sequenceSection(run, ui, focusCard)), run)));
  }
  if (run) children.push(guard('timeline', () => renderTimeline(run, ui)));
  if (!run && state.tokens.length === 0) children.push(renderEmpty(ui));
  for (const runId of containers.keys()) if (!state.runs.some((r) => r.id === runId)) containers.delete(runId);
  syncChildren(root, children.filter((c): c is Node => c instanceof Node));
  refreshTimes(root);
}

/**
 * Messages are shape-checked only at the top level, so a host bug can still send a run with holes in
 * it. A part that cannot be drawn says so and the rest of the timeline still renders.
 */
function guard(what: string, build: () => HTMLElement): HTMLElement {
  try {
    return build();
  } catch (error) {
    console.error(`[timeline] could not render the ${what}`, error);
    return h('p', { class: 'error-message render-error' }, `The ${what} could not be displayed (malformed data).`);
  }
}

function renderEmpty(ui: Ui): HTMLElement {
  const action = (label: string, command: PanelCommand, appearance: 'primary' | 'secondary') => {
    const button = h('vscode-button', { attrs: { appearance, 'data-command': command }, on: { click: () => ui.post({ method: 'timeline/command/run', params: { command } }) } }, label);
    button.classList.add('empty-action');
    return button;
  };
  return h(
    'section',
    { class: 'empty', attrs: { 'aria-label': 'No run yet' } },
    h('h1', null, 'No run yet'),
    h('p', null, 'Run a flow against one of your environments, or try the local sandbox: a PingOne-like server on this machine, no account needed.'),
    h(
      'div',
      { class: 'empty-actions' },
      action('Run Auth Flow', 'authFlow.run', 'primary'),
      action('Try the Local Sandbox', 'authFlow.trySandbox', 'secondary'),
      action('Add Environment', 'authFlow.addEnvironment', 'secondary'),
      historyOpen() ? null : historyButton(ui),
    ),
    h('p', { class: 'muted' }, 'Every request, redirect, cookie and token of the sign-on will appear here, step by step.'),
  );
}

/** Opens or closes the run history the host keeps across reloads. */
function historyButton(ui: Ui): HTMLElement {
  const button = h('vscode-button', {
    attrs: { appearance: 'secondary', 'aria-pressed': String(historyOpen()), title: 'The last runs, kept across reloads: re-run, rename, delete, compare' },
    on: { click: () => ui.toggleHistory() },
  }, 'Run History');
  button.classList.add('open-history');
  return button;
}

// ── Header ──────────────────────────────────────────────────────────────────────────────────────

let header: HTMLElement | undefined;

function renderHeader(run: Run, state: WebviewState, ui: Ui): HTMLElement {
  const followUps = state.followUps?.[run.id];
  const meta = h(
    'dl',
    { class: 'run-meta' },
    metaItem('Issuer', h('span', { class: 'mono' }, run.profile.issuer)),
    metaItem('Client', h('span', { class: 'mono' }, run.profile.clientId)),
    metaItem('Started', h('time', { attrs: { datetime: run.startedAt, title: run.startedAt } }, clockTime(run.startedAt))),
    metaItem('Total', h('span', { class: 'run-duration' }, run.status === 'running' ? 'running…' : formatMs(run.duration))),
    metaItem('Steps', String(run.steps.length)),
  );

  // One header for whichever run is shown, so its title row's toolkit buttons stay where they are.
  header ??= h('header', { attrs: { 'aria-label': 'Current run' } });
  header.className = `run-header run-${run.status}`;
  const parts: Child[] = [
    renderTitleRow(run, state, ui),
    followUps && run.status !== 'running' ? kept('follow-ups', run, () => renderFollowUps(run, followUps, ui), JSON.stringify(followUps)) : null,
    h(
      'div',
      { class: 'run-sub-row' },
      meta,
      run.steps.length > 1
        ? h(
            'div',
            { class: 'expand-all' },
            h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => setAllExpanded(run, ui, true) } }, 'Expand all'),
            h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => setAllExpanded(run, ui, false) } }, 'Collapse all'),
          )
        : null,
    ),
    run.error ? renderRunError(run, run.error) : null,
    run.steps.length > 0 ? renderWaterfall(run) : null,
  ];
  syncChildren(header, parts.filter((c): c is Node => c instanceof Node));
  return header;
}

/**
 * The title row's actions belong to the panel, not to a run: toolkit components, costly to build and to
 * remove, so built once and brought up to date for the run shown. Their clicks act on that run.
 */
let titleRow: { element: HTMLElement; title: HTMLElement; spacer: HTMLElement; history: HTMLElement; compare: HTMLElement; exportRun: HTMLElement; runAgain: HTMLElement } | undefined;

function renderTitleRow(run: Run, state: WebviewState, ui: Ui): HTMLElement {
  titleRow ??= buildTitleRow(ui);
  const row = titleRow;
  const running = run.status === 'running';
  row.title.textContent = run.profile.name;
  row.runAgain.setAttribute('aria-label', `Run ${run.profile.name} again`);
  row.runAgain.toggleAttribute('disabled', running);
  row.exportRun.setAttribute('aria-label', `Export the run of ${run.profile.name}`);
  row.exportRun.toggleAttribute('disabled', running);
  row.compare.setAttribute('aria-pressed', String(compareOpen()));
  row.history.setAttribute('aria-pressed', String(historyOpen()));
  const runs = state.runs.map((r) => `${r.id} ${r.startedAt} ${r.profile.name} ${r.status}`).join('\n');
  syncChildren(row.element, [
    row.title,
    kept('status', run, () => runStatusBadge(run), run.status),
    row.spacer,
    ...(state.runs.length > 1 ? [kept('selector', run, () => renderRunSelector(run, state, ui), runs)] : []),
    row.history,
    row.compare,
    row.exportRun,
    row.runAgain,
  ]);
  return row.element;
}

function buildTitleRow(ui: Ui): NonNullable<typeof titleRow> {
  const onShown = (act: (run: Run) => void) => () => {
    if (shown.run) act(shown.run);
  };
  const runAgain = h('vscode-button', { on: { click: onShown((run) => ui.post({ method: 'timeline/run/again', params: { profileId: run.profile.id } })) } }, 'Run again');
  runAgain.classList.add('run-again');
  const exportRun = h('vscode-button', {
    attrs: { appearance: 'secondary', title: 'Export as a shell script, .http file, HAR or Postman collection' },
    on: { click: onShown((run) => ui.post({ method: 'timeline/run/export', params: { runId: run.id } })) },
  }, 'Export…');
  exportRun.classList.add('run-export');
  const compare = h('vscode-button', {
    attrs: { appearance: 'secondary', title: 'Compare the claims of two JWTs: tokens of the runs shown, or one pasted' },
    on: { click: () => ui.toggleCompare() },
  }, 'Compare tokens…');
  compare.classList.add('run-compare');
  return {
    element: h('div', { class: 'run-title-row' }),
    title: h('h1', { class: 'run-title' }),
    spacer: h('span', { class: 'spacer' }),
    history: historyButton(ui),
    compare,
    exportRun,
    runAgain,
  };
}

const FOLLOW_UP_LABELS: Record<FollowUp, { label: string; does: string }> = {
  refresh: { label: 'Refresh', does: 'Use the refresh token for new tokens and show what changed in them (RFC 6749 §6)' },
  introspect: { label: 'Introspect', does: 'Ask the server whether the access token (else the refresh token) is still active (RFC 7662)' },
  revoke: { label: 'Revoke', does: 'Revoke the refresh token (else the access token) (RFC 7009)' },
  userinfo: { label: 'Userinfo', does: 'Call the userinfo endpoint with the access token (OIDC Core §5.3)' },
  signoff: { label: 'Sign off', does: 'End the provider\'s session with the ID token as id_token_hint (RP-Initiated Logout)' },
};

/** What the host can still do with the run's tokens; a button it cannot run is disabled, saying why. */
function renderFollowUps(run: Run, actions: FollowUpAction[], ui: Ui): HTMLElement {
  return h(
    'div',
    { class: 'follow-ups', attrs: { role: 'group', 'aria-label': 'Follow-ups with this run\'s tokens' } },
    h('span', { class: 'follow-ups-label muted' }, 'Then:'),
    ...actions.map(({ action, reason }) => {
      const { label, does } = FOLLOW_UP_LABELS[action];
      const button = h('vscode-button', {
        attrs: { appearance: 'secondary', 'data-follow-up': action, title: reason ?? does, 'aria-label': `${label}: ${reason ?? does}`, disabled: reason ? '' : undefined },
        on: { click: () => ui.post({ method: 'timeline/run/followUp', params: { runId: run.id, action } }) },
      }, label);
      button.classList.add('follow-up');
      return button;
    }),
  );
}

function metaItem(label: string, value: Child): HTMLElement {
  return h('div', { class: 'meta-item' }, h('dt', null, label), h('dd', null, value));
}

/** A step stopped by the person (Cancel) is recorded as failed with CANCELLED; it is shown as cancelled, not as an error. */
type Outcome = Step['status'] | 'cancelled';

function outcomeOf(step: Step): Outcome {
  return step.error?.code === Codes.CANCELLED ? 'cancelled' : step.status;
}

function runStatusBadge(run: Run): HTMLElement {
  const label = { running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' }[run.status] ?? run.status;
  return h('span', { class: `pill pill-${run.status}`, attrs: { 'data-run-status': run.status } }, run.status === 'running' ? spinner('Run in progress') : null, label);
}

function renderRunSelector(run: Run, state: WebviewState, ui: Ui): HTMLElement {
  const select = h('select', {
    class: 'run-select',
    attrs: { 'aria-label': 'Show run' },
    on: { change: () => ui.selectRun(select.value) },
  });
  for (const r of state.runs) {
    const option = h('option', null, `${clockTime(r.startedAt)} · ${r.profile.name} · ${r.status}`);
    option.value = r.id;
    option.selected = r.id === run.id;
    select.appendChild(option);
  }
  return h('label', { class: 'run-select-label' }, h('span', { class: 'visually-hidden' }, 'Run'), select);
}

function renderRunError(run: Run, error: StepError): HTMLElement {
  if (run.status === 'cancelled') {
    const stopped = run.steps.find((s) => outcomeOf(s) === 'cancelled');
    return h('div', { class: 'run-cancelled-note' }, h('p', null, stopped ? `Cancelled during ${stopped.title}.` : 'Cancelled before the first request.'));
  }
  // The step that stopped the run is the last failed one: an earlier one may be a refused try that was asked again.
  const failed = run.steps.findLast((s) => s.status === 'failed');
  return h(
    'div',
    { class: 'run-error' },
    h('p', { class: 'error-message' }, failed ? `Failed at ${failed.title}: ` : 'Failed: ', error.message),
    failed
      ? h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => focusCard(failed.id) } }, 'Go to the failed step')
      : h('p', { class: 'error-hint' }, h('strong', null, 'What to check: '), error.hint.replace(/^what to check:\s*/i, '')),
  );
}

function cardElement(stepId: string): HTMLElement | undefined {
  return [...document.querySelectorAll<HTMLElement>('.timeline .card[data-step-id]')].find((c) => c.dataset.stepId === stepId);
}

/** Scrolls to the step's card and opens it, putting the cards up to it in the page first if they are not yet. */
function focusCard(stepId: string): void {
  const list = document.querySelector<HTMLElement>('.timeline');
  const index = shown.run?.steps.findIndex((step) => step.id === stepId) ?? -1;
  if (list && index >= 0 && showThrough(list, index)) shown.redraw();
  const card = cardElement(stepId);
  if (!card) return;
  card.querySelector<HTMLButtonElement>('.card-toggle[aria-expanded="false"]')?.click();
  card.scrollIntoView({ block: 'start' });
  card.focus();
}

function setAllExpanded(run: Run, ui: Ui, open: boolean): void {
  const cards = new Map([...document.querySelectorAll<HTMLElement>('.timeline .card[data-step-id]')].map((c) => [c.dataset.stepId, c]));
  for (const step of run.steps) {
    ui.setExpanded(`${run.id}\n${step.id}`, open);
    const toggle = cards.get(step.id)?.querySelector<HTMLButtonElement>('.card-toggle');
    if (toggle && (toggle.getAttribute('aria-expanded') === 'true') !== open) toggle.click();
  }
}

/**
 * When each step ran relative to the run, so slow or serial calls stand out. Think time between steps
 * is compressed and marked (see scale.ts), so the requests stay readable beside it.
 */
function renderWaterfall(run: Run): HTMLElement {
  const list = kept('waterfall', run, () => h('ol', { class: 'waterfall', attrs: { 'aria-label': 'Steps over time' } }));
  list.classList.toggle('long-run', run.steps.length > LONG_RUN);
  const start = Date.parse(run.startedAt);
  const spans = run.steps.map((step) => ({
    offset: Math.max(0, Date.parse(step.startedAt) - start) || 0,
    duration: step.duration ?? step.exchange?.timing.total ?? 0,
  }));
  const { bars, gaps } = placeSpans(spans, run.duration ?? 0);
  const gapBefore = new Map(gaps.map((gap) => [gap.before, gap]));
  const items: HTMLElement[] = [];
  const { count, rest } = shownOf(list, run.steps.length, ROWS);
  run.steps.slice(0, count).forEach((step, index) => {
    const gap = gapBefore.get(index);
    if (gap) {
      const mark = h('span', { class: 'wf-gap-mark' });
      place(mark, gap);
      items.push(
        h(
          'li',
          { class: 'wf-gap', attrs: { 'data-idle-ms': String(Math.round(gap.ms)) } },
          h('span', { class: 'wf-gap-text' }, `${formatMs(gap.ms)} idle (waiting for the person; not to scale)`),
          h('span', { class: 'wf-track', attrs: { 'aria-hidden': 'true' } }, mark),
        ),
      );
    }
    const row = waterfallRow(step, index, spans[index].duration);
    place(row.bar, bars[index]);
    items.push(row.item);
  });
  if (rest) items.push(rest);
  syncChildren(list, items);
  return list;
}

/** A step's row is drawn once per step object; only its bar moves as the run's time axis grows. */
const rowCache = new WeakMap<Step, { index: number; item: HTMLElement; bar: HTMLElement }>();

function waterfallRow(step: Step, index: number, duration: number): { item: HTMLElement; bar: HTMLElement } {
  const cached = rowCache.get(step);
  if (cached?.index === index) return cached;
  const outcome = outcomeOf(step);
  const bar = h('span', { class: `wf-bar wf-${outcome}` });
  const status = step.exchange?.response?.status;
  const item = h(
    'li',
    null,
    h(
      'button',
      {
        class: 'wf-row',
        attrs: { type: 'button', 'aria-label': `${step.title}: ${outcome}${status ? `, HTTP ${status}` : ''}, ${formatMs(duration)}. Go to card.` },
        on: { click: () => focusCard(step.id) },
      },
      h('span', { class: `wf-dot dot-${outcome}`, attrs: { 'aria-hidden': 'true' } }),
      h('span', { class: 'wf-title' }, step.title),
      h('span', { class: `wf-code code-${statusClass(status)}` }, status ? String(status) : ''),
      h('span', { class: 'wf-track', attrs: { 'aria-hidden': 'true' } }, bar),
      h('span', { class: 'wf-ms' }, formatMs(duration)),
    ),
  );
  const row = { index, item, bar };
  rowCache.set(step, row);
  return row;
}

/** Positions through CSSOM, which the CSP's style-src does not govern (no inline style attributes). */
function place(element: HTMLElement, { left, width }: { left: number; width: number }): void {
  element.style.left = `${left}%`;
  element.style.width = `${Math.max(width, 0.8)}%`;
}

// ── Token cards (Decode Selected Token) ─────────────────────────────────────────────────────────

function renderTokenCards(state: WebviewState, ui: Ui): HTMLElement {
  const list = h('div', { class: 'token-list' });
  const section = h(
    'section',
    { class: 'token-cards', attrs: { 'aria-label': 'Decoded tokens' } },
    h('h1', { class: 'token-cards-title' }, 'Decoded tokens'),
    h('p', { class: 'muted' }, 'Decoded from an editor with Auth Flow: Decode Selected Token; not part of any run.'),
    list,
  );
  state.tokens.forEach(({ token, source, verifyKey }, index) => {
    list.appendChild(
      h(
        'article',
        { class: `card token-card${token.verified === false ? ' card-failed' : ''}`, attrs: { 'aria-label': `Decoded ${tokenLabel(token.kind)} from ${source}`, tabindex: '-1' } },
        h(
          'div',
          { class: 'card-head' },
          h('h2', { class: 'card-title' }, `Decoded ${tokenLabel(token.kind)}`),
          h('span', { class: 'spacer' }),
          h('button', { class: 'icon-button', attrs: { type: 'button', 'aria-label': 'Dismiss decoded token', title: 'Dismiss' }, on: { click: () => ui.dismissToken(index) } }, '✕'),
        ),
        h('p', { class: 'token-source muted' }, 'Source: ', h('span', { class: 'mono' }, source)),
        renderToken(token, { collapsible: false, copy: { value: ui.copyValue } }),
        verifyKey ? renderVerify(verifyKey, ui) : null,
      ),
    );
  });
  return section;
}

// ── Step cards ──────────────────────────────────────────────────────────────────────────────────

function renderTimeline(run: Run, ui: Ui): HTMLElement {
  const list = kept('timeline', run, () => h('ol', { class: 'timeline' }));
  list.setAttribute('aria-label', `Steps of ${run.profile.name}`);
  list.classList.toggle('long-run', run.steps.length > LONG_RUN);
  const { count, rest } = shownOf(list, run.steps.length, CARDS);
  const redraws = { left: REDRAWS_PER_FRAME };
  const items = run.steps.slice(0, count).map((step, index) => cardItem(run, step, index, ui, redraws));
  if (rest) items.push(rest);
  else if (run.status === 'running' && !run.steps.some((s) => s.status === 'running')) {
    items.push(kept('pending', run, () => h('li', { class: 'pending' }, spinner('Waiting for the next step'), 'Waiting for the next step…')));
  }
  syncChildren(list, items);
  return list;
}

interface Card {
  element: HTMLElement;
  /** Draws again, from `run`, what depends on the other steps (cookie and value tracing), if it was drawn. */
  retrace(run: Run): void;
  /**
   * Adds all but the head (title, status, duration), which is what costs and is read only on screen:
   * the outcome, request and timing lines, warnings, error, the action buttons (toolkit components)
   * and, if the card is open, its details. At once in a short run; in a long one when the card nears
   * the viewport or is opened. Does nothing the second time.
   */
  build(): void;
}

/**
 * A card is built once per step object (the store keeps an unchanged step the same object) and kept
 * while its place, the run's status and its resend editor stay the same; then only its tracing is
 * brought up to date when other steps change.
 */
const cardCache = new WeakMap<Step, Card & { key: string }>();

/**
 * The step's list item: the same element for the step's life in the run, holding its latest card. A
 * card drawn before stays while the step's new card waits its turn (`redraws`), as every card of a
 * run does when the run ends and its steps come back redacted afresh.
 */
function cardItem(run: Run, step: Step, index: number, ui: Ui, redraws: { left: number }): HTMLElement {
  const item = kept(`card ${step.id}`, run, () => h('li'));
  // A finished run offers Edit and resend, whose editor is part of the card.
  const key = `${run.id}\n${index}\n${run.status}\n${resendVersion(run, step)}`;
  const cached = cardCache.get(step);
  if (cached?.key === key) {
    cached.retrace(run);
    if (item.firstChild !== cached.element) item.replaceChildren(cached.element);
    return item;
  }
  const draw = (): void => {
    const card = safeCard(run, step, index, ui);
    cardCache.set(step, { ...card, key });
    item.replaceChildren(card.element);
    // Observed on the item, which keeps its intrinsic size while content-visibility skips the card.
    if (run.steps.length > LONG_RUN) later(item, card.build, { idle: false });
    else card.build();
  };
  if (item.firstChild && redraws.left <= 0) {
    later(item, draw, { idle: true });
  } else {
    if (item.firstChild) redraws.left -= 1;
    forget(item);
    draw();
  }
  return item;
}

/** How far each list is put in the page, by list element (kept per run). */
const fills = new WeakMap<HTMLElement, { count: number; total: number; rest: HTMLElement }>();

/**
 * How many of a list's `total` items are in the page, and the element holding the others' place
 * while they are not. A run arriving whole shows its first `first`; a live run shows each new item
 * as it comes, while the list is complete. The rest follow `chunk` at a time, on idle time or when
 * their place nears the viewport.
 */
function shownOf(list: HTMLElement, total: number, size: { first: number; chunk: number; height: number }): { count: number; rest: HTMLElement | null } {
  let fill = fills.get(list);
  if (!fill) {
    fill = { count: 0, total: 0, rest: h('li', { class: 'list-rest', attrs: { 'aria-hidden': 'true' } }) };
    fills.set(list, fill);
  }
  if (fill.count >= fill.total) fill.count = fill.total + size.first;
  fill.count = Math.min(fill.count, total);
  fill.total = total;
  if (fill.count >= total) {
    forget(fill.rest);
    return { count: total, rest: null };
  }
  const { rest } = fill;
  rest.style.height = `${(total - fill.count) * size.height}px`;
  later(rest, () => {
    fill.count += size.chunk;
    shown.redraw();
  }, { idle: true });
  return { count: fill.count, rest };
}

/** Puts a list's items up to `index` in the page at the next render; false when they are already. */
function showThrough(list: HTMLElement, index: number): boolean {
  const fill = fills.get(list);
  if (!fill || fill.count > index) return false;
  fill.count = index + 1;
  return true;
}

/** A malformed step must not blank the whole timeline, whether its head or the rest fails to draw. */
function safeCard(run: Run, step: Step, index: number, ui: Ui): Card {
  const failed = (error: unknown): HTMLElement => {
    console.error('[timeline] could not render step', step.id, error);
    return h('p', { class: 'error-message' }, 'This step could not be displayed (malformed data).');
  };
  try {
    const card = renderStepCard(run, step, index, ui);
    return {
      ...card,
      build() {
        try {
          card.build();
        } catch (error) {
          card.element.append(failed(error));
        }
      },
    };
  } catch (error) {
    const element = h('article', { class: 'card card-failed', attrs: { 'data-step-id': step.id } }, h('h2', { class: 'card-title' }, step.title), failed(error));
    return { element, retrace: () => undefined, build: () => undefined };
  }
}

function renderStepCard(run: Run, step: Step, index: number, ui: Ui): Card {
  const exchange = step.exchange;
  const response = exchange?.response;
  const status = response?.status;

  const outcome = outcomeOf(step);
  const key = `${run.id}\n${step.id}`;
  // The run as last rendered: the Cookies and Values tabs trace values through its other steps.
  let traced = run;
  const specs = stepTabs(() => traced, index, step, ui);
  const expanded = ui.expandedFor(key) ?? defaultExpanded(step);
  const body = specs.length ? h('div', { class: 'card-body', attrs: { id: uid('card-body') } }) : null;
  // The details (tabs, headers, bodies, tokens) are built when the card is first opened.
  let details: Tabs | undefined;
  const open = (): void => {
    if (!body || details) return;
    details = tabs(`${step.title} details`, specs, ui.tabFor(key) ?? defaultTab(step), (id) => ui.setTab(key, id));
    body.append(details.element);
  };
  if (body) body.hidden = !expanded;
  let built = false;
  const build = (): void => {
    if (built) return;
    built = true;
    const parts = document.createDocumentFragment();
    append(
      parts,
      renderOutcome(step),
      exchange ? renderRequestLine(exchange.request, step.facts?.[PROXY_FACT]) : null,
      exchange ? renderTiming(exchange) : null,
      step.warnings?.length ? renderWarnings(step.warnings) : null,
      step.error ? (outcome === 'cancelled' ? renderCancelled(step.error) : renderError(step.error)) : null,
      exchange ? renderCopyActions(run, step, ui) : null,
      exchange && run.status !== 'running' ? renderResendEditor(run, step, ui) : null,
    );
    card.insertBefore(parts, body);
    if (body && !body.hidden) open();
  };
  const toggle = body
    ? h('button', {
        class: 'card-toggle',
        attrs: { type: 'button', 'aria-expanded': String(expanded), 'aria-controls': body.id },
        on: {
          click: (event) => {
            const button = event.currentTarget as HTMLButtonElement;
            const next = button.getAttribute('aria-expanded') !== 'true';
            button.setAttribute('aria-expanded', String(next));
            body.hidden = !next;
            build();
            if (next) open();
            ui.setExpanded(key, next);
          },
        },
      }, h('span', { class: 'chevron', attrs: { 'aria-hidden': 'true' } }), step.title)
    : null;
  const head = h(
    'div',
    { class: 'card-head' },
    h('span', { class: `step-index dot-${outcome}`, attrs: { 'aria-hidden': 'true' } }, String(index + 1)),
    h('h2', { class: 'card-title' }, toggle ?? step.title),
    h('span', { class: 'spacer' }),
    step.status === 'running'
      ? h('span', { class: 'pill pill-running' }, spinner(`${step.title} running`), 'Running')
      : null,
    exchange
      ? h(
          'span',
          { class: `code-badge code-${statusClass(status)}`, attrs: { 'data-status': status === undefined ? 'none' : String(status), title: response ? `HTTP ${status} ${response.statusText}` : 'No response' } },
          response ? `${status} ${response.statusText}`.trim() : step.status === 'running' ? '…' : outcome === 'cancelled' ? 'Cancelled' : 'No response',
        )
      : null,
    step.duration !== undefined ? h('span', { class: 'duration', attrs: { 'data-duration': String(step.duration) } }, formatMs(step.duration)) : null,
    startOffset(run, step),
  );

  const card = h(
    'article',
    {
      class: `card card-${outcome}`,
      attrs: {
        'data-step-id': step.id,
        'data-step-kind': step.kind,
        'data-step-status': step.status,
        tabindex: '-1',
        'aria-label': `Step ${index + 1}: ${step.title}, ${outcome}${status ? `, HTTP ${status}` : ''}`,
      },
    },
    head,
    body,
  );
  return {
    element: card,
    build,
    retrace(run) {
      if (run.steps === traced.steps) return;
      traced = run;
      details?.rebuild(['cookies', 'values']);
    },
  };
}

/** The outcome line: what the step came to, readable with the card folded. */
function renderOutcome(step: Step): HTMLElement | null {
  const parts = stepOutcome(step);
  if (parts.length === 0) return null;
  return h('p', { class: 'outcome', attrs: { 'aria-label': 'Outcome' } }, ...parts.map((part) => h('span', { class: part.startsWith('✕') ? 'outcome-item outcome-failed' : 'outcome-item' }, part)));
}

/** "at +0.42 s": when the step began, counted from the start of the run. */
function startOffset(run: Run, step: Step): HTMLElement | null {
  const offset = Date.parse(step.startedAt) - Date.parse(run.startedAt);
  if (!Number.isFinite(offset) || offset < 0) return null;
  return h('span', { class: 'offset muted', attrs: { title: `Started ${step.startedAt}` } }, `at +${formatMs(offset)}`);
}

/** Open what needs reading: a failure, a step still running, tokens. The rest is one click away. */
function defaultExpanded(step: Step): boolean {
  return (step.status !== 'succeeded' && outcomeOf(step) !== 'cancelled') || step.tokens.length > 0;
}

function defaultTab(step: Step): string {
  if (step.diffs?.length) return 'changes';
  if (step.tokens?.length) return 'tokens';
  if (step.kind === 'authorize' && step.status !== 'failed') return 'request';
  return step.exchange?.response ? 'response' : 'request';
}

function stepTabs(traced: () => Run, index: number, step: Step, ui: Ui): TabSpec[] {
  const specs: TabSpec[] = [];
  const exchange = step.exchange;
  if (exchange) {
    specs.push({ id: 'request', label: 'Request', content: () => renderRequest(exchange.request, step) });
    const code = exchange.response?.status;
    specs.push({
      id: 'response',
      label: 'Response',
      alert: code === undefined ? outcomeOf(step) === 'failed' : code >= 400,
      content: () => renderResponse(exchange, step),
    });
    const cookies = exchange.cookies.sent.length + exchange.cookies.set.length;
    if (cookies > 0) specs.push({ id: 'cookies', label: 'Cookies', badge: String(cookies), content: () => renderCookies(traced(), index, exchange.cookies) });
  }
  // What the step kept (state, PKCE, flowId, flow status, code…) and where each value went next. The
  // proxy is how the request travelled, not a value of the flow: the request line shows it.
  const values = Object.entries(step.facts).filter(([name]) => name !== PROXY_FACT);
  if (values.length > 0) specs.push({ id: 'values', label: 'Values', badge: String(values.length), content: () => renderValues(traced(), step, values) });
  const { checks } = step;
  if (checks.length > 0) {
    const passed = checks.filter((c) => c.status === 'passed').length;
    specs.push({ id: 'checks', label: 'Checks', badge: `${passed}/${checks.length}`, alert: checks.some((c) => c.status === 'failed'), content: () => renderChecks(checks) });
  }
  const diffs = step.diffs ?? [];
  if (diffs.length > 0) {
    const differing = diffs.reduce((n, d) => n + d.entries.filter((e) => e.change !== 'same').length, 0);
    specs.push({
      id: 'changes',
      label: 'Changes',
      badge: String(differing),
      content: () => h('div', { class: 'diffs' }, ...diffs.map((d) => section(`${tokenLabel(d.kind)}: what the refresh changed`, renderDiffTable(d.entries, `${tokenLabel(d.kind)} claims, old and new`), `diff-${d.kind}`))),
    });
  }
  const { tokens } = step;
  if (tokens.length > 0) {
    specs.push({
      id: 'tokens',
      label: 'Tokens',
      badge: String(tokens.length),
      alert: tokens.some((t) => t.verified === false),
      content: () => h(
        'div',
        { class: 'tokens' },
        ...tokens.map((t, tokenIndex) =>
          renderToken(t, {
            collapsible: true,
            open: tokenIndex === 0 || t.verified === false,
            copy: {
              value: ui.copyValue,
              token: (status) => ui.copy((id) => ({ method: 'timeline/token/copy', params: { id, runId: traced().id, stepId: step.id, tokenIndex } }), status, 'Waiting for confirmation…'),
            },
          }),
        ),
      ),
    });
  }
  return specs;
}

/** The fact the engine sets on a step whose request went through a proxy: `http://proxy:3128 (from the setting http.proxy)`. */
const PROXY_FACT = 'proxy';

/** Method and URL, readable with the card folded, and the proxy the request went through, if any. */
function renderRequestLine(request: RecordedRequest, proxy: string | undefined): HTMLElement {
  const parts = splitUrl(request.url);
  const url = parts
    ? h(
        'span',
        { class: 'url' },
        h('span', { class: 'url-origin' }, parts.origin),
        h('strong', { class: 'url-path' }, parts.path),
        parts.query.length ? h('span', { class: 'url-query' }, `?${parts.query.map(([k]) => k).join('&')}…`) : null,
      )
    : h('span', { class: 'url' }, request.url);
  const via = proxy
    ? h('span', { class: 'via-proxy', attrs: { 'data-proxy': proxy, title: 'The forward proxy this request went through, and the setting or variable that named it' } }, 'via proxy ', h('span', { class: 'proxy-name' }, proxy))
    : null;
  return h('p', { class: 'request-line', attrs: { title: request.url } }, h('span', { class: `method method-${request.method.toLowerCase()}` }, request.method), url, via);
}

/** Only what the transport measured: a request that never connected shows no connect time, not "0 ms (reused)". */
function renderTiming(exchange: Exchange): HTMLElement {
  const { connect, ttfb, total } = exchange.timing ?? { total: 0 };
  const bar = h('span', { class: 'timing-bar', attrs: { 'aria-hidden': 'true' } });
  const segments: [string, number][] = [
    ['connect', connect ?? 0],
    ['wait', ttfb === undefined ? 0 : Math.max(ttfb - (connect ?? 0), 0)],
    ['download', ttfb === undefined ? 0 : Math.max(total - ttfb, 0)],
  ];
  for (const [name, ms] of segments) {
    const segment = h('span', { class: `seg seg-${name}` });
    segment.style.width = total > 0 ? `${(ms / total) * 100}%` : '0';
    bar.appendChild(segment);
  }
  return h(
    'p',
    { class: 'timing' },
    bar,
    h('span', { class: 'timing-text' },
      connect === undefined ? null : h('span', { class: 'timing-item' }, h('span', { class: 'key seg-connect-key' }, 'connect'), ` ${formatMs(connect)}${connect === 0 ? ' (reused)' : ''}`),
      ttfb === undefined ? null : h('span', { class: 'timing-item' }, h('span', { class: 'key seg-wait-key' }, 'TTFB'), ` ${formatMs(ttfb)}`),
      h('span', { class: 'timing-item' }, h('span', { class: 'key seg-download-key' }, 'total'), ` ${formatMs(total)}`),
    ),
  );
}

function renderWarnings(warnings: string[]): HTMLElement {
  return h('ul', { class: 'warnings', attrs: { 'aria-label': 'Warnings' } }, ...warnings.map((w) => h('li', null, h('span', { class: 'warn-icon', attrs: { 'aria-hidden': 'true' } }, '⚠'), w)));
}

function renderError(error: StepError): HTMLElement {
  const box = h(
    'div',
    { class: 'error-box', attrs: { 'data-error-code': error.code } },
    h('p', { class: 'error-message' }, h('span', { class: 'error-icon', attrs: { 'aria-hidden': 'true' } }, '✕'), error.message),
    h('p', { class: 'error-hint' }, h('strong', null, 'What to check: '), error.hint.replace(/^what to check:\s*/i, '')),
    h('p', { class: 'error-code muted' }, 'Code ', h('code', null, error.code)),
  );
  if (error.detail !== undefined) {
    box.appendChild(h('details', { class: 'error-detail' }, h('summary', null, 'Error detail'), jsonView(error.detail)));
  }
  return box;
}

/** Cancelled by the person: said plainly, without the error styling or a hint to fix anything. */
function renderCancelled(error: StepError): HTMLElement {
  return h('div', { class: 'cancel-box', attrs: { 'data-error-code': error.code } }, h('p', null, h('span', { class: 'cancel-icon', attrs: { 'aria-hidden': 'true' } }, '■'), error.message));
}

function renderCopyActions(run: Run, step: Step, ui: Ui): HTMLElement {
  const status = h('span', { class: 'copy-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const copy = (includeSecrets: boolean): void =>
    ui.copy((id) => ({ method: 'timeline/curl/copy', params: { id, runId: run.id, stepId: step.id, includeSecrets } }), status, includeSecrets ? 'Waiting for confirmation…' : 'Copying…');
  const plain = cardButton('Copy as cURL', {
    attrs: { 'aria-label': `Copy ${step.title} as cURL, secrets as variables`, 'data-copy': 'plain' },
    on: { click: () => copy(false) },
  });
  const secret = cardButton('Copy with secrets', {
    class: 'copy-secrets',
    attrs: { 'aria-label': `Copy ${step.title} as cURL with secrets`, title: 'Copy with secrets (asks first)', 'data-copy': 'secrets' },
    on: { click: () => copy(true) },
  }, 'quiet');
  return h('div', { class: 'card-actions' }, plain, secret, run.status === 'running' ? null : resendButton(run, step, ui), status);
}
