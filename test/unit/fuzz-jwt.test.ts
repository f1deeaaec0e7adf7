/**
 * Fuzzing the JWT module: finding tokens in text, decoding and verifying, each on 10,000 inputs that
 * are random or mutated from real tokens signed by jose (RS256, PS256, ES256, EdDSA). Finding is
 * checked against a plain regular-expression reading of the same rules; decoding may only return or
 * throw JWT_MALFORMED; verifying never throws and never passes a token whose signing input or
 * signature bytes differ from a genuinely signed one.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { base64url, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { FlowError } from '../../src/core/errors';
import { decodeToken, extractJwt, tokenHash, verifyToken } from '../../src/core/oauth/jwt';
import type { VerifyExpectations } from '../../src/core/oauth/jwt';
import { jwtSpans } from '../../src/core/oauth/jwtScan';
import type { DecodedToken } from '../../src/core/model';
import { findJwtAt } from '../../src/extension/timeline/jwtText';
import { fuzz, fuzzAsync, jsonInputs, mutated, textInputs } from '../support/fuzz';

const NOW = Date.UTC(2030, 0, 1);
const ISSUER = 'https://auth.example/env/as';
const CLIENT_ID = 'client-1';
const NONCE = 'n-1';
const ACCESS_TOKEN = 'opaque-access-token';

let jwks: JSONWebKeySet;
let genuine: string[];
let expectations: VerifyExpectations;

/** Samples for text: the tokens bare, in JSON, after Bearer, and in a sentence. */
const inText = () => genuine.flatMap((t) => [t, `{"id_token": "${t}", "x": 1}`, `Authorization: Bearer ${t}\n`, `The token is ${t}.`]);

/**
 * The finder's rules read independently: split the text into maximal runs of base64url characters and
 * dots; a run is a JWS (three parts, non-empty payload) or a JWE (five parts) starting eyJ, one
 * trailing dot allowed as punctuation.
 */
function expectedSpans(text: string): { start: number; end: number; runEnd: number; text: string; parts: number }[] {
  const found = [];
  for (const run of text.matchAll(/[A-Za-z0-9_.-]+/g)) {
    const jws = /^(eyJ[\w-]*\.[\w-]+\.[\w-]*)\.?$/.exec(run[0]);
    const jwe = /^(eyJ[\w-]*(?:\.[\w-]*){4})\.?$/.exec(run[0]);
    const token = jws?.[1] ?? jwe?.[1];
    if (token) found.push({ start: run.index, end: run.index + token.length, runEnd: run.index + run[0].length, text: token, parts: jws ? 3 : 5 });
  }
  return found;
}

describe('fuzz: JWT', function () {
  this.timeout(60_000);

  before(async () => {
    const keys: JSONWebKeySet['keys'] = [];
    genuine = [];
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
      const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
      keys.push({ ...(await exportJWK(publicKey)), kid: alg, alg, use: 'sig' });
      const iat = NOW / 1000;
      const claims = { iss: ISSUER, aud: CLIENT_ID, sub: 'user-1', iat, exp: iat + 3600, nbf: iat - 5, auth_time: iat - 60, nonce: NONCE, at_hash: tokenHash(ACCESS_TOKEN, alg) };
      genuine.push(await new SignJWT(claims).setProtectedHeader({ alg, kid: alg, typ: 'JWT' }).sign(privateKey));
    }
    jwks = { keys };
    expectations = { jwks, issuer: ISSUER, clientId: CLIENT_ID, skewSec: 60, nonce: NONCE, accessToken: ACCESS_TOKEN, now: NOW };
  });

  it('finds exactly the tokens the rules describe, from the text and from any cursor position', () => {
    fuzz(fc.tuple(textInputs(inText()), fc.nat()), ([text, at]) => {
      const expected = expectedSpans(text);
      assert.deepEqual([...jwtSpans(text)].map(({ start, end, text: t }) => ({ start, end, text: t })), expected.map(({ start, end, text: t }) => ({ start, end, text: t })));
      assert.equal(extractJwt(text), expected[0]?.text);
      const cursor = at % (text.length + 1);
      // The cursor is on the token's run, or just past it.
      const under = expected.find((s) => s.start <= cursor && cursor <= s.runEnd && s.parts === 3);
      assert.deepEqual(findJwtAt(text, cursor), under && { start: under.start, end: under.end, text: under.text });
    });
  });

  it('finds a genuine token wherever it sits between separators', () => {
    const noToken = fc.string({ maxLength: 40 }).filter((s) => !s.includes('eyJ'));
    const separator = fc.constantFrom(' ', '"', '\n', "'", ':', '=', ',', '(', '<', '\t');
    fuzz(fc.tuple(noToken, separator, fc.nat(), separator, fc.string({ maxLength: 40 })), ([before, open, which, close, after]) => {
      const token = genuine[which % genuine.length];
      assert.equal(extractJwt(`${before}${open}${token}${close}${after}`), token);
    });
  });

  it('decodeToken returns or throws JWT_MALFORMED, for any text and any JSON header and claims', () => {
    const decodes = (text: string) => {
      try {
        const token = decodeToken(text);
        assert.equal(typeof token.payload, 'object');
        for (const time of token.times) assert.equal(typeof time.iso, 'string');
      } catch (error) {
        if (!(error instanceof FlowError && error.code === 'JWT_MALFORMED')) throw error;
      }
    };
    const [header, payload] = genuine[0].split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as unknown);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value) ?? '').toString('base64url');
    const reshaped = fc.tuple(jsonInputs([header]), jsonInputs([payload])).map(([h, p]) => `${b64(h)}.${b64(p)}.c2ln`);
    fuzz(fc.oneof(textInputs(genuine), reshaped), decodes);
  });

  it('verifyToken never throws, and passes only genuinely signed bytes', async () => {
    for (const token of genuine) {
      const result = await verifyToken(decodeToken(token, 'id_token'), expectations);
      assert.equal(result.verified, true, `the genuine ${decodeToken(token).header.alg} token verifies: ${JSON.stringify(result.checks)}`);
    }
    const signed = genuine.map((token) => {
      const [header, payload, signature] = token.split('.');
      return { input: `${header}.${payload}`, signature: Buffer.from(base64url.decode(signature)) };
    });
    // One part of a genuine token replaced by reshaped JSON, so the signature and claim checks meet odd
    // algs, kids and claim values too.
    const reshaped = fc.tuple(fc.nat(), fc.constantFrom(0, 1)).chain(([which, part]) => {
      const parts = genuine[which % genuine.length].split('.');
      const json = JSON.parse(Buffer.from(parts[part], 'base64url').toString()) as unknown;
      return jsonInputs([json]).map((value) => parts.map((p, i) => (i === part ? Buffer.from(JSON.stringify(value) ?? '').toString('base64url') : p)).join('.'));
    });
    await fuzzAsync(fc.tuple(fc.oneof(mutated(genuine), reshaped), fc.constantFrom<DecodedToken['kind']>('id_token', 'access_token')), async ([text, kind]) => {
      let decoded: DecodedToken;
      try {
        decoded = decodeToken(text, kind);
      } catch {
        return; // decoding is the property above
      }
      const result = await verifyToken(decoded, expectations);
      assert.ok(result.checks.every((c) => ['passed', 'failed', 'skipped'].includes(c.status) && typeof c.detail === 'string'));
      if (!result.verified) return;
      const [header, payload, signature] = decoded.raw.split('.');
      let bytes: Buffer | undefined;
      try {
        bytes = Buffer.from(base64url.decode(signature));
      } catch {
        bytes = undefined;
      }
      assert.ok(
        signed.some((s) => s.input === `${header}.${payload}` && bytes !== undefined && s.signature.equals(bytes)),
        `verified, yet not genuinely signed: ${JSON.stringify(text)}`,
      );
    });
  });
});
