/**
 * A misbehaving PingOne on loopback: a reverse proxy in front of the real sandbox that forwards every
 * request and alters exactly one thing, the {@link Fault} it is started with, so everything else about
 * the run is PingOne as the sandbox plays it. Next to it, an "elsewhere" server records every request
 * it receives: a run must never send anything there.
 *
 * Being a proxy, it does what any reverse proxy does so the client sees one consistent server:
 * - URLs: the sandbox's origin in responses (Location, `_links`, bodies) becomes the proxy's, and the
 *   proxy's origin in requests (query, body, redirect_uri) becomes the sandbox's;
 * - tokens: a token's `iss` is signed, so the proxy re-signs the access and ID tokens with its own
 *   RS256 key (`iss` translated, `at_hash` recomputed), serves that key as the JWKS, and swaps its
 *   access token back for the sandbox's on the way to userinfo.
 *
 * With `tls`, the proxy speaks HTTPS with a throwaway self-signed certificate (made by the openssl
 * command line), and plain-HTTP requests reaching the same port are answered 400 and recorded with the
 * elsewhere requests: a run must never send anything in clear text either.
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Sandbox } from '../../src/sandbox/index';

/** The PingOne call a request is, from its method and path (docs/pingone.md "Paths"). */
export type FaultStep = 'discovery' | 'authorize' | 'flow' | 'signOn' | 'resume' | 'token' | 'jwks' | 'userinfo';

/** An answer as the proxy writes it. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** One request reaching the proxy on the call a fault targets. */
export interface ProxyCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body as received (before translation). */
  body: string;
  /** The proxy's origin, e.g. http://127.0.0.1:41234. */
  origin: string;
  /** The elsewhere server's origin. */
  elsewhere: string;
  /** Forwards the request to the sandbox and returns its answer as the proxy would pass it on. */
  forward(): Promise<Answer>;
  /** Writes an answer (Content-Length set from the body). */
  send(answer: Answer): void;
  /** Stops accepting connections: the next connection to the proxy is refused. */
  stopListening(): void;
}

/** One misbehaviour: which call it applies to (every such call), and how that call is answered. */
export interface Fault {
  on: FaultStep;
  answer(call: ProxyCall): Promise<void> | void;
}

/** A request that reached a place no request of the run should reach. */
export interface StrayRequest {
  where: 'elsewhere' | 'cleartext';
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FaultyServer {
  /** The proxy's origin: a profile's custom authPath. */
  url: string;
  elsewhere: string;
  /** Requests the elsewhere server (or, with tls, the proxy's port in clear text) received. */
  strays: StrayRequest[];
  /**
   * Every secret that crossed the proxy: Authorization credentials (Basic and Bearer), passwords and
   * codes in flow actions, client_secret parameters, cookie values set, and tokens (as the sandbox
   * issued them and as the proxy re-signed them).
   */
  secrets: Set<string>;
  /** Failures of the proxy itself (answered 502): a case seeing one tests the proxy, not the client. */
  errors: unknown[];
  /** A sandbox profile file pointed at this proxy (authPath and redirectUri on the proxy's origin). */
  profileFor(profile: object): Record<string, unknown>;
  /** Stops accepting connections, so every connection to the proxy is refused. */
  stopListening(): Promise<void>;
  close(): Promise<void>;
}

export interface FaultyServerOptions {
  fault?: Fault;
  tls?: boolean;
}

export async function startFaultyServer(sandbox: Sandbox, options: FaultyServerOptions = {}): Promise<FaultyServer> {
  const strays: StrayRequest[] = [];
  const secrets = new Set<string>();
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  const errors: unknown[] = [];
  /** A server that only records what reaches it. */
  const recorder = (where: StrayRequest['where'], reply: Answer) =>
    createServer((req, res) => {
      void readText(req).then((body) => {
        strays.push({ where, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        answer(res, reply);
      });
    });

  const elsewhereServer = recorder('elsewhere', { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Nothing here.' });
  elsewhereServer.on('connection', track);
  const elsewhere = await listen(elsewhereServer, 'http');

  const key = proxySigningKey();
  let origin = '';
  const tokens = new Map<string, string>(); // access token as re-signed → as the sandbox issued it
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    void readText(req).then(async (body) => {
      collectRequestSecrets(req, body, secrets);
      const step = stepOf(req.method ?? 'GET', new URL(req.url ?? '/', origin).pathname, sandbox.envId);
      const call: ProxyCall = {
        req,
        res,
        body,
        origin,
        elsewhere,
        forward: async () => {
          const upstream = await forward(sandbox.url, origin, req, body, tokens);
          const translated = translateAnswer(upstream, step, sandbox.url, origin, key, tokens);
          collectAnswerSecrets(upstream, secrets);
          collectAnswerSecrets(translated, secrets);
          return translated;
        },
        send: (reply) => {
          collectAnswerSecrets(reply, secrets);
          answer(res, reply);
        },
        stopListening: () => front.close(),
      };
      if (step !== undefined && options.fault?.on === step) await options.fault.answer(call);
      else call.send(await call.forward());
    }).catch((error: unknown) => {
      errors.push(error);
      if (!res.headersSent) answer(res, { status: 502, headers: { 'content-type': 'text/plain' }, body: `Proxy error: ${String(error)}` });
      else res.destroy();
    });
  };

  let front: Server | ReturnType<typeof createNetServer>;
  if (options.tls) {
    const { key: tlsKey, cert } = await selfSignedCertificate();
    const https = createHttpsServer({ key: tlsKey, cert }, handler);
    // Plain HTTP on the TLS port: recorded, never forwarded.
    const cleartext = recorder('cleartext', { status: 400, headers: { 'content-type': 'text/plain' }, body: 'This port speaks HTTPS.' });
    // A TLS connection opens with a handshake record (content type 22); anything else is clear text.
    front = createNetServer((socket) => {
      track(socket);
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        (first[0] === 0x16 ? https : cleartext).emit('connection', socket);
        process.nextTick(() => socket.resume());
      });
    });
    origin = await listen(front, 'https');
  } else {
    front = createServer(handler);
    front.on('connection', track);
    origin = await listen(front, 'http');
  }

  return {
    url: origin,
    elsewhere,
    strays,
    secrets,
    errors,
    profileFor: (profile) => JSON.parse(JSON.stringify(profile).split(sandbox.url).join(origin)) as Record<string, unknown>,
    stopListening: () => closeServer(front),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([closeServer(front), closeServer(elsewhereServer)]);
    },
  };
}

// ─── Faults ──────────────────────────────────────────────────────────────────────────────────────

/** Never answers (the socket stays open until the server closes). */
export function hang(on: FaultStep): Fault {
  return { on, answer: () => undefined };
}

/** Forwards the call and writes the sandbox's status and headers, announcing the whole body's length; returns the body to send. */
async function forwardHead(call: Parameters<Fault['answer']>[0]): Promise<Buffer> {
  const upstream = await call.forward();
  const body = Buffer.from(upstream.body);
  call.res.writeHead(upstream.status, { ...upstream.headers, 'content-length': String(body.length) });
  return body;
}

/** Sends the sandbox's headers and half its body, then resets the connection (TCP RST; plain HTTP only). */
export function resetMidResponse(on: FaultStep): Fault {
  return {
    on,
    answer: async (call) => {
      const body = await forwardHead(call);
      call.res.write(body.subarray(0, Math.floor(body.length / 2)));
      // Let the client read the first half: a reset discards data the peer has not read yet.
      await new Promise((resolve) => setTimeout(resolve, 100));
      call.res.socket?.resetAndDestroy();
    },
  };
}

/** The sandbox's answer, its body one byte at a time (announced length, so the client waits for all). */
export function trickle(on: FaultStep, intervalMs = 200): Fault {
  return {
    on,
    answer: async (call) => {
      const body = await forwardHead(call);
      call.res.flushHeaders();
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < body.length) call.res.write(body.subarray(sent, ++sent));
        else {
          clearInterval(timer);
          call.res.end();
        }
      }, intervalMs);
      call.res.on('close', () => clearInterval(timer));
    },
  };
}

/** A 200 JSON answer of `bytes` bytes (chunked, written as fast as the client reads, stopping when it hangs up). */
export function hugeBody(on: FaultStep, bytes = 50 * 1024 * 1024): Fault {
  return {
    on,
    answer: (call) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      call.res.writeHead(200, { 'content-type': 'application/json' });
      call.res.write('{"padding":"');
      let sent = 0;
      const pump = () => {
        while (sent < bytes && !call.res.destroyed) {
          sent += chunk.length;
          if (!call.res.write(chunk)) return void call.res.once('drain', pump);
        }
        if (!call.res.destroyed) call.res.end('"}');
      };
      pump();
    },
  };
}

/** Answers with a fixed response instead of forwarding. */
export function replaceWith(on: FaultStep, reply: Answer): Fault {
  return { on, answer: (call) => call.send(reply) };
}

/** The sandbox's answer with its headers edited. */
export function editHeaders(on: FaultStep, edit: (headers: Record<string, string | string[]>) => Record<string, string | string[]>): Fault {
  return {
    on,
    answer: async (call) => {
      const upstream = await call.forward();
      call.send({ ...upstream, headers: edit({ ...upstream.headers }) });
    },
  };
}

/** The sandbox's JSON answer edited. */
export function editJson(on: FaultStep, edit: (json: Record<string, unknown>, call: ProxyCall) => unknown): Fault {
  return {
    on,
    answer: async (call) => {
      const upstream = await call.forward();
      call.send({ ...upstream, body: JSON.stringify(edit(JSON.parse(upstream.body) as Record<string, unknown>, call)) });
    },
  };
}

export interface Jwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * The token response's ID token edited: the edit returns a JWT (signed again with the proxy's key,
 * RS256 whatever `alg` says; unsigned for `alg: "none"`) or a string to send in its place.
 */
export function editIdToken(edit: (token: Jwt) => Jwt | string): Fault {
  const key = proxySigningKey();
  return editJson('token', (json) => {
    const edited = edit(decodeJwt(String(json.id_token)));
    return { ...json, id_token: typeof edited === 'string' ? edited : signJwt(edited, key) };
  });
}

/** Answers this call with `Connection: close`, then stops listening: the next call is refused. */
export function goDownAfter(on: FaultStep): Fault {
  return {
    on,
    answer: async (call) => {
      const upstream = await call.forward();
      call.stopListening();
      call.send({ ...upstream, headers: { ...upstream.headers, connection: 'close' } });
    },
  };
}

/** An OAuth error whose description echoes what the client sent: its body and Authorization header. */
export function echoRequest(on: FaultStep): Fault {
  return {
    on,
    answer: (call) =>
      call.send({
        status: 401,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          error: 'invalid_client',
          error_description: `Client authentication failed for body ${call.body} with Authorization: ${call.req.headers.authorization ?? '(none)'}`,
        }),
      }),
  };
}

// ─── Proxying ────────────────────────────────────────────────────────────────────────────────────

function stepOf(method: string, path: string, envId: string): FaultStep | undefined {
  const rest = path.startsWith(`/${envId}/`) ? path.slice(envId.length + 2) : '';
  if (rest === 'as/authorize') return 'authorize';
  if (/^flows\/[^/]+$/.test(rest)) return method === 'POST' ? 'signOn' : 'flow';
  const named: Record<string, FaultStep> = { 'as/.well-known/openid-configuration': 'discovery', 'as/resume': 'resume', 'as/token': 'token', 'as/jwks': 'jwks', 'as/userinfo': 'userinfo' };
  return Object.hasOwn(named, rest) ? named[rest] : undefined;
}

/** Both spellings of an origin a URL or form can carry it in. */
function replaceOrigin(text: string, from: string, to: string): string {
  return text.split(from).join(to).split(encodeURIComponent(from)).join(encodeURIComponent(to));
}

function forward(sandboxUrl: string, origin: string, req: IncomingMessage, body: string, tokens: Map<string, string>): Promise<Answer> {
  const target = new URL(replaceOrigin(req.url ?? '/', origin, sandboxUrl), sandboxUrl);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
    headers[name] = value;
  }
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer && tokens.has(bearer)) headers.authorization = `Bearer ${tokens.get(bearer)}`;
  const sent = replaceOrigin(body, origin, sandboxUrl);
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(target, { method: req.method, headers: { ...headers, 'content-length': Buffer.byteLength(sent) }, agent: false }, (response) => {
      void readText(response).then((text) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined && !['connection', 'keep-alive', 'content-length', 'transfer-encoding', 'date'].includes(name)) out[name] = value;
        }
        resolve({ status: response.statusCode ?? 502, headers: out, body: text });
      }, reject);
    });
    upstream.on('error', reject);
    upstream.end(sent);
  });
}

function translateAnswer(upstream: Answer, step: FaultStep | undefined, sandboxUrl: string, origin: string, key: KeyObject, tokens: Map<string, string>): Answer {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    headers[name] = Array.isArray(value) ? value.map((v) => replaceOrigin(v, sandboxUrl, origin)) : replaceOrigin(value, sandboxUrl, origin);
  }
  let body = replaceOrigin(upstream.body, sandboxUrl, origin);
  if (step === 'jwks' && upstream.status === 200) body = JSON.stringify({ keys: [publicJwk(key)] });
  if (step === 'token' && upstream.status === 200) {
    const json = JSON.parse(upstream.body) as Record<string, unknown>;
    const issuer = (token: string): Jwt => {
      const jwt = decodeJwt(token);
      return { header: { ...jwt.header, kid: KID }, payload: { ...jwt.payload, iss: replaceOrigin(String(jwt.payload.iss), sandboxUrl, origin) } };
    };
    const accessToken = signJwt(issuer(String(json.access_token)), key);
    tokens.set(accessToken, String(json.access_token));
    json.access_token = accessToken;
    if (typeof json.id_token === 'string') {
      const idToken = issuer(json.id_token);
      json.id_token = signJwt({ ...idToken, payload: { ...idToken.payload, at_hash: atHash(accessToken) } }, key);
    }
    body = JSON.stringify(json);
  }
  return { status: upstream.status, headers, body };
}

function collectRequestSecrets(req: IncomingMessage, body: string, secrets: Set<string>): void {
  const authorization = /^(?:Basic|Bearer) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (authorization) secrets.add(authorization);
  const form = new URLSearchParams(body);
  for (const name of ['client_secret', 'client_assertion']) {
    const value = form.get(name);
    if (value) secrets.add(value);
  }
  const json = jsonObject(body);
  for (const name of ['password', 'currentPassword', 'newPassword', 'otp']) if (typeof json[name] === 'string') secrets.add(json[name]);
}

function collectAnswerSecrets(reply: Answer, secrets: Set<string>): void {
  const cookies = reply.headers['set-cookie'] ?? [];
  for (const cookie of Array.isArray(cookies) ? cookies : [cookies]) {
    const value = /^[^=]+=([^;]*)/.exec(cookie)?.[1];
    if (value) secrets.add(value);
  }
  const json = jsonObject(reply.body);
  for (const name of ['access_token', 'id_token', 'refresh_token']) if (typeof json[name] === 'string') secrets.add(json[name]);
}

/** The body's JSON object, or {} (a fault may send anything). */
function jsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// ─── Keys, tokens and certificates ───────────────────────────────────────────────────────────────

const KID = 'faulty-proxy';
let signingKey: KeyObject | undefined;

/** One RSA key for every proxy of the process (generation is the slow part). */
function proxySigningKey(): KeyObject {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return signingKey;
}

function publicJwk(key: KeyObject): Record<string, unknown> {
  return { ...createPublicKey(key).export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' };
}

function decodeJwt(token: string): Jwt {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
  return { header, payload };
}

function signJwt(token: Jwt, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(token.header)).toString('base64url')}.${Buffer.from(JSON.stringify(token.payload)).toString('base64url')}`;
  if (token.header.alg === 'none') return `${input}.`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** OIDC Core §3.1.3.6 for RS256: base64url of the left half of SHA-256 over the access token. */
function atHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

let certificate: Promise<{ key: string; cert: string }> | undefined;

/** A throwaway self-signed certificate for 127.0.0.1, made once per process by openssl. */
function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  certificate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'afe-tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ]);
    try {
      return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return certificate;
}

// ─── Plumbing ────────────────────────────────────────────────────────────────────────────────────

function readText(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

function answer(res: ServerResponse, reply: Answer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

async function listen(server: Server | ReturnType<typeof createNetServer>, scheme: 'http' | 'https'): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server | ReturnType<typeof createNetServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A fresh random value for a test to plant (a wrong nonce, an opaque token). */
export function randomText(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
