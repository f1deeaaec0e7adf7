/**
 * The sandbox's device authorization grant (RFC 8628, docs/pingone.md §4–§5) over loopback with plain
 * fetch: the device's requests, the verification page driven by form posts, the flows API, and the
 * sandbox handle's approveDevice/denyDevice. The sandbox's clock is injected, so expiry and polling
 * intervals are exercised without sleeping.
 */
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { startSandbox, type Sandbox, type SandboxApp } from '../../src/sandbox/index';

type Json = Record<string, any>;

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The seeded apps with the device grant (src/sandbox/seed.ts): the public native app and the client_secret_basic app. */
const PUBLIC_DEVICE_CLIENT = 'b2f0c7d1-0005-4a1e-9c55-5a0d0b5e0005';
const CONFIDENTIAL_DEVICE_CLIENT = 'b2f0c7d1-0001-4a1e-9c55-5a0d0b5e0001';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const EXPIRES_IN = 30;

function app(sb: Sandbox, id: string): SandboxApp {
  return sb.apps.find((candidate) => candidate.id === id)!;
}

/** The client authentication the app is registered with: Basic for the confidential one, client_id alone otherwise. */
function clientAuth(client: SandboxApp): { headers: Record<string, string>; params: Record<string, string> } {
  if (client.tokenEndpointAuthMethod === 'client_secret_basic') {
    return { headers: { Authorization: `Basic ${Buffer.from(`${client.id}:${client.clientSecret}`).toString('base64')}` }, params: {} };
  }
  if (client.tokenEndpointAuthMethod === 'client_secret_post') return { headers: {}, params: { client_id: client.id, client_secret: client.clientSecret! } };
  return { headers: {}, params: { client_id: client.id } };
}

async function post(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params) });
  const text = await res.text();
  return { res, json: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as Json, text };
}

async function authenticated(sb: Sandbox, client: SandboxApp, endpoint: string, params: Record<string, string>) {
  const auth = clientAuth(client);
  return post(`${sb.issuer}/${endpoint}`, { ...auth.params, ...params }, auth.headers);
}

/** POST /as/device_authorization; asserts it succeeded. */
async function deviceAuthorization(sb: Sandbox, client: SandboxApp, scope = 'openid profile email'): Promise<Json> {
  const { res, json } = await authenticated(sb, client, 'device_authorization', { scope });
  assert.equal(res.status, 200, JSON.stringify(json));
  return json;
}

function poll(sb: Sandbox, client: SandboxApp, deviceCode: string) {
  return authenticated(sb, client, 'token', { grant_type: DEVICE_GRANT, device_code: deviceCode });
}

async function assertPollError(sb: Sandbox, client: SandboxApp, deviceCode: string, error: string): Promise<void> {
  const { res, json } = await poll(sb, client, deviceCode);
  assert.equal(res.status, 400, JSON.stringify(json));
  assert.equal(json.error, error, JSON.stringify(json));
}

async function keySet(sb: Sandbox) {
  return createLocalJWKSet((await (await fetch(`${sb.issuer}/jwks`)).json()) as JSONWebKeySet);
}

/** A browser on the verification page: carries the ST cookies the start set, follows nothing by itself. */
class Browser {
  cookie = '';
  page = '';
  constructor(readonly sb: Sandbox) {}

  /** Opens a verification URI; the sandbox answers with the sign-on page's address. */
  async open(uri: string): Promise<void> {
    const res = await fetch(uri, { redirect: 'manual' });
    assert.equal(res.status, 302);
    this.cookie = res.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    this.page = res.headers.get('location')!;
    assert.ok(this.page.startsWith(`${this.sb.url}/${this.sb.envId}/signon/?flowId=`), this.page);
  }

  async show(): Promise<string> {
    const res = await fetch(this.page, { headers: { Cookie: this.cookie }, redirect: 'manual' });
    assert.equal(res.status, 200);
    return res.text();
  }

  /** Posts a form of the page; post/redirect/get brings the browser back to the same page. */
  async submit(fields: Record<string, string>): Promise<void> {
    const res = await fetch(this.page, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: this.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    assert.equal(res.status, 302, await res.text());
    assert.equal(res.headers.get('location'), new URL(this.page).pathname + new URL(this.page).search);
  }

  async signOn(user: { username: string; password: string }): Promise<string> {
    assert.match(await this.show(), /name="password"/);
    await this.submit({ action: 'usernamePassword.check', ...user });
    return this.show();
  }
}

describe('sandbox device authorization grant (RFC 8628)', () => {
  let sb: Sandbox;
  let clock = Date.now();

  before(async () => {
    sb = await startSandbox({ now: () => clock, device: { expiresIn: EXPIRES_IN, interval: 1 } });
  });
  after(() => sb.close());
  beforeEach(() => {
    clock = Date.now();
  });

  describe('the device authorization endpoint', () => {
    it('is in discovery, with the device grant, at the URL it is served on', async () => {
      const meta = (await (await fetch(`${sb.issuer}/.well-known/openid-configuration`)).json()) as Json;
      assert.equal(meta.device_authorization_endpoint, `${sb.issuer}/device_authorization`);
      assert.ok(meta.grant_types_supported.includes(DEVICE_GRANT), meta.grant_types_supported);
      const { res } = await post(meta.device_authorization_endpoint, { client_id: PUBLIC_DEVICE_CLIENT });
      assert.equal(res.status, 200);
    });

    it('answers the documented fields, expires_in 600 and interval 5 by default, each time new codes', async () => {
      const defaults = await startSandbox();
      try {
        const client = app(defaults, PUBLIC_DEVICE_CLIENT);
        const { res, json } = await authenticated(defaults, client, 'device_authorization', { scope: 'openid' });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.deepEqual(Object.keys(json).sort(), ['device_code', 'expires_in', 'interval', 'user_code', 'verification_uri', 'verification_uri_complete']);
        assert.equal(json.expires_in, 600);
        assert.equal(json.interval, 5);
        assert.match(json.user_code, USER_CODE);
        assert.equal(json.verification_uri, `${defaults.url}/${defaults.envId}/device`);
        assert.equal(json.verification_uri_complete, `${json.verification_uri}?user_code=${json.user_code}`);
        const again = await deviceAuthorization(defaults, client);
        assert.notEqual(again.device_code, json.device_code);
        assert.notEqual(again.user_code, json.user_code);
      } finally {
        await defaults.close();
      }
    });

    it('authenticates a confidential client and refuses clients without the grant and unknown scopes', async () => {
      const confidential = app(sb, CONFIDENTIAL_DEVICE_CLIENT);
      const unauthenticated = await post(`${sb.issuer}/device_authorization`, { client_id: confidential.id, scope: 'openid' });
      assert.equal(unauthenticated.res.status, 401);
      assert.equal(unauthenticated.json.error, 'invalid_client');
      const wrongSecret = await post(`${sb.issuer}/device_authorization`, { scope: 'openid' }, { Authorization: `Basic ${Buffer.from(`${confidential.id}:wrong`).toString('base64')}` });
      assert.equal(wrongSecret.res.status, 401);
      assert.match((await deviceAuthorization(sb, confidential)).user_code, USER_CODE);

      const withoutGrant = sb.apps.find((candidate) => candidate.tokenEndpointAuthMethod === 'client_secret_post')!;
      const refused = await authenticated(sb, withoutGrant, 'device_authorization', { scope: 'openid' });
      assert.equal(refused.res.status, 400);
      assert.equal(refused.json.error, 'unauthorized_client');
      const polled = await authenticated(sb, withoutGrant, 'token', { grant_type: DEVICE_GRANT, device_code: 'x' });
      assert.equal(polled.json.error, 'unauthorized_client');

      const badScope = await authenticated(sb, app(sb, PUBLIC_DEVICE_CLIENT), 'device_authorization', { scope: 'openid admin' });
      assert.equal(badScope.res.status, 400);
      assert.equal(badScope.json.error, 'invalid_scope');
    });
  });

  describe('polling the token endpoint', () => {
    it('authorization_pending, then slow_down when too soon, the interval growing by 5 s each time', async () => {
      const client = app(sb, PUBLIC_DEVICE_CLIENT);
      const { device_code: deviceCode, interval } = await deviceAuthorization(sb, client);
      assert.equal(interval, 1);
      await assertPollError(sb, client, deviceCode, 'authorization_pending');
      await assertPollError(sb, client, deviceCode, 'slow_down'); // at once: the interval is now 6 s
      clock += 5_000; // enough for the first interval (1 s), not for 6 s
      await assertPollError(sb, client, deviceCode, 'slow_down'); // the interval is now 11 s
      clock += 11_000;
      await assertPollError(sb, client, deviceCode, 'authorization_pending');
      clock += 10_000; // the grown interval stays for every later poll
      await assertPollError(sb, client, deviceCode, 'slow_down');
    });

    it('expired_token once expires_in has passed, and the user code is then refused', async () => {
      const client = app(sb, PUBLIC_DEVICE_CLIENT);
      const { device_code: deviceCode, user_code: userCode } = await deviceAuthorization(sb, client);
      clock += (EXPIRES_IN - 1) * 1000;
      await assertPollError(sb, client, deviceCode, 'authorization_pending');
      clock += 1000;
      await assertPollError(sb, client, deviceCode, 'expired_token');
      assert.throws(() => sb.approveDevice(userCode), /expired/);
      await assertPollError(sb, client, deviceCode, 'expired_token');
    });

    it('access_denied once the person denies, and the decision cannot be changed', async () => {
      const client = app(sb, PUBLIC_DEVICE_CLIENT);
      const { device_code: deviceCode, user_code: userCode } = await deviceAuthorization(sb, client);
      sb.denyDevice(userCode);
      await assertPollError(sb, client, deviceCode, 'access_denied');
      assert.throws(() => sb.approveDevice(userCode));
      await assertPollError(sb, client, deviceCode, 'access_denied');
    });

    it('approved: tokens signed by the sandbox JWKS, once; then invalid_grant; the refresh token works', async () => {
      const client = app(sb, PUBLIC_DEVICE_CLIENT);
      const { device_code: deviceCode, user_code: userCode } = await deviceAuthorization(sb, client, 'openid profile');
      await assertPollError(sb, client, deviceCode, 'authorization_pending');
      sb.approveDevice(userCode.toLowerCase().replace('-', ' ')); // typed as a person might
      clock += 1000;
      const { res, json } = await poll(sb, client, deviceCode);
      assert.equal(res.status, 200, JSON.stringify(json));
      assert.equal(json.token_type, 'Bearer');
      assert.equal(json.scope, 'openid profile');

      const keys = await keySet(sb);
      const demo = sb.users.find((user) => user.username === sb.demoUser.username)!;
      const access = await jwtVerify(json.access_token, keys, { issuer: sb.issuer, currentDate: new Date(clock) });
      assert.equal(access.payload.client_id, client.id);
      assert.equal(access.payload.sub, demo.id);
      const id = await jwtVerify(json.id_token, keys, { issuer: sb.issuer, audience: client.id, currentDate: new Date(clock) });
      assert.equal(id.payload.sub, demo.id);
      assert.equal(id.payload.preferred_username, demo.username);
      assert.equal(id.payload.sid, access.payload.sid);

      clock += 1000;
      const reuse = await poll(sb, client, deviceCode);
      assert.equal(reuse.res.status, 400);
      assert.equal(reuse.json.error, 'invalid_grant');

      assert.ok(json.refresh_token, 'the public app has the refresh_token grant');
      const refreshed = await authenticated(sb, client, 'token', { grant_type: 'refresh_token', refresh_token: json.refresh_token });
      assert.equal(refreshed.res.status, 200, JSON.stringify(refreshed.json));
      assert.equal((await jwtVerify(refreshed.json.access_token, keys, { currentDate: new Date(clock) })).payload.sub, demo.id);
    });

    it('a device_code belongs to its client; without openid there is no ID token', async () => {
      const confidential = app(sb, CONFIDENTIAL_DEVICE_CLIENT);
      const { device_code: deviceCode, user_code: userCode } = await deviceAuthorization(sb, confidential, 'profile');
      sb.approveDevice(userCode, 'mfa');
      const stolen = await poll(sb, app(sb, PUBLIC_DEVICE_CLIENT), deviceCode);
      assert.equal(stolen.json.error, 'invalid_grant');

      const { res, json } = await poll(sb, confidential, deviceCode);
      assert.equal(res.status, 200, JSON.stringify(json));
      assert.equal(json.id_token, undefined);
      assert.ok(json.refresh_token);
      const mfa = sb.users.find((user) => user.username === 'mfa')!;
      assert.equal((await jwtVerify(json.access_token, await keySet(sb), { currentDate: new Date(clock) })).payload.sub, mfa.id);
    });
  });

  describe('the verification page', () => {
    it('pre-fills the user code; sign-on, the code and Approve, all plain form posts, let the device get tokens', async () => {
      const client = app(sb, PUBLIC_DEVICE_CLIENT);
      const started = await deviceAuthorization(sb, client);
      const browser = new Browser(sb);
      await browser.open(started.verification_uri_complete);

      const codePage = await browser.signOn(sb.demoUser);
      const prefilled = /name="userCode"[^>]*value="([^"]*)"/.exec(codePage)?.[1];
      assert.equal(prefilled, started.user_code);
      await assertPollError(sb, client, started.device_code, 'authorization_pending');

      await browser.submit({ action: 'deviceAuthGrant.userCode.verify', userCode: prefilled! });
      const consentPage = await browser.show();
      assert.ok(consentPage.includes(started.user_code) && consentPage.includes(client.name), 'the consent names the code and the app');
      await assertPollError(sb, client, started.device_code, 'slow_down'); // no time passed since the last poll
      await browser.submit({ action: 'deviceAuthGrant.consent', accept: 'true' });
      assert.match(await browser.show(), /device is connected/);

      clock += 10_000;
      const { res, json } = await poll(sb, client, started.device_code);
      assert.equal(res.status, 200, JSON.stringify(json));
      const id = await jwtVerify(json.id_token, await keySet(sb), { issuer: sb.issuer, audience: client.id, currentDate: new Date(clock) });
      assert.equal(id.payload.preferred_username, sb.demoUser.username);
    });

    it('refuses a wrong code and stays on the step; Deny makes the device hear access_denied', async () => {
      const client = app(sb, CONFIDENTIAL_DEVICE_CLIENT);
      const started = await deviceAuthorization(sb, client);
      const browser = new Browser(sb);
      await browser.open(started.verification_uri);
      const codePage = await browser.signOn(sb.demoUser);
      assert.doesNotMatch(codePage, /name="userCode"[^>]*value=/, 'nothing to pre-fill without user_code');

      const wrong = await fetch(browser.page, {
        method: 'POST',
        headers: { Cookie: browser.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ action: 'deviceAuthGrant.userCode.verify', userCode: 'BBBB-BBBB' }),
      });
      assert.equal(wrong.status, 400);
      assert.match(await wrong.text(), /name="userCode"/);

      await browser.submit({ action: 'deviceAuthGrant.userCode.verify', userCode: started.user_code });
      await browser.submit({ action: 'deviceAuthGrant.consent', accept: 'false' });
      assert.match(await browser.show(), /denied/);
      await assertPollError(sb, client, started.device_code, 'access_denied');
    });

    it('the flows API runs the same steps as PingOne names them, and a device flow has nothing to resume', async () => {
      const client = app(sb, PUBLIC_DEVICE_CLIENT);
      const started = await deviceAuthorization(sb, client);
      const browser = new Browser(sb);
      await browser.open(started.verification_uri_complete);
      const flowId = new URL(browser.page).searchParams.get('flowId')!;
      const flowUrl = `${sb.url}/${sb.envId}/flows/${flowId}`;
      const action = async (name: string, body: unknown) => {
        const res = await fetch(flowUrl, { method: 'POST', headers: { Cookie: browser.cookie, 'Content-Type': `application/vnd.pingidentity.${name}+json` }, body: JSON.stringify(body) });
        return { status: res.status, json: (await res.json()) as Json };
      };

      const signedOn = await action('usernamePassword.check', sb.demoUser);
      assert.equal(signedOn.json.status, 'DAG_USER_CODE_REQUIRED');
      assert.ok(signedOn.json._links['deviceAuthGrant.userCode.verify']);
      assert.equal(signedOn.json.resumeUrl, undefined);

      const wrong = await action('deviceAuthGrant.userCode.verify', { userCode: 'BBBB-BBBB' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.json.details[0].target, 'userCode');
      const verified = await action('deviceAuthGrant.userCode.verify', { userCode: started.user_code });
      assert.equal(verified.json.status, 'DAG_CONSENT_REQUIRED');
      assert.equal(verified.json._embedded.application.name, client.name);

      assert.equal((await action('deviceAuthGrant.consent', { accept: 'yes' })).status, 400);
      const consented = await action('deviceAuthGrant.consent', { accept: true });
      assert.equal(consented.json.status, 'COMPLETED');

      const resumed = await fetch(`${sb.issuer}/resume?flowId=${flowId}`, { headers: { Cookie: browser.cookie }, redirect: 'manual' });
      assert.equal(resumed.status, 404);
      assert.equal((await poll(sb, client, started.device_code)).res.status, 200);
    });
  });
});
