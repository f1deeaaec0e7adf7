/**
 * The one HTTP transport. Every request of a run goes through it, so every request is recorded the
 * same way: the request head exactly as written to the socket, the response, cookies sent and set,
 * and timings. It never follows redirects — reading the 302 `Location` of /as/resume is the point.
 * Behind a proxy it still records what its own sockets carry: the request inside a CONNECT tunnel for
 * https, the absolute-form request (RFC 9112 §3.2.2) an http proxy receives for http.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { Agent, buildConnector, Client, ProxyAgent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { Codes } from './codes';
import type { CookieJar } from './cookies';
import { errorMessage, FlowError } from './errors';
import type { Exchange, RecordedRequest, RecordedResponse, SecretMark } from './model';
import { proxyCredentials, proxyRouteFor, shownProxy, trustedCas, type NetworkOptions, type ProxyRoute } from './network';

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
  /** The proxy, extra CAs and client certificate; absent: direct, Node's CAs, no client certificate. */
  network?: NetworkOptions;
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

/** Each transport's sockets, and what to tell it of a request head written on one. */
const headListeners = new WeakMap<Socket, (head: string) => void>();
let listening = false;

/**
 * One subscriber for the process, made with the first transport and kept: subscribing and
 * unsubscribing per run would switch the channel between its idle and active forms each time, and
 * the code of undici's that checks it would be deoptimised and compiled again on every run.
 */
function listenForHeads(): void {
  if (listening) return;
  listening = true;
  diagnosticsChannel.subscribe(SEND_HEADERS, (message) => {
    const { headers, socket } = message as SendHeadersMessage;
    headListeners.get(socket)?.(headers);
  });
}

/**
 * A transport owns one connection pool (so TLS settings and kept-alive connections belong to one run)
 * and sends one request at a time: that is what lets it attribute the connect time and the exact
 * request head seen on its own sockets to the request in flight.
 */
export class Transport {
  readonly #direct: Agent;
  /** One agent per proxy URL, made when a request first needs it. */
  readonly #proxied = new Map<string, ProxyAgent>();
  readonly #network: NetworkOptions;
  readonly #verify: boolean;
  /** Node's CAs plus the extra ones, once per transport; undefined: Node's alone. */
  readonly #ca: string[] | undefined;
  readonly #jar: CookieJar;
  readonly #timeoutMs: number;
  readonly #limits: PhaseLimits;
  readonly #maxBodyBytes: number;
  readonly #userAgent: string;
  /** Time spent opening a connection for the request in flight; undefined when it opened none. */
  #connectMs: number | undefined;
  #rawHead: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** One naming of cookie variables per run, so a variable never stands for two cookie values. */
  readonly #cookieSecret = cookieSecrets();

  readonly #onHead = (head: string) => {
    this.#rawHead = head;
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
    this.#network = options.network ?? {};
    this.#verify = options.rejectUnauthorized ?? true;
    this.#ca = trustedCas(this.#network.ca);
    this.#direct = new Agent({ ...this.#agentOptions(), connect: buildConnector(this.#tls(this.#verify)) });
    listenForHeads();
  }

  /** The proxy a request to `url` goes through, credentials left out; undefined when it goes directly. */
  proxyFor(url: string): { proxy: string; source: string } | undefined {
    const route = URL.canParse(url) ? proxyRouteFor(new URL(url), this.#network.proxy) : undefined;
    return route && { proxy: shownProxy(route), source: route.source };
  }

  /** TLS options for connections to servers (and, through `connect`'s timeout, the TCP connect limit). */
  #tls(verify: boolean): buildConnector.BuildOptions {
    return { rejectUnauthorized: verify, timeout: this.#limits.connectMs, ...(this.#ca ? { ca: this.#ca } : {}), ...this.#network.clientCertificate };
  }

  #agentOptions(): Agent.Options {
    return {
      // Every connection, direct or through a proxy, is opened by a Client this factory makes, so the
      // connect time and the sockets whose request heads are recorded are this transport's own.
      factory: (origin, options) => {
        const connect = (options as { connect: buildConnector.connector }).connect;
        return new Client(origin, { ...options, headersTimeout: this.#limits.headersMs, bodyTimeout: this.#limits.bodyIdleMs, connect: this.#observed(connect) });
      },
      // One request at a time (see send), so one connection per origin: no second socket opened while
      // the first is being handed back to the pool.
      connections: 1,
      headersTimeout: this.#limits.headersMs,
      bodyTimeout: this.#limits.bodyIdleMs,
    };
  }

  #observed(connect: buildConnector.connector): buildConnector.connector {
    return (connectOptions, callback) => {
      const started = performance.now();
      return connect(connectOptions, (error, socket) => {
        if (socket) {
          this.#connectMs = (this.#connectMs ?? 0) + performance.now() - started;
          headListeners.set(socket as Socket, this.#onHead);
        }
        callback(error as null, socket as never);
      });
    };
  }

  #dispatcher(route: ProxyRoute | undefined): Dispatcher {
    if (!route) return this.#direct;
    let agent = this.#proxied.get(route.url);
    if (!agent) {
      const { authorization, strictSSL = true } = this.#network.proxy ?? {};
      const verify = this.#verify && strictSSL;
      agent = new ProxyAgent({
        ...this.#agentOptions(),
        uri: route.url,
        ...(authorization ? { token: authorization } : {}),
        // http through an http proxy goes in absolute form, as browsers and curl send it; https always
        // through a CONNECT tunnel (RFC 9110 §9.3.6), so the proxy never sees the request.
        proxyTunnel: false,
        requestTls: this.#tls(verify),
        proxyTls: this.#tls(verify),
      });
      this.#proxied.set(route.url, agent);
    }
    return agent;
  }

  /** Sends one request (after any in flight). Network failures throw a FlowError carrying the exchange. */
  send(httpRequest: HttpRequest, signal?: AbortSignal): Promise<Exchange> {
    const result = this.#queue.then(() => this.#send(httpRequest, signal));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.#direct.closed || this.#direct.destroyed) return;
    await Promise.all([this.#direct.close(), ...[...this.#proxied.values()].map((agent) => agent.close())]);
  }

  async #send(httpRequest: HttpRequest, signal?: AbortSignal): Promise<Exchange> {
    this.#connectMs = undefined;
    this.#rawHead = undefined;
    const url = requestUrl(httpRequest);
    const route = proxyRouteFor(url, this.#network.proxy);
    // An http proxy receives its credentials in the request head itself (absolute form).
    const proxyAuthorization = route && proxyCredentials(route, this.#network.proxy?.authorization);
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
      secrets: [
        ...(httpRequest.secrets ?? []),
        ...sentCookies.map((c) => this.#cookieSecret(c.name, c.value)),
        ...(proxyAuthorization ? [{ variable: 'PROXY_AUTHORIZATION', value: proxyAuthorization, describe: 'the Proxy-Authorization header value' }] : []),
      ],
    };
    const exchange: Exchange = { request: recorded, timing: { total: 0 }, cookies: { sent: sentCookies, set: [] } };

    // The phase limits are undici's (see the Agent); the deadline bounds the whole request, which
    // they cannot: every byte of a trickling body restarts the body idle timer. Its timer is cleared
    // when the request ends (AbortSignal.timeout's lives on until it fires, holding what the request
    // held), and the run's signal is listened to for this request only (AbortSignal.any would tie
    // every request to a signal that outlives them all).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The request timed out.', 'TimeoutError')), this.#timeoutMs);
    const cancel = () => deadline.abort(signal?.reason);
    signal?.addEventListener('abort', cancel, { once: true });
    if (signal?.aborted) cancel();
    const progress = { bodyBytes: undefined as number | undefined };
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
    try {
      const response = await request(url, {
        dispatcher: this.#dispatcher(route),
        method: httpRequest.method,
        headers: headers.flat(),
        body: httpRequest.body,
        signal: deadline.signal,
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
      const timedOut = deadline.signal.aborted && error === deadline.signal.reason && !signal?.aborted;
      throw withExchange(timedOut ? this.#deadlineError(url, progress.bodyBytes) : networkError(error, url, this.#limits, signal, progress.bodyBytes, route), exchange);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
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
      Codes.HTTP_TIMEOUT,
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
    Codes.INVALID_URL,
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
            Codes.BODY_TOO_LARGE,
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

/** What fixes a certificate this machine does not trust, in each place a run can be started from. */
const TRUST_HINT =
  'Trust the CA that signed it: --ca-file PEM or NODE_EXTRA_CA_CERTS for the CLI; the setting authFlow.tls.caFile (under Remote in the Settings editor when VS Code runs remotely, as in code-server), NODE_EXTRA_CA_CERTS or http.systemCertificates in VS Code. Behind a TLS-inspecting gateway, that is the gateway\'s root CA.';
const CLIENT_CERT_HINT =
  'Give the environment a client certificate the server accepts: clientCertFile in the profile with its key in the secret store, or --client-cert and --client-key for the CLI.';

/**
 * `bodyBytes` is how much of the body had arrived when the answer had begun (headers received), else
 * undefined; `route` the proxy the request went through.
 */
function networkError(
  error: unknown,
  url: URL,
  limits: PhaseLimits,
  signal: AbortSignal | undefined,
  bodyBytes: number | undefined,
  route: ProxyRoute | undefined,
): FlowError {
  if (error instanceof FlowError) return error;
  if (signal?.aborted) {
    return new FlowError(Codes.CANCELLED, 'The run was cancelled while waiting for this response.', 'Run the flow again when ready.', { cause: error });
  }
  // undici wraps a TLS failure met through a proxy tunnel; the certificate problem is the cause.
  const cause = (error as { code?: string; cause?: unknown } | undefined)?.code === 'UND_ERR_PRX_TLS' ? (error as { cause: unknown }).cause : error;
  const code = (cause as { code?: string } | undefined)?.code ?? '';
  const host = url.host;
  if (route) {
    const proxied = proxyError(cause, code, host, route);
    if (proxied) return proxied;
  }
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
  if (Object.hasOwn(timeouts, code)) return new FlowError(Codes.HTTP_TIMEOUT, ...timeouts[code]!, { cause: error });
  // A reset after the headers is a cut answer, not a refusal to answer: say how far it got.
  const closed =
    bodyBytes === undefined
      ? `${host} closed the connection before answering.`
      : `${host} closed the connection in the middle of its answer, after the headers and ${bodyBytes} bytes of the body.`;
  const untrusted = (what: string): [string, string] => [`${host} presented ${what}.`, TRUST_HINT];
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: [`${host} refused the connection.`, 'Check the host and port in the auth path, and that the server is running.'],
    ECONNRESET: [closed, 'Check for a proxy or load balancer dropping the request, and the server logs.'],
    UND_ERR_SOCKET: [closed, 'Check for a proxy or load balancer dropping the request, and the server logs.'],
    ENOTFOUND: [`The host name ${url.hostname} could not be resolved.`, 'Check the region or custom auth path of the environment, and whether this network needs a proxy (http.proxy in VS Code, HTTPS_PROXY for the CLI).'],
    EAI_AGAIN: [`The host name ${url.hostname} could not be resolved right now.`, 'Check the network connection and DNS.'],
    CERT_HAS_EXPIRED: [`The TLS certificate of ${host} has expired.`, 'Fix the certificate, or (for a test server only) allow insecure TLS for this environment.'],
    CERT_NOT_YET_VALID: [`The TLS certificate of ${host} is not valid yet.`, 'Check this machine\'s clock, then the certificate.'],
    DEPTH_ZERO_SELF_SIGNED_CERT: untrusted('a self-signed TLS certificate'),
    SELF_SIGNED_CERT_IN_CHAIN: untrusted('a certificate chain whose self-signed root this machine does not trust'),
    // What a TLS-inspecting gateway's certificate looks like to a machine without the gateway's root CA.
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: untrusted('a TLS certificate from an issuer this machine does not trust (unable to get local issuer certificate)'),
    UNABLE_TO_GET_ISSUER_CERT: untrusted('a TLS certificate whose issuer is neither sent nor trusted here (unable to get issuer certificate)'),
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: untrusted('a TLS certificate that could not be verified up to a trusted CA (unable to verify the first certificate)'),
    CERT_UNTRUSTED: untrusted('a TLS certificate this machine does not trust for servers'),
    ERR_TLS_CERT_ALTNAME_INVALID: [`The TLS certificate of ${host} is not valid for that name (hostname mismatch).`, 'Check the auth path host name; a gateway must issue its certificate for the name requested.'],
    ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: [`${host} asked for a TLS client certificate and none was presented.`, CLIENT_CERT_HINT],
    ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: [`${host} refused the TLS client certificate presented.`, CLIENT_CERT_HINT],
    ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: [`${host} refused the TLS client certificate presented.`, CLIENT_CERT_HINT],
    ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: [`${host} does not trust the issuer of the TLS client certificate presented.`, CLIENT_CERT_HINT],
  };
  const [message, hint] = known[code] ?? [
    `The request to ${host} failed: ${errorMessage(cause)}.`,
    'Check the URL and that the server is reachable.',
  ];
  return new FlowError(code === 'UND_ERR_SOCKET' ? Codes.ECONNRESET : code || Codes.NETWORK_ERROR, message, hint, { cause: error });
}

/** Where proxy credentials come from, in each place a run can be started from. */
const PROXY_CREDENTIALS_HINT =
  'In VS Code set http.proxyAuthorization (e.g. "Basic " and base64 of user:password) or put user:password@ in http.proxy; for the CLI put them in the proxy URL: HTTPS_PROXY=http://user:password@proxy:port.';

/** A failure of the proxy itself, rather than of the server behind it; undefined when the server is at fault. */
function proxyError(cause: unknown, code: string, host: string, route: ProxyRoute): FlowError | undefined {
  const proxy = `The proxy ${shownProxy(route)} (from ${route.source})`;
  const message = errorMessage(cause);
  // undici reports a refused CONNECT as "Proxy response (407) !== 200", and a 407 to an absolute-form
  // request as "Proxy Authentication Required (407)".
  const status = Number(/Proxy response \((\d{3})\)/.exec(message)?.[1] ?? (/Proxy Authentication Required/.test(message) ? 407 : NaN));
  if (status === 407) {
    return new FlowError(Codes.PROXY_AUTH_REQUIRED, `${proxy} answered 407 Proxy Authentication Required: it wants credentials, or refused the ones sent.`, PROXY_CREDENTIALS_HINT, { cause });
  }
  if (status) {
    return new FlowError(
      Codes.PROXY_ERROR,
      `${proxy} refused to open a tunnel to ${host}: it answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + '.',
      `Check that the proxy lets this machine reach ${host}; the proxy's own logs say why. To bypass it, add the host to http.noProxy in VS Code or NO_PROXY for the CLI.`,
      { cause },
    );
  }
  const unreachable: Record<string, string> = {
    ECONNREFUSED: 'refused the connection',
    ENOTFOUND: 'has a host name that could not be resolved',
    EAI_AGAIN: 'has a host name that could not be resolved right now',
  };
  if (Object.hasOwn(unreachable, code)) {
    return new FlowError(
      Codes.PROXY_UNREACHABLE,
      `${proxy} ${unreachable[code]}.`,
      `Check the proxy URL in ${route.source}, and that the proxy is running; "proxy": "none" in the environment sends its requests directly.`,
      { cause },
    );
  }
  return undefined;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : `${Math.round(bytes / 1024)} KB`;
}
