/**
 * The registry of outcome codes (src/core/codes.ts) against what the code really does: every code the
 * source names exists, no engine error is thrown with a code spelled out by hand, every check has a
 * label and a hint, a check that fails a step gives the step that check's hint (driven through
 * verifyToken, readAuthorizationResponse and a run session, not read off the table), and the CLI's exit
 * codes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { CHECK_HINTS, CHECK_LABELS, CheckCodes, Codes, exitCodeFor, type CheckCode } from '../../src/core/codes';
import { FlowError } from '../../src/core/errors';
import type { DecodedToken } from '../../src/core/model';
import { readAuthorizationResponse } from '../../src/core/oauth/authorize';
import { decodeToken, verifyToken } from '../../src/core/oauth/jwt';
import { readUserinfoResponse } from '../../src/core/oauth/userinfo';
import type { Profile } from '../../src/core/profile';
import { RunSession } from '../../src/core/session';
import { exchangeOf } from '../support/exchange';
import { sampleProfile } from '../fixtures/profiles';

const ROOT = resolve(import.meta.dirname, '../..');

/** Every TypeScript file under the given folders of the repository, with its text. */
function sources(...folders: string[]): { path: string; text: string }[] {
  return folders.flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .map((name) => ({ path: relative(ROOT, join(ROOT, folder, name)), text: readFileSync(join(ROOT, folder, name), 'utf8') })),
  );
}

const ISSUER = 'https://auth.example.com/env/as';
const CLIENT = 'client-1';
const profile: Profile = sampleProfile({
  name: 'Codes',
  region: 'custom',
  authPath: 'https://auth.example.com',
  envId: 'env',
  clientId: CLIENT,
  redirectUri: 'https://app.example/cb',
  scopes: ['openid'],
  clientAuthMethod: 'none',
});

/** The error of a step whose body fails `failing` (a check, or a thrown FlowError), as a run records it. */
async function stepErrorOf(body: (session: RunSession, step: Parameters<Parameters<RunSession['step']>[2]>[0]) => void | Promise<void>) {
  const session = new RunSession({ profile, secrets: {} });
  await assert.rejects(session.step('token', 'A step', async (step) => body(session, step)));
  const [step] = session.run.steps;
  assert.equal(step.status, 'failed');
  assert.ok(step.error, 'the failed step carries an error');
  return step.error;
}

describe('outcome codes registry', () => {
  const src = sources('src', 'webview');

  it('names only registered codes: every Codes.X in src and webview exists', () => {
    const registered = new Set(Object.keys(Codes));
    const used = new Map<string, string>();
    for (const { path, text } of src) {
      for (const [, name] of text.matchAll(/(?<![\w.])Codes\.([A-Za-z_][\w]*)/g)) used.set(name, path);
    }
    assert.ok(used.size >= 30, `the scan finds the codes in use (found ${used.size})`);
    const unknown = [...used].filter(([name]) => !registered.has(name)).map(([name, path]) => `${name} (${path})`);
    assert.deepEqual(unknown, []);
    for (const [name, value] of Object.entries(Codes)) assert.equal(value, name, 'a code is its own name, so --json output and the constant agree');
  });

  it('throws no engine error with a code written out by hand', () => {
    const literal = src.flatMap(({ path, text }) => [...text.matchAll(/new FlowError\(\s*(['"`][^'"`]*['"`])/g)].map((m) => `${path}: ${m[1]}`));
    assert.deepEqual(literal, []);
    // And the scan would have caught one.
    assert.equal([..."throw new FlowError(\n  'NO_CODE', 'x', 'y')".matchAll(/new FlowError\(\s*(['"`][^'"`]*['"`])/g)].length, 1);
  });

  it('labels every check and says what to do when it fails', () => {
    const checks = Object.values(CheckCodes).sort();
    assert.deepEqual(Object.keys(CHECK_LABELS).sort(), checks);
    assert.deepEqual(Object.keys(CHECK_HINTS).sort(), checks);
    for (const code of checks) {
      assert.ok(CHECK_LABELS[code as CheckCode].trim(), `${code} has a label`);
      assert.ok(CHECK_HINTS[code as CheckCode].length > 20, `${code} has a hint`);
    }
  });

  describe('a failed check gives its step the hint of its code', () => {
    let jwks: JSONWebKeySet;
    let sign: (claims: Record<string, unknown>) => Promise<string>;
    const NOW = 1_767_225_600;
    const idClaims = (fields: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: NOW, exp: NOW + 3600, nonce: 'n-1', ...fields });
    const verified = async (claims: Record<string, unknown>): Promise<DecodedToken> =>
      verifyToken(decodeToken(await sign(claims), 'id_token', NOW * 1000), { jwks, issuer: ISSUER, clientId: CLIENT, skewSec: 60, nonce: 'n-1', now: NOW * 1000 });

    before(async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
      sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    });

    const cases: [string, Record<string, unknown>, CheckCode, RegExp][] = [
      ['another issuer', { iss: 'https://evil.example/as' }, CheckCodes.ISSUER, /issuer/i],
      ['another audience', { aud: 'client-2' }, CheckCodes.AUDIENCE, /client ID/],
      ['another nonce', { nonce: 'n-2' }, CheckCodes.NONCE, /replay/],
      ['an expired token', { iat: NOW - 7200, exp: NOW - 600 }, CheckCodes.EXPIRY, /clock/],
      ['a token from the future', { iat: NOW + 600 }, CheckCodes.ISSUED_AT, /clock/],
      ['a token not valid yet', { nbf: NOW + 600 }, CheckCodes.NOT_BEFORE, /clock/],
    ];
    for (const [what, claims, code, words] of cases) {
      it(`${what}: CHECK_FAILED with the ${code} hint, naming the check`, async () => {
        const token = await verified(idClaims(claims));
        const failed = token.checks.filter((c) => c.status === 'failed');
        assert.deepEqual(failed.map((c) => c.code), [code], JSON.stringify(token.checks));
        const error = await stepErrorOf((session, step) => session.recordTokens(step, [token]));
        assert.equal(error.code, Codes.CHECK_FAILED);
        assert.equal(error.hint, CHECK_HINTS[code]);
        assert.match(error.hint, words);
        assert.ok(error.message.startsWith(`id_token: ${CHECK_LABELS[code]} check failed`), error.message);
      });
    }

    it('an altered signature: the signature hint', async () => {
      const raw = await sign(idClaims());
      const [header, , signature] = raw.split('.');
      const altered = `${header}.${Buffer.from(JSON.stringify(idClaims({ sub: 'user-2' }))).toString('base64url')}.${signature}`;
      const token = await verifyToken(decodeToken(altered, 'id_token', NOW * 1000), { jwks, issuer: ISSUER, clientId: CLIENT, skewSec: 60, nonce: 'n-1', now: NOW * 1000 });
      assert.equal(token.checks.find((c) => c.status === 'failed')?.code, CheckCodes.SIGNATURE);
      const error = await stepErrorOf((session, step) => session.recordTokens(step, [token]));
      assert.equal(error.hint, CHECK_HINTS[CheckCodes.SIGNATURE]);
      assert.match(error.hint, /Do not trust this token/);
    });

    const url = 'https://app.example/cb';
    const context = { where: ` to ${url}`, status: 302, location: url };
    it('an authorization response with another state: STATE_MISMATCH with the state check\'s hint', async () => {
      const error = await stepErrorOf(() => {
        readAuthorizationResponse(new URLSearchParams({ code: 'c-1', state: 'other' }), { state: 's-1', issuer: ISSUER }, context);
      });
      assert.equal(error.code, Codes.STATE_MISMATCH);
      assert.equal(error.hint, CHECK_HINTS[CheckCodes.STATE]);
      assert.match(error.message, /"other"/);
    });

    it('an authorization response from another issuer: ISSUER_MISMATCH with the response-issuer hint', async () => {
      const error = await stepErrorOf(() => {
        readAuthorizationResponse(new URLSearchParams({ code: 'c-1', state: 's-1', iss: 'https://evil.example/as' }), { state: 's-1', issuer: ISSUER }, context);
      });
      assert.equal(error.code, Codes.ISSUER_MISMATCH);
      assert.equal(error.hint, CHECK_HINTS[CheckCodes.RESPONSE_ISSUER]);
      assert.match(error.hint, /mix-up/);
    });

    it('the matching state and issuer pass, as checks with their codes and labels', () => {
      const { checks } = readAuthorizationResponse(new URLSearchParams({ code: 'c-1', state: 's-1', iss: ISSUER }), { state: 's-1', issuer: ISSUER }, context);
      assert.deepEqual(
        checks.map((c) => [c.code, c.name, c.status]),
        [
          [CheckCodes.STATE, CHECK_LABELS[CheckCodes.STATE], 'passed'],
          [CheckCodes.RESPONSE_ISSUER, CHECK_LABELS[CheckCodes.RESPONSE_ISSUER], 'passed'],
        ],
      );
    });

    it('userinfo about another subject: SUB_MISMATCH with the subject check\'s hint', async () => {
      const exchange = exchangeOf({ url: `${ISSUER}/userinfo` }, { status: 200, json: { sub: 'user-2' } });
      const error = await stepErrorOf(() => {
        readUserinfoResponse(exchange, 'user-1');
      });
      assert.equal(error.code, Codes.SUB_MISMATCH);
      assert.equal(error.hint, CHECK_HINTS[CheckCodes.SUBJECT]);
    });

    it('a FlowError keeps its own code and hint on the step', async () => {
      const error = await stepErrorOf(() => {
        throw new FlowError(Codes.NO_TOKEN, 'No token.', 'Run the flow first.');
      });
      assert.deepEqual(error, { code: Codes.NO_TOKEN, message: 'No token.', hint: 'Run the flow first.' });
    });
  });

  it('gives the CLI its exit code: 0 success, 2 usage or invalid profile, 1 any other failure', () => {
    assert.equal(exitCodeFor(undefined), 0);
    assert.equal(exitCodeFor(Codes.USAGE), 2);
    assert.equal(exitCodeFor(Codes.INVALID_PROFILE), 2);
    for (const code of [Codes.CHECK_FAILED, Codes.CANCELLED, Codes.INTERNAL, Codes.DISCOVERY_ISSUER_MISMATCH, 'invalid_client', 'INVALID_CREDENTIALS', 'ECONNREFUSED']) {
      assert.equal(exitCodeFor(code), 1, code);
    }
  });
});
