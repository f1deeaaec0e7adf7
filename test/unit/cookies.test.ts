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
