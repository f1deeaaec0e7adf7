/** Small pure formatters shared by the cards. */

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "2 s", "59 min", "3 h", "2 d": floor, like the engine's relativeTime. */
export function span(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  const [size, unit] = units.find(([u]) => s >= u) ?? [1, 's'];
  return `${Math.floor(s / size)} ${unit}`;
}

/**
 * A time claim in words, relative to `nowMs`: "expires in 59 min", "expired 3 h ago",
 * "issued 2 s ago", "signed in 1 min ago". Recomputed when shown so a restored timeline stays true.
 */
export function describeTime(claim: string, epochSeconds: number, nowMs: number): string {
  const delta = epochSeconds - nowMs / 1000;
  const future = delta > 0;
  const amount = span(delta);
  const rel = Math.abs(delta) < 1 ? 'just now' : future ? `in ${amount}` : `${amount} ago`;
  switch (claim) {
    case 'exp':
      return future ? `expires ${rel}` : `expired ${rel}`;
    case 'iat':
      return `issued ${rel}`;
    case 'nbf':
      return future ? `not valid until ${rel}` : `valid since ${rel}`;
    case 'auth_time':
      return `signed in ${rel}`;
    case 'updated_at':
      return `profile updated ${rel}`;
    default:
      return rel;
  }
}

export type StatusClass = 'ok' | 'redirect' | 'client-error' | 'server-error' | 'info' | 'none';

export function statusClass(status: number | undefined): StatusClass {
  if (status === undefined) return 'none';
  if (status >= 500) return 'server-error';
  if (status >= 400) return 'client-error';
  if (status >= 300) return 'redirect';
  if (status >= 200) return 'ok';
  return 'info';
}

export interface UrlParts {
  origin: string;
  path: string;
  query: [string, string][];
  hash: string;
}

/** Splits a URL for display; undefined when it does not parse (then it is shown as text). */
export function splitUrl(url: string): UrlParts | undefined {
  try {
    const parsed = new URL(url);
    return {
      origin: parsed.origin === 'null' ? `${parsed.protocol}//` : parsed.origin,
      path: parsed.pathname,
      query: [...parsed.searchParams.entries()],
      hash: parsed.hash,
    };
  } catch {
    return undefined;
  }
}

export function headerValue(headers: [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Parses text as JSON when it looks like JSON; undefined otherwise. */
export function tryJson(text: string | undefined): unknown {
  if (!text) return undefined;
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

export function isFormBody(contentType: string | undefined, body: string | undefined): boolean {
  if (!body) return false;
  if (contentType) return contentType.toLowerCase().includes('application/x-www-form-urlencoded');
  return /^[\w.%~-]+=[^&]*(&[\w.%~-]+=[^&]*)*$/.test(body.trim());
}

/** toLocaleTimeString's own fields, in a formatter made once: the header shows a time on every render. */
let clock: Intl.DateTimeFormat | undefined;

/** `14:04:58` in the viewer's locale; the ISO string goes in a tooltip. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  clock ??= new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: false });
  return Number.isNaN(date.getTime()) ? iso : clock.format(date);
}

export function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
