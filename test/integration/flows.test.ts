/**
 * The engine end to end against the embedded PingOne sandbox over real loopback HTTP: every
 * combination of authorize method × response mode × client authentication, PKCE on and off, request
 * objects, and every documented failure becoming a failed step that says why.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generateKeyPair, exportPKCS8 } from 'jose';
import { buildAuthorizeRequest } from '../../src/core/oauth/authorize';
import { readAuthorizeResponse } from '../../src/core/pingone/authorize';
import { clientAuthentication } from '../../src/core/oauth/clientAuth';
import { CookieJar } from '../../src/core/cookies';
import { toCurl } from '../../src/core/curl';
import { FlowError } from '../../src/core/errors';
import { buildFlowActionRequest, readFlowResponse } from '../../src/core/pingone/flow';
import type { Flow } from '../../src/core/pingone/flow';
import { Transport } from '../../src/core/http';
import { buildJwksRequest, readJwksResponse } from '../../src/core/oauth/jwks';
import { decodeToken, verifyToken } from '../../src/core/oauth/jwt';
import type { Run, RunEvent, Step } from '../../src/core/model';
import { createPkce, randomValue } from '../../src/core/oauth/pkce';
import { pingOneEndpoints } from '../../src/core/pingone/endpoints';
import { AUTHORIZE_METHODS, CLIENT_AUTH_METHODS, RESPONSE_MODES } from '../../src/core/profile';
import type { ClientAuthMethod, Profile, Secrets } from '../../src/core/profile';
import { redactRun } from '../../src/core/redact';
import { buildResumeRequest, readResumeResponse } from '../../src/core/pingone/resume';
import { runFlow } from '../../src/core/run';
import { buildTokenRequest, readTokenResponse } from '../../src/core/oauth/token';
import { startSandbox } from '../../src/sandbox/index';
import type { Sandbox } from '../../src/sandbox/index';

let sandbox: Sandbox;
let clock = Date.now();

before(async () => {
  sandbox = await startSandbox({ now: () => clock });
});
after(() => sandbox?.close());
beforeEach(() => {
  clock = Date.now();
});

function profileFor(method: ClientAuthMethod, overrides: Partial<Profile> = {}): { profile: Profile; secrets: Secrets } {
  const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === method);
  assert.ok(entry, `the sandbox seeds an app for ${method}`);
  // Sandbox profiles vary their options to show them off; tests start from plain settings.
  const { requestObject: _requestObject, ...plain } = entry.profile;
  return { profile: { ...plain, authorizeMethod: 'GET', responseMode: 'redirect', pkce: true, ...overrides }, secrets: { ...entry.secrets, ...sandbox.demoUser } };
}

function failedStep(run: Run): Step {
  const failed = run.steps.filter((s) => s.status === 'failed');
  assert.equal(run.status, 'failed', `run should fail; got ${run.status}`);
  assert.ok(failed.length >= 1, 'a failed step is recorded');
  return failed[failed.length - 1];
}

/** The one step of this kind in the run. */
function stepOf(run: Run, kind: Step['kind']): Step {
  const found = run.steps.filter((s) => s.kind === kind);
  assert.equal(found.length, 1, `one ${kind} step in ${run.steps.map((s) => s.kind).join(', ')}`);
  return found[0];
}

function assertSucceeded(run: Run): void {
  assert.equal(run.status, 'succeeded', JSON.stringify(run.error ?? run.steps.find((s) => s.error)?.error));
}

/** Mutual-TLS client authentication needs a sandbox on TLS asking for certificates: corporate-network.test.ts runs it. */
const OVER_PLAIN_LOOPBACK = CLIENT_AUTH_METHODS.filter((method) => method !== 'tls_client_auth' && method !== 'self_signed_tls_client_auth');

describe('flows against the sandbox', () => {
  for (const authorizeMethod of AUTHORIZE_METHODS) {
    for (const responseMode of RESPONSE_MODES) {
      for (const clientAuthMethod of OVER_PLAIN_LOOPBACK) {
        it(`${authorizeMethod} authorize, ${responseMode}, ${clientAuthMethod}`, async () => {
          const { profile, secrets } = profileFor(clientAuthMethod, { authorizeMethod, responseMode });
          const events: RunEvent[] = [];
          const run = await runFlow({ profile, secrets, onEvent: (e) => events.push(e) });
          assertSucceeded(run);

          const kinds = run.steps.map((s) => s.kind);
          const expected = responseMode === 'pi.flow' ? ['discovery', 'authorize', 'signOn', 'resume', 'token', 'jwks', 'userinfo'] : ['discovery', 'authorize', 'flow', 'signOn', 'resume', 'token', 'jwks', 'userinfo'];
          assert.deepEqual(kinds, expected);
          // The sandbox's discovery document names the issuer the profile expects, so nothing falls back.
          const [discovery, authorize] = run.steps;
          assert.equal(discovery.status, 'succeeded');
          assert.deepEqual(discovery.warnings, []);
          assert.equal(discovery.exchange?.request.url, `${sandbox.issuer}/.well-known/openid-configuration`);
          assert.equal(discovery.facts.issuer, sandbox.issuer);
          assert.equal(authorize.exchange?.request.method, authorizeMethod);
          assert.equal(authorize.exchange?.response?.status, responseMode === 'pi.flow' ? 200 : 302);
          const resume = run.steps.find((s) => s.kind === 'resume');
          assert.equal(resume?.exchange?.response?.status, responseMode === 'pi.flow' ? 200 : 302);
          assert.ok(resume?.exchange?.cookies.sent.some((c) => c.name === 'ST'), 'the ST cookie reached /as/resume from the jar');
          assert.ok(resume?.checks.some((c) => c.name === 'State' && c.status === 'passed'));

          const token = run.steps.find((s) => s.kind === 'token');
          const idToken = token?.tokens.find((t) => t.kind === 'id_token');
          assert.equal(idToken?.verified, true);
          assert.equal(idToken?.payload.aud, profile.clientId);
          assert.deepEqual(
            idToken?.checks.filter((c) => c.status === 'passed').map((c) => c.name),
            ['Signature', 'Issuer', 'Audience', 'Expiry', 'Issued at', 'Nonce', 'at_hash'],
          );
          assert.equal(token?.tokens.find((t) => t.kind === 'access_token')?.verified, true);
          if (clientAuthMethod === 'client_secret_jwt' || clientAuthMethod === 'private_key_jwt') {
            assert.equal(token?.tokens.find((t) => t.kind === 'client_assertion')?.payload.iss, profile.clientId);
          }
          const userinfo = run.steps.find((s) => s.kind === 'userinfo');
          assert.equal(userinfo?.facts.sub, idToken?.payload.sub);

          // The event stream tells the same story: a start and an end per step, in order.
          assert.equal(events[0].type, 'run/started');
          assert.equal(events.at(-1)?.type, 'run/finished');
          assert.equal(events.filter((e) => e.type === 'step/finished').length, run.steps.length);
        });
      }
    }
  }

  it('prints each request as cURL that real curl replays against the sandbox with the same answer', async () => {
    const run = await runFlow(profileFor('client_secret_basic'));
    assertSucceeded(run);
    const userinfo = run.steps.find((s) => s.kind === 'userinfo')?.exchange;
    const jwks = run.steps.find((s) => s.kind === 'jwks')?.exchange;
    assert.ok(userinfo?.response && jwks?.response);
    const curl = async (command: string, env: Record<string, string> = {}) => {
      const { stdout } = await promisify(execFile)('sh', ['-c', command], { env: { ...process.env, ...env } });
      const [head, body] = stdout.split(/\r?\n\r?\n/, 2);
      return { status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]), json: JSON.parse(body) as unknown };
    };
    // With secrets in clear, and with them as shell variables set from the environment.
    const withSecrets = await curl(toCurl(userinfo.request, { includeSecrets: true }));
    const variables = Object.fromEntries(userinfo.request.secrets.map((m) => [m.variable, m.value]));
    const withVariables = await curl(toCurl(userinfo.request), variables);
    for (const replay of [withSecrets, withVariables]) {
      assert.equal(replay.status, userinfo.response.status);
      assert.deepEqual(replay.json, userinfo.response.json);
    }
    assert.deepEqual((await curl(toCurl(jwks.request))).json, jwks.response.json);
  });

  it('runs without PKCE when the app allows it, and PKCE values are visible on the steps', async () => {
    const off = profileFor('client_secret_post', { pkce: false });
    const runOff = await runFlow(off);
    assertSucceeded(runOff);
    const authorizeOff = stepOf(runOff, 'authorize');
    assert.equal(authorizeOff.facts.code_challenge, undefined);
    assert.ok(authorizeOff.exchange?.request.url.includes('state='), 'the authorize URL is the one read');
    assert.ok(!authorizeOff.exchange?.request.url.includes('code_challenge'));

    const on = await runFlow(profileFor('client_secret_post'));
    assertSucceeded(on);
    const authorizeOn = stepOf(on, 'authorize');
    const challenge = authorizeOn.facts.code_challenge;
    const verifier = on.steps.find((s) => s.kind === 'token')?.facts.code_verifier;
    assert.ok(verifier && challenge);
    assert.ok(authorizeOn.exchange?.request.url.includes(`code_challenge=${challenge}`));
    assert.ok(on.steps.find((s) => s.kind === 'token')?.exchange?.request.body?.includes(`code_verifier=${verifier}`));
  });

  for (const alg of ['HS256', 'RS256'] as const) {
    it(`sends a ${alg} request object`, async () => {
      const method = alg === 'HS256' ? 'client_secret_basic' : 'private_key_jwt';
      const { profile, secrets } = profileFor(method, { requestObject: { alg } });
      const run = await runFlow({ profile, secrets });
      assertSucceeded(run);
      const authorize = stepOf(run, 'authorize');
      const requestObject = authorize.tokens.find((t) => t.kind === 'request_object');
      assert.equal(requestObject?.header.alg, alg);
      assert.equal(requestObject?.payload.aud, sandbox.issuer);
      assert.equal(requestObject?.payload.state, authorize.facts.state);
      assert.ok(!new URL(authorize.exchange?.request.url ?? '').searchParams.has('state'), 'state travels inside the request object');
    });
  }

  it('completes the MFA user through device selection and OTP, asking for each', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const mfa = sandbox.users.find((u) => u.username === 'mfa');
    assert.ok(mfa);
    const asked: string[] = [];
    const run = await runFlow({
      profile,
      secrets: { ...secrets, username: mfa.username, password: mfa.password },
      ask: async (question) => {
        asked.push(question.kind);
        if (question.kind === 'device') return { deviceId: question.devices[0].id } as never;
        if (question.kind === 'otp') return { otp: '123456' } as never;
        return undefined;
      },
    });
    assertSucceeded(run);
    assert.deepEqual(asked, ['device', 'otp']);
    assert.deepEqual(run.steps.filter((s) => s.kind === 'signOn').map((s) => s.facts.action), ['usernamePassword.check', 'device.select', 'otp.check']);
  });

  it('asks for credentials when none are given, and a declined prompt cancels the run', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const { username: _u, password: _p, ...appSecrets } = secrets;
    const asked = await runFlow({ profile, secrets: appSecrets, ask: async () => ({ ...sandbox.demoUser }) as never });
    assertSucceeded(asked);
    const declined = await runFlow({ profile, secrets: appSecrets, ask: async () => undefined });
    assert.equal(declined.status, 'cancelled');
  });
});

describe('failures become failed steps that say why', () => {
  it('wrong password → sign-on fails with INVALID_CREDENTIALS, and the password is not in the redacted run', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const run = await runFlow({ profile, secrets: { ...secrets, password: 'wrong-password-123' } });
    const step = failedStep(run);
    assert.equal(step.kind, 'signOn');
    assert.equal(step.error?.code, 'INVALID_CREDENTIALS');
    assert.match(step.error?.message ?? '', /username or password is incorrect/);
    assert.equal(step.exchange?.response?.status, 400);
    assert.ok(!JSON.stringify(redactRun(run)).includes('wrong-password-123'));
    assert.ok(JSON.stringify(run).includes('wrong-password-123'), 'the unredacted run keeps it for copy-with-secrets');
  });

  it('expired flow → FLOW_NOT_FOUND on the next flow call', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const { username: _u, password: _p, ...appSecrets } = secrets;
    const run = await runFlow({
      profile,
      secrets: appSecrets,
      ask: async () => {
        clock += 16 * 60 * 1000;
        return { ...sandbox.demoUser } as never;
      },
    });
    const step = failedStep(run);
    assert.equal(step.kind, 'signOn');
    assert.equal(step.error?.code, 'FLOW_NOT_FOUND');
    assert.equal(step.exchange?.response?.status, 404);
  });

  it('wrong client secret → token step fails with invalid_client', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const step = failedStep(await runFlow({ profile, secrets: { ...secrets, clientSecret: 'not-the-secret' } }));
    assert.equal(step.kind, 'token');
    assert.equal(step.error?.code, 'invalid_client');
    assert.equal(step.exchange?.response?.status, 401);
  });

  it('assertion signed by another key → invalid_client', async () => {
    const { profile, secrets } = profileFor('private_key_jwt');
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const step = failedStep(await runFlow({ profile, secrets: { ...secrets, privateKey: await exportPKCS8(privateKey) } }));
    assert.equal(step.kind, 'token');
    assert.equal(step.error?.code, 'invalid_client');
  });

  it('a missing secret fails before any request, naming what is missing', async () => {
    const { profile } = profileFor('client_secret_basic');
    const run = await runFlow({ profile, secrets: { ...sandbox.demoUser } });
    assert.equal(run.status, 'failed');
    assert.equal(run.steps.length, 0);
    assert.equal(run.error?.code, 'INVALID_PROFILE');
    assert.match(run.error?.message ?? '', /client secret/);
  });

  it('a server that is not there → the discovery step fails with ECONNREFUSED, and nothing runs after it', async () => {
    const { profile, secrets } = profileFor('client_secret_basic', { authPath: 'http://127.0.0.1:9' });
    const run = await runFlow({ profile, secrets, timeoutMs: 2000 });
    const step = failedStep(run);
    assert.deepEqual(run.steps.map((s) => s.kind), ['discovery']);
    assert.equal(step.kind, 'discovery');
    assert.equal(step.error?.code, 'ECONNREFUSED');
    assert.ok(step.exchange?.request.url.startsWith('http://127.0.0.1:9/'));
  });

  it('cancelling aborts the run as cancelled', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const controller = new AbortController();
    const run = await runFlow({
      profile,
      secrets,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step/finished' && e.step.kind === 'authorize') controller.abort();
      },
    });
    assert.equal(run.status, 'cancelled');
    assert.equal(run.error?.code, 'CANCELLED');
  });
});

/** Drives the steps by hand to reach the states runFlow never produces on its own. */
describe('step-level failures', () => {
  async function signedOn(method: ClientAuthMethod = 'client_secret_basic') {
    const { profile, secrets } = profileFor(method, { responseMode: 'pi.flow' });
    const endpoints = pingOneEndpoints(profile);
    const transport = new Transport({ jar: new CookieJar() });
    const state = randomValue();
    const nonce = randomValue();
    const pkce = createPkce();
    const { request } = await buildAuthorizeRequest({ profile, endpoints, state, nonce, codeChallenge: pkce.challenge, secrets });
    const { flow } = readAuthorizeResponse(await transport.send(request), profile);
    assert.ok(flow);
    const completed: Flow = readFlowResponse(
      await transport.send(buildFlowActionRequest(endpoints, flow, 'usernamePassword.check', { ...sandbox.demoUser })),
    );
    assert.equal(completed.status, 'COMPLETED');
    return { profile, secrets, endpoints, transport, state, nonce, pkce, flowId: completed.id };
  }

  async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
    await assert.rejects(async () => (typeof promise === 'function' ? promise() : promise), (e: unknown) => e instanceof FlowError && e.code === code);
  }

  it('resume without the session cookie is refused', async () => {
    const { endpoints, transport, state, flowId } = await signedOn();
    const fresh = new Transport({ jar: new CookieJar() });
    try {
      const exchange = await fresh.send(buildResumeRequest(endpoints, flowId));
      assert.equal(exchange.request.headers.some(([n]) => n === 'cookie'), false);
      assert.throws(() => readResumeResponse(exchange, { state }), (e: unknown) => e instanceof FlowError && e.code !== 'STATE_MISMATCH');
    } finally {
      await fresh.close();
      await transport.close();
    }
  });

  it('state mismatch, bad code_verifier, reused code, nonce mismatch and a tampered signature', async () => {
    const { profile, secrets, endpoints, transport, state, nonce, flowId } = await signedOn();
    try {
      const resumeExchange = await transport.send(buildResumeRequest(endpoints, flowId));
      assert.throws(() => readResumeResponse(resumeExchange, { state: 'another-state' }), (e: unknown) => e instanceof FlowError && e.code === 'STATE_MISMATCH');
      const { code } = readResumeResponse(resumeExchange, { state });

      const auth = () => clientAuthentication(profile, secrets, endpoints.token);
      const grant = async (verifier: string) =>
        readTokenResponse(await transport.send(buildTokenRequest({ tokenEndpoint: endpoints.token, code, redirectUri: profile.redirectUri, codeVerifier: verifier, auth: await auth() })));
      await expectCode(grant(createPkce().verifier), 'invalid_grant');

      // The sandbox burns a code on a failed PKCE attempt only if it chooses to; use a fresh flow for the happy exchange.
      const second = await signedOn();
      const resumed = readResumeResponse(await second.transport.send(buildResumeRequest(second.endpoints, second.flowId)), { state: second.state });
      const exchangeCode = async () =>
        readTokenResponse(
          await second.transport.send(
            buildTokenRequest({ tokenEndpoint: second.endpoints.token, code: resumed.code, redirectUri: profile.redirectUri, codeVerifier: second.pkce.verifier, auth: await auth() }),
          ),
        );
      const tokens = await exchangeCode();
      await expectCode(exchangeCode(), 'invalid_grant');

      const jwks = readJwksResponse(await transport.send(buildJwksRequest(endpoints.jwks)));
      const idToken = decodeToken(tokens.id_token ?? '', 'id_token');
      const expectations = { jwks, issuer: endpoints.issuer, clientId: profile.clientId, skewSec: 60, accessToken: tokens.access_token };
      assert.equal((await verifyToken(idToken, { ...expectations, nonce: second.nonce })).verified, true);
      const wrongNonce = await verifyToken(idToken, { ...expectations, nonce });
      assert.deepEqual(wrongNonce.checks.filter((c) => c.status === 'failed').map((c) => c.name), ['Nonce']);

      const [h, p, s] = (tokens.id_token ?? '').split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url')}.${s}`;
      const tampered = await verifyToken(decodeToken(forged, 'id_token'), { ...expectations, nonce: second.nonce });
      assert.deepEqual(tampered.checks.filter((c) => c.status === 'failed').map((c) => c.name), ['Signature']);
      assert.equal(tampered.payload.sub, 'someone-else', 'shown decoded all the same');
      await second.transport.close();
    } finally {
      await transport.close();
    }
  });
});
