/**
 * The rest of a token's life over real loopback HTTP: refresh (the diff of old and new tokens),
 * introspect, revoke and sign off, against the embedded PingOne sandbox and against oidc-provider as
 * someone else's server; and the CLI's `--then`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run, RunEvent, Step } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import { followUpsAvailable, runFollowUp, startRun } from '../../src/core/run';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { runCli } from '../support/cli';
import { startOidcServer, type OidcServer } from '../support/oidc-server';
import { startPingOneFacade, type PingOneFacade } from '../support/pingone-facade';

function assertSucceeded(run: Run): void {
  assert.equal(run.status, 'succeeded', JSON.stringify(run.error ?? run.steps.find((s) => s.error)?.error));
}

function lastOf(run: Run, kind: Step['kind']): Step {
  const step = run.steps.findLast((s) => s.kind === kind);
  assert.ok(step, `the run has a ${kind} step`);
  return step;
}

describe('follow-ups against the sandbox (PingOne)', () => {
  let sandbox: Sandbox;
  let clock = Date.now();
  before(async () => {
    sandbox = await startSandbox({ now: () => clock });
  });
  after(() => sandbox?.close());

  function basicProfile(overrides: Partial<Profile> = {}): { profile: Profile; secrets: Secrets } {
    const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_basic');
    assert.ok(entry);
    const { requestObject: _requestObject, ...plain } = entry.profile;
    return { profile: { ...plain, authorizeMethod: 'GET', responseMode: 'redirect', pkce: true, ...overrides }, secrets: { ...entry.secrets, ...sandbox.demoUser } };
  }

  it('refreshes: new tokens replace the held ones, and the step shows what changed in each', async () => {
    clock = Date.now();
    const session = await startRun(basicProfile());
    assertSucceeded(session.run);
    const held = { ...session.tokens };
    assert.ok(held.refresh_token, 'the sandbox issues a refresh token');
    // The sandbox's clock moves on a minute (inside the clock skew): the new tokens are issued later.
    clock += 60_000;
    const events: RunEvent[] = [];
    session.options.onEvent = (e) => events.push(e);
    const run = await runFollowUp(session, 'refresh');
    assertSucceeded(run);
    const step = lastOf(run, 'refresh');
    assert.notEqual(session.tokens.access_token, held.access_token, 'a new access token is held');
    assert.notEqual(session.tokens.id_token, held.id_token, 'a new ID token is held');
    const access = step.diffs?.find((d) => d.kind === 'access_token');
    assert.ok(access, 'the access token diff is on the step');
    const exp = access.entries.find((e) => e.claim === 'exp');
    assert.equal(exp?.change, 'changed');
    assert.match(exp?.words ?? '', /^exp moved 1 min later: expires in /);
    assert.equal(access.entries.find((e) => e.claim === 'sub')?.change, 'same');
    assert.ok(step.diffs?.some((d) => d.kind === 'id_token'));
    assert.match(step.facts['access_token diff'], /exp.*changed/);
    assert.ok(step.checks.some((c) => c.code === 'subject' && c.status === 'passed'));
    assert.deepEqual(events.filter((e) => e.type === 'step/finished').map((e) => e.type === 'step/finished' && e.step.kind), ['refresh']);
    assert.ok(events.some((e) => e.type === 'run/finished'));
  });

  it('introspect → revoke → introspect: the revoked token reads active false, and the step still succeeds', async () => {
    const session = await startRun({ ...basicProfile(), then: ['introspect', 'revoke', 'introspect'] });
    const run = session.run;
    assertSucceeded(run);
    const kinds = run.steps.map((s) => s.kind);
    assert.deepEqual(kinds.slice(-3), ['introspect', 'revoke', 'introspect']);
    const [first, revoke, second] = run.steps.slice(-3);
    assert.equal(first.facts.active, 'true');
    assert.equal(first.facts.token, 'access_token');
    assert.equal(first.facts.sub !== undefined, true, 'an active token comes with its claims');
    assert.equal(revoke.facts.token, 'refresh_token', 'the refresh token is revoked when the run holds one');
    assert.equal(second.status, 'succeeded');
    assert.equal(second.facts.active, 'false', 'revoking the refresh token ended its access token too (RFC 7009 §2.1)');
    assert.ok(second.warnings.some((w) => /not active/.test(w)));
  });

  it('refreshing a revoked refresh token fails with the server\'s invalid_grant', async () => {
    const session = await startRun({ ...basicProfile(), then: ['revoke'] });
    assertSucceeded(session.run);
    const run = await runFollowUp(session, 'refresh');
    assert.equal(run.status, 'failed');
    assert.equal(lastOf(run, 'refresh').error?.code, 'invalid_grant');
    assert.match(lastOf(run, 'refresh').error?.hint ?? '', /a refresh token or device code may be expired, revoked or already used/, 'the hint speaks of the refresh token, not only of codes');
  });

  it('signs off: a redirect to the post-logout URI with the state sent', async () => {
    const { profile, secrets } = basicProfile({ postLogoutRedirectUri: `${sandbox.url}/callback` });
    const session = await startRun({ profile, secrets, then: ['signoff'] });
    assertSucceeded(session.run);
    const step = lastOf(session.run, 'signoff');
    const sent = new URL(step.exchange!.request.url);
    assert.equal(sent.searchParams.get('id_token_hint'), session.tokens.id_token);
    assert.equal(sent.searchParams.get('client_id'), profile.clientId);
    assert.equal(step.exchange?.response?.status, 302);
    assert.equal(new URL(step.facts.location).searchParams.get('state'), step.facts.state);
    assert.ok(step.checks.some((c) => c.code === 'state' && c.status === 'passed'));
  });
});

describe('follow-ups against oidc-provider (client credentials, basic-client)', () => {
  let op: OidcServer;
  before(async () => {
    op = await startOidcServer();
  });
  after(() => op?.close());

  function clientCredentials(): { profile: Profile; secrets: Secrets } {
    const client = op.clients.client_secret_basic;
    const profile: Profile = {
      id: 'op',
      name: 'oidc-provider (client credentials)',
      issuer: op.issuer,
      grant: 'client_credentials',
      clientId: client.clientId,
      redirectUri: op.redirectUri,
      scopes: [],
      clientAuthMethod: 'client_secret_basic',
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: false,
    };
    return { profile, secrets: { clientSecret: client.clientSecret } };
  }

  it('introspect → revoke → introspect an opaque access token', async () => {
    const session = await startRun({ ...clientCredentials(), then: ['introspect', 'revoke', 'introspect'] });
    const run = session.run;
    assertSucceeded(run);
    assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'token', 'introspect', 'revoke', 'introspect']);
    assert.equal(run.steps[1].tokens.find((t) => t.kind === 'access_token'), undefined, 'the access token is opaque (no JWT to decode)');
    const [first, revoke, second] = run.steps.slice(-3);
    assert.equal(first.facts.active, 'true');
    assert.equal(first.facts.client_id, 'basic-client');
    assert.equal(revoke.facts.token, 'access_token', 'no refresh token here: the access token is revoked');
    assert.equal(second.facts.active, 'false');
    assert.deepEqual(op.serverErrors, []);
  });

  it('a follow-up with no token to use fails with NO_TOKEN, and the timeline is told why beforehand', async () => {
    const session = await startRun(clientCredentials());
    const available = followUpsAvailable(session);
    assert.match(available.refresh ?? '', /holds no refresh token/);
    assert.equal(available.introspect, undefined);
    assert.equal(available.revoke, undefined);
    const run = await runFollowUp(session, 'refresh');
    assert.equal(run.status, 'failed');
    assert.equal(lastOf(run, 'refresh').error?.code, 'NO_TOKEN');
  });

  it('a provider whose discovery names no such endpoint fails the step with NO_ENDPOINT, and says so beforehand', async () => {
    const session = await startRun(clientCredentials());
    assertSucceeded(session.run);
    // As an issuer without RFC 7009 support would be discovered.
    delete session.endpoints.revoke;
    assert.match(followUpsAvailable(session).revoke ?? '', /names no revocation_endpoint/);
    const run = await runFollowUp(session, 'revoke');
    assert.equal(run.status, 'failed');
    const step = lastOf(run, 'revoke');
    assert.equal(step.error?.code, 'NO_ENDPOINT');
    assert.equal(step.exchange, undefined, 'nothing was sent');
  });

  it('signs off: oidc-provider answers a confirmation page, which succeeds with a warning', async () => {
    const { profile, secrets } = clientCredentials();
    const session = await startRun({ profile: { ...profile, postLogoutRedirectUri: op.postLogoutRedirectUri }, secrets, then: ['signoff'] });
    assertSucceeded(session.run);
    const step = lastOf(session.run, 'signoff');
    assert.equal(step.exchange?.response?.status, 200);
    assert.ok(step.warnings.some((w) => /confirm the sign-off in a browser/.test(w)), JSON.stringify(step.warnings));
  });
});

describe('refresh with rotation against oidc-provider (behind PingOne paths, headless sign-on)', () => {
  let facade: PingOneFacade;
  before(async () => {
    facade = await startPingOneFacade({ refreshTokens: true });
  });
  after(() => facade?.close());

  it('refreshes twice: each time a new refresh token replaces the old, and the old one no longer works', async () => {
    const client = facade.clients.client_secret_basic;
    const profile: Profile = {
      id: 'facade',
      name: 'oidc-provider (PingOne paths)',
      region: 'custom',
      authPath: facade.authPath,
      envId: facade.envId,
      clientId: client.clientId,
      redirectUri: facade.redirectUri,
      scopes: ['openid', 'profile'],
      clientAuthMethod: 'client_secret_basic',
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: true,
    };
    const session = await startRun({ profile, secrets: { clientSecret: client.clientSecret, username: facade.user.username, password: facade.user.password }, then: ['refresh'] });
    assertSucceeded(session.run);
    const first = lastOf(session.run, 'refresh');
    assert.match(first.facts.refresh_token, /^rotated/);
    assert.equal(first.facts['access_token diff'], 'replaced (opaque: no claims to compare)', 'oidc-provider\'s access tokens are opaque here');
    // Issued within the same second with the same claims, oidc-provider's ID token can come back byte for byte.
    assert.match(first.facts['id_token diff'], /changed|the same token came back/);
    const rotated = session.tokens.refresh_token;
    assertSucceeded(await runFollowUp(session, 'refresh'));
    assert.notEqual(session.tokens.refresh_token, rotated);
    // The token rotated away is spent: oidc-provider refuses it (and, as RFC 9700 §4.14.2 advises, may end the grant).
    session.tokens.refresh_token = rotated;
    const replayed = await runFollowUp(session, 'refresh');
    assert.equal(replayed.status, 'failed');
    assert.equal(lastOf(replayed, 'refresh').error?.code, 'invalid_grant');
    assert.deepEqual(facade.serverErrors, []);
  });
});

describe('auth-flow run --then (CLI)', () => {
  let sandbox: Sandbox;
  let dir: string;
  before(async () => {
    sandbox = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'follow-ups-'));
  });
  after(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function profileFile(): { path: string; env: Record<string, string> } {
    const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === 'client_secret_basic');
    assert.ok(entry);
    const { id: _id, name: _name, ...file } = entry.profile;
    const path = join(dir, 'profile.json');
    writeFileSync(path, JSON.stringify(file));
    return { path, env: { AUTH_FLOW_CLIENT_SECRET: entry.secrets.clientSecret ?? '', AUTH_FLOW_USERNAME: sandbox.demoUser.username, AUTH_FLOW_PASSWORD: sandbox.demoUser.password } };
  }

  it('--then introspect,revoke,introspect --json: exit 0, the three steps in order', async () => {
    const { path, env } = profileFile();
    const result = await runCli(['run', '--profile', path, '--then', 'introspect,revoke,introspect', '--json'], env);
    assert.equal(result.code, 0, result.stderr || result.stdout);
    const run = JSON.parse(result.stdout) as Run;
    assert.deepEqual(run.steps.map((s) => s.kind).slice(-3), ['introspect', 'revoke', 'introspect']);
    assert.deepEqual(run.steps.slice(-3).map((s) => s.facts.active ?? '-'), ['true', '-', 'false']);
  });

  it('--then refresh prints the refresh step and its diff as text', async () => {
    const { path, env } = profileFile();
    const result = await runCli(['run', '--profile', path, '--then', 'refresh'], env);
    assert.equal(result.code, 0, result.stderr || result.stdout);
    assert.match(result.stdout, /Refresh \(client_secret_basic\)/);
    assert.match(result.stdout, /access_token claims:/);
    assert.match(result.stdout, /~ jti/);
  });

  it('an unknown follow-up is bad usage naming the valid ones', async () => {
    const { path, env } = profileFile();
    const result = await runCli(['run', '--profile', path, '--then', 'refresh,logout'], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /logout/);
    assert.match(result.stderr, /refresh, introspect, revoke, userinfo, signoff/);
  });
});
