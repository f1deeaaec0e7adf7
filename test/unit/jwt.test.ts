import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { FlowError } from '../../src/core/errors';
import { decodeToken, extractJwt, relativeTime, tokenHash, verifyToken } from '../../src/core/jwt';

async function issuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
  return { jwks, sign };
}

const now = Math.floor(Date.now() / 1000);
const base = { iss: 'https://auth.example/env/as', aud: 'client-1', sub: 'user-1', iat: now, exp: now + 3600, nonce: 'n-1' };
const expect = { issuer: base.iss, clientId: 'client-1', skewSec: 60, nonce: 'n-1' };

describe('jwt', () => {
  it('finds a JWT in pasted text with quotes, Bearer and JSON around it', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    assert.equal(extractJwt(`  "${jwt}"  `), jwt);
    assert.equal(extractJwt(`Authorization: Bearer ${jwt}\n`), jwt);
    assert.equal(extractJwt(`{"id_token": "${jwt}", "x": 1}`), jwt);
    assert.equal(extractJwt('no token here'), undefined);
  });

  it('decodes header, payload, signature and human times', async () => {
    const { sign } = await issuer();
    const raw = await sign(base);
    const token = decodeToken(raw, 'id_token', now * 1000);
    assert.equal(token.header.kid, 'k1');
    assert.equal(token.payload.sub, 'user-1');
    assert.equal(token.signature, raw.split('.')[2]);
    const exp = token.times.find((t) => t.claim === 'exp');
    assert.equal(exp?.relative, 'in 1 h');
    assert.equal(exp?.iso, new Date((now + 3600) * 1000).toISOString());
  });

  it('explains malformed tokens with coded errors', () => {
    const cases: [string, RegExp][] = [
      ['abc', /three parts/],
      ['a.b.c.d.e', /encrypted/],
      ['!!!.eyJzdWIiOiJ4In0.c2ln', /header/],
      ['eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln', /payload/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => decodeToken(input), (e: unknown) => e instanceof FlowError && e.code === 'JWT_MALFORMED' && message.test(e.message), input);
    }
  });

  it('verifies a good ID token and passes every check', async () => {
    const { jwks, sign } = await issuer();
    const accessToken = await sign({ ...base, aud: 'https://api.example' });
    const raw = await sign({ ...base, at_hash: tokenHash(accessToken, 'RS256') });
    const verified = await verifyToken(decodeToken(raw, 'id_token'), { ...expect, jwks, accessToken });
    assert.equal(verified.verified, true, JSON.stringify(verified.checks));
    assert.deepEqual(verified.checks.filter((c) => c.status === 'passed').map((c) => c.name), ['Signature', 'Issuer', 'Audience', 'Expiry', 'Issued at', 'Nonce', 'at_hash']);
  });

  it('names the failed check: tampered signature, wrong issuer, audience, nonce, expiry, unknown key', async () => {
    const { jwks, sign } = await issuer();
    const raw = await sign(base);
    const [h, , s] = raw.split('.');
    const tamperedPayload = Buffer.from(JSON.stringify({ ...base, sub: 'admin' })).toString('base64url');
    const failures: [string, Record<string, unknown>, string][] = [
      [`${h}.${tamperedPayload}.${s}`, {}, 'Signature'],
      [raw, { issuer: 'https://other/as' }, 'Issuer'],
      [raw, { clientId: 'client-2' }, 'Audience'],
      [raw, { nonce: 'n-2' }, 'Nonce'],
      [await sign({ ...base, exp: now - 600 }), {}, 'Expiry'],
      [raw, { jwks: { keys: [{ ...jwks.keys[0], kid: 'other' }] } }, 'Signature'],
    ];
    for (const [token, override, check] of failures) {
      const result = await verifyToken(decodeToken(token, 'id_token'), { ...expect, jwks, ...override });
      assert.equal(result.verified, false, check);
      assert.deepEqual(result.checks.filter((c) => c.status === 'failed').map((c) => c.name), [check]);
      assert.equal(result.payload.sub === undefined, false, 'a failed token is still decoded');
    }
  });

  it('formats relative times', () => {
    assert.equal(relativeTime(59 * 60_000 + 10_000), 'in 59 min');
    assert.equal(relativeTime(-3 * 3_600_000), '3 h ago');
    assert.equal(relativeTime(1000), 'just now');
  });
});
