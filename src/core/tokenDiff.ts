/**
 * Two tokens' claims compared, claim by claim: what a refresh (RFC 6749 §6; OIDC Core §12.2) changed
 * in the access and ID tokens, or any two JWTs a person picks. The time claims of RFC 7519 §4.1 and
 * OIDC Core §2 (exp, iat, nbf, auth_time) are also said in words, relative to `now`: "exp moved 1 h
 * later: expires in 59 min". Plain data in, plain data out, no Node APIs: the webview uses it too.
 */
import type { ClaimChange } from './model';

export type { ClaimChange, ClaimChangeKind, TokenDiff } from './model';

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/**
 * Every claim of either payload, in the old payload's order and then the new one's additions.
 * `now` is milliseconds since the epoch, as `Date.now()`.
 */
export function diffClaims(oldPayload: Record<string, unknown>, newPayload: Record<string, unknown>, now: number = Date.now()): ClaimChange[] {
  const claims = [...new Set([...Object.keys(oldPayload), ...Object.keys(newPayload)])];
  return claims.map((claim) => {
    const had = Object.hasOwn(oldPayload, claim);
    const has = Object.hasOwn(newPayload, claim);
    const before = oldPayload[claim];
    const after = newPayload[claim];
    const change = !had ? 'added' : !has ? 'removed' : sameValue(before, after) ? 'same' : 'changed';
    const entry: ClaimChange = { claim, change, ...(had ? { before } : {}), ...(has ? { after } : {}) };
    const words = TIME_CLAIMS.has(claim) ? timeWords(entry, now) : undefined;
    return words ? { ...entry, words } : entry;
  });
}

/** "exp, iat, jti changed; cnf added": one line for a list of entries, "no claim changed" when none did. */
export function summarizeDiff(entries: ClaimChange[]): string {
  const parts = (['changed', 'added', 'removed'] as const)
    .map((change) => ({ change, claims: entries.filter((e) => e.change === change).map((e) => e.claim) }))
    .filter((group) => group.claims.length)
    .map((group) => `${group.claims.join(', ')} ${group.change}`);
  return parts.length ? parts.join('; ') : 'no claim changed';
}

/** Same JSON value: key order inside objects does not matter, array order does. */
function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 8.64e12;
}

function timeWords(entry: ClaimChange, now: number): string | undefined {
  const { claim, change, before, after } = entry;
  switch (change) {
    case 'added':
      return isSeconds(after) ? `${claim} added: ${moment(claim, after, now)}` : undefined;
    case 'removed':
      return isSeconds(before) ? `${claim} removed (it said: ${moment(claim, before, now)})` : undefined;
    case 'same':
      return isSeconds(after) ? `${claim} unchanged: ${moment(claim, after, now)}` : undefined;
    case 'changed': {
      if (!isSeconds(after)) return undefined;
      if (!isSeconds(before)) return `${claim} is now a date: ${moment(claim, after, now)}`;
      const moved = after - before;
      return `${claim} moved ${span(Math.abs(moved))} ${moved > 0 ? 'later' : 'earlier'}: ${moment(claim, after, now)}`;
    }
  }
}

/** What a time claim's value means now: "expires in 59 min", "issued 2 s ago". */
function moment(claim: string, seconds: number, now: number): string {
  const delta = Math.round(seconds - now / 1000);
  const far = span(Math.abs(delta));
  const future = delta >= 5;
  const past = delta <= -5;
  switch (claim) {
    case 'exp':
      return future ? `expires in ${far}` : past ? `expired ${far} ago` : 'expires now';
    case 'nbf':
      return future ? `not valid for another ${far}` : past ? `valid since ${far} ago` : 'valid from now';
    case 'iat':
      return future ? `issued ${far} in the future` : past ? `issued ${far} ago` : 'issued just now';
    default:
      return future ? `signed on ${far} in the future` : past ? `signed on ${far} ago` : 'signed on just now';
  }
}

/** A length of time in the two largest units that matter: "45 s", "59 min", "1 h 5 min", "2 d 3 h". */
export function span(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) {
    const minutes = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((s % 86400) / 3600);
  return `${Math.floor(s / 86400)} d${hours ? ` ${hours} h` : ''}`;
}
