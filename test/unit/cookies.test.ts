import assert from 'node:assert/strict';
import { CookieJar } from '../../src/core/cookies';

const set = (...values: string[]): [string, string][] => values.map((v) => ['set-cookie', v]);

describe('CookieJar', () => {
  it('sends a host-only cookie back only to the same host and under its path', () => {
    const jar = new CookieJar();
    jar.store(new URL('http://127.0.0.1:9000/env/as/authorize'), set('ST=abc; Path=/env; HttpOnly; SameSite=Lax'));
    assert.deepEqual(jar.cookiesFor(new URL('http://127.0.0.1:9000/env/flows/1')).map((c) => c.value), ['abc']);
    assert.deepEqual(jar.cookiesFor(new URL('http://127.0.0.1:9000/other/as/resume')), []);
    assert.deepEqual(jar.cookiesFor(new URL('http://127.0.0.1:9000/envelope')), [], 'path-match is by segment, not prefix');
    assert.deepEqual(jar.cookiesFor(new URL('http://localhost:9000/env/flows/1')), []);
  });

  it('defaults the path to the request directory (RFC 6265 §5.1.4)', () => {
    const jar = new CookieJar();
    jar.store(new URL('https://auth.example.com/env/as/authorize'), set('a=1'));
    assert.equal(jar.cookiesFor(new URL('https://auth.example.com/env/as/resume')).length, 1);
    assert.equal(jar.cookiesFor(new URL('https://auth.example.com/env/flows/x')).length, 0);
  });

  it('honours Domain for subdomains and rejects a Domain that does not match the host', () => {
    const jar = new CookieJar();
    jar.store(new URL('https://auth.pingone.com/env'), set('d=1; Domain=pingone.com; Path=/', 'evil=1; Domain=example.org; Path=/'));
    assert.deepEqual(jar.cookiesFor(new URL('https://apps.pingone.com/x')).map((c) => c.name), ['d']);
    assert.deepEqual(jar.cookiesFor(new URL('https://example.org/')), []);
  });

  it('keeps Secure cookies off plain http, and refuses to store them from http', () => {
    const jar = new CookieJar();
    jar.store(new URL('https://auth.example.com/'), set('s=1; Secure; Path=/'));
    assert.equal(jar.cookiesFor(new URL('https://auth.example.com/')).length, 1);
    assert.equal(jar.cookiesFor(new URL('http://auth.example.com/')).length, 0);
    jar.store(new URL('http://127.0.0.1/'), set('t=1; Secure; Path=/'));
    assert.equal(jar.cookiesFor(new URL('http://127.0.0.1/')).length, 0);
  });

  it('expires by Max-Age over Expires, and deletes with Max-Age=0', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const jar = new CookieJar(() => now);
    const url = new URL('https://a.example/');
    jar.store(url, set('m=1; Max-Age=60; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Path=/', 'e=1; Expires=Thu, 01 Jan 2026 00:02:00 GMT; Path=/'));
    assert.deepEqual(jar.cookiesFor(url).map((c) => c.name), ['m', 'e']);
    now += 90_000;
    assert.deepEqual(jar.cookiesFor(url).map((c) => c.name), ['e']);
    jar.store(url, set('e=; Max-Age=0; Path=/'));
    assert.deepEqual(jar.cookiesFor(url), []);
  });

  it('replaces a cookie with the same name, domain and path and orders longer paths first', () => {
    const jar = new CookieJar();
    const url = new URL('https://a.example/env/flows/1');
    jar.store(url, set('x=root; Path=/', 'x=env; Path=/env', 'x=env2; Path=/env'));
    assert.deepEqual(jar.cookiesFor(url).map((c) => c.value), ['env2', 'root']);
  });
});

describe('CookieJar.store', () => {
  it('reports each cookie as the server sent it, reading only Set-Cookie headers', () => {
    const jar = new CookieJar();
    const set = jar.store(new URL('https://auth.example.com/env/as/authorize'), [
      ['content-type', 'text/plain'],
      // A recorded header the fetch Headers class would refuse must not break cookie reading.
      ['x-odd', 'a\u0000b'],
      ['Set-Cookie', 'ST=abc; Domain=example.com; Path=/env; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Secure; HttpOnly; SameSite=None'],
      ['set-cookie', 'plain=1'],
    ]);
    assert.deepEqual(set, [
      { name: 'ST', value: 'abc', domain: 'example.com', path: '/env', expires: '2031-01-01T00:00:00.000Z', secure: true, httpOnly: true, sameSite: 'None' },
      { name: 'plain', value: '1' },
    ]);
    assert.deepEqual(jar.store(new URL('https://auth.example.com/'), [['content-type', 'text/plain']]), []);
  });

  it('stores a Domain cookie with a leading dot, and one naming the host itself', () => {
    const jar = new CookieJar();
    jar.store(new URL('https://auth.example.com/'), set('dot=1; Domain=.example.com; Path=/', 'self=1; Domain=auth.example.com; Path=/'));
    assert.deepEqual(jar.cookiesFor(new URL('https://auth.example.com/')).map((c) => c.name), ['dot', 'self']);
    assert.deepEqual(jar.cookiesFor(new URL('https://apps.example.com/')).map((c) => c.name), ['dot']);
  });

  it('never stores a Secure cookie set over http, even for a later https request', () => {
    const jar = new CookieJar();
    jar.store(new URL('http://auth.example.com/'), set('s=1; Secure; Path=/'));
    assert.deepEqual(jar.cookiesFor(new URL('https://auth.example.com/')), []);
  });

  it('counts Max-Age in seconds and honours Expires without it', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const jar = new CookieJar(() => now);
    const url = new URL('https://a.example/');
    jar.store(url, set('m=1; Max-Age=60; Path=/', 'e=1; Expires=Thu, 01 Jan 2026 00:02:00 GMT; Path=/'));
    now += 30_000;
    assert.deepEqual(jar.cookiesFor(url).map((c) => c.name), ['m', 'e']);
    now += 30_000;
    assert.deepEqual(jar.cookiesFor(url).map((c) => c.name), ['e'], 'gone at the instant Max-Age runs out');
    now += 61_000;
    assert.deepEqual(jar.cookiesFor(url), []);
  });

  it('gives a cookie set at a top-level path the path "/", ordered with other "/" cookies by creation', () => {
    const jar = new CookieJar();
    jar.store(new URL('https://a.example/authorize'), set('first=1'));
    jar.store(new URL('https://a.example/'), set('second=1; Path=/'));
    assert.deepEqual(jar.cookiesFor(new URL('https://a.example/x')).map((c) => [c.name, c.path]), [['first', '/'], ['second', '/']]);
  });

  it('keeps a host-only and a Domain cookie of the same name and path apart', () => {
    const jar = new CookieJar();
    const url = new URL('https://auth.example.com/');
    jar.store(url, set('x=host; Path=/', 'x=domain; Domain=example.com; Path=/'));
    assert.deepEqual(jar.cookiesFor(url).map((c) => c.value), ['host', 'domain']);
  });
});

describe('CookieJar matching', () => {
  it('never lets a Domain attribute widen an IP address host', () => {
    const jar = new CookieJar();
    jar.store(new URL('http://127.0.0.1/'), set('ip=1; Domain=0.0.1; Path=/', 'exact=1; Domain=127.0.0.1; Path=/'));
    assert.deepEqual(jar.cookiesFor(new URL('http://127.0.0.1/')).map((c) => c.name), ['exact']);
  });

  it('reads a host name that begins or ends with digits as a host name, not an IP address (RFC 6265 §5.1.3)', () => {
    for (const [host, domain] of [['3m.example.com', 'example.com'], ['sso.node1', 'node1']]) {
      const jar = new CookieJar();
      jar.store(new URL(`https://${host}/`), set(`d=1; Domain=${domain}; Path=/`));
      assert.deepEqual(jar.cookiesFor(new URL(`https://${host}/`)).map((c) => c.name), ['d'], host);
    }
  });

  it('path-matches the exact path, and never a different path ending in a slash', () => {
    const jar = new CookieJar();
    jar.store(new URL('https://a.example/'), set('exact=1; Path=/env', 'dir=1; Path=/a/'));
    assert.deepEqual(jar.cookiesFor(new URL('https://a.example/env')).map((c) => c.name), ['exact']);
    assert.deepEqual(jar.cookiesFor(new URL('https://a.example/b/c')), []);
    assert.deepEqual(jar.cookiesFor(new URL('https://a.example/a/c')).map((c) => c.name), ['dir']);
  });

  it('orders cookies of equal path length by creation, a replaced cookie keeping its creation time', () => {
    const jar = new CookieJar();
    const url = new URL('https://a.example/');
    jar.store(url, set('a=1; Path=/', 'b=1; Path=/', 'c=1; Path=/'));
    jar.store(url, set('a=2; Path=/'));
    assert.deepEqual(jar.cookiesFor(url).map((c) => `${c.name}=${c.value}`), ['a=2', 'b=1', 'c=1']);
  });
});
