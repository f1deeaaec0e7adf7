/**
 * The loopback listener (src/core/oauth/loopback.ts) with real sockets: it answers the redirect URI's
 * path and nothing else, escapes what the server sent into its page, times out, stops when aborted,
 * says when the port is taken, refuses a redirect URI that is not loopback, and always closes.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Codes } from '../../src/core/codes';
import { FlowError } from '../../src/core/errors';
import { listenOnLoopback, loopbackTarget } from '../../src/core/oauth/loopback';

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Whether anything accepts connections on the port now. */
async function listening(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
}

function flowError(code: string) {
  return (error: unknown) => error instanceof FlowError && error.code === code;
}

describe('loopback listener', () => {
  let port: number;
  let redirectUri: string;
  beforeEach(async () => {
    port = await freePort();
    redirectUri = `http://127.0.0.1:${port}/callback`;
  });

  it('resolves with the full callback URL on the redirect path, answers "Signed in" and closes', async () => {
    const listener = await listenOnLoopback(redirectUri);
    const waiting = listener.wait();
    const res = await fetch(`${redirectUri}?code=abc&state=xyz`, { headers: { cookie: 'other-app=secret', 'x-probe': 'yes' } });
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page, /Signed in — you can close this tab/);
    const callback = await waiting;
    assert.equal(callback.url, `${redirectUri}?code=abc&state=xyz`);
    assert.equal(callback.method, 'GET');
    assert.ok(callback.headers.some(([name, value]) => name.toLowerCase() === 'x-probe' && value === 'yes'));
    assert.ok(!callback.headers.some(([name]) => name.toLowerCase() === 'cookie'), 'cookies of other local apps are not recorded');
    assert.equal(callback.response.body, page);
    assert.equal(await listening(port), false, 'the listener closed after the callback');
  });

  it('answers 404 on other paths (favicon) and keeps waiting', async () => {
    const listener = await listenOnLoopback(redirectUri);
    const waiting = listener.wait();
    const favicon = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
    assert.equal(favicon.status, 404);
    await favicon.text();
    const other = await fetch(`http://127.0.0.1:${port}/callback/extra?code=abc`);
    assert.equal(other.status, 404);
    await other.text();
    await (await fetch(`${redirectUri}?code=the-one`)).text();
    assert.equal(new URL((await waiting).url).searchParams.get('code'), 'the-one');
  });

  it('shows the error the authorization server sent, escaped', async () => {
    const listener = await listenOnLoopback(redirectUri);
    const waiting = listener.wait();
    const query = new URLSearchParams({ error: 'access_denied<script>', error_description: 'The user said <b>"no"</b> & left', state: 's' });
    const page = await (await fetch(`${redirectUri}?${query}`)).text();
    assert.match(page, /Sign-on failed/);
    assert.ok(page.includes('access_denied&lt;script&gt;'), page);
    assert.ok(page.includes('The user said &lt;b&gt;&quot;no&quot;&lt;/b&gt; &amp; left'), page);
    assert.ok(!page.includes('<script>') && !page.includes('<b>'), 'nothing the server sent is markup');
    assert.equal(new URL((await waiting).url).searchParams.get('error'), 'access_denied<script>');
  });

  it('shows a problem the run found instead of "Signed in"', async () => {
    const listener = await listenOnLoopback(redirectUri);
    const waiting = listener.wait({ problemOf: (url) => (url.searchParams.get('state') === 'sent' ? undefined : 'The state is not the <one> sent.') });
    const page = await (await fetch(`${redirectUri}?code=c&state=forged`)).text();
    assert.match(page, /Sign-on refused/);
    assert.ok(page.includes('The state is not the &lt;one&gt; sent.'));
    assert.doesNotMatch(page, /Signed in/);
    await waiting;
  });

  it('times out with LOOPBACK_TIMEOUT and closes', async () => {
    const listener = await listenOnLoopback(redirectUri);
    await assert.rejects(listener.wait({ timeoutMs: 50 }), flowError(Codes.LOOPBACK_TIMEOUT));
    assert.equal(await listening(port), false);
  });

  it('stops on abort with an AbortError and closes', async () => {
    const listener = await listenOnLoopback(redirectUri);
    const controller = new AbortController();
    const waiting = listener.wait({ signal: controller.signal });
    controller.abort();
    await assert.rejects(waiting, (error: Error) => error.name === 'AbortError');
    assert.equal(await listening(port), false);
  });

  it('says LOOPBACK_PORT_IN_USE when another server holds the port', async () => {
    const other: Server = createServer((_req, res) => res.end('other')).listen(port, '127.0.0.1');
    await once(other, 'listening');
    try {
      await assert.rejects(listenOnLoopback(redirectUri), (error: unknown) => flowError(Codes.LOOPBACK_PORT_IN_USE)(error) && (error as FlowError).message.includes(String(port)));
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'other', 'the other server is untouched');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses a redirect URI that is not http loopback, with a hint naming a loopback one', () => {
    for (const uri of ['https://app.example.com/callback', 'http://192.168.1.10:8080/callback', 'https://127.0.0.1:8443/callback', 'com.example.app:/callback']) {
      assert.throws(
        () => loopbackTarget(uri),
        (error: unknown) => flowError(Codes.REDIRECT_NOT_LOOPBACK)(error) && /http:\/\/127\.0\.0\.1:53682\/callback/.test((error as FlowError).hint),
        uri,
      );
    }
    assert.deepEqual(loopbackTarget('http://localhost:8123/cb'), { hosts: ['127.0.0.1', '::1'], port: 8123, path: '/cb' });
    assert.deepEqual(loopbackTarget('http://[::1]:8123/cb'), { hosts: ['::1'], port: 8123, path: '/cb' });
  });

  it('listens for localhost on IPv4', async () => {
    const listener = await listenOnLoopback(`http://localhost:${port}/cb`);
    const waiting = listener.wait();
    await (await fetch(`http://127.0.0.1:${port}/cb?code=v4`)).text();
    assert.equal(new URL((await waiting).url).searchParams.get('code'), 'v4');
  });
});
