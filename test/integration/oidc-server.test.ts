/**
 * The test support for a generic OpenID Provider (test/support/oidc-server.ts, oidc-provider v9 used
 * directly) and the browser sign-on helper (test/support/browser-sign-on.ts), tested on their own with
 * plain fetch and jose. When an engine test against this server fails, these say whether the server's
 * configuration is at fault. One server for the suite; the Chromium part skips when Chromium is missing.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import {
  SignJWT,
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importPKCS8,
  jwtVerify,
} from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { chromiumPath } from '../e2e/harness';
import { completeSignOnInBrowser, launchChromium } from '../support/browser-sign-on';
import { startOidcServer, type OidcClientAuthMethod, type OidcServer, type OidcServerClient } from '../support/oidc-server';
import { skipSuite } from '../support/skips';

type Json = Record<string, any>;

const DEVICE_CODE_TTL = 90;
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('oidc-server: oidc-provider as a generic OpenID Provider', function () {
  this.timeout(15_000);
  let op: OidcServer;
  let metadata: Json;

  before(async () => {
    op = await startOidcServer({ deviceCodeTTL: DEVICE_CODE_TTL });
    const res = await fetch(`${op.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    metadata = (await res.json()) as Json;
  });
  after(() => op?.close());

  function why(body: unknown): string {
    return JSON.stringify({ body, serverErrors: op.serverErrors.map(String) });
  }

  /** Headers and form fields that authenticate `client` the way it is registered (RFC 6749 §2.3, RFC 7523 §2.2). */
  async function clientAuth(client: OidcServerClient): Promise<{ headers: Record<string, string>; fields: Record<string, string> }> {
    const assertion = (jwt: SignJWT) =>
      jwt.setIssuer(client.clientId).setSubject(client.clientId).setAudience(op.issuer).setJti(randomUUID()).setIssuedAt().setExpirationTime('1m');
    switch (client.method) {
      case 'client_secret_basic':
        return { headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` }, fields: {} };
      case 'client_secret_post':
        return { headers: {}, fields: { client_id: client.clientId, client_secret: client.clientSecret! } };
      case 'client_secret_jwt':
      case 'private_key_jwt': {
        const jwt = assertion(new SignJWT({}).setProtectedHeader({ alg: client.method === 'client_secret_jwt' ? 'HS256' : 'RS256' }));
        const key = client.method === 'client_secret_jwt' ? new TextEncoder().encode(client.clientSecret) : await importPKCS8(client.privateKeyPem!, 'RS256');
        return {
          headers: {},
          fields: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await jwt.sign(key) },
        };
      }
      case 'none':
        return { headers: {}, fields: { client_id: client.clientId } };
    }
  }

  async function post(endpoint: string, client: OidcServerClient, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const auth = await clientAuth(client);
    return fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers, ...headers },
      body: new URLSearchParams({ ...auth.fields, ...fields }),
    });
  }

  it('serves discovery under the path-prefixed issuer, and the same metadata at the RFC 8414 path', async () => {
    assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+\/tenant-a\/oidc$/);
    assert.equal(metadata.issuer, op.issuer);
    for (const name of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
      'device_authorization_endpoint',
      'pushed_authorization_request_endpoint',
      'introspection_endpoint',
      'revocation_endpoint',
      'end_session_endpoint',
    ]) {
      assert.ok(String(metadata[name]).startsWith(`${op.issuer}/`), `${name} ${metadata[name]} is under the issuer`);
    }
    assert.deepEqual([...metadata.token_endpoint_auth_methods_supported].sort(), Object.keys(op.clients).sort());
    for (const grant of ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT]) {
      assert.ok(metadata.grant_types_supported.includes(grant), `grant_types_supported has ${grant}`);
    }
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.ok(metadata.dpop_signing_alg_values_supported.length > 0);

    assert.equal(new URL(op.authorizationServerMetadataUrl).pathname, '/.well-known/oauth-authorization-server/tenant-a/oidc');
    const rfc8414 = await fetch(op.authorizationServerMetadataUrl);
    assert.equal(rfc8414.status, 200);
    assert.deepEqual(await rfc8414.json(), metadata);
  });

  for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'] as const satisfies OidcClientAuthMethod[]) {
    it(`client_credentials with ${method} gets an opaque access token that introspects as the client's`, async () => {
      const client = op.clients[method];
      const res = await post(metadata.token_endpoint, client, { grant_type: 'client_credentials' });
      const body = (await res.json()) as Json;
      assert.equal(res.status, 200, why(body));
      assert.equal(body.token_type, 'Bearer');
      assert.equal(typeof body.access_token, 'string');
      assert.notEqual(body.access_token.split('.').length, 3, 'no resource indicator: an opaque token, not a JWT');

      const introspected = await post(metadata.introspection_endpoint, client, { token: body.access_token });
      const info = (await introspected.json()) as Json;
      assert.equal(introspected.status, 200, why(info));
      assert.equal(info.active, true, why(info));
      assert.equal(info.client_id, client.clientId);
    });
  }

  it('client_credentials for the API resource indicator gets a JWT access token with that audience (RFC 9068)', async () => {
    const res = await post(metadata.token_endpoint, op.clients.client_secret_basic, { grant_type: 'client_credentials', resource: op.apiResource, scope: op.apiScope });
    const body = (await res.json()) as Json;
    assert.equal(res.status, 200, why(body));
    assert.equal(decodeProtectedHeader(body.access_token).typ, 'at+jwt');
    const { payload } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(metadata.jwks_uri)), { issuer: op.issuer, audience: op.apiResource });
    assert.equal(payload.client_id, op.clients.client_secret_basic.clientId);
    assert.equal(payload.scope, op.apiScope);
  });

  it('device authorization returns a user code and the configured expires_in; polling before approval is authorization_pending', async () => {
    const res = await post(metadata.device_authorization_endpoint, op.clients.none, { scope: 'openid' });
    const body = (await res.json()) as Json;
    assert.equal(res.status, 200, why(body));
    assert.match(body.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(body.verification_uri, `${op.issuer}/device`);
    assert.equal(new URL(body.verification_uri_complete).searchParams.get('user_code'), body.user_code);
    assert.equal(body.expires_in, DEVICE_CODE_TTL);

    const poll = await post(metadata.token_endpoint, op.clients.none, { grant_type: DEVICE_CODE_GRANT, device_code: body.device_code });
    const pending = (await poll.json()) as Json;
    assert.equal(poll.status, 400, why(pending));
    assert.equal(pending.error, 'authorization_pending');
  });

  it('asks for a DPoP nonce (use_dpop_nonce, DPoP-Nonce header) and binds the token to the key once the proof carries it', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const proof = (nonce?: string) =>
      new SignJWT({ htm: 'POST', htu: metadata.token_endpoint, ...(nonce ? { nonce } : {}) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setJti(randomUUID())
        .setIssuedAt()
        .sign(privateKey);
    const client = op.clients.client_secret_basic;

    const first = await post(metadata.token_endpoint, client, { grant_type: 'client_credentials' }, { DPoP: await proof() });
    const refused = (await first.json()) as Json;
    assert.equal(first.status, 400, why(refused));
    assert.equal(refused.error, 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    assert.ok(nonce, 'a DPoP-Nonce header');

    const second = await post(metadata.token_endpoint, client, { grant_type: 'client_credentials' }, { DPoP: await proof(nonce) });
    const body = (await second.json()) as Json;
    assert.equal(second.status, 200, why(body));
    assert.equal(body.token_type, 'DPoP');
    const info = (await (await post(metadata.introspection_endpoint, client, { token: body.access_token })).json()) as Json;
    assert.equal(info.cnf?.jkt, await calculateJwkThumbprint(jwk), why(info));
  });

  it('PAR returns a request_uri; the PAR-only client is refused at authorize without one', async () => {
    const res = await post(metadata.pushed_authorization_request_endpoint, op.parClient, {
      response_type: 'code',
      client_id: op.parClient.clientId,
      redirect_uri: op.redirectUri,
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const body = (await res.json()) as Json;
    assert.equal(res.status, 201, why(body));
    assert.match(body.request_uri, /^urn:ietf:params:oauth:request_uri:/);
    assert.ok(body.expires_in > 0);

    const query = new URLSearchParams({ client_id: op.parClient.clientId, response_type: 'code', scope: 'openid', redirect_uri: op.redirectUri });
    const direct = await fetch(`${metadata.authorization_endpoint}?${query}`, { redirect: 'manual' });
    assert.equal(direct.status, 303);
    const location = new URL(direct.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, op.redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  describe('sign-on in Chromium (browser-sign-on.ts)', function () {
    this.timeout(30_000);
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let listener: Server | undefined;

    before(async function () {
      const launched = await launchChromium();
      if (!launched) skipSuite(this, 'oidc-server sign-on (Chromium)', `apt-get install chromium, or set AFE_E2E_CHROMIUM, to run them (${chromiumPath()} not found)`);
      browser = launched;
    });
    after(() => browser?.close());
    beforeEach(async () => {
      context = await browser.newContext();
      page = await context.newPage();
    });
    afterEach(async () => {
      await context?.close();
      listener?.closeAllConnections();
      await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)));
      listener = undefined;
    });

    /** The client under test's loopback listener on redirectPort; `next()` is the next page request's URL. */
    async function listenOnRedirectPort(): Promise<{ next(): Promise<URL> }> {
      const seen: URL[] = [];
      let waiting: ((url: URL) => void) | undefined;
      listener = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.');
        const url = new URL(req.url ?? '/', op.redirectUri);
        if (url.pathname === '/favicon.ico') return;
        if (waiting) waiting(url);
        else seen.push(url);
        waiting = undefined;
      });
      listener.listen(op.redirectPort, '127.0.0.1');
      await once(listener, 'listening');
      return { next: () => (seen.length ? Promise.resolve(seen.shift()!) : new Promise((resolve) => (waiting = resolve))) };
    }

    it('signs on at the authorize URL: the redirect reaches the listener with a code, which buys tokens that refresh with rotation', async () => {
      const redirectListener = await listenOnRedirectPort();
      const client = op.clients.none;
      const { verifier, challenge } = pkcePair();
      const state = randomUUID();
      const nonce = randomUUID();
      const query = new URLSearchParams({
        client_id: client.clientId,
        response_type: 'code',
        redirect_uri: op.redirectUri,
        scope: 'openid profile email',
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const outcome = await completeSignOnInBrowser(page, `${metadata.authorization_endpoint}?${query}`, op.user);
      assert.equal(outcome.outcome, 'redirected');

      const callback = await redirectListener.next();
      assert.equal(callback.pathname, '/callback');
      assert.equal(callback.searchParams.get('state'), state);
      assert.equal(callback.searchParams.get('iss'), op.issuer);
      const code = callback.searchParams.get('code');
      assert.ok(code, `a code in ${callback}`);

      const exchanged = await post(metadata.token_endpoint, client, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: op.redirectUri });
      const tokens = (await exchanged.json()) as Json;
      assert.equal(exchanged.status, 200, why(tokens));
      const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(metadata.jwks_uri)), { issuer: op.issuer, audience: client.clientId });
      assert.equal(payload.sub, op.user.sub);
      assert.equal(payload.nonce, nonce);

      const userinfo = (await (await fetch(metadata.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as Json;
      assert.equal(userinfo.email, op.user.email, why(userinfo));
      assert.equal(userinfo.name, op.user.name);

      assert.equal(typeof tokens.refresh_token, 'string', 'a refresh token without offline_access');
      const refreshed = await post(metadata.token_endpoint, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      const next = (await refreshed.json()) as Json;
      assert.equal(refreshed.status, 200, why(next));
      assert.ok(next.refresh_token && next.refresh_token !== tokens.refresh_token, 'a new refresh token');
      const replayed = await post(metadata.token_endpoint, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      assert.equal(((await replayed.json()) as Json).error, 'invalid_grant', 'the rotated-out refresh token is spent');
    });

    it('RP-initiated logout: end_session asks to confirm, then returns to the post-logout redirect URI with the state', async () => {
      const redirectListener = await listenOnRedirectPort();
      const client = op.clients.client_secret_basic;
      const query = new URLSearchParams({ client_id: client.clientId, response_type: 'code', redirect_uri: op.redirectUri, scope: 'openid' });
      await completeSignOnInBrowser(page, `${metadata.authorization_endpoint}?${query}`, op.user);
      const code = (await redirectListener.next()).searchParams.get('code')!;
      const tokens = (await (await post(metadata.token_endpoint, client, { grant_type: 'authorization_code', code, redirect_uri: op.redirectUri })).json()) as Json;
      assert.ok(tokens.id_token, why(tokens));

      const state = randomUUID();
      const logout = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: op.postLogoutRedirectUri, state });
      await page.goto(`${metadata.end_session_endpoint}?${logout}`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      const back = await redirectListener.next();
      assert.equal(`${back.origin}${back.pathname}`, op.postLogoutRedirectUri);
      assert.equal(back.searchParams.get('state'), state);
    });

    it('signs on for the PAR-only client through its request_uri', async () => {
      const redirectListener = await listenOnRedirectPort();
      const state = randomUUID();
      const pushed = await post(metadata.pushed_authorization_request_endpoint, op.parClient, {
        response_type: 'code',
        client_id: op.parClient.clientId,
        redirect_uri: op.redirectUri,
        scope: 'openid',
        state,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      const { request_uri: requestUri } = (await pushed.json()) as Json;
      const query = new URLSearchParams({ client_id: op.parClient.clientId, request_uri: requestUri });
      const outcome = await completeSignOnInBrowser(page, `${metadata.authorization_endpoint}?${query}`, op.user, { redirectUri: op.redirectUri });
      assert.equal(outcome.outcome, 'redirected');
      const callback = await redirectListener.next();
      assert.equal(callback.searchParams.get('state'), state);
      assert.ok(callback.searchParams.get('code'), `a code in ${callback}`);
    });

    it('approves a device code at verification_uri_complete (confirm, login, consent); polling then gets tokens', async () => {
      const client = op.clients.client_secret_post;
      const authorized = (await (await post(metadata.device_authorization_endpoint, client, { scope: 'openid email' })).json()) as Json;
      const outcome = await completeSignOnInBrowser(page, authorized.verification_uri_complete, op.user);
      assert.deepEqual(outcome, { outcome: 'device-approved' });

      const poll = await post(metadata.token_endpoint, client, { grant_type: DEVICE_CODE_GRANT, device_code: authorized.device_code });
      const tokens = (await poll.json()) as Json;
      assert.equal(poll.status, 200, why(tokens));
      const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(metadata.jwks_uri)), { issuer: op.issuer, audience: client.clientId });
      assert.equal(payload.sub, op.user.sub);
    });

    it('types the user code at the bare verification_uri when given it', async () => {
      const client = op.clients.none;
      const authorized = (await (await post(metadata.device_authorization_endpoint, client, { scope: 'openid' })).json()) as Json;
      const outcome = await completeSignOnInBrowser(page, authorized.verification_uri, op.user, { userCode: authorized.user_code });
      assert.deepEqual(outcome, { outcome: 'device-approved' });
      const poll = await post(metadata.token_endpoint, client, { grant_type: DEVICE_CODE_GRANT, device_code: authorized.device_code });
      assert.equal(poll.status, 200, why(await poll.json()));
    });

    it('fails with what the page said when the password is wrong', async () => {
      const query = new URLSearchParams({
        client_id: op.clients.none.clientId,
        response_type: 'code',
        redirect_uri: op.redirectUri,
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      await assert.rejects(
        completeSignOnInBrowser(page, `${metadata.authorization_endpoint}?${query}`, { ...op.user, password: 'not-the-password' }),
        /the password form came back.*incorrect/,
      );
    });

    describe('against the sandbox sign-on page', () => {
      let sandbox: Sandbox;
      before(async () => {
        sandbox = await startSandbox();
      });
      after(() => sandbox?.close());

      it('signs on and is redirected to the sandbox callback with a code', async () => {
        const app = sandbox.apps.find((candidate) => candidate.tokenEndpointAuthMethod === 'none')!;
        const state = randomUUID();
        const query = new URLSearchParams({
          client_id: app.id,
          response_type: 'code',
          redirect_uri: app.redirectUris[0]!,
          scope: 'openid profile',
          state,
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        });
        const outcome = await completeSignOnInBrowser(page, `${sandbox.issuer}/authorize?${query}`, sandbox.demoUser);
        assert.equal(outcome.outcome, 'redirected');
        const callback = new URL((outcome as { url: string }).url);
        assert.equal(`${callback.origin}${callback.pathname}`, app.redirectUris[0]);
        assert.equal(callback.searchParams.get('state'), state);
        assert.ok(callback.searchParams.get('code'), `a code in ${callback}`);
      });
    });
  });
});
