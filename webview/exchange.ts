/** The Request, Response, Cookies, Values and Checks tabs of a step card. */
import type { Check, CookieRecord, Exchange, RecordedRequest, RecordedResponse, Run, Step } from '../src/core/model';
import { disclosure, jsonView, kvTable, richTable, section, valueText } from './blocks';
import { h } from './dom';
import { explainHeader, PARAMETERS, VALUES, type HeaderContext } from './explain';
import { display, formatBytes, headerValue, isFormBody, splitUrl, statusClass, tryJson } from './format';
import { cookieSentBy, cookieSetBy, whereSeen } from './trace';

export function renderRequest(request: RecordedRequest, step: Step): HTMLElement {
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
  out.appendChild(section(`Headers (${request.headers.length})`, headersTable(request.headers, { kind: step.kind, side: 'request' })));
  if (request.rawHead) out.appendChild(disclosure('Raw request head', h('pre', { class: 'code-block' }, request.rawHead)));
  return out;
}

export function renderResponse(exchange: Exchange, step: Step): HTMLElement {
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
  out.appendChild(section(`Headers (${response.headers.length})`, headersTable(response.headers, { kind: step.kind, side: 'response', status: response.status })));
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

function headersTable(headers: [string, string][], context: HeaderContext): HTMLElement {
  return kvTable(headers.map(([k, v]) => [k, v, explainHeader(k, context)]), 'Header', 'headers');
}

// ── Cookies / values / checks ────────────────────────────────────────────────────────────────────

export function renderCookies(run: Run, index: number, cookies: Exchange['cookies']): HTMLElement {
  const out = h('div', { class: 'section-stack' });
  const { sent, set } = cookies;
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

export function renderValues(run: Run, step: Step, values: [string, string][]): HTMLElement {
  const rows = values.map(([k, v]) => {
    const seen = whereSeen(run, step, v);
    return {
      name: k,
      note: VALUES[k] ?? PARAMETERS[k],
      value: h(
        'span',
        null,
        valueText(v),
        seen.length ? h('span', { class: 'seen', attrs: { 'aria-label': 'Also in' } }, h('span', { class: 'seen-label' }, 'also in'), ...seen.map((s) => h('span', { class: 'seen-item' }, s))) : null,
      ),
    };
  });
  return richTable(rows, 'Name', 'values');
}

export function renderChecks(checks: Check[]): HTMLElement {
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
