/**
 * Protocol-level tests of the embedded PingOne sandbox: plain fetch over loopback, redirects never
 * followed, cookies carried by hand, so each test states exactly what goes over the wire.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request as rawRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request as undiciRequest } from 'undici';
import { SignJWT, createLocalJWKSet, decodeJwt, importPKCS8, jwtVerify, type JSONWebKeySet } from 'jose';
import { SANDBOX_ENV_ID, startSandbox, type Sandbox, type SandboxApp, type SandboxOptions } from '../../src/sandbox/index';

type Json = Record<string, any>;

/** Just enough of a cookie jar: name → value, from every Set-Cookie seen. */
class Jar {
  readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), value);
    }
  }
  get header(): Record<string, string> {
    return this.cookies.size ? { Cookie: [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ') } : {};
  }
}

const FLOW_ACTION = (action: string) => `application/vnd.pingidentity.${action}+json`;

function appFor(sb: Sandbox, method: SandboxApp['tokenEndpointAuthMethod']): SandboxApp {
  return sb.apps.find((app) => app.tokenEndpointAuthMethod === method)!;
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface Started {
  flowId: string;
  jar: Jar;
  res: Response;
  state: string;
  nonce: string;
  verifier: string;
}

/** Authorize with sensible defaults (PKCE S256, state, nonce); `params` override or remove (undefined) any. */
async function authorize(
  sb: Sandbox,
  app: SandboxApp,
  params: Record<string, string | undefined> = {},
  options: { method?: 'GET' | 'POST'; jar?: Jar } = {},
): Promise<Started> {
  const { verifier, challenge } = pkcePair();
  const state = randomUUID();
  const nonce = randomUUID();
  const all: Record<string, string | undefined> = {
    client_id: app.id,
    redirect_uri: `${sb.url}/callback`,
    response_type: 'code',
    scope: 'openid profile email',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  const query = new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  const jar = options.jar ?? new Jar();
  const res =
    options.method === 'POST'
      ? await fetch(`${sb.issuer}/authorize`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...jar.header },
          body: query,
        })
      : await fetch(`${sb.issuer}/authorize?${query}`, { redirect: 'manual', headers: jar.header });
  jar.store(res);
  let flowId = '';
  if (res.status === 302) flowId = new URL(res.headers.get('location')!).searchParams.get('flowId') ?? '';
  else if (res.status === 200) flowId = ((await res.clone().json()) as Json).id;
  return { flowId, jar, res, state: all.state ?? state, nonce, verifier };
}

async function flowCall(sb: Sandbox, started: Pick<Started, 'flowId' | 'jar'>, action?: string, body: unknown = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${sb.url}/${sb.envId}/flows/${started.flowId}`, {
    method: action ? 'POST' : 'GET',
    headers: { ...started.jar.header, ...(action ? { 'Content-Type': FLOW_ACTION(action) } : {}), ...headers },
    ...(action ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  started.jar.store(res);
  return { res, json: (await res.json()) as Json };
}

async function resume(sb: Sandbox, started: Pick<Started, 'flowId' | 'jar'>, jar = started.jar): Promise<Response> {
  return fetch(`${sb.issuer}/resume?flowId=${started.flowId}`, { redirect: 'manual', headers: jar.header });
}

/** Authorize, sign on, resume: the code and what the client needs to redeem it. */
async function signIn(sb: Sandbox, app: SandboxApp, params: Record<string, string | undefined> = {}, user = sb.demoUser) {
  const started = await authorize(sb, app, params);
  const checked = await flowCall(sb, started, 'usernamePassword.check', user);
  assert.equal(checked.json.status, 'COMPLETED', JSON.stringify(checked.json));
  const res = await resume(sb, started);
  const location = new URL(res.headers.get('location')!);
  return { ...started, code: location.searchParams.get('code')!, location };
}

async function assertion(sb: Sandbox, app: SandboxApp, overrides: { alg?: string; aud?: string; exp?: number; jti?: string } = {}): Promise<string> {
  const alg = overrides.alg ?? (app.keyPair ? 'RS256' : 'HS256');
  const key = app.keyPair ? await importPKCS8(app.keyPair.privateKeyPem, alg) : new TextEncoder().encode(app.clientSecret);
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(app.id)
    .setSubject(app.id)
    .setAudience(overrides.aud ?? `${sb.issuer}/token`)
    .setIssuedAt(nowS)
    .setExpirationTime(overrides.exp ?? nowS + 60)
    .setJti(overrides.jti ?? randomUUID())
    .sign(key);
}

/** Client authentication as the app is registered: headers and body parameters. */
async function clientAuth(sb: Sandbox, app: SandboxApp): Promise<{ headers: Record<string, string>; params: Record<string, string> }> {
  switch (app.tokenEndpointAuthMethod) {
    case 'client_secret_basic': {
      const encoded = Buffer.from(`${encodeURIComponent(app.id)}:${encodeURIComponent(app.clientSecret!)}`).toString('base64');
      return { headers: { Authorization: `Basic ${encoded}` }, params: {} };
    }
    case 'client_secret_post':
      return { headers: {}, params: { client_id: app.id, client_secret: app.clientSecret! } };
    case 'client_secret_jwt':
    case 'private_key_jwt':
      return {
        headers: {},
        params: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(sb, app) },
      };
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
    case 'none':
      return { headers: {}, params: { client_id: app.id } };
  }
}

async function post(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  const text = await res.text();
  return { res, json: (text ? JSON.parse(text) : {}) as Json };
}

/** A back-channel call authenticated as `app`. */
async function backChannel(sb: Sandbox, app: SandboxApp, endpoint: string, params: Record<string, string>) {
  const auth = await clientAuth(sb, app);
  return post(`${sb.issuer}/${endpoint}`, { ...auth.params, ...params }, auth.headers);
}

async function redeem(sb: Sandbox, app: SandboxApp, signedIn: { code: string; verifier: string }, extra: Record<string, string> = {}) {
  return backChannel(sb, app, 'token', {
    grant_type: 'authorization_code',
    code: signedIn.code,
    redirect_uri: `${sb.url}/callback`,
    code_verifier: signedIn.verifier,
    ...extra,
  });
}

/**
 * Writes `head`, then `bodyBytes` of body (as one chunk of chunked coding when `chunked`) as fast as
 * the socket takes them, ignoring write errors, and returns what came back.
 */
function rawExchange(sb: Sandbox, head: string, bodyBytes = 0, chunked = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(sb.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('error', (error) => (received ? undefined : reject(error)));
    socket.on('close', () => resolve(received));
    socket.write(head);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = bodyBytes;
    if (chunked && left) socket.write(`${bodyBytes.toString(16)}\r\n`);
    const pump = () => {
      while (left > 0 && !socket.destroyed) {
        left -= chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      if (!socket.destroyed) socket.end(chunked && bodyBytes ? '\r\n0\r\n\r\n' : '');
    };
    pump();
  });
}

describe('sandbox (PingOne protocol over loopback)', () => {
  // Tests share one sandbox; a test that moves the clock or changes a user calls isolate() and gets its own.
  let shared: Sandbox;
  let isolated: Sandbox | undefined;
  let sb: Sandbox;
  let clock = Date.now();
  const options: SandboxOptions = { now: () => clock, lockoutThreshold: 3 };
  const isolate = async () => {
    isolated = sb = await startSandbox(options);
  };

  before(async () => {
    shared = await startSandbox(options);
  });
  after(() => shared.close());
  beforeEach(() => {
    clock = Date.now();
    sb = shared;
  });
  afterEach(async () => {
    await isolated?.close();
    isolated = undefined;
  });

  describe('discovery, keys and profiles', () => {
    it('publishes every endpoint under the issuer, with the documented modes and methods', async () => {
      const res = await fetch(`${sb.issuer}/.well-known/openid-configuration`);
      const meta = (await res.json()) as Json;
      assert.equal(sb.issuer, `${sb.url}/${SANDBOX_ENV_ID}/as`);
      assert.equal(meta.issuer, sb.issuer);
      for (const [field, path] of Object.entries({
        authorization_endpoint: 'authorize', token_endpoint: 'token', userinfo_endpoint: 'userinfo', jwks_uri: 'jwks',
        introspection_endpoint: 'introspect', revocation_endpoint: 'revoke', end_session_endpoint: 'signoff',
        pushed_authorization_request_endpoint: 'par',
      })) {
        assert.equal(meta[field], `${sb.issuer}/${path}`, field);
      }
      assert.deepEqual(meta.response_modes_supported, ['pi.flow', 'query', 'fragment', 'form_post']);
      assert.deepEqual(meta.id_token_signing_alg_values_supported, ['RS256']);
      assert.deepEqual([...meta.token_endpoint_auth_methods_supported].sort(), ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'none', 'private_key_jwt']);
      assert.ok(meta.code_challenge_methods_supported.includes('S256'));
      assert.ok(meta.grant_types_supported.includes('authorization_code') && meta.grant_types_supported.includes('refresh_token'));
    });

    it('serves one RS256 key whose kid is its thumbprint, and it verifies issued tokens', async () => {
      const jwks = (await (await fetch(`${sb.issuer}/jwks`)).json()) as JSONWebKeySet;
      assert.equal(jwks.keys.length, 1);
      const [key] = jwks.keys;
      assert.equal(key!.kty, 'RSA');
      assert.equal(key!.use, 'sig');
      assert.equal(key!.d, undefined, 'never the private part');
      const app = appFor(sb, 'client_secret_basic');
      const signedIn = await signIn(sb, app);
      const { json } = await redeem(sb, app, signedIn);
      const keySet = createLocalJWKSet(jwks);
      const id = await jwtVerify(json.id_token, keySet, { issuer: sb.issuer, audience: app.id });
      assert.equal(id.protectedHeader.kid, key!.kid);
      const access = await jwtVerify(json.access_token, keySet, { issuer: sb.issuer });
      assert.equal(access.protectedHeader.alg, 'RS256');
      assert.equal(access.protectedHeader.kid, key!.kid);
    });

    it('gives one valid profile per app, the first being the client_secret_basic redirect demo', () => {
      const profiles = sb.profiles();
      assert.equal(profiles.length, sb.apps.length);
      const [first] = profiles;
      assert.equal(first!.profile.id, 'sandbox-basic');
      assert.equal(first!.profile.clientAuthMethod, 'client_secret_basic');
      assert.equal(first!.profile.responseMode, 'redirect');
      assert.equal(first!.profile.authorizeMethod, 'GET');
      assert.equal(first!.profile.pkce, true);
      assert.equal(first!.profile.authPath, sb.url);
      assert.equal(first!.profile.redirectUri, `${sb.url}/callback`);
      assert.deepEqual(first!.profile.scopes, ['openid', 'profile', 'email']);
      const privateKeyProfile = profiles.find((p) => p.profile.clientAuthMethod === 'private_key_jwt')!;
      assert.match(privateKeyProfile.secrets.privateKey!, /^-----BEGIN PRIVATE KEY-----/);
      assert.equal(new Set(profiles.map((p) => p.profile.id)).size, profiles.length);
    });
  });

  describe('authorize', () => {
    it('redirect mode: 302 to the sign-on page with a flow id, and ST cookies fit for plain http', async () => {
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'));
      assert.equal(started.res.status, 302);
      const location = new URL(started.res.headers.get('location')!);
      assert.equal(location.origin + location.pathname, `${sb.url}/${sb.envId}/signon/`);
      assert.match(started.flowId, /^[0-9a-f-]{36}$/);
      const cookies = started.res.headers.getSetCookie();
      const st = cookies.find((c) => c.startsWith('ST='))!;
      const noSs = cookies.find((c) => c.startsWith('ST-NO-SS='))!;
      for (const cookie of [st, noSs]) {
        assert.match(cookie, new RegExp(`; Path=/${sb.envId}(;|$)`));
        assert.match(cookie, /; HttpOnly/);
        assert.doesNotMatch(cookie, /Secure/i, 'a Secure cookie would never come back over http');
      }
      assert.match(st, /SameSite=Lax/);
      const again = await authorize(sb, appFor(sb, 'client_secret_basic'));
      assert.notEqual(again.flowId, started.flowId);
    });

    it('pi.flow by POST: 200 HAL flow with the documented fields and links', async () => {
      const app = appFor(sb, 'client_secret_post');
      const started = await authorize(sb, app, { response_mode: 'pi.flow' }, { method: 'POST' });
      assert.equal(started.res.status, 200);
      assert.match(started.res.headers.get('content-type')!, /^application\/hal\+json/);
      const flow = (await started.res.json()) as Json;
      assert.equal(flow.status, 'USERNAME_PASSWORD_REQUIRED');
      assert.equal(flow.environment.id, sb.envId);
      assert.equal(flow.resumeUrl, `${sb.issuer}/resume?flowId=${flow.id}`);
      assert.equal(flow._links.self.href, `${sb.url}/${sb.envId}/flows/${flow.id}`);
      assert.equal(flow._links['usernamePassword.check'].href, flow._links.self.href);
      assert.ok(flow._links.signOnPage.href.includes(flow.id));
      assert.equal(flow._embedded.application.name, app.name);
      assert.ok(Date.parse(flow.expiresAt) - Date.parse(flow.createdAt) === 15 * 60 * 1000);
      assert.ok(started.jar.cookies.has('ST'));
    });

    it('never redirects to an unknown client or an unregistered redirect_uri', async () => {
      const app = appFor(sb, 'client_secret_basic');
      for (const params of [{ client_id: 'no-such-client' }, { redirect_uri: 'https://evil.example/cb' }, { redirect_uri: undefined }]) {
        const { res } = await authorize(sb, app, params);
        assert.equal(res.status, 400, JSON.stringify(params));
        assert.equal(res.headers.get('location'), null);
        const body = (await res.json()) as Json;
        assert.ok(body.error === 'invalid_client' || body.error === 'invalid_request', body.error);
      }
    });

    it('sends other errors back to the redirect_uri with state, or as JSON with pi.flow', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const redirected = await authorize(sb, app, { response_type: 'token' });
      assert.equal(redirected.res.status, 302);
      const location = new URL(redirected.res.headers.get('location')!);
      assert.equal(location.origin + location.pathname, `${sb.url}/callback`);
      assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
      assert.equal(location.searchParams.get('state'), redirected.state);
      assert.ok(location.searchParams.get('error_description'));

      const badScope = await authorize(sb, app, { scope: 'openid admin' });
      assert.equal(new URL(badScope.res.headers.get('location')!).searchParams.get('error'), 'invalid_scope');

      const json = await authorize(sb, app, { response_mode: 'pi.flow', response_type: 'token' });
      assert.equal(json.res.status, 400);
      assert.equal(((await json.res.json()) as Json).error, 'unsupported_response_type');

      const fragment = await authorize(sb, app, { response_mode: 'fragment', response_type: 'token' });
      assert.match(fragment.res.headers.get('location')!, /#error=unsupported_response_type/);
    });

    it('enforces each app\'s PKCE policy', async () => {
      const publicApp = appFor(sb, 'none');
      const missing = await authorize(sb, publicApp, { code_challenge: undefined, code_challenge_method: undefined });
      assert.equal(new URL(missing.res.headers.get('location')!).searchParams.get('error'), 'invalid_request');

      const s256Only = appFor(sb, 'private_key_jwt');
      const plain = 'p'.repeat(43);
      const plainRefused = await authorize(sb, s256Only, { code_challenge: plain, code_challenge_method: 'plain' });
      assert.equal(new URL(plainRefused.res.headers.get('location')!).searchParams.get('error'), 'invalid_request');
      const plainAccepted = await authorize(sb, publicApp, { code_challenge: plain, code_challenge_method: 'plain' });
      assert.equal(plainAccepted.res.status, 302);
      assert.ok(plainAccepted.flowId);

      const optional = await authorize(sb, appFor(sb, 'client_secret_basic'), { code_challenge: undefined, code_challenge_method: undefined });
      assert.ok(optional.flowId, 'OPTIONAL lets a request without PKCE through');
    });

    it('prompt=none without a session answers login_required', async () => {
      const { res, state } = await authorize(sb, appFor(sb, 'client_secret_basic'), { prompt: 'none' });
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'login_required');
      assert.equal(location.searchParams.get('state'), state);
    });

    it('reuses a signed-on session unless prompt=login or max_age says otherwise', async () => {
      await isolate();
      const app = appFor(sb, 'client_secret_basic');
      const first = await signIn(sb, app);
      const jar = first.jar;

      const silent = await authorize(sb, app, { prompt: 'none' }, { jar });
      assert.equal((await flowCall(sb, silent)).json.status, 'COMPLETED');
      const code = new URL((await resume(sb, silent)).headers.get('location')!).searchParams.get('code');
      assert.ok(code);

      const forced = await authorize(sb, app, { prompt: 'login', response_mode: 'pi.flow' }, { jar });
      assert.equal(((await forced.res.json()) as Json).status, 'USERNAME_PASSWORD_REQUIRED');

      clock += 120_000;
      const tooOld = await authorize(sb, app, { max_age: '60', response_mode: 'pi.flow' }, { jar });
      assert.equal(((await tooOld.res.json()) as Json).status, 'USERNAME_PASSWORD_REQUIRED');
      const freshEnough = await authorize(sb, app, { max_age: '600', response_mode: 'pi.flow' }, { jar });
      assert.equal(((await freshEnough.res.json()) as Json).status, 'COMPLETED');
    });

    it('acr_values=Identifier_First: user.lookup, then the password', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const started = await authorize(sb, app, { acr_values: 'Identifier_First' });
      let flow = (await flowCall(sb, started)).json;
      assert.equal(flow.status, 'SIGN_ON_REQUIRED');
      assert.ok(flow._links['user.lookup']);
      assert.equal(flow._links['usernamePassword.check'], undefined);
      flow = (await flowCall(sb, started, 'user.lookup', { username: 'demo' })).json;
      assert.equal(flow.status, 'PASSWORD_REQUIRED');
      flow = (await flowCall(sb, started, 'usernamePassword.check', { username: 'demo', password: sb.demoUser.password })).json;
      assert.equal(flow.status, 'COMPLETED');
      const code = new URL((await resume(sb, started)).headers.get('location')!).searchParams.get('code')!;
      const { json } = await redeem(sb, app, { code, verifier: started.verifier });
      assert.equal(decodeJwt(json.id_token).acr, 'Identifier_First');
    });
  });

  describe('flows API', () => {
    it('usernamePassword.check completes the flow with session, user and a fresh ST cookie', async () => {
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'));
      const { res, json } = await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/hal\+json;charset=UTF-8$/);
      assert.equal(json.status, 'COMPLETED');
      assert.match(json.session.id, /^[0-9a-f-]{36}$/);
      assert.equal(json._embedded.user.username, 'demo');
      assert.equal(json._embedded.user.name.given, 'Dana');
      assert.equal(json.resumeUrl, `${sb.issuer}/resume?flowId=${started.flowId}`);
      assert.equal(json._links['usernamePassword.check'], undefined, 'nothing left to do but resume');
      assert.ok(res.headers.getSetCookie().some((c) => c.startsWith('ST=')));
    });

    it('answers 415, 400 INVALID_REQUEST, 400 INVALID_DATA, 406 and 403 as documented', async () => {
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'));
      const url = `${sb.url}/${sb.envId}/flows/${started.flowId}`;
      const send = (headers: Record<string, string>, body = '{}') =>
        fetch(url, { method: 'POST', headers: { ...started.jar.header, ...headers }, body });

      const wrongType = await send({ 'Content-Type': 'application/json' });
      assert.equal(wrongType.status, 415);
      assert.equal(((await wrongType.json()) as Json).code, 'INVALID_REQUEST');
      const upperCase = await send({ 'Content-Type': 'APPLICATION/VND.PINGIDENTITY.USERNAMEPASSWORD.CHECK+JSON' }, '{}');
      assert.equal(upperCase.status, 400, 'media types compare case-insensitively (RFC 9110 §8.3.1)');
      assert.equal(((await upperCase.json()) as Json).details[0].target, 'username');
      const unknownAction = await send({ 'Content-Type': FLOW_ACTION('nope.nope') });
      assert.equal(unknownAction.status, 415);

      const notOffered = await send({ 'Content-Type': FLOW_ACTION('otp.check') }, '{"otp":"123456"}');
      assert.equal(notOffered.status, 400);
      assert.equal(((await notOffered.json()) as Json).code, 'INVALID_REQUEST');

      const malformed = await send({ 'Content-Type': FLOW_ACTION('usernamePassword.check') }, '{"username":');
      assert.equal(malformed.status, 400);
      const malformedBody = (await malformed.json()) as Json;
      assert.equal(malformedBody.code, 'INVALID_DATA');
      assert.match(malformedBody.id, /^[0-9a-f-]{36}$/);

      const strictAccept = await fetch(url, { headers: { ...started.jar.header, Accept: 'application/json' } });
      assert.equal(strictAccept.status, 406);
      for (const accept of ['*/*', 'application/hal+json']) {
        assert.equal((await fetch(url, { headers: { ...started.jar.header, Accept: accept } })).status, 200, accept);
      }

      const noCookie = await fetch(url);
      assert.equal(noCookie.status, 403);
      assert.equal(((await noCookie.json()) as Json).code, 'ACCESS_FAILED');

      assert.equal((await flowCall(sb, started)).json.status, 'USERNAME_PASSWORD_REQUIRED', 'errors left the flow as it was');
    });

    it('counts wrong passwords, locks the account at the threshold, and unlocks with time', async () => {
      await isolate();
      const app = appFor(sb, 'client_secret_basic');
      const started = await authorize(sb, app);
      const wrong = { username: 'demo', password: 'wrong' };
      for (const remaining of [2, 1]) {
        const { res, json } = await flowCall(sb, started, 'usernamePassword.check', wrong);
        assert.equal(res.status, 400);
        assert.equal(json.code, 'INVALID_DATA');
        assert.equal(json.details[0].code, 'INVALID_CREDENTIALS');
        assert.equal(json.details[0].target, 'password');
        assert.equal(json.details[0].innerError.remainingAttempts, remaining);
      }
      const locked = await flowCall(sb, started, 'usernamePassword.check', wrong);
      assert.equal(locked.json.details[0].code, 'PASSWORD_LOCKED_OUT');
      assert.ok(locked.json.details[0].innerError.secondsUntilUnlock > 0);

      const rightButLocked = await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      assert.equal(rightButLocked.json.details[0].code, 'PASSWORD_LOCKED_OUT');

      clock += locked.json.details[0].innerError.secondsUntilUnlock * 1000 + 1;
      const fresh = await authorize(sb, app);
      assert.equal((await flowCall(sb, fresh, 'usernamePassword.check', sb.demoUser)).json.status, 'COMPLETED');
    });

    it('expires a flow flowTtlMs after the last interaction, then answers 404 NOT_FOUND', async () => {
      await isolate();
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'));
      const ttl = 15 * 60 * 1000;
      clock += ttl - 1000;
      assert.equal((await flowCall(sb, started)).res.status, 200, 'an interaction pushes the expiry back');
      clock += ttl - 1000;
      assert.equal((await flowCall(sb, started)).res.status, 200);
      clock += ttl + 1;
      const expired = await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      assert.equal(expired.res.status, 404);
      assert.equal(expired.json.code, 'NOT_FOUND');
      assert.equal((await resume(sb, started)).status, 404);
    });

    it('mfa user: device selection, a wrong and a right OTP, then amr shows both factors', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const started = await authorize(sb, app);
      let { json } = await flowCall(sb, started, 'usernamePassword.check', { username: 'mfa', password: 'Mfa-Pass-1!' });
      assert.equal(json.status, 'DEVICE_SELECTION_REQUIRED');
      assert.deepEqual(json._embedded.devices.map((d: Json) => d.type), ['EMAIL', 'SMS']);
      assert.ok(json._links['device.select']);
      assert.equal((await resume(sb, started)).headers.get('location')?.includes('error=login_required'), true, 'no code before MFA');

      ({ json } = await flowCall(sb, started, 'device.select', { device: { id: json._embedded.devices[1].id } }));
      assert.equal(json.status, 'OTP_REQUIRED');
      const wrong = await flowCall(sb, started, 'otp.check', { otp: '000000' });
      assert.equal(wrong.res.status, 400);
      assert.equal(wrong.json.code, 'INVALID_DATA');
      ({ json } = await flowCall(sb, started, 'otp.check', { otp: '123456' }));
      assert.equal(json.status, 'COMPLETED');
      assert.equal(json._embedded.user.username, 'mfa');

      const code = new URL((await resume(sb, started)).headers.get('location')!).searchParams.get('code')!;
      const tokens = await redeem(sb, app, { code, verifier: started.verifier });
      assert.deepEqual(decodeJwt(tokens.json.id_token).amr, ['pwd', 'otp']);
    });

    it('changeme user must change the password, and only the new one works afterwards', async () => {
      await isolate();
      const app = appFor(sb, 'client_secret_basic');
      const started = await authorize(sb, app);
      let { json } = await flowCall(sb, started, 'usernamePassword.check', { username: 'changeme', password: 'Change-Me-1!' });
      assert.equal(json.status, 'MUST_CHANGE_PASSWORD');
      const badCurrent = await flowCall(sb, started, 'password.reset', { currentPassword: 'nope', newPassword: 'Brand-New-2!' });
      assert.equal(badCurrent.res.status, 400);
      ({ json } = await flowCall(sb, started, 'password.reset', { currentPassword: 'Change-Me-1!', newPassword: 'Brand-New-2!' }));
      assert.equal(json.status, 'COMPLETED');

      const next = await authorize(sb, app);
      const old = await flowCall(sb, next, 'usernamePassword.check', { username: 'changeme', password: 'Change-Me-1!' });
      assert.equal(old.json.details[0].code, 'INVALID_CREDENTIALS');
      const fresh = await flowCall(sb, next, 'usernamePassword.check', { username: 'changeme', password: 'Brand-New-2!' });
      assert.equal(fresh.json.status, 'COMPLETED');
    });

    it('session.reset goes back to the start; user.register creates a user who is then signed on', async () => {
      await isolate();
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'), { acr_values: 'Identifier_First' });
      await flowCall(sb, started, 'user.lookup', { username: 'demo' });
      assert.equal((await flowCall(sb, started, 'session.reset', {})).json.status, 'SIGN_ON_REQUIRED');
      const taken = await flowCall(sb, started, 'user.register', { username: 'demo', email: 'x@y.z', password: 'Long-Enough-1' });
      assert.equal(taken.res.status, 400);
      const { json } = await flowCall(sb, started, 'user.register', { username: 'newbie', email: 'newbie@sandbox.example', password: 'Long-Enough-1' });
      assert.equal(json.status, 'COMPLETED');
      assert.equal(json._embedded.user.username, 'newbie');
      assert.ok(sb.users.some((user) => user.username === 'newbie'));
    });

    it('password.forgot then password.recover with the recovery code sets a new password', async () => {
      await isolate();
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'));
      let { json } = await flowCall(sb, started, 'password.forgot', { username: 'demo' });
      assert.equal(json.status, 'RECOVERY_CODE_REQUIRED');
      ({ json } = await flowCall(sb, started, 'password.recover', { recoveryCode: '123456', newPassword: 'Recovered-9!' }));
      assert.equal(json.status, 'COMPLETED');
      assert.equal(sb.users.find((u) => u.username === 'demo')!.password, 'Recovered-9!');
    });
  });

  describe('resume', () => {
    it('needs the flow\'s own ST cookie: none → login_required, another session\'s → access_denied', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const started = await authorize(sb, app);
      await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);

      const bare = new URL((await resume(sb, started, new Jar())).headers.get('location')!);
      assert.equal(bare.searchParams.get('error'), 'login_required');
      assert.equal(bare.searchParams.get('state'), started.state);
      assert.equal(bare.searchParams.get('code'), null);

      const other = await authorize(sb, app);
      const foreign = new URL((await resume(sb, started, other.jar)).headers.get('location')!);
      assert.equal(foreign.searchParams.get('error'), 'access_denied');

      const good = await resume(sb, started);
      assert.equal(good.status, 302);
      const location = new URL(good.headers.get('location')!);
      assert.equal(location.origin + location.pathname, `${sb.url}/callback`);
      assert.ok(location.searchParams.get('code'));
      assert.equal(location.searchParams.get('state'), started.state);
      assert.equal((await resume(sb, started)).status, 404, 'a flow resumes once');
    });

    it('pi.flow: 200 JSON with authorizeResponse {code, state}', async () => {
      const app = appFor(sb, 'client_secret_post');
      const started = await authorize(sb, app, { response_mode: 'pi.flow', redirect_uri: undefined });
      await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      const res = await resume(sb, started);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Json;
      assert.equal(body.id, started.flowId);
      assert.equal(body.status, 'COMPLETED');
      assert.equal(body.authorizeResponse.state, started.state);
      const { json } = await backChannel(sb, app, 'token', { grant_type: 'authorization_code', code: body.authorizeResponse.code, code_verifier: started.verifier });
      assert.ok(json.access_token, JSON.stringify(json));
    });

    it('form_post: an auto-submitting form carrying code and state', async () => {
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'), { response_mode: 'form_post' });
      await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      const res = await resume(sb, started);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, new RegExp(`action="${sb.url}/callback"`));
      assert.match(html, /name="code" value="[\w-]{20,}"/);
      assert.ok(html.includes(`name="state" value="${started.state}"`));
      assert.match(res.headers.get('content-security-policy')!, /script-src 'nonce-/);
    });
  });

  describe('token endpoint', () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const) {
      it(`authorization_code with ${method}: tokens with the documented claims`, async () => {
        const app = appFor(sb, method);
        const signedIn = await signIn(sb, app);
        const { res, json } = await redeem(sb, app, signedIn);
        assert.equal(res.status, 200, JSON.stringify(json));
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.equal(json.token_type, 'Bearer');
        assert.equal(json.expires_in, 3600);
        assert.equal(json.scope, 'openid profile email');
        assert.ok(json.refresh_token);
        const access = decodeJwt(json.access_token);
        assert.equal(access.client_id, app.id);
        assert.equal(access.iss, sb.issuer);
        assert.equal(access.env, sb.envId);
        assert.ok(access.sid && access.auth_time && access.acr && access.org);
        const id = decodeJwt(json.id_token);
        assert.equal(id.aud, app.id);
        assert.equal(id.nonce, signedIn.nonce);
        assert.equal(id.sub, sb.users.find((u) => u.username === 'demo')!.id);
        assert.equal(id.sid, access.sid);
        assert.equal(id.email, 'demo@sandbox.example');
        assert.equal(id.given_name, 'Dana');
        assert.equal(id['p1.region'], 'NA');
        const digest = createHash('sha256').update(json.access_token).digest();
        assert.equal(id.at_hash, digest.subarray(0, 16).toString('base64url'));
      });
    }

    for (const alg of ['HS384', 'HS512', 'RS384', 'PS256']) {
      it(`accepts a ${alg} client assertion from the app holding that kind of key`, async () => {
        const app = appFor(sb, alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt');
        const signedIn = await signIn(sb, app);
        const { res } = await post(`${sb.issuer}/token`, {
          grant_type: 'authorization_code', code: signedIn.code, redirect_uri: `${sb.url}/callback`, code_verifier: signedIn.verifier,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(sb, app, { alg }),
        });
        assert.equal(res.status, 200);
      });
    }

    it('refuses bad client authentication with 401 invalid_client', async () => {
      const basicApp = appFor(sb, 'client_secret_basic');
      const wrongSecret = await post(`${sb.issuer}/token`, { grant_type: 'client_credentials' }, {
        Authorization: `Basic ${Buffer.from(`${basicApp.id}:wrong`).toString('base64')}`,
      });
      assert.equal(wrongSecret.res.status, 401);
      assert.equal(wrongSecret.json.error, 'invalid_client');
      assert.match(wrongSecret.res.headers.get('www-authenticate')!, /^Basic/);

      const wrongMethod = await post(`${sb.issuer}/token`, { grant_type: 'client_credentials', client_id: basicApp.id, client_secret: basicApp.clientSecret! });
      assert.equal(wrongMethod.res.status, 401);
      assert.equal(wrongMethod.json.error, 'invalid_client');

      const jwtApp = appFor(sb, 'private_key_jwt');
      const jwtParams = (clientAssertion: string) => ({
        grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion,
      });
      const once = await assertion(sb, jwtApp);
      assert.equal((await post(`${sb.issuer}/token`, jwtParams(once))).res.status, 200);
      assert.equal((await post(`${sb.issuer}/token`, jwtParams(once))).res.status, 401, 'jti replay');
      const wrongAud = await post(`${sb.issuer}/token`, jwtParams(await assertion(sb, jwtApp, { aud: 'https://elsewhere.example' })));
      assert.equal(wrongAud.res.status, 401);
      const tooLong = await post(`${sb.issuer}/token`, jwtParams(await assertion(sb, jwtApp, { exp: Math.floor(Date.now() / 1000) + 7200 })));
      assert.equal(tooLong.res.status, 401);
      const hsForKeyApp = await post(`${sb.issuer}/token`, jwtParams(await new SignJWT({}).setProtectedHeader({ alg: 'HS256' })
        .setIssuer(jwtApp.id).setSubject(jwtApp.id).setAudience(`${sb.issuer}/token`).setExpirationTime('1m').setJti(randomUUID())
        .sign(new TextEncoder().encode('x'.repeat(32)))));
      assert.equal(hsForKeyApp.res.status, 401);

      const secretJwtApp = appFor(sb, 'client_secret_jwt');
      const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(secretJwtApp.id).setSubject(secretJwtApp.id)
        .setAudience(sb.issuer).setExpirationTime('1m').setJti(randomUUID()).sign(new TextEncoder().encode('not-the-secret-but-long-enough-1234'));
      assert.equal((await post(`${sb.issuer}/token`, jwtParams(forged))).res.status, 401);

      const publicApp = appFor(sb, 'none');
      const publicCc = await post(`${sb.issuer}/token`, { grant_type: 'client_credentials', client_id: publicApp.id });
      assert.equal(publicCc.json.error, 'unauthorized_client');
    });

    it('checks the PKCE verifier and the redirect_uri', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const wrongVerifier = await redeem(sb, app, { code: (await signIn(sb, app)).code, verifier: pkcePair().verifier });
      assert.equal(wrongVerifier.res.status, 400);
      assert.equal(wrongVerifier.json.error, 'invalid_grant');

      const signedIn = await signIn(sb, app);
      const noVerifier = await backChannel(sb, app, 'token', { grant_type: 'authorization_code', code: signedIn.code, redirect_uri: `${sb.url}/callback` });
      assert.equal(noVerifier.json.error, 'invalid_grant');

      const other = await signIn(sb, app);
      const wrongRedirect = await redeem(sb, app, other, { redirect_uri: `${sb.url}/elsewhere` });
      assert.equal(wrongRedirect.json.error, 'invalid_grant');

      const plainVerifier = 'v'.repeat(50);
      const plain = await signIn(sb, app, { code_challenge: plainVerifier, code_challenge_method: 'plain' });
      assert.equal((await redeem(sb, app, { code: plain.code, verifier: plainVerifier })).res.status, 200);
    });

    it('a reused code fails and revokes what the first use issued', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const signedIn = await signIn(sb, app);
      const first = await redeem(sb, app, signedIn);
      assert.equal(first.res.status, 200);
      const userinfo = () => fetch(`${sb.issuer}/userinfo`, { headers: { Authorization: `Bearer ${first.json.access_token}` } });
      assert.equal((await userinfo()).status, 200);

      const second = await redeem(sb, app, signedIn);
      assert.equal(second.res.status, 400);
      assert.equal(second.json.error, 'invalid_grant');
      assert.equal((await userinfo()).status, 401, 'the access token from the first use is revoked');
      const refresh = await backChannel(sb, app, 'token', { grant_type: 'refresh_token', refresh_token: first.json.refresh_token });
      assert.equal(refresh.json.error, 'invalid_grant');
    });

    it('codes expire after 60 s and belong to the client they were issued to', async () => {
      await isolate();
      const app = appFor(sb, 'client_secret_basic');
      const late = await signIn(sb, app);
      clock += 61_000;
      assert.equal((await redeem(sb, app, late)).json.error, 'invalid_grant');

      const signedIn = await signIn(sb, app);
      const stolen = await redeem(sb, appFor(sb, 'client_secret_post'), signedIn);
      assert.equal(stolen.json.error, 'invalid_grant');
    });

    it('refresh_token rotates, can narrow the scope, and never widens it', async () => {
      const app = appFor(sb, 'client_secret_post');
      const { json } = await redeem(sb, app, await signIn(sb, app));
      const refreshed = await backChannel(sb, app, 'token', { grant_type: 'refresh_token', refresh_token: json.refresh_token, scope: 'openid email' });
      assert.equal(refreshed.res.status, 200);
      assert.equal(refreshed.json.scope, 'openid email');
      assert.notEqual(refreshed.json.refresh_token, json.refresh_token);
      const reused = await backChannel(sb, app, 'token', { grant_type: 'refresh_token', refresh_token: json.refresh_token });
      assert.equal(reused.json.error, 'invalid_grant');
      const wider = await backChannel(sb, app, 'token', { grant_type: 'refresh_token', refresh_token: refreshed.json.refresh_token, scope: 'openid profile' });
      assert.equal(wider.json.error, 'invalid_scope');
    });

    it('client_credentials: a token for the client itself, without id or refresh token', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const { res, json } = await backChannel(sb, app, 'token', { grant_type: 'client_credentials' });
      assert.equal(res.status, 200);
      assert.equal(decodeJwt(json.access_token).sub, app.id);
      assert.equal(json.id_token, undefined);
      assert.equal(json.refresh_token, undefined);
      const unknown = await backChannel(sb, app, 'token', { grant_type: 'password' });
      assert.equal(unknown.json.error, 'unsupported_grant_type');
    });
  });

  describe('request objects and PAR', () => {
    it('HS256 request object signed with the secret: its claims win over the query', async () => {
      const app = appFor(sb, 'client_secret_jwt');
      const { verifier, challenge } = pkcePair();
      const request = await new SignJWT({
        client_id: app.id, response_type: 'code', redirect_uri: `${sb.url}/callback`, scope: 'openid email',
        state: 'from-request-object', code_challenge: challenge, code_challenge_method: 'S256',
      }).setProtectedHeader({ alg: 'HS256' }).setIssuer(app.id).setAudience(sb.issuer).setExpirationTime('5m')
        .sign(new TextEncoder().encode(app.clientSecret));
      const started = await authorize(sb, app, { request, state: 'from-query', scope: 'openid', code_challenge: undefined, code_challenge_method: undefined });
      assert.equal(started.res.status, 302);
      await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      const location = new URL((await resume(sb, started)).headers.get('location')!);
      assert.equal(location.searchParams.get('state'), 'from-request-object');
      const { json } = await redeem(sb, app, { code: location.searchParams.get('code')!, verifier });
      assert.equal(json.scope, 'openid email');
    });

    it('RS256 request object signed with the app key; a bad signature or audience is invalid_request_object', async () => {
      const app = appFor(sb, 'private_key_jwt');
      const key = await importPKCS8(app.keyPair!.privateKeyPem, 'RS256');
      const sign = (aud: string, signingKey: Parameters<SignJWT['sign']>[0] = key) =>
        new SignJWT({ response_type: 'code', redirect_uri: `${sb.url}/callback`, scope: 'openid', state: 'rs', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' })
          .setProtectedHeader({ alg: 'RS256' }).setIssuer(app.id).setAudience(aud).setExpirationTime('5m').sign(signingKey);
      const good = await authorize(sb, app, { request: await sign(sb.issuer), response_mode: 'pi.flow' });
      assert.equal(good.res.status, 200);

      const badAud = await authorize(sb, app, { request: await sign('https://elsewhere.example') });
      assert.equal(new URL(badAud.res.headers.get('location')!).searchParams.get('error'), 'invalid_request_object');

      const otherKey = await importPKCS8(sb.profiles().find((p) => p.profile.clientAuthMethod === 'private_key_jwt')!.secrets.privateKey!, 'RS256');
      assert.ok(otherKey, 'profiles carry the same key');
      const forged = (await sign(sb.issuer)).replace(/\.[^.]+$/, '.' + Buffer.from('forged').toString('base64url'));
      const bad = await authorize(sb, app, { request: forged });
      assert.equal(new URL(bad.res.headers.get('location')!).searchParams.get('error'), 'invalid_request_object');
    });

    it('PAR: client-authenticated push, one-use request_uri at authorize', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const { verifier, challenge } = pkcePair();
      const pushed = await backChannel(sb, app, 'par', {
        client_id: app.id, response_type: 'code', redirect_uri: `${sb.url}/callback`, scope: 'openid', state: 'pushed',
        code_challenge: challenge, code_challenge_method: 'S256',
      });
      assert.equal(pushed.res.status, 201);
      assert.equal(pushed.json.expires_in, 60);
      assert.match(pushed.json.request_uri, /^urn:ietf:params:oauth:request_uri:/);

      const query = new URLSearchParams({ client_id: app.id, request_uri: pushed.json.request_uri });
      const res = await fetch(`${sb.issuer}/authorize?${query}`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      const jar = new Jar();
      jar.store(res);
      const started = { flowId: new URL(res.headers.get('location')!).searchParams.get('flowId')!, jar };
      await flowCall(sb, started, 'usernamePassword.check', sb.demoUser);
      const location = new URL((await resume(sb, started)).headers.get('location')!);
      assert.equal(location.searchParams.get('state'), 'pushed');
      assert.equal((await redeem(sb, app, { code: location.searchParams.get('code')!, verifier })).res.status, 200);

      const again = await fetch(`${sb.issuer}/authorize?${query}`, { redirect: 'manual' });
      assert.equal(again.status, 400);
      assert.equal(((await again.json()) as Json).error, 'invalid_request_uri');

      const unauthenticated = await post(`${sb.issuer}/par`, { client_id: app.id, response_type: 'code', redirect_uri: `${sb.url}/callback` });
      assert.equal(unauthenticated.res.status, 401);
    });
  });

  describe('userinfo, introspection, revocation, signoff', () => {
    it('userinfo answers claims for the scopes, and 401 invalid_token for bad or expired tokens', async () => {
      await isolate();
      const app = appFor(sb, 'client_secret_basic');
      const { json } = await redeem(sb, app, await signIn(sb, app, { scope: 'openid profile' }));
      const get = (token: string) => fetch(`${sb.issuer}/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
      const res = await get(json.access_token);
      assert.equal(res.status, 200);
      const claims = (await res.json()) as Json;
      assert.equal(claims.sub, decodeJwt(json.id_token).sub);
      assert.equal(claims.preferred_username, 'demo');
      assert.equal(claims.family_name, 'Demo');
      assert.equal(claims.email, undefined, 'email scope not granted');

      const byPost = await post(`${sb.issuer}/userinfo`, { access_token: json.access_token });
      assert.equal(byPost.res.status, 200);

      const tampered = json.access_token.slice(0, -4) + 'AAAA';
      const bad = await get(tampered);
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate')!, /^Bearer error="invalid_token"/);

      clock += 3601_000;
      assert.equal((await get(json.access_token)).status, 401);
    });

    it('introspect reports live tokens to their own client; revoke ends them', async () => {
      const app = appFor(sb, 'client_secret_jwt');
      const { json } = await redeem(sb, app, await signIn(sb, app));
      const live = await backChannel(sb, app, 'introspect', { token: json.access_token });
      assert.equal(live.json.active, true);
      assert.equal(live.json.client_id, app.id);
      assert.equal(live.json.scope, 'openid profile email');
      const refresh = await backChannel(sb, app, 'introspect', { token: json.refresh_token, token_type_hint: 'refresh_token' });
      assert.equal(refresh.json.active, true);
      const foreign = await backChannel(sb, appFor(sb, 'client_secret_post'), 'introspect', { token: json.access_token });
      assert.deepEqual(foreign.json, { active: false });
      assert.equal((await post(`${sb.issuer}/introspect`, { token: json.access_token })).res.status, 401);

      const revoked = await backChannel(sb, app, 'revoke', { token: json.access_token });
      assert.equal(revoked.res.status, 200);
      assert.deepEqual((await backChannel(sb, app, 'introspect', { token: json.access_token })).json, { active: false });
      assert.equal((await backChannel(sb, app, 'introspect', { token: json.refresh_token })).json.active, true, 'refresh token survives');

      await backChannel(sb, app, 'revoke', { token: json.refresh_token });
      assert.deepEqual((await backChannel(sb, app, 'introspect', { token: json.refresh_token })).json, { active: false });
      assert.equal((await backChannel(sb, app, 'revoke', { token: 'never-issued' })).res.status, 200);
    });

    it('signoff ends the session and its cookies, then returns to the registered URI with state', async () => {
      const app = appFor(sb, 'client_secret_basic');
      const signedIn = await signIn(sb, app);
      const { json } = await redeem(sb, app, signedIn);
      const query = new URLSearchParams({ id_token_hint: json.id_token, post_logout_redirect_uri: `${sb.url}/callback`, state: 'bye' });
      const res = await fetch(`${sb.issuer}/signoff?${query}`, { redirect: 'manual', headers: signedIn.jar.header });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), `${sb.url}/callback?state=bye`);
      assert.ok(res.headers.getSetCookie().some((c) => /^ST=;/.test(c) && /Max-Age=0/.test(c)));

      const silent = await authorize(sb, app, { prompt: 'none' }, { jar: signedIn.jar });
      assert.equal(new URL(silent.res.headers.get('location')!).searchParams.get('error'), 'login_required');

      const evil = new URLSearchParams({ client_id: app.id, post_logout_redirect_uri: 'https://evil.example/' });
      assert.equal((await fetch(`${sb.issuer}/signoff?${evil}`, { redirect: 'manual' })).status, 400);
    });
  });

  describe('pages and robustness', () => {
    it('the HTML sign-on page signs on by form post and sends the browser to resume', async () => {
      const started = await authorize(sb, appFor(sb, 'client_secret_basic'));
      const pageUrl = started.res.headers.get('location')!;
      const page = await fetch(pageUrl, { headers: started.jar.header });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /name="password"/);
      const submitted = await fetch(pageUrl, {
        method: 'POST', redirect: 'manual',
        headers: { ...started.jar.header, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'usernamePassword.check', ...sb.demoUser }),
      });
      assert.equal(submitted.status, 302);
      assert.equal(submitted.headers.get('location'), `${sb.issuer}/resume?flowId=${started.flowId}`);
      const code = new URL((await resume(sb, started)).headers.get('location')!).searchParams.get('code');
      assert.ok(code);

      const callback = await fetch(`${sb.url}/callback?code=abc%3Cscript%3E&state=s`);
      const html = await callback.text();
      assert.ok(html.includes('abc&lt;script&gt;') && !html.includes('abc<script>'), 'values are escaped');
    });

    it('survives bad input: unknown paths, wrong methods, bad forms, huge bodies', async () => {
      const unknown = await fetch(`${sb.url}/${sb.envId}/nope`);
      assert.equal(unknown.status, 404);
      assert.equal(((await unknown.json()) as Json).code, 'NOT_FOUND');
      assert.equal((await fetch(`${sb.url}/other-env/as/token`)).status, 404);
      assert.equal((await fetch(`${sb.url}/${sb.envId}/constructor`)).status, 404);
      const wrongMethod = await fetch(`${sb.issuer}/token`);
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.headers.get('allow'), 'POST');

      const repeated = await fetch(`${sb.issuer}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=a&grant_type=b' });
      assert.equal(repeated.status, 400);
      const jsonBody = await fetch(`${sb.issuer}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
      assert.equal(((await jsonBody.json()) as Json).error, 'invalid_request');
      const badBasic = await fetch(`${sb.issuer}/token`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Basic %%%' }, body: 'grant_type=client_credentials',
      });
      assert.ok(badBasic.status === 400 || badBasic.status === 401);

      const huge = await fetch(`${sb.issuer}/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a='.padEnd(2 * 1024 * 1024, 'x') });
      assert.equal(huge.status, 413);

      const discovery = await fetch(`${sb.issuer}/.well-known/openid-configuration`);
      assert.equal(discovery.status, 200, 'still serving');
    });

    it('answers a request-target that is not a URL with 400, not 500', async () => {
      for (const target of ['//%%', 'http://[::1', 'http://[::1/as/jwks']) {
        const head = await rawExchange(sb, `GET ${target} HTTP/1.1\r\nHost: ${new URL(sb.url).host}\r\n\r\n`);
        assert.match(head, /^HTTP\/1\.1 400 /, `${target}: ${head}`);
        assert.match(head, /"code":"INVALID_REQUEST"/);
      }
      // RFC 9112 §3.2.2: a server must accept the absolute-form; the sandbox routes on its path.
      const absolute = await rawExchange(sb, `GET http://elsewhere.example/${sb.envId}/as/jwks HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n`);
      assert.match(absolute, /^HTTP\/1\.1 200 /);
    });

    describe('a 40 MB body gets 413, read by a client still writing', () => {
      const FORTY_MB = 40 * 1024 * 1024;

      it('from a raw socket that announces its length and keeps writing', async () => {
        const head = await rawExchange(sb, `POST ${new URL(sb.issuer).pathname}/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${FORTY_MB}\r\n\r\n`, FORTY_MB);
        assert.match(head, /^HTTP\/1\.1 413 /, head);
        assert.match(head, /\r\nconnection: close\r\n/i);
      });

      it('from a raw socket sending it chunked, so only the bytes read tell', async () => {
        const head = await rawExchange(sb, `POST ${new URL(sb.issuer).pathname}/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, FORTY_MB, true);
        assert.match(head, /^HTTP\/1\.1 413 /, head);
      });

      it('from undici', async () => {
        const res = await undiciRequest(`${sb.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.alloc(FORTY_MB, 'a') });
        assert.equal(res.statusCode, 413);
        assert.equal(((await res.body.json()) as Json).code, 'INVALID_REQUEST');
      });

      it('from real curl, with and without Expect: 100-continue', async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'afe-sandbox-')), 'body');
        writeFileSync(file, Buffer.alloc(FORTY_MB, 'a'));
        for (const expect of [[], ['-H', 'Expect:']]) {
          const { stdout } = await promisify(execFile)('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', ...expect, '--data-binary', `@${file}`, `${sb.issuer}/token`]);
          assert.equal(stdout, '413', `curl ${expect.join(' ')}`);
        }
      });
    });

    it('refuses a port in use with an error naming it', async () => {
      const port = Number(new URL(sb.url).port);
      await assert.rejects(startSandbox({ port }), (error: Error) => {
        assert.equal(error.message, `Port ${port} on 127.0.0.1 is already in use.`);
        assert.equal((error as Error & { code?: string }).code, 'EADDRINUSE');
        return true;
      });
    });

    it('close() returns promptly even with a kept-alive connection open', async () => {
      await isolate();
      await new Promise<void>((resolve, reject) => {
        const req = rawRequest(`${sb.issuer}/jwks`, { agent: new Agent({ keepAlive: true }) }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
      const started = performance.now();
      await sb.close();
      assert.ok(performance.now() - started < 1000);
      isolated = undefined;
    });
  });
});
