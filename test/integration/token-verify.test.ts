/**
 * Verifying a token decoded on its own (core/tokenVerify.ts) over real loopback HTTP: an ID token the
 * sandbox issued, checked against the sandbox's keys found by discovery, and against the same keys
 * pasted as a JWK Set, one JWK and a PEM public key; a key of someone else fails the signature check.
 */
import assert from 'node:assert/strict';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, type JWK } from 'jose';
import { issuerOf } from '../../src/core/profile';
import { startRun } from '../../src/core/run';
import { issuerKeySet, keySetFromText, verifyRaw } from '../../src/core/tokenVerify';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

describe('verifying a pasted token', () => {
  let sandbox: Sandbox;
  let idToken: string;
  let issuer: string;
  before(async () => {
    sandbox = await startSandbox();
    const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_basic');
    assert.ok(entry);
    const { requestObject: _requestObject, ...plain } = entry.profile;
    const session = await startRun({ profile: { ...plain, authorizeMethod: 'GET', responseMode: 'redirect', pkce: true }, secrets: { ...entry.secrets, ...sandbox.demoUser } });
    assert.equal(session.run.status, 'succeeded', JSON.stringify(session.run.error));
    assert.ok(session.tokens.id_token);
    idToken = session.tokens.id_token;
    issuer = issuerOf(entry.profile);
  });
  after(() => sandbox?.close());

  const signature = (token: Awaited<ReturnType<typeof verifyRaw>>) => token.checks.find((c) => c.code === 'signature');

  it('finds the issuer\'s keys by discovery and verifies the signature and the issuer', async () => {
    const token = await verifyRaw(idToken, await issuerKeySet(issuer), { issuer, skewSec: 120 });
    assert.equal(signature(token)?.status, 'passed', JSON.stringify(token.checks));
    assert.equal(token.checks.find((c) => c.code === 'issuer')?.status, 'passed');
    assert.equal(token.verified, true);
  });

  it('takes the keys pasted as a JWK Set, one JWK or a PEM public key', async () => {
    const jwks = await issuerKeySet(issuer);
    const { alg, kid } = JSON.parse(Buffer.from(idToken.split('.')[0], 'base64url').toString()) as { alg: string; kid: string };
    const jwk = jwks.keys.find((k) => k.kid === kid) ?? jwks.keys[0];
    const pem = await exportSPKI((await importJWK(jwk, alg, { extractable: true })) as CryptoKey);
    for (const [what, text] of [['JWK Set', JSON.stringify(jwks)], ['JWK', JSON.stringify(jwk)], ['PEM', pem]]) {
      const token = await verifyRaw(idToken, await keySetFromText(text, { alg, kid }), { skewSec: 120 });
      assert.equal(signature(token)?.status, 'passed', `${what}: ${JSON.stringify(signature(token))}`);
    }
  });

  it('fails the signature against another key, and refuses text that holds no key', async () => {
    const { alg, kid } = JSON.parse(Buffer.from(idToken.split('.')[0], 'base64url').toString()) as { alg: string; kid: string };
    const { publicKey } = await generateKeyPair(alg, { extractable: true });
    const other: JWK = await exportJWK(publicKey);
    const token = await verifyRaw(idToken, await keySetFromText(JSON.stringify({ keys: [{ ...other, kid }] }), { alg, kid }), { skewSec: 120 });
    assert.equal(signature(token)?.status, 'failed');
    assert.equal(token.verified, false);
    await assert.rejects(keySetFromText('not a key', { alg }), /neither JSON nor a PEM block/);
    await assert.rejects(keySetFromText('{"hello":1}', { alg }), /no JWK Set and no JWK/);
  });
});
