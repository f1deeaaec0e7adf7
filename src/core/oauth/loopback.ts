/**
 * The loopback listener of a native app (RFC 8252 §7.3, §8.3): an HTTP server on the redirect URI's
 * loopback address and port that waits for the browser's request to the redirect URI's path (the
 * authorization response, RFC 6749 §4.1.2, in the query), answers the browser with a page saying what
 * happened, and hands the request over. Anything else on that port (a favicon) gets 404. The server
 * closes once the request came, the wait timed out or was cancelled.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Codes } from '../codes';
import { FlowError } from '../errors';

export const DEFAULT_LOOPBACK_TIMEOUT_MS = 5 * 60_000;

/** The hint for a redirect URI this listener cannot serve. */
export const LOOPBACK_REDIRECT_HINT =
  'Register a loopback redirect URI on the application, such as http://127.0.0.1:53682/callback, and use it in the profile; or paste the URL the browser ended on when asked.';

const LOOPBACK_HOSTS: Record<string, string[]> = {
  '127.0.0.1': ['127.0.0.1'],
  '[::1]': ['::1'],
  // A browser may reach `localhost` over IPv4 or IPv6: listen on both where the machine has both.
  localhost: ['127.0.0.1', '::1'],
};

/** The browser's request to the redirect URI, and the page it was answered with. */
export interface LoopbackCallback {
  /** The full URL the browser asked for (the redirect URI with the authorization response). */
  url: string;
  method: string;
  /** As received, except Cookie: cookies are not scoped by port (RFC 6265 §8.5), so they belong to other local apps. */
  headers: [string, string][];
  response: { status: number; headers: [string, string][]; body: string };
  /** Milliseconds from listening to the callback. */
  waitedMs: number;
}

export interface LoopbackOptions {
  /** Default {@link DEFAULT_LOOPBACK_TIMEOUT_MS}. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * A problem the run finds in the response (another state), shown on the page instead of "Signed in".
   * The server's own `error` is always shown.
   */
  problemOf?: (url: URL) => string | undefined;
}

export interface LoopbackListener {
  /** The redirect URI listened for. */
  redirectUri: string;
  /** Resolves with the callback; rejects on timeout (LOOPBACK_TIMEOUT) or cancellation (AbortError). Closes the listener either way. */
  wait(options?: LoopbackOptions): Promise<LoopbackCallback>;
  /** Closes the listener without waiting (idempotent). */
  close(): Promise<void>;
}

/** Where a redirect URI can be listened on: its loopback addresses, port and path; or a FlowError saying why not. */
export function loopbackTarget(redirectUri: string): { hosts: string[]; port: number; path: string } {
  const url = URL.parse(redirectUri);
  if (!url || url.protocol !== 'http:' || !LOOPBACK_HOSTS[url.hostname]) {
    throw new FlowError(
      Codes.REDIRECT_NOT_LOOPBACK,
      `The redirect URI ${redirectUri} is not an http loopback address (127.0.0.1, localhost or [::1]), so this machine cannot receive the browser's redirect there.`,
      LOOPBACK_REDIRECT_HINT,
    );
  }
  return { hosts: LOOPBACK_HOSTS[url.hostname]!, port: Number(url.port || 80), path: url.pathname };
}

/** Starts listening on the redirect URI; throws REDIRECT_NOT_LOOPBACK, LOOPBACK_PORT_IN_USE or LOOPBACK_UNAVAILABLE. */
export async function listenOnLoopback(redirectUri: string): Promise<LoopbackListener> {
  const { hosts, port, path } = loopbackTarget(redirectUri);
  const started = performance.now();
  let onCallback: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => answer(response, 503, 'Not ready', '<p>Auth Flow Explorer is not waiting for a sign-on yet.</p>');
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', redirectUri);
    if (url.pathname !== path) answer(response, 404, 'Not found', '<p>Nothing here: this port only receives the sign-on redirect.</p>');
    else if (request.method !== 'GET') answer(response, 405, 'Method not allowed', '<p>The sign-on redirect comes as a GET request.</p>', [['allow', 'GET']]);
    else onCallback(request, response);
  };
  const servers: Server[] = [];
  const close = async () => {
    await Promise.all(
      servers.splice(0).map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  };
  try {
    for (const [index, host] of hosts.entries()) {
      const server = createServer(handler);
      server.listen(port, host);
      try {
        await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
        servers.push(server);
      } catch (error) {
        // localhost's IPv6 address is optional: a machine without IPv6 is served on IPv4 alone.
        const code = (error as NodeJS.ErrnoException).code;
        if (index > 0 && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
        throw listenError(error as NodeJS.ErrnoException, redirectUri, port);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    redirectUri,
    close,
    async wait(options: LoopbackOptions = {}) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_LOOPBACK_TIMEOUT_MS;
      const { signal } = options;
      try {
        signal?.throwIfAborted();
        return await new Promise<LoopbackCallback>((resolve, reject) => {
          const settle = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
          };
          const fail = (error: Error) => {
            settle();
            reject(error);
          };
          const timer = setTimeout(
            () =>
              fail(
                new FlowError(
                  Codes.LOOPBACK_TIMEOUT,
                  `No redirect reached ${redirectUri} within ${describeDuration(timeoutMs)}.`,
                  'Finish signing on in the browser sooner, or check that the browser is sent to this redirect URI (the one registered on the application). If the browser ended on a page this machine cannot reach, run again and paste its URL.',
                ),
              ),
            timeoutMs,
          );
          const onAbort = () => fail(signal?.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : abortError());
          signal?.addEventListener('abort', onAbort, { once: true });
          onCallback = (request, response) => {
            const url = new URL(request.url ?? '/', redirectUri);
            const page = pageFor(url, options.problemOf);
            const sent = answer(response, 200, page.title, page.body);
            settle();
            resolve({
              url: url.href,
              method: request.method ?? 'GET',
              headers: pairs(request.rawHeaders).filter(([name]) => name.toLowerCase() !== 'cookie'),
              response: sent,
              waitedMs: Math.round(performance.now() - started),
            });
          };
        });
      } finally {
        await close();
      }
    },
  };
}

function abortError(): Error {
  const error = new Error('The sign-on was cancelled.');
  error.name = 'AbortError';
  return error;
}

function listenError(error: NodeJS.ErrnoException, redirectUri: string, port: number): FlowError {
  if (error.code === 'EADDRINUSE') {
    return new FlowError(
      Codes.LOOPBACK_PORT_IN_USE,
      `Port ${port} of the redirect URI ${redirectUri} is already in use, so the browser's redirect cannot be received there.`,
      `Stop what listens on port ${port} (another run, a dev server), or register a redirect URI on a free port; or paste the URL the browser ended on when asked.`,
      { cause: error },
    );
  }
  return new FlowError(Codes.LOOPBACK_UNAVAILABLE, `The redirect URI ${redirectUri} cannot be listened on: ${error.message}`, LOOPBACK_REDIRECT_HINT, { cause: error });
}

/** What the browser shows: the server's error, a problem the run found, or that sign-on is done. */
function pageFor(url: URL, problemOf: LoopbackOptions['problemOf']): { title: string; body: string } {
  const error = url.searchParams.get('error');
  const back = '<p>Return to VS Code or the terminal: the run shows what happened.</p>';
  if (error !== null) {
    const description = url.searchParams.get('error_description');
    return {
      title: 'Sign-on failed',
      body: `<p>The authorization server answered <code>${escapeHtml(error)}</code>${description ? `: ${escapeHtml(description)}` : '.'}</p>${back}`,
    };
  }
  const problem = problemOf?.(url);
  if (problem) return { title: 'Sign-on refused', body: `<p>${escapeHtml(problem)}</p>${back}` };
  return { title: 'Signed in', body: '<p>Signed in — you can close this tab and return to VS Code or the terminal.</p>' };
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** Sends a self-contained page (no script, no external resource) and returns it as sent. */
function answer(response: ServerResponse, status: number, title: string, body: string, extra: [string, string][] = []): LoopbackCallback['response'] {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(title)} — Auth Flow Explorer</title><style>body{font:15px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}code{background:#8882;padding:.1rem .3rem}</style>` +
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  const headers: [string, string][] = [
    ['content-type', 'text/html; charset=utf-8'],
    ['content-length', String(Buffer.byteLength(html))],
    ['cache-control', 'no-store'],
    ['content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
    ['referrer-policy', 'no-referrer'],
    ['connection', 'close'],
    ...extra,
  ];
  response.writeHead(status, headers.flat()).end(html);
  return { status, headers, body: html };
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function describeDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
