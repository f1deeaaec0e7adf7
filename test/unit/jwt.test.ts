import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { FlowError } from '../../src/core/errors';
import { decodeToken, extractJwt, MAX_TOKEN_TEXT, relativeTime, tokenHash, verifyToken } from '../../src/core/oauth/jwt';

async function issuer() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
  return { jwks, sign };
}

/** A token with any header and claims and a signature that verifies nothing, for what jose would refuse to sign. */
const unsigned = (header: unknown, payloadJson: string) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}.c2ln`;

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

  it('finds a JWT at the end of a sentence, an unsecured JWT, and a whole JWE', () => {
    const jws = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    assert.equal(extractJwt(`The token is ${jws}.`), jws);
    assert.equal(extractJwt('unsecured: eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'), 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
    const jwe = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y2lwaGVy.dGFn';
    assert.equal(extractJwt(`"${jwe}"`), jwe, 'the five parts, so decoding can say it is encrypted');
    assert.equal(extractJwt('see app.config.json or v1.2.3'), undefined, 'dotted words are not tokens');
    assert.equal(extractJwt('eyJhbGciOi.eyJzdWIiOi and eyJa.eyJb.c.d'), undefined, 'two or four parts are not a JWT');
  });

  it('looks through long base64url runs without dots in one pass, and finds a token well over 100 KB', () => {
    // Each of these made the old pattern rescan from every start position (tens of seconds at this size).
    const n = 200_000;
    for (const text of ['a'.repeat(n), `eyJ${'a'.repeat(n)}`, 'eyJ'.repeat(n / 3), `eyJaaaaa.eyJ${'a'.repeat(n)}`, `${'ab.'.repeat(n / 3)}`]) {
      assert.equal(extractJwt(text), undefined, text.slice(0, 12));
    }
    const big = `${Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url')}.${Buffer.from(JSON.stringify({ groups: 'g'.repeat(300_000) })).toString('base64url')}.c2ln`;
    assert.equal(extractJwt(`{"access_token": "${big}"}`), big);
    assert.equal(decodeToken(big).payload.groups, 'g'.repeat(300_000));
  });

  it('refuses text over the size cap with a coded error that says the sizes', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    assert.equal(extractJwt(`${jwt}${' '.repeat(MAX_TOKEN_TEXT - jwt.length)}`), jwt, 'exactly the cap is accepted');
    assert.ok(MAX_TOKEN_TEXT >= 512 * 1024, 'the cap leaves room for large tokens');
    assert.throws(
      () => extractJwt(`${jwt}${' '.repeat(MAX_TOKEN_TEXT)}`),
      (e: unknown) => e instanceof FlowError && e.code === 'TOKEN_TEXT_TOO_LONG' && e.message.includes(String(MAX_TOKEN_TEXT + jwt.length)),
    );
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

  it('decodes out-of-range and non-numeric times for display, and fails a check named by the claim, with its value', async () => {
    const { jwks, sign } = await issuer();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ exp: 1e13 }, 'exp', /exp is 10000000000000.*out of range/],
      [{ iat: -1e13 }, 'iat', /iat is -10000000000000.*out of range/],
      [{ nbf: 9e15 }, 'nbf', /nbf is 9000000000000000.*out of range/],
      [{ auth_time: 1e13 }, 'auth_time', /auth_time is 10000000000000.*out of range/],
      [{ exp: '1700000000' }, 'exp', /exp is "1700000000", not a number/],
    ];
    for (const [claims, check, detail] of cases) {
      const raw = await sign({ ...base, ...claims });
      const decoded = decodeToken(raw, 'id_token');
      const [claim] = Object.keys(claims);
      if (typeof claims[claim] === 'number') assert.deepEqual(decoded.times.find((t) => t.claim === claim), { claim, value: claims[claim], iso: 'not a date', relative: 'out of range' });
      const result = await verifyToken(decoded, { ...expect, jwks });
      assert.equal(result.verified, false, check);
      const failed = result.checks.filter((c) => c.status === 'failed');
      assert.deepEqual(failed.map((c) => c.name), [check]);
      assert.match(failed[0].detail, detail);
    }
    // JSON reads 1e400 as Infinity: still decoded, still a failed check rather than a thrown RangeError.
    const infinite = decodeToken(unsigned({ alg: 'RS256', kid: 'k1' }, `{"sub":"x","exp":1e400}`), 'access_token');
    assert.equal(infinite.times[0].iso, 'not a date');
    const checked = await verifyToken(infinite, { jwks, skewSec: 60 });
    assert.match(checked.checks.find((c) => c.name === 'exp')?.detail ?? '', /exp is Infinity.*out of range/);
  });

  it('fails Signature and at_hash for an alg it does not support, saying so', async () => {
    const { jwks, sign } = await issuer();
    const [, payload, signature] = (await sign({ ...base, at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' })).split('.');
    for (const alg of ['RS999', 'HS999', 'ES256K']) {
      const header = Buffer.from(JSON.stringify({ alg, kid: 'k1' })).toString('base64url');
      const result = await verifyToken(decodeToken(`${header}.${payload}.${signature}`, 'id_token'), { ...expect, jwks, accessToken: 'opaque-access-token' });
      const failed = new Map(result.checks.filter((c) => c.status === 'failed').map((c) => [c.name, c.detail]));
      assert.deepEqual([...failed.keys()], ['Signature', 'at_hash'], alg);
      assert.match(failed.get('Signature') ?? '', new RegExp(`alg "${alg}" is not supported`));
      assert.match(failed.get('at_hash') ?? '', new RegExp(`alg "${alg}" is not supported`));
    }
  });

  it('hashes at_hash with the SHA size of the alg (OIDC Core §3.1.3.6)', () => {
    const sha = (bits: number) => createHash(`sha${bits}`).update('token').digest();
    assert.equal(tokenHash('token', 'RS256'), sha(256).subarray(0, 16).toString('base64url'));
    assert.equal(tokenHash('token', 'PS384'), sha(384).subarray(0, 24).toString('base64url'));
    assert.equal(tokenHash('token', 'ES512'), sha(512).subarray(0, 32).toString('base64url'));
    assert.equal(tokenHash('token', 'EdDSA'), sha(512).subarray(0, 32).toString('base64url'));
    assert.equal(tokenHash('token', 'RS999'), undefined);
  });

  it('formats relative times', () => {
    assert.equal(relativeTime(59 * 60_000 + 10_000), 'in 59 min');
    assert.equal(relativeTime(-3 * 3_600_000), '3 h ago');
    assert.equal(relativeTime(1000), 'just now');
  });
});
