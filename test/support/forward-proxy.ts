/**
 * A real forward proxy on loopback, as a corporate one behaves: CONNECT tunnels (RFC 9110 §9.3.6)
 * for https, absolute-form requests (RFC 9112 §3.2.2) forwarded for http, and optionally Basic proxy
 * authentication answering 407 with Proxy-Authenticate (RFC 9110 §11.7.1). It records what passed
 * through, so a test can say which requests went by the proxy. Like a corporate proxy resolving
 * internal names, it can map host names nobody else resolves to loopback addresses (`hosts`), so a
 * request to such a name succeeds only through the proxy.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** The proxy and CA variables, blanked for a process under test: the machine running the tests may set them. */
export const NO_NETWORK_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS'].map((name) => [name, '']),
);

export interface Passed {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  /** The Proxy-Authorization the client sent, if any. */
  authorization?: string;
  /** What the proxy answered: 200 for an opened tunnel, 407, or the forwarded response's status. */
  status: number;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  passed: Passed[];
  close(): Promise<void>;
}

export interface ForwardProxyOptions {
  /** "user:password": requests without them get 407. */
  credentials?: string;
  /** Host names only this proxy resolves, and the address each stands for: `{ 'sandbox.corp.test': '127.0.0.1' }`. */
  hosts?: Readonly<Record<string, string>>;
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const passed: Passed[] = [];
  const addressOf = (host: string) => options.hosts?.[host.toLowerCase()] ?? host;
  const expected = options.credentials && `Basic ${Buffer.from(options.credentials).toString('base64')}`;
  const sockets = new Set<Socket>();
  const admit = (req: IncomingMessage): boolean => !expected || req.headers['proxy-authorization'] === expected;
  const record = (req: IncomingMessage, status: number) =>
    passed.push({ method: req.method ?? '', target: req.url ?? '', status, ...(req.headers['proxy-authorization'] ? { authorization: req.headers['proxy-authorization'] } : {}) });
  const challenge = 'Proxy-Authenticate: Basic realm="test proxy"';

  const server = createServer((req, res) => {
    if (!admit(req)) {
      record(req, 407);
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test proxy"', 'Content-Length': '0' }).end();
      return;
    }
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: addressOf(target.hostname), port: target.port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      record(req, answer.statusCode ?? 0);
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      record(req, 502);
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (!admit(req)) {
      record(req, 407);
      client.end(`HTTP/1.1 407 Proxy Authentication Required\r\n${challenge}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = splitHostPort(req.url ?? '');
    const upstream = connect(port, addressOf(host), () => {
      record(req, 200);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => {
      record(req, 502);
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
    client.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    passed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function splitHostPort(authority: string): [string, number] {
  const colon = authority.lastIndexOf(':');
  return [authority.slice(0, colon).replace(/^\[|\]$/g, ''), Number(authority.slice(colon + 1))];
}
