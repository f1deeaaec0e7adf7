/**
 * The checks that decide whether a token is accepted, one rule at a time: OIDC Core §3.1.3.7 (ID token
 * validation: issuer, audience, signature, exp and iat required, nonce, at_hash per §3.1.3.6), RFC 7519
 * §4.1.4 / §4.1.5 (exp and nbf, with a clock skew), ECMA-262's date range for display. Each case runs
 * at a fixed time so a boundary is hit exactly; tokens are signed with jose.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { CheckCodes } from '../../src/core/codes';
import { FlowError } from '../../src/core/errors';
import { decodeToken, extractJwt, MAX_TOKEN_TEXT, relativeTime, tokenHash, tryDecode, verifyToken } from '../../src/core/oauth/jwt';
import type { VerifyExpectations } from '../../src/core/oauth/jwt';
import type { Check, DecodedToken, TokenKind } from '../../src/core/model';

const NOW = 1_767_225_600;
const SKEW = 60;
const ISSUER = 'https://auth.example.com/env/as';
const CLIENT = 'client-1';

let jwks: JSONWebKeySet;
let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;

before(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  sign = (claims, header = { alg: 'RS256', kid: 'k1' }) => new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(privateKey);
});

const idClaims = (fields: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: NOW, exp: NOW + 3600, nonce: 'n-1', ...fields });

async function verify(claims: Record<string, unknown>, kind: TokenKind = 'id_token', expect: Partial<VerifyExpectations> = {}): Promise<DecodedToken> {
  const raw = await sign(claims);
  return verifyToken(decodeToken(raw, kind, NOW * 1000), { jwks, issuer: ISSUER, clientId: CLIENT, skewSec: SKEW, nonce: 'n-1', now: NOW * 1000, ...expect });
}

const check = (token: DecodedToken, name: string): Check => {
  const found = token.checks.filter((c) => c.name === name);
  assert.equal(found.length, 1, `one ${name} check in ${JSON.stringify(token.checks)}`);
  return found[0];
};

/** A token with any header and claims and a signature that verifies nothing, for what jose would refuse to sign. */
const unsigned = (header: unknown, claims: unknown, signature = 'c2ln') =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

describe('token checks', () => {
  describe('issuer and audience', () => {
    it('says what iss was and what was expected', async () => {
      assert.deepEqual(check(await verify(idClaims()), 'Issuer'), { code: CheckCodes.ISSUER, name: 'Issuer', status: 'passed', detail: `iss is ${ISSUER}` });
      const other = await verify(idClaims({ iss: 'https://evil.example/as' }));
      assert.deepEqual(check(other, 'Issuer'), { code: CheckCodes.ISSUER, name: 'Issuer', status: 'failed', detail: `iss is "https://evil.example/as", expected ${ISSUER}` });
      assert.equal(other.verified, false);
    });

    it('skips the issuer check, naming iss, when no issuer is expected (a pasted token)', async () => {
      const token = await verify(idClaims(), 'id_token', { issuer: undefined });
      assert.deepEqual(check(token, 'Issuer'), { code: CheckCodes.ISSUER, name: 'Issuer', status: 'skipped', detail: `iss is "${ISSUER}"; no expected issuer given` });
      assert.equal(token.verified, true);
    });

    it('accepts an ID token whose aud array includes the client id, and fails one for another client', async () => {
      assert.deepEqual(check(await verify(idClaims({ aud: ['other', CLIENT] })), 'Audience'), { code: CheckCodes.AUDIENCE, name: 'Audience', status: 'passed', detail: `aud includes the client id ${CLIENT}` });
      const other = await verify(idClaims({ aud: 'client-2' }));
      assert.deepEqual(check(other, 'Audience'), { code: CheckCodes.AUDIENCE, name: 'Audience', status: 'failed', detail: `aud is "client-2", expected the client id ${CLIENT}` });
    });

    it('skips the audience of an access token (it names the resource) and of any token when no client id is given', async () => {
      const access = await verify({ iss: ISSUER, aud: 'https://api.example', iat: NOW, exp: NOW + 3600 }, 'access_token');
      assert.deepEqual(check(access, 'Audience'), { code: CheckCodes.AUDIENCE, name: 'Audience', status: 'skipped', detail: `aud "https://api.example" names the resource; it is not the client's to check` });
      assert.equal(access.verified, true, JSON.stringify(access.checks));
      const pasted = await verify(idClaims({ aud: 'client-2' }), 'id_token', { clientId: undefined });
      assert.deepEqual(check(pasted, 'Audience'), { code: CheckCodes.AUDIENCE, name: 'Audience', status: 'skipped', detail: 'aud is "client-2"; no client id given' });
    });
  });

  describe('time claims, with the clock skew', () => {
    it('exp: expired once now reaches exp plus the skew (RFC 7519 §4.1.4), not a millisecond before', async () => {
      const atEdge = await verify(idClaims({ iat: NOW - 7200, exp: NOW - SKEW }));
      assert.deepEqual(check(atEdge, 'Expiry'), { code: CheckCodes.EXPIRY, name: 'Expiry', status: 'failed', detail: 'expired 1 min ago' });
      assert.equal(atEdge.verified, false);
      const withinSkew = await verify(idClaims({ iat: NOW - 7200, exp: NOW - SKEW + 1 }));
      assert.equal(check(withinSkew, 'Expiry').status, 'passed');
      assert.deepEqual(check(await verify(idClaims()), 'Expiry'), { code: CheckCodes.EXPIRY, name: 'Expiry', status: 'passed', detail: 'expires in 1 h' });
      assert.deepEqual(check(await verify(idClaims({ exp: NOW - 600 })), 'Expiry'), { code: CheckCodes.EXPIRY, name: 'Expiry', status: 'failed', detail: 'expired 10 min ago' });
    });

    it('exp is required in an ID token (OIDC Core §2) and optional elsewhere', async () => {
      const { exp: _, ...noExp } = idClaims();
      const id = await verify(noExp);
      assert.deepEqual(check(id, 'Expiry'), { code: CheckCodes.EXPIRY, name: 'Expiry', status: 'failed', detail: 'exp is missing' });
      assert.equal(id.verified, false);
      const access = await verify({ ...noExp, aud: 'api' }, 'access_token');
      assert.deepEqual(check(access, 'Expiry'), { code: CheckCodes.EXPIRY, name: 'Expiry', status: 'skipped', detail: 'no exp claim' });
      assert.equal(access.verified, true);
    });

    it('nbf: not valid while now is before nbf minus the skew (RFC 7519 §4.1.5); valid from that instant', async () => {
      const early = await verify(idClaims({ nbf: NOW + 600 }));
      assert.deepEqual(check(early, 'Not before'), { code: CheckCodes.NOT_BEFORE, name: 'Not before', status: 'failed', detail: 'not valid until in 10 min' });
      assert.equal(early.verified, false);
      assert.deepEqual(check(await verify(idClaims({ nbf: NOW + SKEW })), 'Not before'), { code: CheckCodes.NOT_BEFORE, name: 'Not before', status: 'passed', detail: 'nbf has passed' });
      assert.equal(check(await verify(idClaims({ nbf: NOW + SKEW + 1 })), 'Not before').status, 'failed');
      assert.equal(check(await verify(idClaims({ nbf: NOW - 600 })), 'Not before').status, 'passed');
      assert.ok(!(await verify(idClaims())).checks.some((c) => c.name === 'Not before'), 'no nbf, no check');
    });

    it('iat: a token issued further in the future than the skew fails, saying the clocks disagree', async () => {
      const ahead = await verify(idClaims({ iat: NOW + 600 }));
      assert.deepEqual(check(ahead, 'Issued at'), {
        code: CheckCodes.ISSUED_AT,
        name: 'Issued at',
        status: 'failed',
        detail: `issued in 10 min: the issuer's clock is ahead of this machine's by more than ${SKEW} s`,
      });
      assert.equal(check(await verify(idClaims({ iat: NOW + SKEW })), 'Issued at').status, 'passed');
      assert.equal(check(await verify(idClaims({ iat: NOW + SKEW + 1 })), 'Issued at').status, 'failed');
      assert.deepEqual(check(await verify(idClaims({ iat: NOW - 120 })), 'Issued at'), { code: CheckCodes.ISSUED_AT, name: 'Issued at', status: 'passed', detail: 'issued 2 min ago' });
    });

    it('iat is required in an ID token (OIDC Core §2) and optional elsewhere', async () => {
      const { iat: _, ...noIat } = idClaims();
      const id = await verify(noIat);
      assert.deepEqual(check(id, 'Issued at'), { code: CheckCodes.ISSUED_AT, name: 'Issued at', status: 'failed', detail: 'iat is missing' });
      assert.equal(id.verified, false);
      const access = await verify({ ...noIat, aud: 'api' }, 'access_token');
      assert.deepEqual(check(access, 'Issued at'), { code: CheckCodes.ISSUED_AT, name: 'Issued at', status: 'skipped', detail: 'no iat claim' });
    });

    it('a time claim that is not a date fails under its own name and is not compared with the clock', async () => {
      for (const claim of ['exp', 'iat']) {
        const token = await verify(idClaims({ [claim]: 1e13 }));
        assert.equal(check(token, claim).status, 'failed');
        const clockCheck = claim === 'exp' ? 'Expiry' : 'Issued at';
        assert.ok(!token.checks.some((c) => c.name === clockCheck), `${clockCheck} compared a non-date: ${JSON.stringify(token.checks)}`);
      }
    });

    it('shows each numeric time claim present, and only those, up to the last date ECMAScript can show', () => {
      const token = decodeToken(unsigned({ alg: 'RS256' }, { exp: 8.64e12, iat: 'yesterday', sub: 'x' }), 'access_token', NOW * 1000);
      assert.deepEqual(
        token.times.map((t) => [t.claim, t.iso]),
        [['exp', '+275760-09-13T00:00:00.000Z']],
      );
      assert.equal(decodeToken(unsigned({ alg: 'RS256' }, { exp: 8.64e12 + 1 })).times[0].iso, 'not a date');
    });
  });

  describe('nonce and at_hash (ID token only)', () => {
    it('nonce: passes when it is the one sent, fails naming both otherwise, and is skipped when none was sent', async () => {
      assert.deepEqual(check(await verify(idClaims()), 'Nonce'), { code: CheckCodes.NONCE, name: 'Nonce', status: 'passed', detail: 'nonce matches the one sent on authorize' });
      assert.deepEqual(check(await verify(idClaims({ nonce: 'n-2' })), 'Nonce'), { code: CheckCodes.NONCE, name: 'Nonce', status: 'failed', detail: 'nonce is "n-2", but authorize sent n-1' });
      const { nonce: _, ...noNonce } = idClaims();
      assert.equal(check(await verify(noNonce), 'Nonce').status, 'failed', 'a nonce was sent, so the ID token must carry it');
      assert.deepEqual(check(await verify(noNonce, 'id_token', { nonce: undefined }), 'Nonce'), { code: CheckCodes.NONCE, name: 'Nonce', status: 'skipped', detail: 'no nonce was sent' });
    });

    it('at_hash: passes for the access token issued with it and fails for any other (OIDC Core §3.1.3.6)', async () => {
      const accessToken = 'access-token-issued-with-it';
      const hash = createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
      const good = await verify(idClaims({ at_hash: hash }), 'id_token', { accessToken });
      assert.deepEqual(check(good, 'at_hash'), { code: CheckCodes.AT_HASH, name: 'at_hash', status: 'passed', detail: 'matches the access token' });
      const swapped = await verify(idClaims({ at_hash: hash }), 'id_token', { accessToken: 'another-access-token' });
      const otherHash = createHash('sha256').update('another-access-token').digest().subarray(0, 16).toString('base64url');
      assert.deepEqual(check(swapped, 'at_hash'), { code: CheckCodes.AT_HASH, name: 'at_hash', status: 'failed', detail: `at_hash is ${hash}, but the access token hashes to ${otherHash}` });
      assert.equal(swapped.verified, false);
    });

    it('at_hash: skipped when there is no access token to compare or the ID token carries none', async () => {
      assert.deepEqual(check(await verify(idClaims({ at_hash: 'AAAA' })), 'at_hash'), { code: CheckCodes.AT_HASH, name: 'at_hash', status: 'skipped', detail: 'no access token to compare' });
      assert.deepEqual(check(await verify(idClaims(), 'id_token', { accessToken: 'at' }), 'at_hash'), { code: CheckCodes.AT_HASH, name: 'at_hash', status: 'skipped', detail: 'the ID token has no at_hash' });
    });

    it('no nonce or at_hash check on other tokens', async () => {
      const access = await verify({ iss: ISSUER, aud: 'api', iat: NOW, exp: NOW + 60, nonce: 'n-2', at_hash: 'AAAA' }, 'access_token', { accessToken: 'at' });
      assert.deepEqual(access.checks.map((c) => c.name), ['Signature', 'Issuer', 'Audience', 'Expiry', 'Issued at']);
      assert.equal(access.verified, true);
    });

    it('hashes with SHA-512 for Ed25519 and knows no alg outside JWA', () => {
      const sha512 = createHash('sha512').update('token').digest().subarray(0, 32).toString('base64url');
      assert.equal(tokenHash('token', 'Ed25519'), sha512);
      assert.equal(tokenHash('token', 'XRS256'), undefined);
    });
  });

  describe('signature', () => {
    it('never accepts an unsigned token (alg "none")', async () => {
      const unsecured = unsigned({ alg: 'none' }, idClaims(), '');
      const result = await verifyToken(decodeToken(unsecured, 'id_token'), { jwks, issuer: ISSUER, clientId: CLIENT, skewSec: SKEW, nonce: 'n-1', now: NOW * 1000 });
      assert.deepEqual(check(result, 'Signature'), { code: CheckCodes.SIGNATURE, name: 'Signature', status: 'failed', detail: 'alg is "none": the token is unsigned' });
      assert.equal(result.verified, false);
    });

    it('says which key verified it, or that the token named none', async () => {
      assert.deepEqual(check(await verify(idClaims()), 'Signature'), { code: CheckCodes.SIGNATURE, name: 'Signature', status: 'passed', detail: 'RS256 signature verified with key k1 from JWKS' });
      const noKid = await verifyToken(decodeToken(await sign(idClaims(), { alg: 'RS256' }), 'id_token'), { jwks, skewSec: SKEW, now: NOW * 1000 });
      assert.deepEqual(check(noKid, 'Signature'), { code: CheckCodes.SIGNATURE, name: 'Signature', status: 'passed', detail: 'RS256 signature verified with key (no kid) from JWKS' });
    });

    it('tells an unknown key from an altered token, and fails anything else it cannot verify', async () => {
      const raw = await sign(idClaims());
      const expect = { jwks, skewSec: SKEW, now: NOW * 1000 };
      const unknown = await verifyToken(decodeToken(raw), { ...expect, jwks: { keys: [{ ...jwks.keys[0], kid: 'k2' }] } });
      assert.deepEqual(check(unknown, 'Signature'), { code: CheckCodes.SIGNATURE, name: 'Signature', status: 'failed', detail: 'no key in the JWKS matches kid k1 and alg RS256' });
      const [h, p, s] = raw.split('.');
      const altered = await verifyToken(decodeToken(`${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`), expect);
      assert.deepEqual(check(altered, 'Signature'), {
        code: CheckCodes.SIGNATURE,
        name: 'Signature',
        status: 'failed',
        detail: 'the RS256 signature does not verify with key k1: the token was altered or signed by another key',
      });
      // Two keys with the same kid: jose will not pick one.
      const twice = await verifyToken(decodeToken(raw), { ...expect, jwks: { keys: [jwks.keys[0], { ...jwks.keys[0] }] } });
      assert.deepEqual(check(twice, 'Signature'), { code: CheckCodes.SIGNATURE, name: 'Signature', status: 'failed', detail: 'multiple matching keys found in the JSON Web Key Set' });
      assert.equal(twice.verified, false);
    });
  });

  describe('decoding', () => {
    it('decodes a token pasted with surrounding whitespace as the token itself, with no checks yet', async () => {
      const raw = await sign(idClaims());
      const token = decodeToken(`\n  ${raw}\n`);
      assert.equal(token.raw, raw);
      assert.equal(token.kind, 'token');
      assert.deepEqual(token.checks, []);
      assert.equal(check(await verifyToken(token, { jwks, skewSec: SKEW, now: NOW * 1000 }), 'Signature').status, 'passed');
    });

    it('decodes a token that is a JWT and leaves an opaque one (a PingOne refresh token can be) undecoded', async () => {
      const raw = await sign(idClaims());
      const token = tryDecode(raw, 'id_token', NOW * 1000);
      assert.equal(token?.kind, 'id_token');
      assert.equal(token?.payload.sub, 'user-1');
      assert.equal(token?.times.find((t) => t.claim === 'exp')?.relative, 'in 1 h');
      assert.equal(tryDecode('8f2c0a7e-opaque-refresh-token', 'refresh_token'), undefined);
    });

    it('says what to do about malformed or oversized text', () => {
      assert.throws(() => decodeToken('a.b'), (e: unknown) => e instanceof FlowError && e.code === 'JWT_MALFORMED' && /three base64url parts/.test(e.hint));
      assert.throws(() => extractJwt(' '.repeat(MAX_TOKEN_TEXT + 1)), (e: unknown) => e instanceof FlowError && e.code === 'TOKEN_TEXT_TOO_LONG' && /just the token/.test(e.hint));
    });

    it('writes relative times in the largest whole unit, from 5 s on', () => {
      assert.equal(relativeTime(4_400), 'just now');
      assert.equal(relativeTime(5_000), 'in 5 s');
      assert.equal(relativeTime(-30_000), '30 s ago');
      assert.equal(relativeTime(2 * 86_400_000 + 3_600_000), 'in 2 d');
      assert.equal(relativeTime(-86_400_000), '1 d ago');
    });
  });
});
