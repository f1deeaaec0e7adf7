/**
 * The built CLI on a corporate network, all of it real and on loopback: a forward proxy
 * (test/support/forward-proxy.ts) that every request must pass through, a private CA made by openssl
 * that signs the sandbox's TLS certificate, and a sandbox asking for TLS client certificates.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../../src/core/model';
import type { Profile } from '../../src/core/profile';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { runCli } from '../support/cli';
import { NO_NETWORK_ENV, startForwardProxy, type ForwardProxy } from '../support/forward-proxy';
import { createPrivateCa, type PrivateCa } from '../support/private-ca';

/** A name no resolver knows: only the proxy maps it to the sandbox on loopback (its `hosts`). */
const INTERNAL_HOST = 'sandbox.corp.test';

/** Every variable the CLI reads about the network, blanked: the machine running the tests may set them. */
const CLI_NETWORK_ENV = { ...NO_NETWORK_ENV, AUTH_FLOW_CLIENT_KEY_FILE: '' };

describe('corporate network (built CLI, proxy, private CA, client certificates)', function () {
  this.timeout(60_000);
  let pki: PrivateCa;
  let tlsSandbox: Sandbox;
  let plainSandbox: Sandbox;
  let internalSandbox: Sandbox;
  let proxy: ForwardProxy;
  let authProxy: ForwardProxy;

  before(async () => {
    pki = await createPrivateCa({ serverNames: [INTERNAL_HOST] });
    const tls = { key: pki.server.key.text, cert: pki.server.cert.text, clientAuth: { ca: pki.ca.text, subjectDn: pki.client.subjectDn, selfSignedCert: pki.selfSigned.cert.text } };
    [tlsSandbox, plainSandbox, internalSandbox, proxy, authProxy] = await Promise.all([
      startSandbox({ tls }),
      startSandbox(),
      startSandbox({ tls: { key: tls.key, cert: tls.cert }, publicHost: INTERNAL_HOST }),
      startForwardProxy({ hosts: { [INTERNAL_HOST]: '127.0.0.1' } }),
      startForwardProxy({ credentials: 'alice:s3cret-proxy' }),
    ]);
  });
  after(async () => {
    await Promise.all([tlsSandbox, plainSandbox, internalSandbox, proxy, authProxy].map((server) => server?.close()));
    pki?.remove();
  });
  beforeEach(() => {
    proxy.passed.length = 0;
    authProxy.passed.length = 0;
  });

  /** The sandbox profile of `method` as a file, and the environment that supplies its secrets. */
  const profileOf = (sandbox: Sandbox, method: Profile['clientAuthMethod'], extra: Record<string, unknown> = {}) => {
    const { profile, secrets } = sandbox.profiles().find((p) => p.profile.clientAuthMethod === method)!;
    const path = join(pki.dir, `${profile.id}-${Object.keys(extra).join('-') || 'plain'}.json`);
    writeFileSync(path, JSON.stringify({ ...profile, ...extra }));
    const env = { ...CLI_NETWORK_ENV, AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret ?? '', AUTH_FLOW_USERNAME: secrets.username!, AUTH_FLOW_PASSWORD: secrets.password! };
    return { path, env };
  };
  const run = async (args: string[], env: Record<string, string>) => {
    const result = await runCli(['run', '--json', ...args], env);
    return { ...result, run: result.stdout ? (JSON.parse(result.stdout) as Run) : undefined };
  };
  const host = (sandbox: Sandbox) => new URL(sandbox.url).host;

  describe('trust', () => {
    it('without the private CA the first step fails naming the untrusted certificate and the flag that trusts it', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, run: result, stderr } = await run(['--profile', path], env);
      assert.equal(code, 1, stderr);
      assert.equal(result!.steps.length, 1);
      const error = result!.error!;
      assert.match(error.code, /^(UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)$/);
      assert.match(error.message, new RegExp(`^${host(tlsSandbox)} presented .*(does not trust|could not be verified)`));
      assert.match(error.hint, /--ca-file PEM/);
      assert.match(error.hint, /NODE_EXTRA_CA_CERTS/);
    });

    it('with --ca-file naming the private CA the whole flow succeeds', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, run: result, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], env);
      assert.equal(code, 0, stderr);
      assert.deepEqual(result!.steps.map((s) => s.status), result!.steps.map(() => 'succeeded'));
      assert.ok(result!.steps.some((s) => s.kind === 'userinfo'));
    });

    it('with NODE_EXTRA_CA_CERTS naming the private CA the whole flow succeeds', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, stderr } = await run(['--profile', path], { ...env, NODE_EXTRA_CA_CERTS: pki.ca.path });
      assert.equal(code, 0, stderr);
    });

    it('refuses a --ca-file with no certificate in it, before any request', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, stderr, stdout } = await runCli(['run', '--profile', path, '--ca-file', pki.server.key.path], env);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /--ca-file .* holds no PEM certificate/);
      assert.equal(stdout, '');
    });
  });

  describe('proxy', () => {
    it('sends every step to an https server through the HTTPS_PROXY tunnel, recording the request inside it and naming the proxy', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, run: result, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, HTTPS_PROXY: proxy.url });
      assert.equal(code, 0, stderr);
      // One tunnel per connection, each to the sandbox; the proxy saw no request of its own.
      assert.ok(proxy.passed.length >= 1);
      for (const passed of proxy.passed) assert.deepEqual([passed.method, passed.target, passed.status], ['CONNECT', host(tlsSandbox), 200]);
      for (const step of result!.steps) {
        assert.equal(step.facts.proxy, `${proxy.url} (from HTTPS_PROXY)`, step.title);
        const exchange = step.exchange!;
        // Inside the tunnel the request goes in origin form, as written to the TLS socket.
        assert.match(exchange.request.rawHead!, new RegExp(`^${exchange.request.method} /[^ ]* HTTP/1\\.1\\r\\n`), step.title);
        assert.equal(typeof exchange.timing.connect, 'number', step.title);
      }
      assert.ok(result!.steps[0]!.exchange!.timing.connect! > 0, 'the first step opened the tunnel');
    });

    it('reaches a host name only the proxy resolves: every step through its tunnel, none possible directly', async () => {
      const { path, env } = profileOf(internalSandbox, 'client_secret_basic');
      const direct = await run(['--profile', path, '--ca-file', pki.ca.path], env);
      assert.equal(direct.code, 1, direct.stderr);
      assert.deepEqual(direct.run!.steps.map((s) => [s.kind, s.status]), [['discovery', 'failed']], 'without the proxy the name does not resolve');
      const { code, run: result, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, HTTPS_PROXY: proxy.url });
      assert.equal(code, 0, stderr);
      assert.ok(result!.steps.some((s) => s.kind === 'userinfo'));
      for (const step of result!.steps) {
        assert.equal(new URL(step.exchange!.request.url).hostname, INTERNAL_HOST, step.title);
        assert.equal(step.facts.proxy, `${proxy.url} (from HTTPS_PROXY)`, step.title);
      }
      assert.ok(proxy.passed.length >= 1);
      for (const passed of proxy.passed) assert.deepEqual([passed.method, passed.target, passed.status], ['CONNECT', host(internalSandbox), 200]);
    });

    it('bypasses the proxy for a host in NO_PROXY', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, run: result, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' });
      assert.equal(code, 0, stderr);
      assert.deepEqual(proxy.passed, []);
      assert.ok(result!.steps.every((s) => s.facts.proxy === undefined));
    });

    it('goes directly when the profile says "proxy": "none", whatever HTTPS_PROXY says', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic', { proxy: 'none' });
      const { code, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, HTTPS_PROXY: 'http://127.0.0.1:9' });
      assert.equal(code, 0, stderr);
    });

    it('sends http in absolute form through HTTP_PROXY, the request line recorded as the proxy received it', async () => {
      const { path, env } = profileOf(plainSandbox, 'client_secret_post');
      const { code, run: result, stderr } = await run(['--profile', path], { ...env, http_proxy: proxy.url });
      assert.equal(code, 0, stderr);
      assert.equal(proxy.passed.length, result!.steps.length);
      result!.steps.forEach((step, i) => {
        const { method, url, rawHead } = step.exchange!.request;
        assert.deepEqual([proxy.passed[i]!.method, proxy.passed[i]!.target], [method, url]);
        assert.ok(rawHead!.startsWith(`${method} ${url} HTTP/1.1\r\n`), rawHead);
        assert.equal(step.facts.proxy, `${proxy.url} (from http_proxy)`);
      });
    });

    it('fails the first step on a 407, saying which proxy asked and where its credentials go', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, run: result, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, HTTPS_PROXY: authProxy.url });
      assert.equal(code, 1, stderr);
      assert.deepEqual(authProxy.passed.map((p) => p.status), [407]);
      const error = result!.error!;
      assert.equal(error.code, 'PROXY_AUTH_REQUIRED');
      assert.equal(error.message, `The proxy ${authProxy.url} (from HTTPS_PROXY) answered 407 Proxy Authentication Required: it wants credentials, or refused the ones sent.`);
      assert.match(error.hint, /http\.proxyAuthorization/);
      assert.match(error.hint, /HTTPS_PROXY=http:\/\/user:password@proxy:port/);
    });

    it('fails the first step on a 407 to an absolute-form http request too', async () => {
      const { path, env } = profileOf(plainSandbox, 'client_secret_post');
      const { code, run: result, stderr } = await run(['--profile', path], { ...env, HTTP_PROXY: authProxy.url });
      assert.equal(code, 1, stderr);
      // The first request of every run is discovery's GET.
      assert.deepEqual(authProxy.passed.map((p) => [p.method, p.status]), [['GET', 407]]);
      assert.deepEqual(result!.steps.map((s) => [s.kind, s.status]), [['discovery', 'failed']]);
      assert.equal(result!.error!.code, 'PROXY_AUTH_REQUIRED');
      assert.match(result!.error!.message, new RegExp(`^The proxy ${authProxy.url} \\(from HTTP_PROXY\\) answered 407`));
    });

    it('passes the credentials of the proxy URL, and never shows them', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const withCredentials = authProxy.url.replace('//', '//alice:s3cret-proxy@');
      const { code, stdout, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, https_proxy: withCredentials });
      assert.equal(code, 0, stderr);
      assert.ok(authProxy.passed.length >= 1);
      for (const passed of authProxy.passed) assert.equal(passed.authorization, `Basic ${Buffer.from('alice:s3cret-proxy').toString('base64')}`);
      assert.ok(!stdout.includes('s3cret-proxy') && !stderr.includes('s3cret-proxy'));
      assert.match(JSON.parse(stdout).steps[0].facts.proxy, new RegExp(`^${authProxy.url} \\(from https_proxy\\)$`));
    });

    it('redacts the Proxy-Authorization an http proxy receives in the request head', async () => {
      const { path, env } = profileOf(plainSandbox, 'client_secret_post');
      const credentials = Buffer.from('alice:s3cret-proxy').toString('base64');
      const { code, stdout, stderr } = await run(['--profile', path], { ...env, HTTP_PROXY: authProxy.url.replace('//', '//alice:s3cret-proxy@') });
      assert.equal(code, 0, stderr);
      assert.ok(!stdout.includes(credentials), 'the header value is redacted');
      assert.match((JSON.parse(stdout) as Run).steps[0]!.exchange!.request.rawHead!, /^proxy-authorization: \$PROXY_AUTHORIZATION\r$/im);
    });

    it('fails the first step when the proxy refuses the connection, naming the variable it came from', async () => {
      const { path, env } = profileOf(tlsSandbox, 'client_secret_basic');
      const { code, run: result, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, HTTPS_PROXY: 'http://127.0.0.1:9' });
      assert.equal(code, 1, stderr);
      assert.equal(result!.error!.code, 'PROXY_UNREACHABLE');
      assert.equal(result!.error!.message, 'The proxy http://127.0.0.1:9 (from HTTPS_PROXY) refused the connection.');
    });
  });

  describe('client certificates (RFC 8705)', () => {
    it('tls_client_auth: signs on through the proxy with the CA-issued certificate, sending client_id and no secret', async () => {
      const { path, env } = profileOf(tlsSandbox, 'tls_client_auth');
      const args = ['--profile', path, '--ca-file', pki.ca.path, '--client-cert', pki.client.cert.path, '--client-key', pki.client.key.path];
      const { code, run: result, stderr } = await run(args, { ...env, HTTPS_PROXY: proxy.url });
      assert.equal(code, 0, stderr);
      const token = result!.steps.find((s) => s.kind === 'token')!;
      const form = new URLSearchParams(token.exchange!.request.body);
      assert.equal(form.get('client_id'), tlsSandbox.apps.find((a) => a.tokenEndpointAuthMethod === 'tls_client_auth')!.id);
      assert.ok(!form.has('client_secret') && !form.has('client_assertion'));
      assert.ok(!token.exchange!.request.headers.some(([name]) => name.toLowerCase() === 'authorization'));
    });

    it('tls_client_auth: a certificate the CA did not issue is refused at the token endpoint', async () => {
      const { path, env } = profileOf(tlsSandbox, 'tls_client_auth');
      const args = ['--profile', path, '--ca-file', pki.ca.path, '--client-cert', pki.selfSigned.cert.path, '--client-key', pki.selfSigned.key.path];
      const { code, run: result, stderr } = await run(args, env);
      assert.equal(code, 1, stderr);
      const failed = result!.steps.at(-1)!;
      assert.equal(failed.kind, 'token');
      assert.equal(failed.exchange!.response!.status, 401);
      assert.match(failed.exchange!.response!.body, /not issued by a CA this server trusts/);
    });

    it('self_signed_tls_client_auth: the profile names the certificate file, AUTH_FLOW_CLIENT_KEY_FILE its key', async () => {
      const { path, env } = profileOf(tlsSandbox, 'self_signed_tls_client_auth', { clientCertFile: pki.selfSigned.cert.path });
      const { code, stderr } = await run(['--profile', path, '--ca-file', pki.ca.path], { ...env, AUTH_FLOW_CLIENT_KEY_FILE: pki.selfSigned.key.path });
      assert.equal(code, 0, stderr);
    });

    it('a mutual TLS profile without a certificate or key fails before any request, saying what is missing', async () => {
      const { path, env } = profileOf(tlsSandbox, 'tls_client_auth');
      // Whether it is refused as usage or as a run that sent nothing, --json prints the error under "error".
      const noKey = await run(['--profile', path, '--ca-file', pki.ca.path, '--client-cert', pki.client.cert.path], env);
      assert.notEqual(noKey.code, 0);
      assert.equal(noKey.run!.steps?.length ?? 0, 0);
      assert.match(noKey.run!.error!.message, /needs the private key of its TLS client certificate \(tls_client_auth\)/);
      const noCert = await run(['--profile', path, '--ca-file', pki.ca.path, '--client-key', pki.client.key.path], env);
      assert.notEqual(noCert.code, 0);
      assert.equal(noCert.run!.steps?.length ?? 0, 0);
      assert.match(noCert.run!.error!.message, /needs a TLS client certificate \(clientCertFile, or --client-cert for the CLI\)/);
    });
  });
});
