/**
 * The transport and the response readers against misbehaving servers on loopback: each failure must be
 * a coded FlowError with the request still recorded, never an uncaught exception.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { CookieJar } from '../../src/core/cookies';
import { toCurl } from '../../src/core/curl';
import { FlowError } from '../../src/core/errors';
import { Transport } from '../../src/core/http';
import { readTokenResponse } from '../../src/core/oauth/token';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(req, res, body));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function expectFlowError(promise: Promise<unknown>, code: string): Promise<FlowError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof FlowError, `expected a FlowError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('transport', () => {
  let transport: Transport;
  afterEach(() => transport?.close());

  it('records the request head as sent, response, cookies and timings, and never follows redirects', async () => {
    const server = await serve((req, res, body) => {
      res.writeHead(302, { location: '/elsewhere', 'set-cookie': 'ST=s1; Path=/; HttpOnly', 'x-echo': `${req.method} ${body}` });
      res.end();
    });
    transport = new Transport({ jar: new CookieJar() });
    try {
      const exchange = await transport.send({ method: 'POST', url: `${server.url}/as/authorize`, headers: [['content-type', 'application/x-www-form-urlencoded']], body: 'a=1&b=2' });
      assert.equal(exchange.response?.status, 302);
      assert.match(exchange.request.rawHead ?? '', /^POST \/as\/authorize HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\n/);
      assert.match(exchange.request.rawHead ?? '', /content-length: 7\r\n$/);
      assert.deepEqual(exchange.request.headers.find(([n]) => n === 'content-type'), ['content-type', 'application/x-www-form-urlencoded']);
      assert.equal(exchange.response?.headers.find(([n]) => n === 'x-echo')?.[1], 'POST a=1&b=2');
      assert.deepEqual(exchange.cookies.set.map((c) => [c.name, c.value]), [['ST', 's1']]);
      const { connect, ttfb, total } = exchange.timing;
      assert.ok(ttfb !== undefined && total >= ttfb && ttfb > 0);
      assert.ok(connect !== undefined && connect > 0, 'first request opened a connection');
      const second = await transport.send({ method: 'GET', url: `${server.url}/next` });
      assert.deepEqual(second.cookies.sent.map((c) => c.value), ['s1']);
      assert.match(second.request.rawHead ?? '', /cookie: ST=s1/);
      const third = await transport.send({ method: 'GET', url: `${server.url}/next` });
      assert.equal(third.timing.connect, 0, 'kept-alive connection reused');
    } finally {
      await server.close();
    }
  });

  it('times out a server that never answers', async () => {
    const server = await serve(() => undefined);
    transport = new Transport({ jar: new CookieJar(), timeoutMs: 300 });
    try {
      const error = await expectFlowError(transport.send({ method: 'GET', url: `${server.url}/hang` }), 'HTTP_TIMEOUT');
      assert.match(error.message, /within the 300 ms request timeout; no response headers had arrived/);
      assert.equal(error.exchange?.request.url, `${server.url}/hang`);
      assert.equal(error.exchange?.response, undefined);
    } finally {
      await server.close();
    }
  });

  it('times out a body that stops arriving', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    transport = new Transport({ jar: new CookieJar(), timeoutMs: 300 });
    try {
      const error = await expectFlowError(transport.send({ method: 'GET', url: `${server.url}/stall` }), 'HTTP_TIMEOUT');
      assert.match(error.message, /within the 300 ms request timeout; 11 bytes of the body had arrived/);
    } finally {
      await server.close();
    }
  });

  it('bounds the whole request: a body trickling a byte at a time hits the request timeout, not cancel', async () => {
    let timer: NodeJS.Timeout | undefined;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Each byte resets a body idle timer; only a limit on the whole request stops this one.
      let sent = 0;
      timer = setInterval(() => (++sent > 100 ? (clearInterval(timer), res.end()) : res.write(' ')), 30);
    });
    transport = new Transport({ jar: new CookieJar(), timeoutMs: 400 });
    try {
      const error = await expectFlowError(transport.send({ method: 'GET', url: `${server.url}/trickle` }, new AbortController().signal), 'HTTP_TIMEOUT');
      assert.match(error.message, /within the 400 ms request timeout/);
      assert.match(error.message, /bytes of the body had arrived/);
      assert.equal(error.exchange?.request.url, `${server.url}/trickle`);
    } finally {
      clearInterval(timer);
      await server.close();
    }
  });

  it('says which per-phase limit fired, and its value', async () => {
    // TLS to a server that accepts the TCP connection and never answers the handshake: connecting never ends.
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const hang = await serve(() => undefined);
    const stall = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const limits = { connectMs: 200, headersMs: 200, bodyIdleMs: 200 };
    transport = new Transport({ jar: new CookieJar(), timeoutMs: 10_000, limits });
    try {
      const connect = await expectFlowError(transport.send({ method: 'GET', url: `${silentUrl}/x` }), 'HTTP_TIMEOUT');
      assert.match(connect.message, /did not complete a connection within 200 ms \(connect timeout\)/);
      const headers = await expectFlowError(transport.send({ method: 'GET', url: `${hang.url}/hang` }), 'HTTP_TIMEOUT');
      assert.match(headers.message, /sent no response headers within 200 ms \(headers timeout\)/);
      const body = await expectFlowError(transport.send({ method: 'GET', url: `${stall.url}/stall` }), 'HTTP_TIMEOUT');
      assert.match(body.message, /stopped sending the response body: nothing arrived for 200 ms \(body idle timeout\)/);
    } finally {
      silent.close();
      await hang.close();
      await stall.close();
    }
  });

  it('refuses a request URL that is not a URL, quoting it, with the request recorded', async () => {
    transport = new Transport({ jar: new CookieJar() });
    for (const url of ['notaurl', 'http://[::1/as/jwks', 'ftp://127.0.0.1/as/jwks']) {
      const error = await expectFlowError(transport.send({ method: 'GET', url }), 'INVALID_URL');
      assert.ok(error.message.includes(`"${url}"`), error.message);
      assert.equal(error.exchange?.request.url, url);
      assert.equal(error.exchange?.response, undefined);
    }
  });

  it('refuses a body over the cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      for (let i = 0; i < 10; i++) res.write(chunk);
      res.end();
    });
    transport = new Transport({ jar: new CookieJar(), maxBodyBytes: 1024 * 1024 });
    try {
      await expectFlowError(transport.send({ method: 'GET', url: `${server.url}/big` }), 'BODY_TOO_LARGE');
    } finally {
      await server.close();
    }
  });

  it('reports a connection reset and a refused connection', async () => {
    const server = await serve((req, res) => {
      if (req.url !== '/cut') {
        req.socket.destroy();
        return;
      }
      // The answer begins — headers and 5 bytes of a 100-byte body — then the connection drops.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"a":', () => setTimeout(() => req.socket.destroy(), 50));
    });
    transport = new Transport({ jar: new CookieJar() });
    try {
      const reset = await expectFlowError(transport.send({ method: 'GET', url: `${server.url}/reset` }), 'ECONNRESET');
      assert.match(reset.message, /closed the connection before answering/);
      const cut = await expectFlowError(transport.send({ method: 'GET', url: `${server.url}/cut` }), 'ECONNRESET');
      assert.match(cut.message, /in the middle of its answer, after the headers and 5 bytes of the body/);
    } finally {
      await server.close();
    }
    const refused = await expectFlowError(transport.send({ method: 'GET', url: server.url }), 'ECONNREFUSED');
    const timing = refused.exchange!.timing;
    assert.equal(timing.connect, undefined, 'no connection was made, so no connect time (0 would read as reused)');
    assert.equal(timing.ttfb, undefined);
    assert.ok(timing.total >= 0);
  });

  it('aborts on cancel with CANCELLED', async () => {
    const server = await serve(() => undefined);
    transport = new Transport({ jar: new CookieJar() });
    const controller = new AbortController();
    try {
      const pending = transport.send({ method: 'GET', url: `${server.url}/hang` }, controller.signal);
      setImmediate(() => controller.abort());
      await expectFlowError(pending, 'CANCELLED');
    } finally {
      await server.close();
    }
  });

  it('turns HTML, plain text and empty bodies into readable errors', async () => {
    const bodies: [string, string, string][] = [
      ['text/html', '<!doctype html><html><head><title>502 Bad Gateway</title></head></html>', 'UNEXPECTED_HTML'],
      ['text/plain', 'upstream connect error', 'INVALID_JSON'],
      ['application/json', '', 'EMPTY_RESPONSE'],
      ['application/json', '{"access_token": 1', 'INVALID_JSON'],
    ];
    for (const [type, body, code] of bodies) {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      });
      transport = new Transport({ jar: new CookieJar() });
      try {
        const exchange = await transport.send({ method: 'POST', url: `${server.url}/as/token`, body: 'x=1' });
        const error = await expectFlowError(Promise.resolve().then(() => readTokenResponse(exchange)), code);
        if (code === 'UNEXPECTED_HTML') assert.match(error.message, /502 Bad Gateway/);
      } finally {
        await transport.close();
        await server.close();
      }
    }
  });

  it('prints cURL that real curl sends byte-for-byte the same, with secrets as variables', async function () {
    const seen: string[] = [];
    const server = await serve((req, res, body) => {
      seen.push(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body }));
      res.end('ok');
    });
    transport = new Transport({ jar: new CookieJar() });
    try {
      const secret = "s3cr'et $HOME `x`";
      const exchange = await transport.send({
        method: 'POST',
        url: `${server.url}/as/token?x=it's`,
        headers: [['content-type', 'application/x-www-form-urlencoded'], ['authorization', 'Basic YTpi']],
        body: `grant_type=authorization_code&client_secret=${secret}`,
        secrets: [{ variable: 'CLIENT_SECRET', value: secret }],
      });
      const run = promisify(execFile);
      await run('sh', ['-c', toCurl(exchange.request, { includeSecrets: true })]);
      await run('sh', ['-c', toCurl(exchange.request)], { env: { ...process.env, CLIENT_SECRET: secret } });
      assert.equal(seen.length, 3);
      assert.equal(seen[1], seen[0], 'with secrets included');
      assert.equal(seen[2], seen[0], 'with secrets from the environment');
      const redacted = toCurl(exchange.request);
      assert.ok(!redacted.includes(secret));
      assert.match(redacted, /^# Set first: CLIENT_SECRET\n/);
    } finally {
      await server.close();
    }
  });
});
