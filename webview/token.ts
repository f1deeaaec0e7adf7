/** A decoded JWT: signature status first, then claims explained, times in words, header, checks. */
import type { DecodedToken } from '../src/core/model';
import { disclosure, kvTable, richTable, section } from './blocks';
import { h, type Child } from './dom';
import { renderChecks } from './exchange';
import { CLAIMS, JOSE_HEADER } from './explain';
import { describeTime, display } from './format';

export function tokenLabel(kind: DecodedToken['kind']): string {
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

export function renderToken(token: DecodedToken, options: { collapsible: boolean; open?: boolean }): HTMLElement {
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
  const details: Node[] = [
    section('Payload', richTable(payloadRows, 'Claim', 'claims')),
    section('Header', kvTable(Object.entries(token.header).map(([k, v]) => [k, display(v), JOSE_HEADER[k]]), 'Parameter', 'jose-header')),
  ];
  if (token.checks?.length) details.push(section('Checks', renderChecks(token.checks)));
  details.push(disclosure('Signature part', h('pre', { class: 'code-block' }, token.signature)));

  const attrs = { 'data-token-kind': token.kind };
  if (options.collapsible) {
    // Several tokens in one step: each is a disclosure whose summary already says whether it verified.
    const element = h(
      'details',
      { class: `token token-${summary.state}`, attrs },
      h('summary', { class: 'token-summary' }, h('h3', { class: 'token-title' }, tokenLabel(token.kind)), signature, timeLine),
      h('div', { class: 'token-body' }, ...details),
    );
    element.open = options.open ?? true;
    return element;
  }
  return h('section', { class: `token token-${summary.state}`, attrs }, signature, timeLine, ...details);
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
