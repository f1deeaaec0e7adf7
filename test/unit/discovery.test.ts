/**
 * Discovery (OIDC Discovery 1.0 §4, RFC 8414 §3): where the metadata of an issuer is, read from canned
 * answers — the document's issuer must be exactly the one asked about (§4.3 / §3.3), an endpoint that is
 * not an absolute http(s) URL is left out and named, a document without a token endpoint is refused, and
 * pages that are not a document say what they are. Last, a run against a small loopback issuer that only
 * has RFC 8414 metadata: the OpenID path answers 404 and the run goes on to the other.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Codes } from '../../src/core/codes';
import { buildDiscoveryRequest, discoveryUrl, readDiscoveryResponse, supported } from '../../src/core/oauth/discovery';
import type { Profile } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import { type CannedResponse, exchangeOf, failure } from '../support/exchange';

const ISSUER = 'https://login.example.com/realms/dev';

function read(response: CannedResponse, issuer = ISSUER) {
  return readDiscoveryResponse(exchangeOf({ url: discoveryUrl(issuer, 'openid') }, response), issuer);
}

const metadata = (fields: Record<string, unknown> = {}) => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth`,
  token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
  jwks_uri: `${ISSUER}/protocol/openid-connect/certs`,
  userinfo_endpoint: `${ISSUER}/protocol/openid-connect/userinfo`,
  grant_types_supported: ['authorization_code', 'client_credentials', 7],
  ...fields,
});

describe('discovery', () => {
  describe('where the metadata is', () => {
    it('OpenID form: /.well-known/openid-configuration appended to the issuer, a trailing slash not doubled', () => {
      assert.equal(discoveryUrl(ISSUER, 'openid'), 'https://login.example.com/realms/dev/.well-known/openid-configuration');
      assert.equal(discoveryUrl(`${ISSUER}/`, 'openid'), 'https://login.example.com/realms/dev/.well-known/openid-configuration');
      assert.equal(discoveryUrl('https://login.example.com', 'openid'), 'https://login.example.com/.well-known/openid-configuration');
      assert.equal(discoveryUrl('https://login.example.com/', 'openid'), 'https://login.example.com/.well-known/openid-configuration');
    });

    it('RFC 8414 form: the well-known segment goes between the host and the issuer\'s path (§3.1)', () => {
      assert.equal(discoveryUrl(ISSUER, 'rfc8414'), 'https://login.example.com/.well-known/oauth-authorization-server/realms/dev');
      assert.equal(discoveryUrl(`${ISSUER}/`, 'rfc8414'), 'https://login.example.com/.well-known/oauth-authorization-server/realms/dev');
      assert.equal(discoveryUrl('https://login.example.com', 'rfc8414'), 'https://login.example.com/.well-known/oauth-authorization-server');
      assert.equal(discoveryUrl('https://login.example.com/', 'rfc8414'), 'https://login.example.com/.well-known/oauth-authorization-server');
      assert.equal(discoveryUrl('http://127.0.0.1:8080/a/b', 'rfc8414'), 'http://127.0.0.1:8080/.well-known/oauth-authorization-server/a/b');
    });

    it('asks with GET for JSON, the OpenID form unless told otherwise', () => {
      assert.deepEqual(buildDiscoveryRequest(ISSUER), { method: 'GET', url: `${ISSUER}/.well-known/openid-configuration`, headers: [['accept', 'application/json']] });
      assert.equal(buildDiscoveryRequest(ISSUER, 'rfc8414').url, 'https://login.example.com/.well-known/oauth-authorization-server/realms/dev');
    });
  });

  describe('reading the document', () => {
    it('names each endpoint it lists, the document\'s own URL, and keeps the whole document', () => {
      const found = read({ status: 200, json: metadata() });
      assert.deepEqual(found.endpoints, {
        issuer: ISSUER,
        discovery: `${ISSUER}/.well-known/openid-configuration`,
        authorize: `${ISSUER}/protocol/openid-connect/auth`,
        token: `${ISSUER}/protocol/openid-connect/token`,
        jwks: `${ISSUER}/protocol/openid-connect/certs`,
        userinfo: `${ISSUER}/protocol/openid-connect/userinfo`,
      });
      assert.deepEqual(found.ignored, []);
      assert.deepEqual(supported(found.metadata, 'grant_types_supported'), ['authorization_code', 'client_credentials']);
      assert.equal(supported(found.metadata, 'dpop_signing_alg_values_supported'), undefined);
    });

    it('reads every endpoint a run can use, under its own name', () => {
      const base = 'https://as.example';
      const all = {
        issuer: base,
        token_endpoint: `${base}/token`,
        introspection_endpoint: `${base}/introspect`,
        revocation_endpoint: `${base}/revoke`,
        end_session_endpoint: `${base}/logout`,
        pushed_authorization_request_endpoint: `${base}/par`,
        device_authorization_endpoint: `${base}/device`,
      };
      const { endpoints } = read({ status: 200, json: all }, base);
      assert.deepEqual(
        [endpoints.introspect, endpoints.revoke, endpoints.endSession, endpoints.par, endpoints.deviceAuthorization],
        [`${base}/introspect`, `${base}/revoke`, `${base}/logout`, `${base}/par`, `${base}/device`],
      );
      assert.equal(endpoints.authorize, undefined, 'absent stays absent');
    });

    it('leaves out an endpoint that is not an absolute http(s) URL, and lists it', () => {
      const found = read({
        status: 200,
        json: metadata({ jwks_uri: 'javascript:alert(1)', userinfo_endpoint: '/userinfo', introspection_endpoint: 42, revocation_endpoint: 'https://[broken/revoke' }),
      });
      assert.deepEqual(found.ignored, ['jwks_uri', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint']);
      for (const key of ['jwks', 'userinfo', 'introspect', 'revoke'] as const) assert.equal(found.endpoints[key], undefined, key);
      assert.equal(found.endpoints.token, `${ISSUER}/protocol/openid-connect/token`);
    });

    it('refuses a document for another issuer, even one differing by a trailing slash (OIDC Discovery §4.3)', () => {
      for (const other of ['https://evil.example/realms/dev', `${ISSUER}/`, 'https://login.example.com/realms/DEV']) {
        const error = failure(() => read({ status: 200, json: metadata({ issuer: other }) }));
        assert.equal(error.code, Codes.DISCOVERY_ISSUER_MISMATCH, other);
        assert.ok(error.message.includes(JSON.stringify(other)) && error.message.includes(ISSUER), error.message);
        assert.deepEqual(error.detail, { issuer: other });
        assert.match(error.hint, /exactly/);
      }
      const none = failure(() => read({ status: 200, json: metadata({ issuer: undefined }) }));
      assert.equal(none.code, Codes.DISCOVERY_ISSUER_MISMATCH);
      assert.match(none.message, /names issuer nothing/);
    });

    it('refuses a document with no usable token endpoint', () => {
      for (const token_endpoint of [undefined, '', 'token', 17]) {
        const error = failure(() => read({ status: 200, json: metadata({ token_endpoint }) }));
        assert.equal(error.code, Codes.DISCOVERY_INCOMPLETE, String(token_endpoint));
        assert.match(error.message, /token_endpoint/);
      }
    });

    it('says what came instead of a document: an HTML page, an empty body, text, a 404, an OAuth error', () => {
      const html = failure(() => read({ status: 200, headers: [['content-type', 'text/html']], body: '<!doctype html><html><head><title>Sign in</title></head></html>' }));
      assert.equal(html.code, Codes.UNEXPECTED_HTML);
      assert.match(html.message, /discovery document.*HTML page.*"Sign in"/);
      assert.equal(failure(() => read({ status: 200, body: '' })).code, Codes.EMPTY_RESPONSE);
      assert.equal(failure(() => read({ status: 200, headers: [['content-type', 'text/plain']], body: 'issuer=x' })).code, Codes.INVALID_JSON);
      assert.equal(failure(() => read({ status: 200, json: [metadata()] })).code, Codes.INVALID_JSON, 'an array is not a document');

      const missingHtml = failure(() => read({ status: 404, headers: [['content-type', 'text/html']], body: '<html><head><title>404 Not Found</title></head></html>' }));
      assert.equal(missingHtml.code, Codes.UNEXPECTED_HTML);
      assert.match(missingHtml.message, /status 404/);
      const missingJson = failure(() => read({ status: 404, json: { message: 'no such realm' } }));
      assert.equal(missingJson.code, Codes.HTTP_ERROR);
      assert.match(missingJson.message, /discovery document failed with status 404/);
      assert.match(missingJson.hint, /issuer URL/);

      const oauth = failure(() => read({ status: 400, json: { error: 'invalid_request', error_description: 'bad realm' } }));
      assert.equal(oauth.code, 'invalid_request');
      assert.match(oauth.message, /bad realm/);
    });
  });

  describe('a run against an issuer with RFC 8414 metadata only (loopback server)', () => {
    let server: Server;
    let issuer: string;
    const asked: string[] = [];

    before(async () => {
      server = createServer((request, response) => {
        const path = new URL(request.url ?? '/', 'http://x').pathname;
        asked.push(`${request.method} ${path}`);
        const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (path === '/.well-known/oauth-authorization-server/tenant') json(200, { issuer, token_endpoint: `${issuer}/token` });
        // An opaque token and no ID token: nothing to verify, so no JWKS either.
        else if (path === '/tenant/token' && request.method === 'POST') json(200, { access_token: 'opaque-access-token-value', token_type: 'Bearer', expires_in: 60 });
        else json(404, { message: 'not here' });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tenant`;
    });
    after(() => server?.close());

    it('tries the OpenID path, goes on to RFC 8414 on a 404, and uses the token endpoint it names', async () => {
      const profile: Profile = {
        id: 'rfc8414',
        name: 'RFC 8414 only',
        issuer,
        grant: 'client_credentials',
        clientId: 'app',
        redirectUri: '',
        scopes: ['api'],
        clientAuthMethod: 'client_secret_post',
        authorizeMethod: 'GET',
        responseMode: 'redirect',
        pkce: true,
      };
      const run = await runFlow({ profile, secrets: { clientSecret: 'app-secret-value' } });
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      assert.deepEqual(run.steps.map((s) => [s.kind, s.status]), [['discovery', 'succeeded'], ['discovery', 'succeeded'], ['token', 'succeeded']]);
      const [openid, rfc8414] = run.steps;
      assert.equal(openid.exchange?.response?.status, 404);
      assert.match(openid.warnings.join(' '), /404.*RFC 8414/);
      assert.equal(rfc8414.facts.issuer, issuer);
      assert.equal(rfc8414.facts.endpoints, 'token');
      assert.deepEqual(asked, ['GET /tenant/.well-known/openid-configuration', 'GET /.well-known/oauth-authorization-server/tenant', 'POST /tenant/token']);
    });
  });
});
