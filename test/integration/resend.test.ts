/**
 * "Edit and resend" over real loopback HTTP against the sandbox: the redacted token request the
 * timeline shows (secrets as $VARIABLEs), edited and sent again by RunSession.resend, has its secrets
 * put back by the engine and is answered; the new step is redacted like the run's others.
 */
import assert from 'node:assert/strict';
import type { Run } from '../../src/core/model';
import type { Profile, Secrets } from '../../src/core/profile';
import { redactRun } from '../../src/core/redact';
import { buildResendRequest, type EditedRequest } from '../../src/core/resend';
import { startRun } from '../../src/core/run';
import type { RunSession } from '../../src/core/session';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';

describe('RunSession.resend against the sandbox', () => {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox?.close());

  async function clientCredentialsRun(method: Profile['clientAuthMethod']): Promise<{ session: RunSession; secrets: Secrets }> {
    const entry = sandbox.profiles().find((p) => p.profile.clientAuthMethod === method);
    assert.ok(entry, `the sandbox has a ${method} client`);
    const { requestObject: _requestObject, ...plain } = entry.profile;
    const session = await startRun({ profile: { ...plain, grant: 'client_credentials', scopes: [] }, secrets: entry.secrets });
    assert.equal(session.run.status, 'succeeded', JSON.stringify(session.run.error));
    return { session, secrets: entry.secrets };
  }

  /** The token request as the webview has it: redacted. */
  function shownTokenRequest(run: Run): EditedRequest {
    const step = redactRun(run).steps.find((s) => s.kind === 'token');
    const request = step?.exchange?.request;
    assert.ok(request);
    assert.equal(request.method, 'POST');
    return { method: 'POST', url: request.url, headers: request.headers, body: request.body };
  }

  for (const method of ['client_secret_post', 'client_secret_basic'] as const) {
    it(`puts the client secret back into an edited token request (${method}) and records the answer as a resend step`, async () => {
      const { session, secrets } = await clientCredentialsRun(method);
      const edited = shownTokenRequest(session.run);
      const shown = JSON.stringify(edited);
      assert.ok(!shown.includes(secrets.clientSecret!), 'the webview never had the secret');
      assert.match(shown, /\$(CLIENT_SECRET|BASIC_CREDENTIALS)/, 'it has its placeholder');
      const before = session.run.steps.length;
      const run = await session.resend(edited);
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      assert.equal(run.steps.length, before + 1);
      const step = run.steps.at(-1)!;
      assert.equal(step.kind, 'resend');
      assert.equal(step.exchange?.response?.status, 200);
      const json = step.exchange?.response?.json as Record<string, unknown>;
      assert.equal(typeof json.access_token, 'string', 'answered with a new access token');
      // What a person sees of the new step: neither the secret nor the new token.
      const redacted = JSON.stringify(redactRun(run).steps.at(-1));
      assert.ok(!redacted.includes(secrets.clientSecret!), 'the secret is redacted on the new step');
      assert.ok(!redacted.includes(json.access_token as string), 'the new token is redacted');
      assert.ok(redacted.includes('$ACCESS_TOKEN'));
    });
  }

  it('sends an edited secret as typed: the server refuses it and the resend step fails with its error', async () => {
    const { session } = await clientCredentialsRun('client_secret_post');
    const edited = shownTokenRequest(session.run);
    assert.ok(edited.body?.includes('$CLIENT_SECRET'));
    const run = await session.resend({ ...edited, body: edited.body!.replace(/\$CLIENT_SECRET\w*/, 'not-the-secret') });
    assert.equal(run.status, 'failed');
    const step = run.steps.at(-1)!;
    assert.equal(step.kind, 'resend');
    assert.equal(step.status, 'failed');
    assert.equal(step.exchange?.response?.status, 401, JSON.stringify(step));
    assert.match(step.error?.message ?? '', /invalid_client/);
  });

  it('says which $VARIABLE it has no value for, and sends it as typed', async () => {
    const { session } = await clientCredentialsRun('client_secret_post');
    const edited = shownTokenRequest(session.run);
    const run = await session.resend({ ...edited, body: `${edited.body}&extra=$NOT_A_SECRET` });
    const step = run.steps.at(-1)!;
    assert.ok(step.exchange?.request.body?.includes('extra=$NOT_A_SECRET'));
    assert.ok(step.warnings.some((w) => w.startsWith('$NOT_A_SECRET is no secret this run holds')), step.warnings.join('\n'));
  });

  it('puts a secret back into a form body form-encoded and into a URL percent-encoded, as it travelled', () => {
    const secret = 'a+b/c~d e&f';
    const marks = [{ variable: 'CLIENT_SECRET', value: secret }, { variable: 'CLIENT_SECRET_FORM', value: new URLSearchParams([['', secret]]).toString().slice(1) }];
    const { request } = buildResendRequest(
      { method: 'POST', url: 'https://as.example/token?hint=$CLIENT_SECRET', headers: [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Raw', '$CLIENT_SECRET']], body: 'client_secret=$CLIENT_SECRET&again=$CLIENT_SECRET_FORM' },
      marks,
    );
    assert.equal(new URLSearchParams(request.body).get('client_secret'), secret);
    assert.equal(new URLSearchParams(request.body).get('again'), secret);
    assert.equal(new URL(request.url).searchParams.get('hint'), secret);
    assert.deepEqual(request.headers, [['Content-Type', 'application/x-www-form-urlencoded'], ['X-Raw', secret]]);
  });
});
