/**
 * A transport leaves nothing behind once its requests are answered. A request timeout that can no
 * longer happen must not keep its timer: each held the request's state until it fired, 30 s later by
 * default, so a process running flows back to back (the extension host, run --repeat) grew with every
 * request. Timers are followed with async_hooks, which sees every Timeout made and cleared.
 */
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CookieJar } from '../../src/core/cookies';
import { Transport } from '../../src/core/http';

describe('Transport leaves nothing behind', () => {
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function requests(count: number, signal?: AbortSignal): Promise<void> {
    const transport = new Transport({ jar: new CookieJar(), timeoutMs: 60_000 });
    try {
      for (let i = 0; i < count; i++) assert.equal((await transport.send({ method: 'GET', url }, signal)).response?.status, 200);
    } finally {
      await transport.close();
    }
  }

  it('clears every timer it started, with and without a run signal', async () => {
    await requests(1);
    const started = new Set<number>();
    let waiting = false;
    const hook = createHook({
      init: (id, type) => void (type === 'Timeout' && !waiting && started.add(id)),
      destroy: (id) => void started.delete(id),
    }).enable();
    // The test's own waits are not counted: a Timeout's init runs inside the setTimeout call.
    const pause = (ms: number) => {
      waiting = true;
      const paused = new Promise((resolve) => setTimeout(resolve, ms));
      waiting = false;
      return paused;
    };
    try {
      await requests(5);
      await requests(5, new AbortController().signal);
      // undici keeps one shared clock for its phase timeouts: it ticks every half second while any
      // is set, and stops at the first tick after the last is cleared. A tick that falls between two
      // requests stops it and the next request starts it again, so it may be pending here for up
      // to a second. A request timeout left behind (60 s here) outlasts this wait.
      for (let waited = 0; started.size > 0 && waited < 2_000; waited += 100) await pause(100);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      hook.disable();
    }
    assert.equal(started.size, 0, `${started.size} timers still pending after the requests ended`);
  });
});
