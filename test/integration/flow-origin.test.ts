/**
 * Credentials go only where the profile points: a flow whose action link names another server makes
 * the sign-on step fail before anything is sent, and that other server — a real one on loopback —
 * receives nothing. And a profile that sends them over plain http to a non-loopback host says so on
 * every step.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Profile } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import { sampleProfile } from '../fixtures/profiles';

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function profileAt(authPath: string): Profile {
  return sampleProfile({ id: 'p', name: 'links', region: 'custom', authPath, envId: 'env', clientId: 'c', redirectUri: 'https://app.example/cb', scopes: ['openid'], clientAuthMethod: 'none' });
}

describe('flow links and the configured origin', () => {
  const received: { server: 'configured' | 'other'; method: string; url: string; body: string }[] = [];
  let configured: Awaited<ReturnType<typeof listen>>;
  let other: Awaited<ReturnType<typeof listen>>;
  const record = (server: 'configured' | 'other', request: IncomingMessage) =>
    new Promise<void>((resolve) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ server, method: request.method ?? '', url: request.url ?? '', body });
        resolve();
      });
    });

  before(async () => {
    other = await listen((request, response) => {
      void record('other', request).then(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"f1","status":"COMPLETED"}'));
    });
    configured = await listen((request, response) => {
      void record('configured', request).then(() => {
        const path = new URL(request.url ?? '/', configured.origin).pathname;
        if (path === '/env/as/authorize') {
          response.writeHead(302, { location: `${configured.origin}/env/signon/?flowId=f1` }).end();
        } else if (path === '/env/flows/f1' && request.method === 'GET') {
          // Everything about this flow is as PingOne sends it, except where the password would go.
          const flow = {
            id: 'f1',
            status: 'USERNAME_PASSWORD_REQUIRED',
            _links: { self: { href: `${configured.origin}/env/flows/f1` }, 'usernamePassword.check': { href: `${other.origin}/env/flows/f1` } },
          };
          response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'ST=session-cookie; Path=/; HttpOnly' }).end(JSON.stringify(flow));
        } else {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_FOUND","message":"no"}');
        }
      });
    });
  });
  after(() => {
    configured?.server.close();
    other?.server.close();
  });
  beforeEach(() => received.splice(0));

  it('a usernamePassword.check link to another server fails the sign-on step, and that server receives nothing', async () => {
    const run = await runFlow({ profile: profileAt(configured.origin), secrets: { username: 'ada', password: 'hunter2-secret' } });
    assert.equal(run.status, 'failed');
    const step = run.steps.at(-1);
    assert.equal(step?.kind, 'signOn');
    assert.equal(step?.error?.code, 'FLOW_LINK_ELSEWHERE', JSON.stringify(step?.error));
    assert.ok(step?.error?.message.includes('usernamePassword.check'), step?.error?.message);
    assert.ok(step?.error?.message.includes(other.origin), step?.error?.message);
    assert.ok(step?.error?.message.includes(configured.origin), step?.error?.message);
    assert.equal(step?.exchange, undefined, 'no request was sent for the action');

    assert.deepEqual(received.filter((r) => r.server === 'other'), [], 'the other server received nothing');
    assert.deepEqual(received.map((r) => `${r.method} ${new URL(r.url, configured.origin).pathname}`), [
      'GET /env/as/.well-known/openid-configuration',
      'GET /env/as/authorize',
      'GET /env/flows/f1',
    ]);
    assert.ok(!received.some((r) => r.body.includes('hunter2-secret')));
    // This server has no discovery document (404): the run goes on with PingOne's documented paths and says so.
    const [discovery, ...rest] = run.steps;
    assert.deepEqual([discovery.kind, discovery.status], ['discovery', 'succeeded']);
    assert.equal(discovery.warnings.length, 1, JSON.stringify(discovery.warnings));
    assert.match(discovery.warnings[0], /could not be read .*404.*documented paths/);
    // Loopback over http is how the sandbox runs: no plain-http warning for it.
    assert.deepEqual(rest.flatMap((s) => s.warnings), []);
  });

  it('refuses the link before anyone is asked to type a password for it', async () => {
    const asked: string[] = [];
    const run = await runFlow({
      profile: profileAt(configured.origin),
      secrets: {},
      ask: async (question) => {
        asked.push(question.kind);
        return undefined;
      },
    });
    assert.equal(run.steps.at(-1)?.error?.code, 'FLOW_LINK_ELSEWHERE');
    assert.deepEqual(asked, []);
  });

  it('plain http to a host that is not loopback warns on every step', async () => {
    // 0.0.0.0 is not a loopback address, and nothing listens on port 9: the first step (discovery) fails at once.
    const run = await runFlow({ profile: profileAt('http://0.0.0.0:9'), secrets: { username: 'ada', password: 'pw' }, timeoutMs: 2000 });
    assert.equal(run.steps.length, 1);
    assert.ok(run.steps[0].warnings.some((w) => /plain http/.test(w) && w.includes('0.0.0.0')), JSON.stringify(run.steps[0].warnings));
  });
});
