/**
 * Builds the timeline from a WebviewState: run header, decoded tokens, one card per step.
 * All data reaches the DOM as text (see dom.ts).
 */
import type { Check, CookieRecord, DecodedToken, Exchange, RecordedRequest, RecordedResponse, Run, Step, StepError } from '../src/core/model';
import type { WebviewMessage, WebviewState } from '../src/protocol';
import { h, uid, type Child } from './dom';
import { CLAIMS, FACTS, JOSE_HEADER, PARAMETERS } from './explain';
import { clockTime, describeTime, display, formatBytes, formatMs, headerValue, isFormBody, splitUrl, statusClass, tryJson } from './format';
import { currentRun } from './store';
import { tabs, type TabSpec } from './tabs';
import { cookieSetBy, cookieSentBy, whereSeen } from './trace';

export interface Ui {
  post(message: WebviewMessage): void;
  selectRun(runId: string): void;
  dismissToken(index: number): void;
  tabFor(key: string): string | undefined;
  setTab(key: string, tab: string): void;
  /** Whether a card's details are open; undefined until the user toggles it. */
  expandedFor(key: string): boolean | undefined;
  setExpanded(key: string, open: boolean): void;
  /** Where the confirmation for a copy request is shown; main.ts writes into it. */
  registerCopyStatus(runId: string, stepId: string, element: HTMLElement): void;
}

/** Cards are rebuilt only when their step object changes, so tabs, focus and selection survive streaming. */
const cardCache = new WeakMap<object, { key: string; element: HTMLElement }>();

export function renderApp(root: HTMLElement, state: WebviewState, ui: Ui): void {
  const run = currentRun(state);
  const children: Child[] = [];
  if (run) children.push(guard('run header', () => renderHeader(run, state, ui)));
  if (state.tokens.length > 0) children.push(guard('decoded tokens', () => renderTokenCards(state, ui)));
  if (run) children.push(guard('timeline', () => renderTimeline(run, ui)));
  if (!run && state.tokens.length === 0) children.push(renderEmpty());
  root.replaceChildren(...children.filter((c): c is Node => c instanceof Node));
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

function renderEmpty(): HTMLElement {
  return h(
    'section',
    { class: 'empty', attrs: { 'aria-label': 'No run yet' } },
    h('h1', null, 'No run yet'),
    h('p', null, 'Run a flow: ', h('strong', null, 'Auth Flow: Run Auth Flow'), ', or try the local sandbox.'),
    h('p', { class: 'muted' }, 'Every request, redirect, cookie and token of the sign-on will appear here, step by step.'),
  );
}

// ── Header ──────────────────────────────────────────────────────────────────────────────────────

function renderHeader(run: Run, state: WebviewState, ui: Ui): HTMLElement {
  const runAgain = h('vscode-button', {
    attrs: { 'aria-label': `Run ${run.profile.name} again`, disabled: run.status === 'running' ? '' : undefined },
    on: { click: () => ui.post({ method: 'timeline/run/again', params: { profileId: run.profile.id } }) },
  }, 'Run again');
  runAgain.classList.add('run-again');

  const meta = h(
    'dl',
    { class: 'run-meta' },
    metaItem('Issuer', h('span', { class: 'mono' }, run.profile.issuer)),
    metaItem('Client', h('span', { class: 'mono' }, run.profile.clientId)),
    metaItem('Started', h('time', { attrs: { datetime: run.startedAt, title: run.startedAt } }, clockTime(run.startedAt))),
    metaItem('Total', h('span', { class: 'run-duration' }, run.status === 'running' ? 'running…' : formatMs(run.duration))),
    metaItem('Steps', String(run.steps.length)),
  );

  return h(
    'header',
    { class: `run-header run-${run.status}`, attrs: { 'aria-label': 'Current run' } },
    h(
      'div',
      { class: 'run-title-row' },
      h('h1', { class: 'run-title' }, run.profile.name),
      runStatusBadge(run),
      h('span', { class: 'spacer' }),
      state.runs.length > 1 ? renderRunSelector(run, state, ui) : null,
      runAgain,
    ),
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
  );
}

function metaItem(label: string, value: Child): HTMLElement {
  return h('div', { class: 'meta-item' }, h('dt', null, label), h('dd', null, value));
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
  const failed = run.steps.find((s) => s.status === 'failed');
  return h(
    'div',
    { class: 'run-error' },
    h('p', { class: 'error-message' }, failed ? `Failed at ${failed.title}: ` : run.status === 'cancelled' ? 'Cancelled: ' : 'Failed: ', error.message),
    failed
      ? h('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => focusCard(failed.id) } }, 'Go to the failed step')
      : h('p', { class: 'error-hint' }, h('strong', null, 'What to check: '), error.hint.replace(/^what to check:\s*/i, '')),
  );
}

function cardElement(stepId: string): HTMLElement | undefined {
  return [...document.querySelectorAll<HTMLElement>('.timeline .card[data-step-id]')].find((c) => c.dataset.stepId === stepId);
}

function focusCard(stepId: string): void {
  const card = cardElement(stepId);
  if (!card) return;
  card.querySelector<HTMLButtonElement>('.card-toggle[aria-expanded="false"]')?.click();
  card.scrollIntoView({ block: 'start' });
  card.focus();
}

function setAllExpanded(run: Run, ui: Ui, open: boolean): void {
  for (const step of run.steps) {
    ui.setExpanded(`${run.id}\n${step.id}`, open);
    const toggle = cardElement(step.id)?.querySelector<HTMLButtonElement>('.card-toggle');
    if (toggle && (toggle.getAttribute('aria-expanded') === 'true') !== open) toggle.click();
  }
}

/** When each step ran relative to the run, so slow or serial calls stand out. */
function renderWaterfall(run: Run): HTMLElement {
  const start = Date.parse(run.startedAt);
  const spans = run.steps.map((step) => {
    const offset = Math.max(0, Date.parse(step.startedAt) - start) || 0;
    return { step, offset, duration: step.duration ?? step.exchange?.timing?.total ?? 0 };
  });
  const total = Math.max(run.duration ?? 0, ...spans.map((s) => s.offset + s.duration), 1);
  const list = h('ol', { class: 'waterfall', attrs: { 'aria-label': 'Steps over time' } });
  spans.forEach(({ step, offset, duration }) => {
    const bar = h('span', { class: `wf-bar wf-${step.status}` });
    bar.style.left = `${(offset / total) * 100}%`;
    bar.style.width = `${Math.max((duration / total) * 100, 0.8)}%`;
    const status = step.exchange?.response?.status;
    list.appendChild(
      h(
        'li',
        null,
        h(
          'button',
          {
            class: 'wf-row',
            attrs: { type: 'button', 'aria-label': `${step.title}: ${step.status}${status ? `, HTTP ${status}` : ''}, ${formatMs(duration)}. Go to card.` },
            on: { click: () => focusCard(step.id) },
          },
          h('span', { class: `wf-dot dot-${step.status}`, attrs: { 'aria-hidden': 'true' } }),
          h('span', { class: 'wf-title' }, step.title),
          h('span', { class: `wf-code code-${statusClass(status)}` }, status ? String(status) : ''),
          h('span', { class: 'wf-track', attrs: { 'aria-hidden': 'true' } }, bar),
          h('span', { class: 'wf-ms' }, formatMs(duration)),
        ),
      ),
    );
  });
  return list;
}

// ── Token cards (Decode Selected Token) ─────────────────────────────────────────────────────────

function renderTokenCards(state: WebviewState, ui: Ui): HTMLElement {
  const section = h('section', { class: 'token-cards', attrs: { 'aria-label': 'Decoded tokens' } });
  state.tokens.forEach(({ token, source }, index) => {
    section.appendChild(
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
        renderToken(token, false),
      ),
    );
  });
  return section;
}

// ── Step cards ──────────────────────────────────────────────────────────────────────────────────

function renderTimeline(run: Run, ui: Ui): HTMLElement {
  const list = h('ol', { class: 'timeline', attrs: { 'aria-label': `Steps of ${run.profile.name}` } });
  run.steps.forEach((step, index) => {
    // Cookie and value tracing look at the other steps, so a new step refreshes every card.
    const key = `${run.id}\n${index}\n${run.steps.length}`;
    const cached = cardCache.get(step);
    let element = cached?.key === key ? cached.element : undefined;
    if (!element) {
      element = safeCard(run, step, index, ui);
      cardCache.set(step, { key, element });
    }
    list.appendChild(h('li', null, element));
  });
  if (run.status === 'running' && !run.steps.some((s) => s.status === 'running')) {
    list.appendChild(h('li', { class: 'pending' }, spinner('Waiting for the next step'), 'Waiting for the next step…'));
  }
  return list;
}

/** A malformed step must not blank the whole timeline. */
function safeCard(run: Run, step: Step, index: number, ui: Ui): HTMLElement {
  try {
    return renderStepCard(run, step, index, ui);
  } catch (error) {
    console.error('[timeline] could not render step', step.id, error);
    return h('article', { class: 'card card-failed', attrs: { 'data-step-id': step.id } }, h('h2', { class: 'card-title' }, step.title), h('p', { class: 'error-message' }, 'This step could not be displayed (malformed data).'));
  }
}

function renderStepCard(run: Run, step: Step, index: number, ui: Ui): HTMLElement {
  const exchange = step.exchange;
  const response = exchange?.response;
  const status = response?.status;
  const failed = step.status === 'failed';

  const key = `${run.id}\n${step.id}`;
  const specs = stepTabs(run, index, step);
  const expanded = ui.expandedFor(key) ?? defaultExpanded(step);
  const bodyId = uid('card-body');
  const toggle = specs.length
    ? h('button', {
        class: 'card-toggle',
        attrs: { type: 'button', 'aria-expanded': String(expanded), 'aria-controls': bodyId },
        on: {
          click: () => {
            const open = toggle?.getAttribute('aria-expanded') !== 'true';
            toggle?.setAttribute('aria-expanded', String(open));
            const body = document.getElementById(bodyId);
            if (body) body.hidden = !open;
            ui.setExpanded(key, open);
          },
        },
      }, h('span', { class: 'chevron', attrs: { 'aria-hidden': 'true' } }), step.title)
    : null;
  const head = h(
    'div',
    { class: 'card-head' },
    h('span', { class: `step-index dot-${step.status}`, attrs: { 'aria-hidden': 'true' } }, String(index + 1)),
    h('h2', { class: 'card-title' }, toggle ?? step.title),
    h('span', { class: 'spacer' }),
    step.status === 'running'
      ? h('span', { class: 'pill pill-running' }, spinner(`${step.title} running`), 'Running')
      : null,
    exchange
      ? h(
          'span',
          { class: `code-badge code-${statusClass(status)}`, attrs: { 'data-status': status === undefined ? 'none' : String(status), title: response ? `HTTP ${status} ${response.statusText}` : 'No response' } },
          response ? `${status} ${response.statusText}`.trim() : step.status === 'running' ? '…' : 'No response',
        )
      : null,
    step.duration !== undefined ? h('span', { class: 'duration', attrs: { 'data-duration': String(step.duration) } }, formatMs(step.duration)) : null,
    startOffset(run, step),
  );

  const card = h(
    'article',
    {
      class: `card card-${step.status}`,
      attrs: {
        'data-step-id': step.id,
        'data-step-kind': step.kind,
        'data-step-status': step.status,
        tabindex: '-1',
        'aria-label': `Step ${index + 1}: ${step.title}, ${step.status}${status ? `, HTTP ${status}` : ''}`,
      },
    },
    head,
    exchange ? renderRequestLine(exchange.request) : null,
    exchange ? renderTiming(exchange) : null,
    step.warnings?.length ? renderWarnings(step.warnings) : null,
    step.error ? renderError(step.error) : null,
    exchange ? renderCopyActions(run, step, ui) : null,
  );

  if (specs.length > 0) {
    const body = h('div', { class: 'card-body', attrs: { id: bodyId } }, tabs(`${step.title} details`, specs, ui.tabFor(key) ?? defaultTab(step), (id) => ui.setTab(key, id)));
    body.hidden = !expanded;
    card.appendChild(body);
  }
  if (failed) card.setAttribute('aria-invalid', 'true');
  return card;
}

/** "at +0.42 s": when the step began, counted from the start of the run. */
function startOffset(run: Run, step: Step): HTMLElement | null {
  const offset = Date.parse(step.startedAt) - Date.parse(run.startedAt);
  if (!Number.isFinite(offset) || offset < 0) return null;
  return h('span', { class: 'offset muted', attrs: { title: `Started ${step.startedAt}` } }, `at +${formatMs(offset)}`);
}

/** Open what needs reading: a failure, a step still running, tokens. The rest is one click away. */
function defaultExpanded(step: Step): boolean {
  return step.status !== 'succeeded' || (step.tokens?.length ?? 0) > 0;
}

function defaultTab(step: Step): string {
  if (step.tokens?.length) return 'tokens';
  if (step.kind === 'authorize' && step.status !== 'failed') return 'request';
  return step.exchange?.response ? 'response' : 'request';
}

function stepTabs(run: Run, index: number, step: Step): TabSpec[] {
  const specs: TabSpec[] = [];
  const exchange = step.exchange;
  if (exchange) {
    specs.push({ id: 'request', label: 'Request', content: renderRequest(exchange.request) });
    const code = exchange.response?.status;
    specs.push({
      id: 'response',
      label: 'Response',
      alert: code === undefined ? step.status === 'failed' : code >= 400,
      content: renderResponse(exchange, step),
    });
    const cookies = (exchange.cookies?.sent?.length ?? 0) + (exchange.cookies?.set?.length ?? 0);
    if (cookies > 0) specs.push({ id: 'cookies', label: 'Cookies', badge: String(cookies), content: renderCookies(run, index, exchange.cookies) });
  }
  const facts = Object.entries(step.facts ?? {});
  if (facts.length > 0) specs.push({ id: 'facts', label: 'Facts', badge: String(facts.length), content: renderFacts(run, step, facts) });
  const checks = step.checks ?? [];
  if (checks.length > 0) {
    const passed = checks.filter((c) => c.status === 'passed').length;
    specs.push({ id: 'checks', label: 'Checks', badge: `${passed}/${checks.length}`, alert: checks.some((c) => c.status === 'failed'), content: renderChecks(checks) });
  }
  const tokens = step.tokens ?? [];
  if (tokens.length > 0) {
    specs.push({
      id: 'tokens',
      label: 'Tokens',
      badge: String(tokens.length),
      alert: tokens.some((t) => t.verified === false),
      content: h('div', { class: 'tokens' }, ...tokens.map((t) => renderToken(t, true))),
    });
  }
  return specs;
}

function renderRequestLine(request: RecordedRequest): HTMLElement {
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
  return h('p', { class: 'request-line', attrs: { title: request.url } }, h('span', { class: `method method-${request.method.toLowerCase()}` }, request.method), url);
}

function renderTiming(exchange: Exchange): HTMLElement {
  const { connect, ttfb, total } = exchange.timing ?? { connect: 0, ttfb: 0, total: 0 };
  const bar = h('span', { class: 'timing-bar', attrs: { 'aria-hidden': 'true' } });
  const segments: [string, number][] = [
    ['connect', connect],
    ['wait', Math.max(ttfb - connect, 0)],
    ['download', Math.max(total - ttfb, 0)],
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
      h('span', { class: 'timing-item' }, h('span', { class: 'key seg-connect-key' }, 'connect'), ` ${formatMs(connect)}${connect === 0 ? ' (reused)' : ''}`),
      h('span', { class: 'timing-item' }, h('span', { class: 'key seg-wait-key' }, 'TTFB'), ` ${formatMs(ttfb)}`),
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

function renderCopyActions(run: Run, step: Step, ui: Ui): HTMLElement {
  const status = h('span', { class: 'copy-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  ui.registerCopyStatus(run.id, step.id, status);
  const copy = (includeSecrets: boolean): void => {
    status.textContent = includeSecrets ? 'Waiting for confirmation…' : 'Copying…';
    status.className = 'copy-status';
    ui.post({ method: 'timeline/curl/copy', params: { runId: run.id, stepId: step.id, includeSecrets } });
  };
  const plain = h('vscode-button', {
    attrs: { appearance: 'secondary', 'aria-label': `Copy ${step.title} as cURL, secrets as variables`, 'data-copy': 'plain' },
    on: { click: () => copy(false) },
  }, 'Copy as cURL');
  const secret = h('vscode-button', {
    attrs: { appearance: 'icon', 'aria-label': `Copy ${step.title} as cURL with secrets`, title: 'Copy with secrets (asks first)', 'data-copy': 'secrets' },
    on: { click: () => copy(true) },
  }, 'Copy with secrets');
  secret.classList.add('copy-secrets');
  return h('div', { class: 'card-actions' }, plain, secret, status);
}

// ── Request / response ──────────────────────────────────────────────────────────────────────────

function renderRequest(request: RecordedRequest): HTMLElement {
  const parts = splitUrl(request.url);
  const contentType = headerValue(request.headers, 'content-type');
  const out = h(
    'div',
    { class: 'section-stack' },
    section('Request line', h('pre', { class: 'code-block' }, `${request.method} ${request.url}`)),
  );
  if (parts && parts.query.length > 0) {
    out.appendChild(section(`Query parameters (${parts.query.length})`, kvTable(parts.query.map(([k, v]) => [k, v, PARAMETERS[k]]), 'Parameter', 'query')));
  }
  if (request.body) {
    if (isFormBody(contentType, request.body)) {
      const form = [...new URLSearchParams(request.body).entries()];
      out.appendChild(section(`Form body (${form.length})`, kvTable(form.map(([k, v]) => [k, v, PARAMETERS[k]]), 'Field', 'form')));
    } else {
      const json = tryJson(request.body);
      if (json !== undefined) out.appendChild(section('JSON body', jsonView(json)));
    }
    out.appendChild(disclosure('Raw body', h('pre', { class: 'code-block raw-body' }, request.body)));
  }
  out.appendChild(section(`Headers (${request.headers?.length ?? 0})`, headersTable(request.headers)));
  if (request.rawHead) out.appendChild(disclosure('Raw request head', h('pre', { class: 'code-block' }, request.rawHead)));
  return out;
}

function renderResponse(exchange: Exchange, step: Step): HTMLElement {
  const response = exchange.response;
  if (!response) {
    return h('div', { class: 'section-stack' }, h('p', { class: 'muted' }, step.status === 'running' ? 'Waiting for the response…' : 'No response was received.'));
  }
  const out = h(
    'div',
    { class: 'section-stack' },
    section(
      'Status',
      h('p', { class: 'status-line' }, h('span', { class: `code-badge code-${statusClass(response.status)}` }, `HTTP ${response.status} ${response.statusText}`.trim()), h('span', { class: 'muted' }, ` ${formatBytes(response.size)}`)),
    ),
  );
  const location = headerValue(response.headers, 'location');
  if (location) out.appendChild(renderLocation(location));
  // pi.flow: the resume answers 200 JSON with the redirect's parameters in authorizeResponse.
  const json = response.json ?? tryJson(response.body);
  const authorizeResponse = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).authorizeResponse : undefined;
  if (typeof authorizeResponse === 'object' && authorizeResponse !== null) {
    const params = Object.entries(authorizeResponse).map(([k, v]): [string, string, string | undefined] => [k, display(v), PARAMETERS[k]]);
    out.appendChild(section('Authorize response (pi.flow)', kvTable(params, 'Parameter', 'location')));
  }
  out.appendChild(renderBody(response));
  out.appendChild(section(`Headers (${response.headers?.length ?? 0})`, headersTable(response.headers)));
  return out;
}

/** A redirect's target, split: this is where code, state and error travel. */
function renderLocation(location: string): HTMLElement {
  const parts = splitUrl(location);
  const content = h('div', { class: 'location' }, h('p', { class: 'location-url mono' }, location));
  if (parts) {
    const params: [string, string][] = [...parts.query];
    // OAuth responses may come back in the fragment (response_mode=fragment).
    if (parts.hash.length > 1) params.push(...new URLSearchParams(parts.hash.slice(1)).entries());
    if (params.length > 0) {
      const table = kvTable(params.map(([k, v]) => [k, v, PARAMETERS[k]]), 'Parameter', 'location');
      for (const row of table.querySelectorAll('tr[data-name]')) {
        const name = (row as HTMLElement).dataset.name;
        if (name === 'error' || name === 'error_description') row.classList.add('row-error');
      }
      content.appendChild(table);
    }
  }
  return section('Redirect (Location)', content);
}

function renderBody(response: RecordedResponse): HTMLElement {
  if (!response.body && response.json === undefined) return section('Body', h('p', { class: 'muted' }, '(empty body)'));
  const json = response.json !== undefined ? response.json : tryJson(response.body);
  if (json !== undefined) {
    return h('div', null, section('Body (JSON)', jsonView(json)), disclosure('Raw body', h('pre', { class: 'code-block raw-body' }, response.body)));
  }
  return section('Body', h('pre', { class: 'code-block raw-body' }, response.body));
}

function headersTable(headers: [string, string][] | undefined): HTMLElement {
  return kvTable((headers ?? []).map(([k, v]) => [k, v, undefined]), 'Header', 'headers');
}

// ── Cookies / facts / checks ────────────────────────────────────────────────────────────────────

function renderCookies(run: Run, index: number, cookies: Exchange['cookies']): HTMLElement {
  const out = h('div', { class: 'section-stack' });
  const sent = cookies.sent ?? [];
  const set = cookies.set ?? [];
  const origin = (c: CookieRecord): string => {
    const by = cookieSetBy(run, index, c.name);
    return by ? `set by ${by.title}` : 'not set during this run (from the cookie jar)';
  };
  const later = (c: CookieRecord): string => {
    const by = cookieSentBy(run, index, c.name).map((s) => s.title);
    return by.length ? `sent back by ${by.join(', ')}` : index === run.steps.length - 1 ? '' : 'not sent back by any later step';
  };
  out.appendChild(section(`Sent (${sent.length})`, sent.length ? cookieTable(sent, false, origin) : h('p', { class: 'muted' }, 'No cookies were sent.'), 'cookies-sent'));
  out.appendChild(section(`Set by the response (${set.length})`, set.length ? cookieTable(set, true, later) : h('p', { class: 'muted' }, 'The response set no cookies.'), 'cookies-set'));
  return out;
}

function cookieTable(cookies: CookieRecord[], withAttributes: boolean, note: (c: CookieRecord) => string): HTMLElement {
  const head = h('tr', null, h('th', { attrs: { scope: 'col' } }, 'Name'), h('th', { attrs: { scope: 'col' } }, withAttributes ? 'Value and attributes' : 'Value'));
  const rows = cookies.map((c) => {
    const attributes: string[] = [];
    if (c.domain) attributes.push(`Domain=${c.domain}`);
    if (c.path) attributes.push(`Path=${c.path}`);
    if (c.expires) attributes.push(`Expires=${c.expires}`);
    if (c.secure) attributes.push('Secure');
    if (c.httpOnly) attributes.push('HttpOnly');
    if (c.sameSite) attributes.push(`SameSite=${c.sameSite}`);
    if (!c.expires) attributes.push('session cookie');
    return h(
      'tr',
      { attrs: { 'data-name': c.name } },
      h('th', { attrs: { scope: 'row' } }, h('span', { class: 'mono name' }, c.name), note(c) ? h('span', { class: 'note provenance' }, note(c)) : null),
      h(
        'td',
        null,
        valueText(c.value),
        withAttributes ? h('span', { class: 'chips', attrs: { 'aria-label': 'Attributes' } }, ...attributes.map((a) => h('span', { class: 'chip' }, a))) : null,
      ),
    );
  });
  return h('div', { class: 'table-wrap' }, h('table', { class: 'kv cookies' }, h('thead', null, head), h('tbody', null, ...rows)));
}

function renderFacts(run: Run, step: Step, facts: [string, string][]): HTMLElement {
  const rows = facts.map(([k, v]) => {
    const seen = whereSeen(run, step, v);
    return {
      name: k,
      note: FACTS[k] ?? PARAMETERS[k],
      value: h(
        'span',
        null,
        valueText(v),
        seen.length ? h('span', { class: 'seen', attrs: { 'aria-label': 'Also in' } }, h('span', { class: 'seen-label' }, 'also in'), ...seen.map((s) => h('span', { class: 'seen-item' }, s))) : null,
      ),
    };
  });
  return richTable(rows, 'Fact', 'facts');
}

function renderChecks(checks: Check[]): HTMLElement {
  return h(
    'ul',
    { class: 'checks' },
    ...checks.map((c) =>
      h(
        'li',
        { class: `check check-${c.status}`, attrs: { 'data-check': c.name, 'data-check-status': c.status } },
        h('span', { class: 'check-icon', attrs: { 'aria-hidden': 'true' } }, c.status === 'passed' ? '✓' : c.status === 'failed' ? '✕' : '–'),
        h('span', { class: 'check-name' }, c.name),
        h('span', { class: 'visually-hidden' }, ` ${c.status}: `),
        h('span', { class: 'check-detail' }, c.detail),
      ),
    ),
  );
}

// ── Tokens ──────────────────────────────────────────────────────────────────────────────────────

function tokenLabel(kind: DecodedToken['kind']): string {
  return ({ id_token: 'ID token', access_token: 'Access token', refresh_token: 'Refresh token', request_object: 'Request object', client_assertion: 'Client assertion', token: 'token' } as Record<string, string>)[kind] ?? kind;
}

/** "Verified with key <kid> from JWKS", or the failed check named; what a reviewer reads first. */
export function signatureSummary(token: DecodedToken): { state: 'verified' | 'failed' | 'unchecked'; text: string } {
  const checks = token.checks ?? [];
  const signature = checks.find((c) => c.name.toLowerCase().includes('signature'));
  const kid = typeof token.header.kid === 'string' ? token.header.kid : undefined;
  const alg = typeof token.header.alg === 'string' ? token.header.alg : undefined;
  if (signature?.status === 'failed') return { state: 'failed', text: `Signature check failed: ${signature.detail}` };
  const failedOthers = checks.filter((c) => c.status === 'failed');
  if (signature?.status === 'passed') {
    const base = `Verified with key ${kid ?? '(no kid)'} from JWKS${alg ? ` (${alg})` : ''}`;
    if (failedOthers.length > 0) return { state: 'failed', text: `${base}, but ${failedOthers.map((c) => `${c.name} failed: ${c.detail}`).join('; ')}` };
    return { state: 'verified', text: base };
  }
  if (failedOthers.length > 0) return { state: 'failed', text: failedOthers.map((c) => `${c.name} failed: ${c.detail}`).join('; ') };
  return { state: 'unchecked', text: token.verified === undefined ? 'Signature not checked (decoded only)' : 'Signature not checked' };
}

const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time', 'updated_at'];

function renderToken(token: DecodedToken, withTitle: boolean): HTMLElement {
  const summary = signatureSummary(token);
  const times = new Map<string, number>();
  for (const t of token.times ?? []) if (typeof t.value === 'number') times.set(t.claim, t.value);
  for (const claim of TIME_CLAIMS) {
    const v = token.payload[claim];
    if (!times.has(claim) && typeof v === 'number') times.set(claim, v);
  }

  const payloadRows = Object.entries(token.payload).map(([claim, value]) => {
    const epoch = times.get(claim);
    const valueCell: Child =
      epoch !== undefined
        ? h('span', { class: 'time-value' }, h('time', { class: 'mono', attrs: { datetime: isoOf(epoch) } }, isoOf(epoch)), ' ', relTime(claim, epoch, token), h('span', { class: 'muted epoch' }, ` (${epoch})`))
        : h('span', { class: 'mono' }, display(value));
    return { name: claim, value: valueCell, note: CLAIMS[claim] };
  });

  const exp = times.get('exp');
  const iat = times.get('iat');
  const lifetime = exp !== undefined && iat !== undefined ? `lifetime ${formatLifetime(exp - iat)}` : undefined;

  const element = h(
    'section',
    { class: `token token-${summary.state}`, attrs: { 'data-token-kind': token.kind } },
    withTitle ? h('h3', { class: 'token-title' }, tokenLabel(token.kind)) : null,
    h('p', { class: `signature sig-${summary.state}`, attrs: { 'data-signature': summary.state } }, h('span', { class: 'check-icon', attrs: { 'aria-hidden': 'true' } }, summary.state === 'verified' ? '✓' : summary.state === 'failed' ? '✕' : '–'), summary.text),
    times.size > 0
      ? h(
          'p',
          { class: 'token-times' },
          iat !== undefined ? relTime('iat', iat, token) : null,
          iat !== undefined && exp !== undefined ? ' · ' : null,
          exp !== undefined ? relTime('exp', exp, token) : null,
          lifetime ? h('span', { class: 'muted' }, ` · ${lifetime}`) : null,
        )
      : null,
    section('Payload', richTable(payloadRows, 'Claim', 'claims')),
    section('Header', kvTable(Object.entries(token.header).map(([k, v]) => [k, display(v), JOSE_HEADER[k]]), 'Parameter', 'jose-header')),
  );
  if (token.checks?.length) element.appendChild(section('Checks', renderChecks(token.checks)));
  element.appendChild(disclosure('Signature part', h('pre', { class: 'code-block' }, token.signature)));
  return element;
}

function isoOf(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSeconds) : date.toISOString().replace('.000Z', 'Z');
}

function formatLifetime(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600} h`;
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Filled (and kept current) by refreshTimes; the engine's decode-time wording goes in the tooltip. */
function relTime(claim: string, epoch: number, token: DecodedToken): HTMLElement {
  const atDecode = token.times?.find((t) => t.claim === claim)?.relative;
  return h('span', { class: `reltime rel-${claim}`, attrs: { 'data-epoch': String(epoch), 'data-claim': claim, title: atDecode ? `When decoded: ${atDecode}` : undefined } });
}

export function refreshTimes(root: ParentNode, now = Date.now()): void {
  for (const element of root.querySelectorAll<HTMLElement>('.reltime')) {
    const epoch = Number(element.dataset.epoch);
    const claim = element.dataset.claim ?? '';
    if (!Number.isFinite(epoch)) continue;
    const text = describeTime(claim, epoch, now);
    element.textContent = text;
    element.classList.toggle('expired', claim === 'exp' && epoch * 1000 <= now);
  }
}

// ── Building blocks ─────────────────────────────────────────────────────────────────────────────

function section(title: string, content: Node, name?: string): HTMLElement {
  return h('section', { class: 'sub', attrs: { 'data-section': name ?? title.replace(/\s*\(.*$/, '').toLowerCase() } }, h('h4', { class: 'sub-title' }, title), content);
}

function disclosure(title: string, content: Node): HTMLElement {
  return h('details', { class: 'disclosure' }, h('summary', null, title), content);
}

function kvTable(rows: [string, string, string | undefined][], nameHeader: string, name: string): HTMLElement {
  return richTable(rows.map(([k, v, note]) => ({ name: k, value: valueText(v), note })), nameHeader, name);
}

/** A value; a redacted secret (`$CLIENT_SECRET`) is marked so nobody mistakes it for the real one. */
function valueText(value: string): HTMLElement {
  if (/^(Bearer |Basic )?\$[A-Z][A-Z0-9_]*$/.test(value)) {
    return h('span', { class: 'mono secret-var', attrs: { title: 'Redacted secret: "Copy with secrets" fills it in' } }, value);
  }
  return h('span', { class: 'mono' }, value);
}

function richTable(rows: { name: string; value: Child; note?: string }[], nameHeader: string, name: string): HTMLElement {
  const body = h('tbody', null);
  for (const row of rows) {
    body.appendChild(
      h(
        'tr',
        { attrs: { 'data-name': row.name } },
        h('th', { attrs: { scope: 'row' } }, h('span', { class: 'mono name' }, row.name), row.note ? h('span', { class: 'note' }, row.note) : null),
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

function spinner(label: string): HTMLElement {
  return h('vscode-progress-ring', { class: 'spinner', attrs: { 'aria-label': label } });
}
