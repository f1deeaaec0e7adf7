/**
 * The device grant (RFC 8628), DPoP (RFC 9449) and PAR (RFC 9126) run by the engine against a server it
 * was not written with: oidc-provider (test/support/oidc-server.ts), known only by its issuer URL and a
 * client. oidc-provider wants a server nonce in every DPoP proof, so each DPoP run meets the nonce
 * demand first. Its device pages need a browser: those tests approve in Chromium, and skip without it.
 * The authorize request that follows PAR needs a browser sign-on too; here the push is checked, and
 * that oidc-provider starts the sign-on for the request_uri.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import type { Browser } from 'playwright-core';
import { Codes } from '../../src/core/codes';
import type { Run, Step } from '../../src/core/model';
import { buildAuthorizeRequest } from '../../src/core/oauth/authorize';
import { createPkce, randomValue } from '../../src/core/oauth/pkce';
import { pushedAuthorizeRequest, type AuthorizeState } from '../../src/core/grants/pushed';
import type { ClientAuthMethod, Profile, Secrets } from '../../src/core/profile';
import { runFlow, RunSession, startRun, type RunHost } from '../../src/core/run';
import { chromiumPath } from '../e2e/harness';
import { completeSignOnInBrowser, launchChromium, type SignOnOutcome } from '../support/browser-sign-on';
import { startOidcServer, type OidcServer, type OidcServerClient } from '../support/oidc-server';
import { skipSuite } from '../support/skips';

const header = (step: Step, name: string) => step.exchange?.request.headers.find(([n]) => n.toLowerCase() === name)?.[1];

describe('grants against oidc-provider', function () {
  this.timeout(60_000);
  let op: OidcServer;

  before(async () => {
    op = await startOidcServer();
  });
  after(() => op?.close());

  function profileFor(client: OidcServerClient, overrides: Partial<Profile>): { profile: Profile; secrets: Secrets } {
    const profile: Profile = {
      id: `oidc-${client.clientId}`,
      name: `oidc-provider (${client.clientId})`,
      issuer: op.issuer,
      clientId: client.clientId,
      redirectUri: op.redirectUri,
      scopes: ['openid', 'profile', 'email'],
      clientAuthMethod: client.method satisfies ClientAuthMethod,
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: true,
      ...overrides,
    };
    return { profile, secrets: { ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}), ...(client.privateKeyPem ? { privateKey: client.privateKeyPem } : {}) } };
  }

  function why(run: Run): string {
    return JSON.stringify({ error: run.error, steps: run.steps.map((s) => `${s.kind}:${s.title}:${s.status}`), serverErrors: op.serverErrors.map(String) });
  }

  /** The proof a step sent, verified with the key it names, and its claims. */
  async function proofOf(step: Step) {
    const proof = header(step, 'dpop');
    assert.ok(proof, `${step.title} sent a DPoP header`);
    const decoded = step.tokens.find((t) => t.kind === 'dpop_proof');
    assert.equal(decoded?.raw, proof, 'the step shows the proof it sent');
    return (await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' })).payload;
  }

  /** oidc-provider's own view of a token (RFC 7662), asked by the client that holds it. */
  async function introspect(client: OidcServerClient, token: string): Promise<Record<string, any>> {
    const res = await fetch(`${op.issuer}/token/introspection`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, any>;
  }

  describe('DPoP', () => {
    for (const method of ['client_secret_basic', 'private_key_jwt'] as const) {
      it(`client_credentials (${method}): the nonce demand is its own step, the retry gets a token bound to the run's key`, async () => {
        const { profile, secrets } = profileFor(op.clients[method], { grant: 'client_credentials', scopes: [], dpop: true, redirectUri: '' });
        const session = await startRun({ profile, secrets });
        const { run } = session;
        assert.equal(run.status, 'succeeded', why(run));
        assert.deepEqual(run.steps.map((s) => [s.kind, s.status]), [['discovery', 'succeeded'], ['token', 'succeeded'], ['token', 'succeeded']]);
        const [demand, token] = run.steps.slice(1) as [Step, Step];

        // The first attempt: a proof without a nonce, answered 400 use_dpop_nonce with the nonce to use.
        assert.equal(demand.title, 'Token (DPoP nonce required)');
        assert.equal(demand.exchange?.response?.status, 400);
        assert.equal((demand.exchange?.response?.json as { error?: string }).error, 'use_dpop_nonce');
        const nonce = demand.exchange?.response?.headers.find(([n]) => n.toLowerCase() === 'dpop-nonce')?.[1];
        assert.ok(nonce);
        assert.equal(demand.facts.dpop_nonce, nonce);
        assert.equal((await proofOf(demand)).nonce, undefined);

        // The retry: the real step, its proof carrying the server's nonce.
        assert.equal(token.title, `Token (client_credentials, ${method})`);
        const claims = await proofOf(token);
        assert.equal(claims.nonce, nonce);
        assert.equal(claims.htm, 'POST');
        assert.equal(claims.htu, token.exchange?.request.url);
        assert.equal(claims.ath, undefined, 'a token request carries no access token to hash');
        assert.notEqual(claims.jti, (await proofOf(demand)).jti);
        // A fresh client assertion for the retry, not the one the demand already saw.
        if (method === 'private_key_jwt') assert.notEqual(token.tokens.find((t) => t.kind === 'client_assertion')?.raw, demand.tokens.find((t) => t.kind === 'client_assertion')?.raw);
        assert.equal(token.facts.token_type, 'DPoP');

        // oidc-provider bound the token to the thumbprint the step shows.
        const accessToken = session.tokens.access_token;
        assert.ok(accessToken);
        const proof = token.tokens.find((t) => t.kind === 'dpop_proof');
        assert.equal(token.facts.dpop_jkt, await calculateJwkThumbprint(proof?.header.jwk as JWK));
        if (method === 'client_secret_basic') {
          const info = await introspect(op.clients.client_secret_basic, accessToken);
          assert.equal(info.active, true);
          assert.equal(info.cnf?.jkt, token.facts.dpop_jkt);
          assert.equal(info.token_type, 'DPoP');
        }
      });
    }

    it('a run without DPoP refuses nothing and sends no proof', async () => {
      const { profile, secrets } = profileFor(op.clients.client_secret_basic, { grant: 'client_credentials', scopes: [], redirectUri: '' });
      const run = await runFlow({ profile, secrets });
      assert.equal(run.status, 'succeeded', why(run));
      const token = run.steps.at(-1)!;
      assert.equal(header(token, 'dpop'), undefined);
      assert.equal(token.facts.token_type, 'Bearer');
      assert.equal(token.tokens.some((t) => t.kind === 'dpop_proof'), false);
    });
  });

  describe('device grant, approved in Chromium', function () {
    let browser: Browser;

    before(async function () {
      const launched = await launchChromium();
      if (!launched) skipSuite(this, 'grants-oidc device grant (Chromium)', `apt-get install chromium, or set AFE_E2E_CHROMIUM, to run them (${chromiumPath()} not found)`);
      browser = launched;
    });
    after(() => browser?.close());

    /** Runs the device grant; the host's `show` starts the person approving in a new browser context. */
    async function deviceRun(profile: Profile, secrets: Secrets) {
      let approval: Promise<SignOnOutcome> | undefined;
      const shown: Parameters<NonNullable<RunHost['show']>>[0][] = [];
      const host: RunHost = {
        show: (message) => {
          shown.push(message);
          approval = (async () => {
            const context = await browser.newContext();
            try {
              return await completeSignOnInBrowser(await context.newPage(), message.verificationUriComplete ?? message.verificationUri, op.user, { userCode: message.userCode, timeoutMs: 30_000 });
            } finally {
              await context.close();
            }
          })();
        },
      };
      const run = await runFlow({ profile, secrets, host });
      assert.ok(approval, 'the host was shown the code');
      assert.deepEqual(await approval, { outcome: 'device-approved' });
      return { run, shown };
    }

    it('polls until approved (public client, no interval given: 5 s), then userinfo with the Bearer token', async () => {
      const { profile, secrets } = profileFor(op.clients.none, { grant: 'device_code', redirectUri: '' });
      const { run, shown } = await deviceRun(profile, secrets);
      assert.equal(run.status, 'succeeded', why(run));
      assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'deviceAuthorization', 'token', 'jwks', 'userinfo']);
      const authorization = run.steps[1]!;
      assert.equal(authorization.facts.user_code, shown[0]!.userCode);
      assert.match(authorization.facts.interval ?? '', /^5 s \(/, 'oidc-provider names no interval');
      const token = run.steps[2]!;
      assert.equal(token.title, 'Token (device_code, polling)');
      assert.ok(Number(token.facts.polls) >= 1);
      assert.equal(token.facts.last_answer, 'tokens');
      const idToken = token.tokens.find((t) => t.kind === 'id_token');
      assert.equal(idToken?.verified, true);
      assert.equal(idToken?.payload.sub, op.user.sub);
      const userinfo = run.steps[4]!;
      assert.match(header(userinfo, 'authorization') ?? '', /^Bearer /);
      assert.equal(userinfo.facts.sub, op.user.sub);
    });

    it('with DPoP: the polls carry proofs, and userinfo presents the DPoP token with a proof hashing it', async () => {
      const { profile, secrets } = profileFor(op.clients.client_secret_basic, { grant: 'device_code', redirectUri: '', dpop: true });
      const { run } = await deviceRun(profile, secrets);
      assert.equal(run.status, 'succeeded', why(run));
      assert.deepEqual(run.steps.map((s) => s.title.replace(/ \(.*$/, '')), ['Discovery', 'Device authorization', 'Token', 'Token', 'Signing keys', 'Userinfo']);
      const [demand, token, userinfo] = [run.steps[2]!, run.steps[3]!, run.steps[5]!];
      assert.equal(demand.title, 'Token (DPoP nonce required)');
      assert.equal(token.title, 'Token (device_code, polling)');
      assert.equal(token.facts.token_type, 'DPoP');
      assert.equal((await proofOf(token)).nonce, demand.facts.dpop_nonce);

      const presented = /^DPoP (.+)$/.exec(header(userinfo, 'authorization') ?? '')?.[1];
      assert.ok(presented, 'userinfo uses the DPoP scheme');
      const claims = await proofOf(userinfo);
      assert.equal(claims.ath, createHash('sha256').update(presented).digest('base64url'));
      assert.equal(claims.htm, 'GET');
      assert.equal(userinfo.facts.sub, op.user.sub);
      assert.equal(userinfo.facts.dpop_jkt, token.facts.dpop_jkt, 'one key for the whole run');
    });

    it('a device code nobody approves expires (a 2 s code, so the 5 s interval outlives it)', async () => {
      const short = await startOidcServer({ deviceCodeTTL: 2 });
      try {
        const client = short.clients.none;
        const profile: Profile = { ...profileFor(client, { grant: 'device_code', redirectUri: '' }).profile, issuer: short.issuer };
        const run = await runFlow({ profile, secrets: {} });
        const token = run.steps.at(-1)!;
        assert.equal(token.error?.code, Codes.DEVICE_CODE_EXPIRED);
        assert.equal(token.facts.polls, undefined, 'no poll was sent after the code expired');
      } finally {
        await short.close();
      }
    });
  });

  describe('PAR', () => {
    it('the par step pushes this run\'s parameters for the PAR-only client; oidc-provider starts sign-on for the request_uri', async () => {
      const { profile, secrets } = profileFor(op.parClient, { par: true });
      const session = new RunSession({ profile, secrets });
      const sent: AuthorizeState = { state: randomValue(), nonce: randomValue(), pkce: createPkce() };
      let requestUri: string | undefined;
      const run = await session.phase(async () => {
        await session.discover();
        requestUri = await pushedAuthorizeRequest(session, sent);
      });
      assert.equal(run.status, 'succeeded', why(run));
      const par = run.steps.find((s) => s.kind === 'par');
      assert.ok(par);
      assert.equal(par.exchange?.response?.status, 201);
      assert.equal(par.facts.request_uri, requestUri);
      const pushed = new URLSearchParams(par.exchange?.request.body);
      assert.equal(pushed.get('state'), sent.state);
      assert.equal(pushed.get('code_challenge'), sent.pkce?.challenge);
      assert.match(header(par, 'authorization') ?? '', /^Basic /);

      const { request } = await buildAuthorizeRequest({ profile, endpoints: session.endpoints, state: sent.state, nonce: sent.nonce, secrets, requestUri });
      assert.deepEqual([...new URL(request.url).searchParams.keys()], ['client_id', 'request_uri']);
      const res = await fetch(request.url, { redirect: 'manual' });
      assert.ok(res.status >= 300 && res.status < 400, `authorize answered ${res.status}`);
      assert.match(res.headers.get('location') ?? '', /\/interaction\//, 'the sign-on starts, so the pushed request was taken');
      // Without the push, this client is refused: the request_uri is what made it acceptable.
      const plain = await buildAuthorizeRequest({ profile, endpoints: session.endpoints, state: sent.state, nonce: sent.nonce, secrets, codeChallenge: sent.pkce?.challenge });
      const refused = await fetch(plain.request.url, { redirect: 'manual' });
      assert.doesNotMatch(refused.headers.get('location') ?? '', /\/interaction\//);
    });
  });
});
