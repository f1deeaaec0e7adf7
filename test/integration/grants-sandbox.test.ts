/**
 * The device authorization grant (RFC 8628) and pushed authorization requests (RFC 9126) run by the
 * engine against the sandbox over loopback. The person's decision is taken with the sandbox handle's
 * approveDevice/denyDevice when the run's log shows a poll answered (so it lands while the device is
 * polling); the sandbox names a 1 s interval so the polls come quickly.
 */
import assert from 'node:assert/strict';
import { Codes } from '../../src/core/codes';
import type { Run, Step, StepKind } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import { runFlow, type RunHost } from '../../src/core/run';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

const PUBLIC_DEVICE_CLIENT = 'b2f0c7d1-0005-4a1e-9c55-5a0d0b5e0005';
const CONFIDENTIAL_DEVICE_CLIENT = 'b2f0c7d1-0001-4a1e-9c55-5a0d0b5e0001';

function step(run: Run, kind: StepKind): Step {
  const found = run.steps.find((s) => s.kind === kind);
  assert.ok(found, `the run has a ${kind} step: ${run.steps.map((s) => s.kind).join(', ')}`);
  return found;
}

function formOf(s: Step): URLSearchParams {
  return new URLSearchParams(s.exchange?.request.body ?? '');
}

describe('grants against the sandbox', function () {
  this.timeout(30_000);
  let sb: Sandbox;

  before(async () => {
    sb = await startSandbox({ device: { interval: 1, expiresIn: 3 } });
  });
  after(() => sb?.close());

  function sandboxProfile(clientId: string, overrides: Partial<Profile>): { profile: Profile; secrets: Secrets } {
    const found = sb.profiles().find((p) => p.profile.clientId === clientId);
    assert.ok(found, `a sandbox profile for ${clientId}`);
    return { profile: { ...found.profile, ...overrides }, secrets: found.secrets };
  }

  describe('device authorization grant', () => {
    /**
     * Runs the device grant; `decide` is called with the user code once the first poll was answered
     * (the run's log line for the token endpoint's reply).
     */
    async function deviceRun(clientId: string, decide?: (userCode: string) => void) {
      const { profile, secrets } = sandboxProfile(clientId, { grant: 'device_code', redirectUri: '' });
      const shown: Parameters<NonNullable<RunHost['show']>>[0][] = [];
      const opened: [string, string][] = [];
      let decided = false;
      const run = await runFlow({
        profile,
        secrets,
        host: {
          show: (message) => shown.push(message),
          openUrl: async (url, why) => {
            opened.push([url, why]);
          },
        },
        log: (line) => {
          if (decide && !decided && line.startsWith(`← 400 ${sb.issuer}/token`)) {
            decided = true;
            decide(shown[0]!.userCode);
          }
        },
      });
      return { run, shown, opened };
    }

    for (const clientId of [PUBLIC_DEVICE_CLIENT, CONFIDENTIAL_DEVICE_CLIENT]) {
      it(`is approved while the device polls, then userinfo (${clientId === PUBLIC_DEVICE_CLIENT ? 'public' : 'client_secret_basic'})`, async () => {
        const { run, shown, opened } = await deviceRun(clientId, (userCode) => sb.approveDevice(userCode));
        assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
        assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'deviceAuthorization', 'token', 'jwks', 'userinfo']);

        const authorization = step(run, 'deviceAuthorization');
        assert.match(authorization.facts.user_code ?? '', /^[A-Z]{4}-[A-Z]{4}$/);
        assert.equal(authorization.facts.verification_uri, `${sb.url}/${sb.envId}/device`);
        assert.equal(authorization.facts.expires_in, '3 s');
        assert.equal(authorization.facts.interval, '1 s');
        assert.equal(formOf(authorization).get('scope'), 'openid profile email');
        // The host was told the code and asked to open the complete URI, which carries it.
        assert.equal(shown.length, 1);
        assert.equal(shown[0]!.userCode, authorization.facts.user_code);
        assert.deepEqual(opened, [[authorization.facts.verification_uri_complete, 'device']]);
        assert.equal(new URL(opened[0]![0]).searchParams.get('user_code'), authorization.facts.user_code);

        const token = step(run, 'token');
        assert.equal(token.title, 'Token (device_code, polling)');
        assert.equal(token.facts.polls, '2', 'one poll heard authorization_pending, the next the tokens');
        assert.equal(token.facts.last_answer, 'tokens');
        assert.equal(formOf(token).get('grant_type'), 'urn:ietf:params:oauth:grant-type:device_code');
        assert.ok(token.exchange?.request.secrets.some((s) => s.variable === 'DEVICE_CODE' && s.value === formOf(token).get('device_code')), 'the device_code is a secret');
        assert.equal((token.exchange?.request.headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1] ?? '').startsWith('Basic '), clientId === CONFIDENTIAL_DEVICE_CLIENT);
        const idToken = token.tokens.find((t) => t.kind === 'id_token');
        assert.equal(idToken?.verified, true);
        assert.equal(idToken?.payload.aud, clientId);
        assert.equal(step(run, 'userinfo').facts.sub, idToken?.payload.sub);
      });
    }

    it('a denial ends the polling as DEVICE_ACCESS_DENIED', async () => {
      const { run } = await deviceRun(PUBLIC_DEVICE_CLIENT, (userCode) => sb.denyDevice(userCode));
      assert.equal(run.status, 'failed');
      const token = step(run, 'token');
      assert.equal(token.status, 'failed');
      assert.equal(token.error?.code, Codes.DEVICE_ACCESS_DENIED);
      assert.equal(token.facts.last_answer, 'access_denied');
      assert.equal(token.facts.polls, '2');
      assert.equal(run.steps.at(-1), token, 'nothing runs after the denial');
    });

    it('nobody deciding ends the polling as DEVICE_CODE_EXPIRED', async () => {
      const { run } = await deviceRun(PUBLIC_DEVICE_CLIENT);
      const token = step(run, 'token');
      assert.equal(token.status, 'failed');
      assert.equal(token.error?.code, Codes.DEVICE_CODE_EXPIRED);
      assert.ok(token.error?.hint, 'the failure says what to do');
      assert.ok(Number(token.facts.polls) >= 1, 'it polled before giving up');
      assert.ok(['authorization_pending', 'expired_token'].includes(token.facts.last_answer ?? ''), token.facts.last_answer);
    });

    it('a cancelled run stops waiting', async () => {
      const controller = new AbortController();
      const { profile, secrets } = sandboxProfile(PUBLIC_DEVICE_CLIENT, { grant: 'device_code', redirectUri: '' });
      const run = await runFlow({
        profile,
        secrets,
        signal: controller.signal,
        onEvent: (event) => event.type === 'step/started' && event.step.kind === 'token' && controller.abort(),
      });
      assert.equal(run.status, 'cancelled');
      assert.equal(step(run, 'token').error?.code, Codes.CANCELLED);
      assert.equal(step(run, 'token').facts.polls, undefined, 'no poll was sent');
    });
  });

  describe('pushed authorization requests (headless)', () => {
    for (const id of ['sandbox-basic', 'sandbox-post', 'sandbox-secret-jwt', 'sandbox-public']) {
      it(`${id}: pushes the parameters, then authorize carries only client_id and request_uri`, async () => {
        const found = sb.profiles().find((p) => p.profile.id === id);
        assert.ok(found);
        const profile: Profile = { ...found.profile, par: true };
        const run = await runFlow({ profile, secrets: found.secrets });
        assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
        const kinds = run.steps.map((s) => s.kind);
        assert.deepEqual(kinds.slice(0, 3), ['discovery', 'par', 'authorize']);
        assert.deepEqual(kinds.slice(-3), ['token', 'jwks', 'userinfo']);

        const par = step(run, 'par');
        assert.equal(par.exchange?.request.url, `${sb.issuer}/par`);
        assert.equal(par.exchange?.response?.status, 201);
        const form = formOf(par);
        const authorize = step(run, 'authorize');
        // What the authorize step committed to travelled in the push: as form fields, or inside the request object.
        const requestObject = par.tokens.find((t) => t.kind === 'request_object');
        assert.equal(requestObject !== undefined, profile.requestObject !== undefined);
        if (requestObject) assert.equal(form.get('request'), requestObject.raw);
        const pushed = (name: string) => (requestObject ? requestObject.payload[name] : form.get(name));
        assert.equal(pushed('state'), authorize.facts.state);
        assert.equal(pushed('nonce'), authorize.facts.nonce);
        assert.equal(pushed('code_challenge'), authorize.facts.code_challenge);
        assert.equal(form.get('response_type'), 'code');
        assert.equal(form.getAll('client_id').length, 1);
        if (profile.clientAuthMethod === 'client_secret_jwt') assert.ok(par.tokens.some((t) => t.kind === 'client_assertion'));

        assert.match(par.facts.request_uri ?? '', /^urn:ietf:params:oauth:request_uri:/);
        assert.equal(par.facts.expires_in, '60 s');
        const sentRequest = authorize.exchange?.request;
        const sentParams = profile.authorizeMethod === 'POST' ? new URLSearchParams(sentRequest?.body) : new URL(sentRequest?.url ?? '').searchParams;
        assert.deepEqual([...sentParams], [['client_id', profile.clientId], ['request_uri', par.facts.request_uri]]);
        assert.equal(authorize.facts.request_uri, par.facts.request_uri);
        assert.equal(step(run, 'resume').facts.code !== undefined, true);
      });
    }

    it('a push the server refuses fails the par step, and authorize is never sent', async () => {
      const found = sb.profiles().find((p) => p.profile.id === 'sandbox-basic');
      assert.ok(found);
      const run = await runFlow({ profile: { ...found.profile, par: true, redirectUri: 'http://127.0.0.1:1/not-registered' }, secrets: found.secrets });
      assert.equal(run.status, 'failed');
      const par = step(run, 'par');
      assert.equal(par.status, 'failed');
      assert.equal(par.exchange?.response?.status, 400);
      assert.equal(par.error?.code, (par.exchange?.response?.json as { error?: string }).error);
      assert.match(par.error?.message ?? '', /redirect/i);
      assert.equal(run.steps.some((s) => s.kind === 'authorize'), false);
    });
  });
});
