/**
 * The one HTTP transport. Every request of a run goes through it, so every request is recorded the
 * same way: the request head exactly as written to the socket, the response, cookies sent and set,
 * and timings. It never follows redirects — reading the 302 `Location` of /as/resume is the point.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, request } from 'undici';
import type { CookieJar } from './cookies';
import { errorMessage, FlowError } from './errors';
import type { Exchange, RecordedRequest, RecordedResponse, SecretMark } from './model';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Headers to send, in order. The transport adds Host, Cookie (from the jar) and User-Agent. */
  headers?: [string, string][];
  body?: string;
  /** Values in the URL, headers or body that are secrets, for redaction and cURL variables. */
  secrets?: SecretMark[];
}

export interface TransportOptions {
  jar: CookieJar;
  /** The whole request, from connecting to the last body byte, ms (the request timeout setting). */
  timeoutMs?: number;
  /** Limits on each phase within that, ms; each is capped by `timeoutMs`. */
  limits?: Partial<PhaseLimits>;
  /** Responses larger than this are refused, bytes. */
  maxBodyBytes?: number;
  /** Verify TLS certificates (default true). */
  rejectUnauthorized?: boolean;
  userAgent?: string;
}

export interface PhaseLimits {
  /** Opening the connection: TCP, and the TLS handshake for https. */
  connectMs: number;
  /** From writing the request to the end of the response head. */
  headersMs: number;
  /** Silence between two chunks of the response body. */
  bodyIdleMs: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * A connect or a body pause this long is a dropped packet or a stuck proxy rather than a slow server,
 * so it is reported as such before the request timeout. Waiting for the response head is bounded only
 * by the request timeout: a token endpoint may legitimately think for a while.
 */
export const DEFAULT_LIMITS: Omit<PhaseLimits, 'headersMs'> = { connectMs: 10_000, bodyIdleMs: 10_000 };
export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

const SEND_HEADERS = 'undici:client:sendHeaders';

interface SendHeadersMessage {
  headers: string;
  socket: Socket;
}

/**
 * A transport owns one connection pool (so TLS settings and kept-alive connections belong to one run)
 * and sends one request at a time: that is what lets it attribute the connect time and the exact
 * request head seen on its own sockets to the request in flight.
 */
export class Transport {
  readonly #agent: Agent;
  readonly #jar: CookieJar;
  readonly #timeoutMs: number;
  readonly #limits: PhaseLimits;
  readonly #maxBodyBytes: number;
  readonly #userAgent: string;
  readonly #sockets = new WeakSet<Socket>();
  /** Time spent opening a connection for the request in flight; undefined when it opened none. */
  #connectMs: number | undefined;
  #rawHead: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** One naming of cookie variables per run, so a variable never stands for two cookie values. */
  readonly #cookieSecret = cookieSecrets();

  readonly #onSendHeaders = (message: unknown) => {
    const { headers, socket } = message as SendHeadersMessage;
    if (this.#sockets.has(socket)) this.#rawHead = headers;
  };

  constructor(options: TransportOptions) {
    this.#jar = options.jar;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const limit = (ms: number | undefined) => Math.min(ms ?? timeoutMs, timeoutMs);
    this.#timeoutMs = timeoutMs;
    this.#limits = {
      connectMs: limit(options.limits?.connectMs ?? DEFAULT_LIMITS.connectMs),
      headersMs: limit(options.limits?.headersMs),
      bodyIdleMs: limit(options.limits?.bodyIdleMs ?? DEFAULT_LIMITS.bodyIdleMs),
    };
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#userAgent = options.userAgent ?? 'auth-flow-explorer';
    const connector = buildConnector({ rejectUnauthorized: options.rejectUnauthorized ?? true, timeout: this.#limits.connectMs });
    this.#agent = new Agent({
      connect: (connectOptions, callback) => {
        const started = performance.now();
        return connector(connectOptions, (error, socket) => {
          if (socket) {
            this.#connectMs = (this.#connectMs ?? 0) + performance.now() - started;
            this.#sockets.add(socket as Socket);
          }
          callback(error as null, socket as never);
        });
      },
      // One request at a time (see send), so one connection per origin: no second socket opened while
      // the first is being handed back to the pool.
      connections: 1,
      headersTimeout: this.#limits.headersMs,
      bodyTimeout: this.#limits.bodyIdleMs,
    });
    diagnosticsChannel.subscribe(SEND_HEADERS, this.#onSendHeaders);
  }

  /** Sends one request (after any in flight). Network failures throw a FlowError carrying the exchange. */
  send(httpRequest: HttpRequest, signal?: AbortSignal): Promise<Exchange> {
    const result = this.#queue.then(() => this.#send(httpRequest, signal));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.#agent.closed || this.#agent.destroyed) return;
    diagnosticsChannel.unsubscribe(SEND_HEADERS, this.#onSendHeaders);
    await this.#agent.close();
  }

  async #send(httpRequest: HttpRequest, signal?: AbortSignal): Promise<Exchange> {
    this.#connectMs = undefined;
    this.#rawHead = undefined;
    const url = requestUrl(httpRequest);
    const sentCookies = this.#jar.cookiesFor(url);
    const headers: [string, string][] = [...(httpRequest.headers ?? [])];
    if (!headers.some(([name]) => name.toLowerCase() === 'user-agent')) headers.push(['user-agent', this.#userAgent]);
    if (sentCookies.length) headers.push(['cookie', sentCookies.map((c) => `${c.name}=${c.value}`).join('; ')]);

    const recorded: RecordedRequest = {
      method: httpRequest.method,
      url: url.href,
      headers: [['host', url.host], ...headers],
      body: httpRequest.body,
      // Session cookies are bearer credentials: whoever holds ST can resume the flow.
      secrets: [...(httpRequest.secrets ?? []), ...sentCookies.map((c) => this.#cookieSecret(c.name, c.value))],
    };
    const exchange: Exchange = { request: recorded, timing: { total: 0 }, cookies: { sent: sentCookies, set: [] } };

    // The phase limits are undici's (see the Agent); the deadline bounds the whole request, which
    // they cannot: every byte of a trickling body restarts the body idle timer.
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const progress = { bodyBytes: undefined as number | undefined };
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const response = await request(url, {
        dispatcher: this.#agent,
        method: httpRequest.method,
        headers: headers.flat(),
        body: httpRequest.body,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      exchange.timing.ttfb = elapsed();
      progress.bodyBytes = 0;
      const bytes = await readCapped(response.body, this.#maxBodyBytes, progress).finally(() => {
        exchange.timing.total = elapsed();
      });
      const responseHeaders = flattenHeaders(response.headers);
      exchange.response = readBody(response.statusCode, responseHeaders, bytes);
      exchange.cookies.set = this.#jar.store(url, responseHeaders);
      exchange.response.secrets.push(...exchange.cookies.set.filter((c) => c.value).map((c) => this.#cookieSecret(c.name, c.value)));
      return exchange;
    } catch (error) {
      exchange.timing.total ||= elapsed();
      const timedOut = deadline.aborted && error === deadline.reason && !signal?.aborted;
      throw withExchange(timedOut ? this.#deadlineError(url, progress.bodyBytes) : networkError(error, url, this.#limits, signal, progress.bodyBytes), exchange);
    } finally {
      this.#captureHead(recorded);
      const connect = this.#connectMs ?? (recorded.rawHead === undefined ? undefined : 0);
      if (connect !== undefined) exchange.timing.connect = Math.round(connect * 10) / 10;
    }
  }

  #deadlineError(url: URL, bodyBytes: number | undefined): FlowError {
    const phase =
      bodyBytes !== undefined
        ? `${bodyBytes} bytes of the body had arrived`
        : this.#rawHead === undefined
          ? 'it was still connecting'
          : 'no response headers had arrived';
    return new FlowError(
      'HTTP_TIMEOUT',
      `${url.host} did not finish answering within the ${formatMs(this.#timeoutMs)} request timeout; ${phase}.`,
      'Check that the server is up and not overloaded, or raise the request timeout.',
    );
  }

  #captureHead(recorded: RecordedRequest): void {
    if (recorded.rawHead !== undefined || this.#rawHead === undefined) return;
    // undici writes Content-Length after publishing the head (client-h1 writeBuffer); add it back.
    const length = recorded.body === undefined ? '' : `content-length: ${Buffer.byteLength(recorded.body)}\r\n`;
    recorded.rawHead = this.#rawHead + length;
    recorded.headers = parseHead(recorded.rawHead);
  }
}

/** The URL to send to: http or https only, anything else is the step's error, with the request as given. */
function requestUrl(httpRequest: HttpRequest): URL {
  const url = URL.canParse(httpRequest.url) ? new URL(httpRequest.url) : undefined;
  if (url?.protocol === 'http:' || url?.protocol === 'https:') return url;
  const request: RecordedRequest = { method: httpRequest.method, url: httpRequest.url, headers: httpRequest.headers ?? [], body: httpRequest.body, secrets: httpRequest.secrets ?? [] };
  const error = new FlowError(
    'INVALID_URL',
    `The request URL "${httpRequest.url}" is not a valid http or https URL.`,
    'Check the URL given on the command line, or the auth path and endpoint URLs of the environment.',
  );
  throw withExchange(error, { request, timing: { total: 0 }, cookies: { sent: [], set: [] } });
}

/**
 * Names cookie variables so that, within one run, one variable means one cookie value: names that
 * print alike (`a-b` and `a_b`, `st` and `ST`) and a cookie re-issued with a new value (PingOne's
 * provisional ST from authorize, then the signed-on session's ST) take the next free `_2`, `_3`…,
 * while the same value of the same cookie keeps its variable. A copied command or a redacted run can
 * then say which value it means.
 */
function cookieSecrets(): (name: string, value: string) => SecretMark {
  const byCookie = new Map<string, string>();
  const taken = new Set<string>();
  return (name, value) => {
    const key = JSON.stringify([name, value]);
    let variable = byCookie.get(key);
    if (variable === undefined) {
      const base = `COOKIE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
      variable = base;
      for (let n = 2; taken.has(variable); n++) variable = `${base}_${n}`;
      taken.add(variable);
      byCookie.set(key, variable);
    }
    return { variable, value, describe: `the ${name} cookie` };
  };
}

function parseHead(head: string): [string, string][] {
  return head
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}

/** Case-insensitive header lookup (first value). */
export function headerValue(headers: [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/**
 * Reads a body up to `max` bytes, counting them in `progress`; past that it stops reading and fails
 * (events, not async iteration: fewer ticks per chunk).
 */
function readCapped(body: Readable, max: number, progress: { bodyBytes?: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      progress.bodyBytes = size;
      if (size <= max) chunks.push(chunk);
      else {
        body.destroy();
        reject(
          new FlowError(
            'BODY_TOO_LARGE',
            `The response body passed ${formatBytes(max)} and was not read further.`,
            'Check that the URL points at the authorization server, not a file or a proxy error page.',
          ),
        );
      }
    });
    body.on('end', () => resolve(Buffer.concat(chunks, size)));
    body.on('error', reject);
  });
}

function readBody(status: number, headers: [string, string][], bytes: Buffer): RecordedResponse {
  const size = bytes.length;
  const body = bytes.toString('utf8');
  const contentType = headerValue(headers, 'content-type') ?? '';
  const response: RecordedResponse = { status, statusText: STATUS_CODES[status] ?? '', headers, body, size, secrets: [] };
  if (/json/i.test(contentType) || /^\s*[{[]/.test(body)) {
    try {
      response.json = JSON.parse(body);
    } catch {
      // Not JSON after all; the step reading it reports what it expected.
    }
  }
  return response;
}

function withExchange(error: FlowError, exchange: Exchange): FlowError {
  error.exchange = exchange;
  return error;
}

/** `bodyBytes` is how much of the body had arrived when the answer had begun (headers received), else undefined. */
function networkError(error: unknown, url: URL, limits: PhaseLimits, signal: AbortSignal | undefined, bodyBytes: number | undefined): FlowError {
  if (error instanceof FlowError) return error;
  if (signal?.aborted) {
    return new FlowError('CANCELLED', 'The run was cancelled while waiting for this response.', 'Run the flow again when ready.', { cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const host = url.host;
  const timeouts: Record<string, [string, string]> = {
    UND_ERR_CONNECT_TIMEOUT: [
      `${host} did not complete a connection within ${formatMs(limits.connectMs)} (connect timeout).`,
      'Check the host and port, a firewall or proxy silently dropping connections, and for https that the port speaks TLS.',
    ],
    UND_ERR_HEADERS_TIMEOUT: [
      `${host} sent no response headers within ${formatMs(limits.headersMs)} (headers timeout).`,
      'The server took the request but is not answering: check its logs, or raise the request timeout.',
    ],
    UND_ERR_BODY_TIMEOUT: [
      `${host} stopped sending the response body: nothing arrived for ${formatMs(limits.bodyIdleMs)} (body idle timeout).`,
      'Check for a proxy or server stuck mid-response, and the server logs.',
    ],
  };
  if (Object.hasOwn(timeouts, code)) return new FlowError('HTTP_TIMEOUT', ...timeouts[code]!, { cause: error });
  // A reset after the headers is a cut answer, not a refusal to answer: say how far it got.
  const closed =
    bodyBytes === undefined
      ? `${host} closed the connection before answering.`
      : `${host} closed the connection in the middle of its answer, after the headers and ${bodyBytes} bytes of the body.`;
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: [`${host} refused the connection.`, 'Check the host and port in the auth path, and that the server is running.'],
    ECONNRESET: [closed, 'Check for a proxy or load balancer dropping the request, and the server logs.'],
    UND_ERR_SOCKET: [closed, 'Check for a proxy or load balancer dropping the request, and the server logs.'],
    ENOTFOUND: [`The host name ${url.hostname} could not be resolved.`, 'Check the region or custom auth path of the environment.'],
    EAI_AGAIN: [`The host name ${url.hostname} could not be resolved right now.`, 'Check the network connection and DNS.'],
    CERT_HAS_EXPIRED: [`The TLS certificate of ${host} has expired.`, 'Fix the certificate, or (for a test server only) allow insecure TLS for this environment.'],
    DEPTH_ZERO_SELF_SIGNED_CERT: [`${host} presented a self-signed TLS certificate.`, 'Trust its CA, or (for a test server only) allow insecure TLS for this environment.'],
    SELF_SIGNED_CERT_IN_CHAIN: [`${host} presented a certificate chain with a self-signed root.`, 'Trust its CA, or (for a test server only) allow insecure TLS for this environment.'],
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: [`The TLS certificate of ${host} could not be verified.`, 'Check the certificate chain the server sends.'],
    ERR_TLS_CERT_ALTNAME_INVALID: [`The TLS certificate of ${host} is not valid for that name.`, 'Check the auth path host name.'],
  };
  const [message, hint] = known[code] ?? [
    `The request to ${host} failed: ${errorMessage(error)}.`,
    'Check the URL and that the server is reachable.',
  ];
  return new FlowError(code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : code || 'NETWORK_ERROR', message, hint, { cause: error });
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : `${Math.round(bytes / 1024)} KB`;
}
