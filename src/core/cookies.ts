/**
 * A per-run cookie jar, so the `ST` / `ST-NO-SS` session cookies PingOne sets on authorize and sign-on
 * flow to /flows and /as/resume the way a browser would carry them — no pasting.
 *
 * Parsing is undici's (`parseCookie`, a Set-Cookie value per RFC 6265 §5.2); storage and matching follow RFC 6265 §5.3–5.4: host-only vs
 * Domain cookies, default-path, Max-Age over Expires, Secure only over https, longest path first.
 * Public-suffix checks are not applied: a run talks to one authorization server.
 */
import { parseCookie } from 'undici';
import type { CookieRecord } from './model';

interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  /** ms since epoch; undefined for a session cookie. */
  expiresAt?: number;
  secure: boolean;
  createdAt: number;
}

export class CookieJar {
  #cookies: StoredCookie[] = [];
  #sequence = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Stores the response's Set-Cookie headers for `url`; returns what was set, as the server sent it. */
  store(url: URL, headers: [string, string][]): CookieRecord[] {
    // A value undici cannot parse is ignored, as §5.2 has a user agent ignore it.
    const parsed = headers.flatMap(([name, value]) => (name.toLowerCase() === 'set-cookie' ? (parseCookie(value) ?? []) : []));
    const now = this.#now();
    const host = url.hostname.toLowerCase();
    const records: CookieRecord[] = [];
    for (const cookie of parsed) {
      const record: CookieRecord = {
        name: cookie.name,
        value: cookie.value,
        ...(cookie.domain ? { domain: cookie.domain } : {}),
        ...(cookie.path ? { path: cookie.path } : {}),
        ...(cookie.expires ? { expires: new Date(cookie.expires).toISOString() } : {}),
        ...(cookie.secure ? { secure: true } : {}),
        ...(cookie.httpOnly ? { httpOnly: true } : {}),
        ...(cookie.sameSite ? { sameSite: cookie.sameSite } : {}),
      };
      records.push(record);

      // §5.3 step 6: a Domain attribute must domain-match the request host, else the cookie is ignored.
      // (undici has already dropped a leading dot, §5.2.3.)
      const domainAttribute = cookie.domain?.toLowerCase();
      if (domainAttribute && !domainMatches(host, domainAttribute)) continue;
      // §5.3 step 11: secure cookies can only be set from a secure origin.
      if (cookie.secure && url.protocol !== 'https:') continue;

      let expiresAt: number | undefined;
      if (cookie.maxAge !== undefined) expiresAt = now + cookie.maxAge * 1000;
      else if (cookie.expires !== undefined) expiresAt = new Date(cookie.expires).getTime();

      const stored: StoredCookie = {
        name: cookie.name,
        value: cookie.value,
        domain: domainAttribute ?? host,
        hostOnly: !domainAttribute,
        // undici already reads a Path that does not start with '/' as '/' (it has no request URL to
        // take §5.2.4's default-path from); only a missing Path gets the request's default-path here.
        path: cookie.path ?? defaultPath(url),
        expiresAt,
        secure: cookie.secure ?? false,
        createdAt: this.#sequence++,
      };
      const existing = this.#cookies.findIndex(
        (c) => c.name === stored.name && c.domain === stored.domain && c.path === stored.path,
      );
      if (existing >= 0) {
        stored.createdAt = this.#cookies[existing].createdAt;
        this.#cookies.splice(existing, 1);
      }
      // An already expired cookie (Max-Age=0, a past Expires) only deletes: cookiesFor evicts it.
      this.#cookies.push(stored);
    }
    return records;
  }

  /** The cookies a browser would send to `url`, in RFC 6265 §5.4 order. */
  cookiesFor(url: URL): CookieRecord[] {
    const now = this.#now();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
    const host = url.hostname.toLowerCase();
    return this.#cookies
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatches(host, c.domain)))
      .filter((c) => pathMatches(url.pathname, c.path))
      .filter((c) => !c.secure || url.protocol === 'https:')
      .sort((a, b) => b.path.length - a.path.length || a.createdAt - b.createdAt)
      .map((c) => ({ name: c.name, value: c.value, domain: c.domain, path: c.path }));
  }
}

/** RFC 6265 §5.1.3. IP addresses only match themselves. */
function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  const isIp = /^[\d.]+$/.test(host) || host.includes(':');
  return !isIp && host.endsWith(`.${domain}`);
}

/** RFC 6265 §5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** RFC 6265 §5.1.4 default-path: the request path up to, not including, its last slash. */
function defaultPath(url: URL): string {
  // An http(s) URL's pathname always starts with '/'.
  const path = url.pathname;
  if (path.lastIndexOf('/') === 0) return '/';
  return path.slice(0, path.lastIndexOf('/'));
}
