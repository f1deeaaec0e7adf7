/**
 * DPoP (RFC 9449): the proofs a run's key signs, verified here with jose against the public JWK the
 * proof carries, with `ath` and the thumbprint computed independently; which requests carry a proof;
 * how a nonce demand is recognised on canned exchanges; the cnf.jkt binding check; and the session's
 * retry with the nonce, against a loopback resource server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, importJWK, jwtVerify } from 'jose';
import { CheckCodes } from '../../src/core/codes';
import { FlowError } from '../../src/core/errors';
import type { DecodedToken } from '../../src/core/model';
import { authorizationHeader, bindingCheck, DpopKey, nonceChallenge, nonceOf, proofTarget } from '../../src/core/oauth/dpop';
import { readTokenResponse } from '../../src/core/oauth/token';
import { buildUserinfoRequest } from '../../src/core/oauth/userinfo';
import { userinfo } from '../../src/core/grants/followUps';
import type { Profile } from '../../src/core/profile';
import { RunSession } from '../../src/core/session';
import { exchangeOf } from '../support/exchange';

const TOKEN = 'https://as.example/tenant/token';
const USERINFO = 'https://as.example/tenant/me';

describe('DPoP key and proofs (RFC 9449 §4)', () => {
  let key: DpopKey;
  before(async () => {
    key = await DpopKey.generate();
  });

  it('has an EC P-256 public JWK, no private part, and its RFC 7638 thumbprint', async () => {
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ['crv', 'kty', 'x', 'y']);
    assert.equal(key.publicJwk.kty, 'EC');
    assert.equal(key.publicJwk.crv, 'P-256');
    assert.equal(key.thumbprint, await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.publicJwk.x, y: key.publicJwk.y }));
    // Nothing about the key serialises its private half.
    assert.ok(!JSON.stringify(key).includes('"d"'), JSON.stringify(key));
  });

  it('a token request proof: typ, alg, jwk header; htm, htu without query or fragment, jti, iat; no ath', async () => {
    const proof = await key.proof({ htm: 'POST', htu: `${TOKEN}?x=1#frag`, now: 1_700_000_000 });
    const header = decodeProtectedHeader(proof);
    assert.equal(header.typ, 'dpop+jwt');
    assert.equal(header.alg, 'ES256');
    assert.deepEqual(header.jwk, key.publicJwk);
    // Verified with the key the proof names, and with the key the run holds.
    const embedded = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', currentDate: new Date(1_700_000_000_000) });
    const { payload } = await jwtVerify(proof, await importJWK(key.publicJwk, 'ES256'), { currentDate: new Date(1_700_000_000_000) });
    assert.deepEqual(embedded.payload, payload);
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, TOKEN);
    assert.equal(payload.iat, 1_700_000_000);
    assert.equal(typeof payload.jti, 'string');
    assert.ok((payload.jti as string).length >= 16);
    assert.equal(payload.ath, undefined);
    assert.equal(payload.nonce, undefined);
  });

  it('a resource request proof hashes the access token (ath) and carries the server nonce', async () => {
    const accessToken = 'eyJhbGciOi.opaque-looking.token~with+chars';
    const proof = await key.proof({ htm: 'GET', htu: USERINFO, nonce: 'n-42', accessToken });
    const { payload } = await jwtVerify(proof, EmbeddedJWK);
    assert.equal(payload.ath, createHash('sha256').update(accessToken).digest('base64url'));
    assert.equal(payload.nonce, 'n-42');
    assert.equal(payload.htm, 'GET');
  });

  it('every proof has its own jti', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await jwtVerify(await key.proof({ htm: 'POST', htu: TOKEN }), EmbeddedJWK)).payload.jti));
    assert.equal(new Set(ids).size, 3);
  });

  it('another run has another key', async () => {
    assert.notEqual((await DpopKey.generate()).thumbprint, key.thumbprint);
  });
});

describe('which requests carry a proof', () => {
  it('every request to the token endpoint, whatever its query', () => {
    assert.deepEqual(proofTarget({ method: 'POST', url: TOKEN }, TOKEN), {});
    assert.deepEqual(proofTarget({ method: 'POST', url: `${TOKEN}?a=b` }, TOKEN), {});
  });

  it('a request presenting a DPoP token, with that token for ath', () => {
    const request = buildUserinfoRequest(USERINFO, 'at-1', 'dpop');
    assert.deepEqual(request.headers, [['authorization', 'DPoP at-1']]);
    assert.deepEqual(proofTarget(request, TOKEN), { accessToken: 'at-1' });
  });

  it('not a Bearer request, nor another endpoint', () => {
    assert.equal(proofTarget(buildUserinfoRequest(USERINFO, 'at-1', 'Bearer'), TOKEN), undefined);
    assert.equal(proofTarget({ method: 'POST', url: 'https://as.example/tenant/introspect' }, TOKEN), undefined);
    assert.equal(proofTarget({ method: 'POST', url: 'https://as.example/tenant/par' }, ''), undefined);
  });

  it('a token is presented with the scheme of its type', () => {
    assert.deepEqual(authorizationHeader('t', 'DPoP'), ['authorization', 'DPoP t']);
    assert.deepEqual(authorizationHeader('t', 'dpop'), ['authorization', 'DPoP t']);
    assert.deepEqual(authorizationHeader('t', 'Bearer'), ['authorization', 'Bearer t']);
    assert.deepEqual(authorizationHeader('t', undefined), ['authorization', 'Bearer t']);
  });
});

describe('nonce demands (RFC 9449 §8–9)', () => {
  const nonceHeader: [string, string] = ['DPoP-Nonce', 'eyJ7S_zG.eyJH0-Z.HX4w-7v'];

  it('a 400 use_dpop_nonce from the token endpoint names the nonce to retry with', () => {
    const exchange = exchangeOf({ method: 'POST', url: TOKEN }, { status: 400, headers: [['content-type', 'application/json'], nonceHeader], json: { error: 'use_dpop_nonce' } });
    assert.equal(nonceChallenge(exchange), nonceHeader[1]);
  });

  it('a 401 whose DPoP challenge says use_dpop_nonce names the nonce too', () => {
    const exchange = exchangeOf({ url: USERINFO }, { status: 401, headers: [['WWW-Authenticate', 'DPoP algs="ES256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"'], nonceHeader] });
    assert.equal(nonceChallenge(exchange), nonceHeader[1]);
  });

  it('other errors, or a demand without a nonce, are not retried', () => {
    const noHeader = exchangeOf({ method: 'POST', url: TOKEN }, { status: 400, json: { error: 'use_dpop_nonce' } });
    assert.equal(nonceChallenge(noHeader), undefined);
    const invalidGrant = exchangeOf({ method: 'POST', url: TOKEN }, { status: 400, headers: [['content-type', 'application/json'], nonceHeader], json: { error: 'invalid_grant' } });
    assert.equal(nonceChallenge(invalidGrant), undefined);
    const bearer = exchangeOf({ url: USERINFO }, { status: 401, headers: [['WWW-Authenticate', 'Bearer error="invalid_token"'], nonceHeader] });
    assert.equal(nonceChallenge(bearer), undefined);
  });

  it('a success may bring the next nonce', () => {
    const ok = exchangeOf({ method: 'POST', url: TOKEN }, { status: 200, headers: [['content-type', 'application/json'], nonceHeader], json: { access_token: 'a', token_type: 'DPoP' } });
    assert.equal(nonceOf(ok), nonceHeader[1]);
    assert.equal(nonceChallenge(ok), undefined);
  });
});

describe('token type and binding (RFC 9449 §5, §6.1)', () => {
  const dpopAnswer = exchangeOf({ method: 'POST', url: TOKEN }, { status: 200, json: { access_token: 'a', token_type: 'dpop' } });

  it('token_type DPoP is taken, in any case, only when the run sends proofs', () => {
    assert.equal(readTokenResponse(dpopAnswer, { dpop: true }).token_type, 'dpop');
    assert.throws(() => readTokenResponse(dpopAnswer), (error: unknown) => error instanceof FlowError && error.code === 'INVALID_TOKEN_TYPE' && /dpop/.test(error.hint));
  });

  const token = (payload: Record<string, unknown>): DecodedToken => ({ kind: 'access_token', raw: 'x.y.z', header: {}, payload, signature: 'z', times: [], checks: [] });

  it('cnf.jkt equal to the key thumbprint passes; another, or none, fails', () => {
    assert.equal(bindingCheck(token({ cnf: { jkt: 'tp-1' } }), 'tp-1')?.status, 'passed');
    const other = bindingCheck(token({ cnf: { jkt: 'tp-2' } }), 'tp-1');
    assert.equal(other?.status, 'failed');
    assert.equal(other?.code, CheckCodes.DPOP_BINDING);
    assert.match(other?.detail ?? '', /tp-2/);
    assert.equal(bindingCheck(token({ sub: 'u' }), 'tp-1')?.status, 'failed');
    assert.equal(bindingCheck(undefined, 'tp-1'), undefined, 'an opaque token has nothing to check');
  });
});

/**
 * The session's side on a loopback resource server written for this test: oidc-provider cannot be made
 * to demand a nonce at userinfo within a run, since the run has learnt its nonce at the token endpoint.
 * The server demands one (401, RFC 9449 §9) the first `demands` times, then checks the proof.
 */
describe('a resource server demanding a nonce (RFC 9449 §9), through RunSession', () => {
  const accessToken = 'at-bound-1';
  let server: Server;
  let base: string;
  let demands = 0;
  const seen: { authorization?: string; proof?: string }[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push({ authorization: req.headers.authorization, proof: req.headers.dpop as string | undefined });
      if (demands > 0) {
        demands -= 1;
        res.writeHead(401, { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'dpop-nonce': `rs-nonce-${seen.length}` }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: 'u-1' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    seen.length = 0;
  });

  async function userinfoRun(demanded: number) {
    demands = demanded;
    const profile = { id: 'rs', name: 'RS', issuer: base, clientId: 'c', redirectUri: '', scopes: ['openid'], clientAuthMethod: 'none', authorizeMethod: 'GET', responseMode: 'redirect', pkce: true, dpop: true } as Profile;
    const session = new RunSession({ profile, secrets: {} });
    session.endpoints = { issuer: base, discovery: base, token: `${base}/token`, userinfo: `${base}/userinfo` };
    session.hold({ access_token: accessToken, token_type: 'DPoP' });
    return session.phase(() => userinfo(session));
  }

  it('the demand is a step of its own; the step runs again with the nonce and succeeds', async () => {
    const run = await userinfoRun(1);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.deepEqual(run.steps.map((s) => [s.title, s.status]), [['Userinfo (DPoP nonce required)', 'succeeded'], ['Userinfo', 'succeeded']]);
    assert.equal(run.steps[0]!.exchange?.response?.status, 401);
    assert.equal(run.steps[0]!.facts.dpop_nonce, 'rs-nonce-1');
    assert.equal(run.steps[1]!.facts.sub, 'u-1');
    assert.equal(seen.length, 2);
    for (const request of seen) assert.equal(request.authorization, `DPoP ${accessToken}`);
    const [first, second] = await Promise.all(seen.map(async (r) => (await jwtVerify(r.proof!, EmbeddedJWK)).payload));
    assert.equal(first!.nonce, undefined);
    assert.equal(second!.nonce, 'rs-nonce-1');
    assert.equal(second!.ath, createHash('sha256').update(accessToken).digest('base64url'));
    assert.equal(second!.htu, `${base}/userinfo`);
  });

  it('a second demand is not retried again: the step fails with the server\'s error', async () => {
    const run = await userinfoRun(5);
    assert.equal(run.status, 'failed');
    assert.equal(seen.length, 2, 'one retry, no more');
    assert.deepEqual(run.steps.map((s) => s.status), ['succeeded', 'failed']);
    assert.equal(run.steps[1]!.error?.code, 'use_dpop_nonce');
    assert.match(run.steps[1]!.error?.hint ?? '', /nonce/);
  });
});
