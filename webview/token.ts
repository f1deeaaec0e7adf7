/** A decoded JWT: signature status first, then claims explained, times in words, header, checks. */
import { CheckCodes } from '../src/core/codes';
import type { DecodedToken } from '../src/core/model';
import { cardButton, disclosure, kvTable, richTable, section } from './blocks';
import { h, type Child } from './dom';
import { renderChecks } from './exchange';
import { CLAIMS, JOSE_HEADER } from './explain';
import { describeTime, display } from './format';

export function tokenLabel(kind: DecodedToken['kind']): string {
  return ({ id_token: 'ID token', access_token: 'Access token', refresh_token: 'Refresh token', request_object: 'Request object', client_assertion: 'Client assertion', dpop_proof: 'DPoP proof', token: 'token' } as Record<string, string>)[kind] ?? kind;
}

/** "Verified with key <kid> from JWKS", or the failed check named; what a reviewer reads first. */
export function signatureSummary(token: DecodedToken): { state: 'verified' | 'failed' | 'unchecked'; text: string } {
  const { checks } = token;
  const signature = checks.find((c) => c.code === CheckCodes.SIGNATURE);
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

/** How a token's copy buttons reach the clipboard (through the host); main.ts shows the answer in `status`. */
export interface TokenCopy {
  /** Copies text written here from the redacted token. */
  value(text: string, status: HTMLElement): void;
  /** Has the host copy the token as issued; absent when no run the host holds has it (a token decoded from an editor). */
  token?(status: HTMLElement): void;
}

export function renderToken(token: DecodedToken, options: { collapsible: boolean; open?: boolean; copy: TokenCopy }): HTMLElement {
  const status = h('span', { class: 'copy-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const copyValue = (text: string) => options.copy.value(text, status);
  const summary = signatureSummary(token);
  const times = new Map<string, number>();
  for (const t of token.times) times.set(t.claim, t.value);
  for (const claim of TIME_CLAIMS) {
    const v = token.payload[claim];
    if (!times.has(claim) && typeof v === 'number') times.set(claim, v);
  }

  const payloadRows = () => Object.entries(token.payload).map(([claim, value]) => {
    const epoch = times.get(claim);
    const valueCell: Child =
      epoch !== undefined
        ? h('span', { class: 'time-value' }, h('time', { class: 'mono', attrs: { datetime: isoOf(epoch) } }, isoOf(epoch)), ' ', relTime(claim, epoch, token), h('span', { class: 'muted epoch' }, ` (${epoch})`))
        : h('span', { class: 'mono' }, display(value));
    const copy = h(
      'button',
      { class: 'icon-button copy-claim', attrs: { type: 'button', 'aria-label': `Copy the value of ${claim}`, title: 'Copy value' }, on: { click: () => copyValue(claimText(value)) } },
    );
    return { name: claim, value: h('span', { class: 'claim-value' }, valueCell, copy), note: CLAIMS[claim] };
  });

  const exp = times.get('exp');
  const iat = times.get('iat');
  const lifetime = exp !== undefined && iat !== undefined ? `lifetime ${formatLifetime(exp - iat)}` : undefined;

  const signature = h('span', { class: `signature sig-${summary.state}`, attrs: { 'data-signature': summary.state } }, h('span', { class: 'check-icon', attrs: { 'aria-hidden': 'true' } }, summary.state === 'verified' ? '✓' : summary.state === 'failed' ? '✕' : '–'), summary.text);
  const timeLine =
    times.size > 0
      ? h(
          'span',
          { class: 'token-times' },
          iat !== undefined ? relTime('iat', iat, token) : null,
          iat !== undefined && exp !== undefined ? ' · ' : null,
          exp !== undefined ? relTime('exp', exp, token) : null,
          lifetime ? h('span', { class: 'muted' }, ` · ${lifetime}`) : null,
        )
      : null;
  const details = (): Node[] => [
    renderTokenActions(token, options.copy, status, copyValue),
    section('Payload', richTable(payloadRows(), 'Claim', 'claims')),
    section('Header', kvTable(Object.entries(token.header).map(([k, v]) => [k, display(v), JOSE_HEADER[k]]), 'Parameter', 'jose-header')),
    ...(token.checks.length ? [section('Checks', renderChecks(token.checks))] : []),
    disclosure('Signature part', h('pre', { class: 'code-block' }, token.signature)),
  ];

  const attrs = { 'data-token-kind': token.kind };
  if (options.collapsible) {
    // Several tokens in one step: each is a disclosure whose summary already says whether it verified.
    // A folded one builds its claims, header and checks when first opened.
    const body = h('div', { class: 'token-body' });
    const fill = (): void => {
      if (!body.firstChild) body.append(...details());
    };
    const element = h(
      'details',
      {
        class: `token token-${summary.state}`,
        attrs,
        on: {
          toggle: () => {
            if (!element.open || body.firstChild) return;
            fill();
            refreshTimes(body);
          },
        },
      },
      h('summary', { class: 'token-summary' }, h('h3', { class: 'token-title' }, tokenLabel(token.kind)), signature, timeLine),
      body,
    );
    element.open = options.open ?? true;
    if (element.open) fill();
    // Times filled now: a token drawn after a render (its card or tab opened) would wait for the next refresh.
    refreshTimes(element);
    return element;
  }
  const element = h('section', { class: `token token-${summary.state}`, attrs }, signature, timeLine, ...details());
  refreshTimes(element);
  return element;
}

/**
 * Header and payload are copied as the webview holds them: redacted, and no secret (a JWT's first two
 * parts are base64url JSON, readable by anyone who holds it, RFC 7519 §3). The token itself is, so the
 * host copies it, after asking.
 */
function renderTokenActions(token: DecodedToken, copy: TokenCopy, status: HTMLElement, copyValue: (text: string) => void): HTMLElement {
  const label = tokenLabel(token.kind);
  const button = (text: string, name: string, ariaLabel: string, click: () => void, title?: string) =>
    cardButton(text, { class: 'copy-token-part', attrs: { 'aria-label': ariaLabel, title, 'data-copy': name }, on: { click } });
  const fromHost = copy.token;
  return h(
    'div',
    { class: 'card-actions token-actions' },
    fromHost ? button('Copy token…', 'token', `Copy the ${label} as issued`, () => fromHost(status), 'Copy the token as issued, in clear text (asks first)') : null,
    button('Copy header', 'header', `Copy the ${label} header as JSON`, () => copyValue(JSON.stringify(token.header, null, 2))),
    button('Copy payload', 'payload', `Copy the ${label} payload as JSON`, () => copyValue(JSON.stringify(token.payload, null, 2))),
    status,
  );
}

/** A string claim as it is; anything else as the JSON it was in the payload. */
function claimText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
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
  const atDecode = token.times.find((t) => t.claim === claim)?.relative;
  return h('span', { class: `reltime rel-${claim}`, attrs: { 'data-epoch': String(epoch), 'data-claim': claim, title: atDecode ? `When decoded: ${atDecode}` : undefined } });
}

export function refreshTimes(root: ParentNode, now = Date.now()): void {
  for (const element of root.querySelectorAll<HTMLElement>('.reltime')) {
    const epoch = Number(element.dataset.epoch);
    const claim = element.dataset.claim ?? '';
    if (!Number.isFinite(epoch)) continue;
    const text = describeTime(claim, epoch, now);
    // Every render runs this over the page: a text rewritten unchanged would still be restyled.
    if (element.textContent !== text) element.textContent = text;
    element.classList.toggle('expired', claim === 'exp' && epoch * 1000 <= now);
  }
}
