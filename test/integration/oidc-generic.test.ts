/**
 * A new user's first hour with an OpenID provider nobody here configured: oidc-provider
 * (test/support/oidc-server.ts), known only by its issuer URL and a registered client. Client
 * credentials with every client authentication method the provider takes, introspect → revoke →
 * introspect, a wrong secret, and the answers that must stop a run: a discovery document for another
 * issuer, an authorization response naming another issuer (RFC 9207), discovery found only at the
 * RFC 8414 path. The same through the built CLI, with the profile file a script would write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codes } from '../../src/core/codes';
import type { Run } from '../../src/core/model';
import type { ClientAuthMethod, Profile, Secrets } from '../../src/core/profile';
import { runFlow, type RunHost } from '../../src/core/run';
import { runCli } from '../support/cli';
import { startOidcServer, type OidcServer, type OidcServerClient } from '../support/oidc-server';

describe('any OpenID provider, by its issuer URL (oidc-provider)', function () {
  this.timeout(30_000);
  let op: OidcServer;

  before(async () => {
    op = await startOidcServer();
  });
  after(() => op?.close());

  function clientCredentials(client: OidcServerClient): { profile: Profile; secrets: Secrets } {
    const profile: Profile = {
      id: `cc-${client.clientId}`,
      name: `client credentials (${client.method})`,
      issuer: op.issuer,
      clientId: client.clientId,
      redirectUri: '',
      scopes: [],
      clientAuthMethod: client.method satisfies ClientAuthMethod,
      grant: 'client_credentials',
      authorizeMethod: 'GET',
      responseMode: 'redirect',
      pkce: true,
    };
    return { profile, secrets: { ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}), ...(client.privateKeyPem ? { privateKey: client.privateKeyPem } : {}) } };
  }

  const why = (run: Run) => JSON.stringify({ error: run.error, steps: run.steps.map((s) => `${s.kind}:${s.status}`), serverErrors: op.serverErrors.map(String) });

  for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'] as const) {
    it(`client credentials with ${method}: discovery at the path-prefixed issuer, then the token, active when introspected`, async () => {
      const { profile, secrets } = clientCredentials(op.clients[method]);
      const run = await runFlow({ profile, secrets, then: ['introspect'] });
      assert.equal(run.status, 'succeeded', why(run));
      assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'token', 'introspect']);
      const discovery = run.steps[0];
      assert.equal(discovery.exchange?.request.url, `${op.issuer}/.well-known/openid-configuration`);
      assert.ok(new URL(op.issuer).pathname.length > 1, 'the issuer has a path');
      const token = run.steps[1];
      assert.equal(token.exchange?.request.url.startsWith(op.issuer), true, 'the token endpoint is the one discovery named');
      const body = new URLSearchParams(token.exchange?.request.body ?? '');
      assert.equal(body.get('grant_type'), 'client_credentials');
      if (method === 'client_secret_basic') assert.match(token.exchange?.request.headers.find(([n]) => n === 'authorization')?.[1] ?? '', /^Basic /);
      if (method === 'client_secret_post') assert.equal(body.get('client_secret'), secrets.clientSecret);
      if (method.endsWith('_jwt')) {
        assert.equal(body.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        assert.ok(token.tokens.some((t) => t.kind === 'client_assertion'), 'the assertion is shown decoded');
      }
      assert.equal(run.steps[2].facts.active, 'true', JSON.stringify(run.steps[2].facts));
    });
  }

  it('introspect → revoke → introspect: the revoked token reads inactive, which is an answer, not a failure', async () => {
    const { profile, secrets } = clientCredentials(op.clients.client_secret_basic);
    const run = await runFlow({ profile, secrets, then: ['introspect', 'revoke', 'introspect'] });
    assert.equal(run.status, 'succeeded', why(run));
    const [before, revoke, after] = run.steps.slice(-3);
    assert.deepEqual([before.kind, revoke.kind, after.kind], ['introspect', 'revoke', 'introspect']);
    assert.equal(before.facts.active, 'true');
    assert.equal(revoke.exchange?.response?.status, 200);
    assert.equal(after.facts.active, 'false');
  });

  it('a wrong client secret fails the token step with the server\'s invalid_client and the hint about the secret', async () => {
    const { profile } = clientCredentials(op.clients.client_secret_basic);
    const run = await runFlow({ profile, secrets: { clientSecret: 'not-the-secret' } });
    assert.equal(run.status, 'failed');
    const failed = run.steps.find((s) => s.status === 'failed');
    assert.equal(failed?.kind, 'token');
    assert.equal(failed?.error?.code, 'invalid_client');
    assert.match(failed?.error?.hint ?? '', /client secret/);
  });

  it('a public client cannot run client credentials: refused before anything is sent', async () => {
    const { profile } = clientCredentials(op.clients.none);
    const run = await runFlow({ profile, secrets: {} });
    assert.equal(run.error?.code, Codes.INVALID_PROFILE);
    assert.equal(run.steps.length, 0);
    assert.match(run.error?.message ?? '', /client_credentials/);
  });

  it('an issuer that is not the one the document names stops the run at discovery', async () => {
    // The same document, asked for as the issuer with a trailing slash: exactly another issuer (OIDC Discovery §4.3).
    const { profile, secrets } = clientCredentials(op.clients.client_secret_basic);
    const run = await runFlow({ profile: { ...profile, issuer: `${op.issuer}/` }, secrets });
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.steps.map((s) => `${s.kind}:${s.status}`), ['discovery:failed']);
    assert.equal(run.error?.code, Codes.DISCOVERY_ISSUER_MISMATCH);
    assert.match(run.error?.message ?? '', new RegExp(op.issuer.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  });

  it('an authorization response naming another issuer (RFC 9207 iss) is refused, and no code is exchanged', async () => {
    // The "browser" here answers the redirect URI itself, as a mix-up attacker's server would, with the run's own state.
    const host: RunHost = {
      openUrl: async (url) => {
        const state = new URL(url).searchParams.get('state') ?? '';
        const forged = new URL(op.redirectUri);
        forged.search = new URLSearchParams({ code: 'stolen-code', state, iss: 'https://attacker.example' }).toString();
        await fetch(forged).catch(() => undefined);
      },
    };
    const profile: Profile = { ...clientCredentials(op.clients.none).profile, grant: 'authorization_code', scopes: ['openid'], redirectUri: op.redirectUri };
    const run = await runFlow({ profile, secrets: {}, host });
    assert.equal(run.error?.code, Codes.ISSUER_MISMATCH, why(run));
    assert.deepEqual(run.steps.map((s) => `${s.kind}:${s.status}`), ['discovery:succeeded', 'authorize:succeeded', 'browser:failed']);
  });

  describe('an issuer whose metadata is only at the RFC 8414 path', () => {
    let server: Server;
    let issuer: string;
    before(async () => {
      server = createServer((request, response) => {
        // Answers as a provider that publishes only RFC 8414 metadata would: 404 at the OpenID path.
        if (request.url === '/.well-known/oauth-authorization-server/tenant-b') {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ issuer, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }));
          return;
        }
        response.statusCode = 404;
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant-b`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('tries the OpenID path, then reads the RFC 8414 one, and uses its endpoints', async () => {
      const { profile, secrets } = clientCredentials(op.clients.client_secret_basic);
      const run = await runFlow({ profile: { ...profile, issuer }, secrets });
      const [openid, rfc8414, token] = run.steps;
      assert.equal(openid.exchange?.response?.status, 404);
      assert.equal(openid.status, 'succeeded', 'the 404 only sends the run to the other path');
      assert.ok(openid.warnings.some((w) => /RFC 8414/.test(w)));
      assert.equal(rfc8414.exchange?.request.url, `${new URL(issuer).origin}/.well-known/oauth-authorization-server/tenant-b`);
      assert.equal(rfc8414.status, 'succeeded');
      assert.equal(token.exchange?.request.url, `${issuer}/token`, 'the token endpoint comes from the RFC 8414 document');
    });
  });

  describe('the CLI, with only an issuer and a client in the profile file', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'afe-oidc-cli-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    function profileFile(client: OidcServerClient): string {
      const file = join(dir, `${client.clientId}.json`);
      writeFileSync(file, JSON.stringify({ issuer: op.issuer, clientId: client.clientId, scopes: [], clientAuthMethod: client.method, grant: 'client_credentials' }));
      return file;
    }

    it('client credentials with a private key file, then introspect, revoke, introspect: exit 0, every step in --json', async () => {
      const client = op.clients.private_key_jwt;
      const key = join(dir, 'client-key.pem');
      writeFileSync(key, client.privateKeyPem!);
      const result = await runCli(['run', '--profile', profileFile(client), '--private-key-file', key, '--then', 'introspect,revoke,introspect', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const run = JSON.parse(result.stdout) as Run;
      // oidc-provider's client-credentials token is opaque (no resource asked for), so no keys are fetched.
      assert.deepEqual(run.steps.map((s) => s.kind), ['discovery', 'token', 'introspect', 'revoke', 'introspect']);
      assert.deepEqual(run.steps.filter((s) => s.kind === 'introspect').map((s) => s.facts.active), ['true', 'false']);
      assert.ok(!result.stdout.includes(client.privateKeyPem!.split('\n')[1]!), 'the key is not printed');
    });

    it('a wrong secret exits 1 naming invalid_client; --json is still one document', async () => {
      const result = await runCli(['run', '--profile', profileFile(op.clients.client_secret_post), '--json'], { AUTH_FLOW_CLIENT_SECRET: 'wrong' });
      assert.equal(result.code, 1, result.stderr);
      const run = JSON.parse(result.stdout) as Run;
      assert.equal(run.error?.code, 'invalid_client');
      assert.ok(!result.stdout.includes('"wrong"'), 'the secret given is not printed');
    });
  });
});
