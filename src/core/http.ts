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
  /** How long to wait to connect, for the response headers, and between body chunks, ms. */
  timeoutMs?: number;
  /** Responses larger than this are refused, bytes. */
  maxBodyBytes?: number;
  /** Verify TLS certificates (default true). */
  rejectUnauthorized?: boolean;
  userAgent?: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
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
  readonly #maxBodyBytes: number;
  readonly #userAgent: string;
  readonly #sockets = new WeakSet<Socket>();
  #connectMs = 0;
  #rawHead: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  readonly #onSendHeaders = (message: unknown) => {
    const { headers, socket } = message as SendHeadersMessage;
    if (this.#sockets.has(socket)) this.#rawHead = headers;
  };

  constructor(options: TransportOptions) {
    this.#jar = options.jar;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#userAgent = options.userAgent ?? 'auth-flow-explorer';
    const connector = buildConnector({ rejectUnauthorized: options.rejectUnauthorized ?? true, timeout: this.#timeoutMs });
    this.#agent = new Agent({
      connect: (connectOptions, callback) => {
        const started = performance.now();
        return connector(connectOptions, (error, socket) => {
          if (socket) {
            this.#connectMs += performance.now() - started;
            this.#sockets.add(socket as Socket);
          }
          callback(error as null, socket as never);
        });
      },
      // One request at a time (see send), so one connection per origin: no second socket opened while
      // the first is being handed back to the pool.
      connections: 1,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
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
    this.#connectMs = 0;
    this.#rawHead = undefined;
    const url = new URL(httpRequest.url);
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
      secrets: [...(httpRequest.secrets ?? []), ...sentCookies.map((c) => cookieSecret(c.name, c.value))],
    };
    const exchange: Exchange = { request: recorded, timing: { connect: 0, ttfb: 0, total: 0 }, cookies: { sent: sentCookies, set: [] } };

    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const response = await request(url, {
        dispatcher: this.#agent,
        method: httpRequest.method,
        headers: headers.flat(),
        body: httpRequest.body,
        // Timeouts are undici's own, per phase (connect, headers, body idle: see the Agent); the
        // signal only carries the caller's cancel. Cheaper per request than a timer and a controller.
        ...(signal ? { signal } : {}),
      });
      exchange.timing.ttfb = elapsed();
      this.#captureHead(recorded);
      exchange.timing.connect = Math.round(this.#connectMs * 10) / 10;

      const bytes = await readCapped(response.body, this.#maxBodyBytes).finally(() => {
        exchange.timing.total = elapsed();
      });
      const responseHeaders = flattenHeaders(response.headers);
      exchange.response = readBody(response.statusCode, responseHeaders, bytes);
      exchange.cookies.set = this.#jar.store(url, responseHeaders);
      exchange.response.secrets.push(...exchange.cookies.set.filter((c) => c.value).map((c) => cookieSecret(c.name, c.value)));
      return exchange;
    } catch (error) {
      exchange.timing.total ||= elapsed();
      this.#captureHead(recorded);
      throw withExchange(networkError(error, url, this.#timeoutMs, signal), exchange);
    }
  }

  #captureHead(recorded: RecordedRequest): void {
    if (recorded.rawHead !== undefined || this.#rawHead === undefined) return;
    // undici writes Content-Length after publishing the head (client-h1 writeBuffer); add it back.
    const length = recorded.body === undefined ? '' : `content-length: ${Buffer.byteLength(recorded.body)}\r\n`;
    recorded.rawHead = this.#rawHead + length;
    recorded.headers = parseHead(recorded.rawHead);
  }
}

function cookieSecret(name: string, value: string): SecretMark {
  return { variable: `COOKIE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`, value, describe: `the ${name} cookie` };
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

/** Reads a body up to `max` bytes; past that it stops reading and fails (events, not async iteration: fewer ticks per chunk). */
function readCapped(body: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
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

function networkError(error: unknown, url: URL, timeoutMs: number, signal: AbortSignal | undefined): FlowError {
  if (error instanceof FlowError) return error;
  if (signal?.aborted) {
    return new FlowError('CANCELLED', 'The run was cancelled while waiting for this response.', 'Run the flow again when ready.', { cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const host = url.host;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new FlowError(
      'HTTP_TIMEOUT',
      `${host} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`,
      'Check that the server is up and reachable, or raise the request timeout setting.',
      { cause: error },
    );
  }
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: [`${host} refused the connection.`, 'Check the host and port in the auth path, and that the server is running.'],
    ECONNRESET: [`${host} closed the connection before answering.`, 'Check for a proxy or load balancer dropping the request, and the server logs.'],
    UND_ERR_SOCKET: [`${host} closed the connection before answering.`, 'Check for a proxy or load balancer dropping the request, and the server logs.'],
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

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : `${Math.round(bytes / 1024)} KB`;
}
