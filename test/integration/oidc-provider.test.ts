/**
 * The engine and the built CLI against a PingOne-compatible server that is not our sandbox: a
 * certified OpenID Provider (oidc-provider v9) behind the PingOne paths (test/support/pingone-facade.ts).
 * If the engine only worked because the sandbox was written to match it, these tests say so.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Run, Step, StepKind } from '../../src/core/model';
import type { ClientAuthMethod, Profile, Secrets } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import { startPingOneFacade } from '../support/pingone-facade';
import type { PingOneFacade } from '../support/pingone-facade';
import { CLI } from '../support/cli';

const FULL_FLOW: StepKind[] = ['discovery', 'authorize', 'flow', 'signOn', 'resume', 'token', 'jwks', 'userinfo'];

describe('against oidc-provider behind PingOne paths', function () {
  this.timeout(15_000);
  let facade: PingOneFacade;

  before(async () => {
    facade = await startPingOneFacade();
  });
  after(() => facade?.close());

  function profileFor(method: 'client_secret_basic' | 'client_secret_post' | 'none'): { profile: Profile; secrets: Secrets } {
    const client = facade.clients[method];
    const profile: Profile = {
      id: `oidc-provider-${method}`,
      name: `oidc-provider (${method})`,
      region: 'custom',
      authPath: facade.authPath,
      envId: facade.envId,
      clientId: client.clientId,
      redirectUri: facade.redirectUri,
      scopes: ['openid', 'profile', 'email'],
      clientAuthMethod: method satisfies ClientAuthMethod,
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: true,
    };
    return { profile, secrets: { clientSecret: client.clientSecret, username: facade.user.username, password: facade.user.password } };
  }

  function step(run: Run, kind: StepKind): Step {
    const found = run.steps.find((s) => s.kind === kind);
    assert.ok(found, `the run has a ${kind} step`);
    return found;
  }

  function why(run: Run): string {
    return JSON.stringify({ error: run.error, serverErrors: facade.serverErrors.map(String) });
  }

  for (const method of ['client_secret_basic', 'client_secret_post', 'none'] as const) {
    it(`signs on and exchanges the code with ${method}`, async () => {
      const { profile, secrets } = profileFor(method);
      const run = await runFlow({ profile, secrets });
      assert.equal(run.status, 'succeeded', why(run));
      assert.deepEqual(run.steps.map((s) => s.kind), FULL_FLOW);
      assert.deepEqual(facade.serverErrors, []);

      // Discovery: oidc-provider's own document under the environment, read as it is (no fallback warning).
      const discovery = step(run, 'discovery');
      assert.equal(discovery.status, 'succeeded');
      assert.deepEqual(discovery.warnings, []);
      assert.equal(discovery.exchange?.response?.status, 200);
      assert.equal((discovery.exchange?.response?.json as Record<string, unknown> | undefined)?.issuer, facade.issuer);

      // Authorize: oidc-provider's interaction redirect, shaped as PingOne's sign-on page URL.
      const authorize = step(run, 'authorize');
      const authorizeStatus = authorize.exchange?.response?.status ?? 0;
      assert.ok(authorizeStatus >= 300 && authorizeStatus < 400, `authorize answered ${authorizeStatus}`);
      const flowId = String(authorize.facts.flowId);
      assert.equal(
        authorize.exchange?.response?.headers.find(([name]) => name.toLowerCase() === 'location')?.[1],
        `/${facade.envId}/signon/?flowId=${flowId}`,
      );

      // Sign-on: the interaction cookie set on authorize reached /flows (the facade checks it matches the flow).
      const signOn = step(run, 'signOn');
      assert.equal(signOn.facts.flow_status, 'COMPLETED');
      assert.ok(signOn.exchange?.cookies.sent.some((c) => c.name === '_interaction'), 'the _interaction cookie reached /flows');

      // Resume: oidc-provider's resume answered a redirect with the code, found through the jar's cookie.
      const resume = step(run, 'resume');
      const resumeStatus = resume.exchange?.response?.status ?? 0;
      assert.ok(resumeStatus >= 300 && resumeStatus < 400, `resume answered ${resumeStatus}`);
      assert.ok(resume.exchange?.cookies.sent.some((c) => c.name === '_interaction_resume'), 'the resume cookie reached /as/resume from the jar');
      assert.ok(resume.checks.some((c) => c.name === 'State' && c.status === 'passed'));
      assert.ok(resume.checks.some((c) => c.name === 'Redirect URI' && c.status === 'passed'));
      // oidc-provider clears the resume cookie once used; the jar must drop it, not send it on.
      assert.ok(resume.exchange?.cookies.set.some((c) => c.name === '_interaction_resume' && c.value === ''), 'resume clears its cookie');
      assert.ok(!step(run, 'token').exchange?.cookies.sent.some((c) => c.name === '_interaction_resume'), 'the cleared cookie is gone from the jar');

      // Token: the client authentication really was the profile's.
      const token = step(run, 'token');
      const request = token.exchange?.request;
      const form = new URLSearchParams(request?.body ?? '');
      const authorization = request?.headers.find(([name]) => name.toLowerCase() === 'authorization')?.[1];
      assert.equal((authorization ?? '').startsWith('Basic '), method === 'client_secret_basic');
      assert.equal(form.get('client_secret'), method === 'client_secret_post' ? secrets.clientSecret : null);
      assert.ok(form.get('code_verifier'), 'PKCE code_verifier sent');

      // ID token: RS256 from oidc-provider, verified against its JWKS. oidc-provider puts at_hash only in
      // ID tokens from the authorization endpoint (OIDC Core §3.1.3.6 makes it optional here), and its
      // access tokens are opaque, so neither is checked.
      const idToken = token.tokens.find((t) => t.kind === 'id_token');
      assert.ok(idToken, 'the token step decoded an id_token');
      assert.equal(idToken.verified, true);
      assert.equal(idToken.header.alg, 'RS256');
      assert.equal(idToken.payload.iss, facade.issuer);
      assert.equal(idToken.payload.aud, profile.clientId);
      assert.equal(idToken.payload.sub, facade.user.sub);
      assert.deepEqual(
        idToken.checks.filter((c) => c.status === 'passed').map((c) => c.name),
        ['Signature', 'Issuer', 'Audience', 'Expiry', 'Issued at', 'Nonce'],
      );
      assert.equal(idToken.checks.find((c) => c.name === 'at_hash')?.status, 'skipped');
      assert.equal(token.tokens.find((t) => t.kind === 'access_token'), undefined, 'the opaque access token is not decoded');

      // Userinfo: the same subject, with the profile claims the grant gave.
      const userinfo = step(run, 'userinfo');
      assert.equal(userinfo.facts.sub, idToken.payload.sub);
      assert.ok(userinfo.checks.some((c) => c.name === 'Subject' && c.status === 'passed'));
      assert.equal((userinfo.exchange?.response?.json as Record<string, unknown> | undefined)?.preferred_username, facade.user.username);
    });
  }

  it('takes the authorize parameters as a POST form', async () => {
    const { profile, secrets } = profileFor('none');
    const run = await runFlow({ profile: { ...profile, authorizeMethod: 'POST' }, secrets });
    assert.equal(run.status, 'succeeded', why(run));
    assert.deepEqual(run.steps.map((s) => s.kind), FULL_FLOW);
    const authorize = step(run, 'authorize').exchange;
    assert.equal(authorize?.request.method, 'POST');
    assert.equal(new URLSearchParams(authorize?.request.body ?? '').get('client_id'), profile.clientId);
    assert.equal(step(run, 'token').tokens.find((t) => t.kind === 'id_token')?.verified, true);
  });

  it('fails the token step with invalid_client on a wrong client secret', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const run = await runFlow({ profile, secrets: { ...secrets, clientSecret: `${secrets.clientSecret}-wrong` } });
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'authorize', 'flow', 'signOn', 'resume', 'token']);
    const token = step(run, 'token');
    assert.equal(token.status, 'failed');
    assert.equal(token.exchange?.response?.status, 401);
    assert.equal(token.error?.code, 'invalid_client');
    assert.equal(run.error?.code, 'invalid_client');
  });

  it('fails the sign-on step with INVALID_CREDENTIALS on a wrong password', async () => {
    const { profile, secrets } = profileFor('client_secret_post');
    const run = await runFlow({ profile, secrets: { ...secrets, password: `${secrets.password}-wrong` } });
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'authorize', 'flow', 'signOn']);
    const signOn = step(run, 'signOn');
    assert.equal(signOn.status, 'failed');
    assert.equal(signOn.exchange?.response?.status, 400);
    assert.equal(signOn.error?.code, 'INVALID_CREDENTIALS');
    assert.match(signOn.error?.message ?? '', /username or password is incorrect/);
  });

  it('the built CLI runs the flow: run --profile FILE --json, secrets from the environment', async () => {
    const { profile, secrets } = profileFor('client_secret_basic');
    const { id: _id, name: _name, ...file } = profile;
    const dir = mkdtempSync(join(tmpdir(), 'afe-oidc-provider-'));
    try {
      const profileFile = join(dir, 'profile.json');
      writeFileSync(profileFile, JSON.stringify(file, null, 2));
      // Asynchronous on purpose: the server answering the CLI lives in this process.
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, 'run', '--profile', profileFile, '--json'], {
        env: {
          ...process.env,
          NO_COLOR: '1',
          AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret ?? '',
          AUTH_FLOW_USERNAME: secrets.username ?? '',
          AUTH_FLOW_PASSWORD: secrets.password ?? '',
        },
      }); // rejects, failing the test, unless the CLI exits 0
      const run = JSON.parse(stdout) as Run;
      assert.equal(run.status, 'succeeded', stdout);
      assert.equal(run.profile.issuer, facade.issuer);
      assert.deepEqual(run.steps.map((s) => s.kind), FULL_FLOW);
      assert.equal(step(run, 'token').tokens.find((t) => t.kind === 'id_token')?.verified, true);
      assert.equal(step(run, 'userinfo').facts.sub, facade.user.sub);
      const basic = Buffer.from(`${profile.clientId}:${secrets.clientSecret}`).toString('base64');
      for (const [name, secret] of [['client secret', secrets.clientSecret], ['Basic credentials', basic], ['password', secrets.password]]) {
        assert.ok(secret && !stdout.includes(secret) && !stderr.includes(secret), `${name} absent from the CLI output`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
