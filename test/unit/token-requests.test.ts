/**
 * The token requests without a person (RFC 6749 §4.4.2 client credentials, §6 refresh): their form
 * bodies, the client's authentication added after the grant's own parameters (§2.3.1), and the secret
 * marks that keep the client secret and the refresh token out of anything shown — checked by redacting
 * the request with its own marks. Then their answers read from canned exchanges (§5.1, §5.2).
 */
import assert from 'node:assert/strict';
import { Codes } from '../../src/core/codes';
import type { HttpRequest } from '../../src/core/http';
import { clientAuthentication } from '../../src/core/oauth/clientAuth';
import { buildClientCredentialsRequest, buildRefreshRequest, readTokenResponse } from '../../src/core/oauth/token';
import type { ClientAuthMethod, Profile } from '../../src/core/profile';
import { secretReplacer } from '../../src/core/redact';
import { exchangeOf, failure } from '../support/exchange';

const TOKEN_ENDPOINT = 'https://as.example/tenant/token';
// Characters that form encoding changes (RFC 6749 Appendix B), so a mark must cover both spellings.
const CLIENT_SECRET = 'secret+with/slash=and~tilde';
const REFRESH_TOKEN = 'rt.7Fx+q/Zk==-refresh';

function profileWith(clientAuthMethod: ClientAuthMethod): Profile {
  return {
    id: 'p1',
    name: 'Token requests',
    issuer: 'https://as.example/tenant',
    grant: 'client_credentials',
    clientId: 'app-1',
    redirectUri: '',
    scopes: ['api.read', 'api.write'],
    clientAuthMethod,
    authorizeMethod: 'GET',
    responseMode: 'redirect',
    pkce: true,
  };
}

const authFor = (method: ClientAuthMethod) => clientAuthentication(profileWith(method), { clientSecret: CLIENT_SECRET }, TOKEN_ENDPOINT);

const form = (request: HttpRequest) => [...new URLSearchParams(request.body ?? '')];
const header = (request: HttpRequest, name: string) => request.headers?.find(([n]) => n === name)?.[1];

/** The request as it is shown: every marked value replaced by its $VARIABLE. */
function shown(request: HttpRequest): string {
  return secretReplacer(request.secrets ?? [])(JSON.stringify({ url: request.url, headers: request.headers, body: request.body }));
}

describe('token requests without a person', () => {
  describe('client credentials (RFC 6749 §4.4.2)', () => {
    it('posts the grant and the scopes as a form, the client authenticated with Basic', async () => {
      const request = buildClientCredentialsRequest(TOKEN_ENDPOINT, ['api.read', 'api.write'], await authFor('client_secret_basic'));
      assert.equal(request.method, 'POST');
      assert.equal(request.url, TOKEN_ENDPOINT);
      assert.equal(header(request, 'content-type'), 'application/x-www-form-urlencoded');
      assert.equal(header(request, 'accept'), 'application/json');
      assert.deepEqual(form(request), [['grant_type', 'client_credentials'], ['scope', 'api.read api.write']]);
      // §2.3.1: id and secret are form-encoded, joined by ":", then base64 (Basic, RFC 7617).
      const basic = /^Basic (\S+)$/.exec(header(request, 'authorization') ?? '')?.[1] ?? '';
      const [id, secret] = Buffer.from(basic, 'base64').toString().split(':');
      assert.ok(!secret.includes('/') && !secret.includes('+'), `the secret is form-encoded: ${secret}`);
      assert.deepEqual([id, secret].map((part) => decodeURIComponent(part.replace(/\+/g, ' '))), ['app-1', CLIENT_SECRET]);
      assert.deepEqual(
        request.secrets?.map((m) => m.variable),
        ['BASIC_CREDENTIALS', 'CLIENT_SECRET'],
      );
      const text = shown(request);
      assert.ok(!text.includes(basic) && !text.includes(CLIENT_SECRET), text);
      assert.match(text, /Basic \$BASIC_CREDENTIALS/);
    });

    it('sends no scope parameter when the profile lists none', async () => {
      const request = buildClientCredentialsRequest(TOKEN_ENDPOINT, [], await authFor('client_secret_basic'));
      assert.deepEqual(form(request), [['grant_type', 'client_credentials']]);
    });

    it('puts client_id and client_secret after the grant\'s parameters with client_secret_post, marked in both spellings', async () => {
      const request = buildClientCredentialsRequest(TOKEN_ENDPOINT, ['api.read'], await authFor('client_secret_post'));
      assert.deepEqual(form(request), [['grant_type', 'client_credentials'], ['scope', 'api.read'], ['client_id', 'app-1'], ['client_secret', CLIENT_SECRET]]);
      assert.equal(header(request, 'authorization'), undefined);
      assert.deepEqual(request.secrets?.map((m) => m.variable), ['CLIENT_SECRET', 'CLIENT_SECRET_FORM']);
      const text = shown(request);
      assert.ok(!text.includes(CLIENT_SECRET) && !text.includes(new URLSearchParams([['', CLIENT_SECRET]]).toString().slice(1)), text);
    });

    it('a public client (none) names itself and marks nothing', async () => {
      const request = buildClientCredentialsRequest(TOKEN_ENDPOINT, ['api.read'], await authFor('none'));
      assert.deepEqual(form(request), [['grant_type', 'client_credentials'], ['scope', 'api.read'], ['client_id', 'app-1']]);
      assert.deepEqual(request.secrets, []);
    });
  });

  describe('refresh (RFC 6749 §6)', () => {
    it('sends the refresh token as a secret mark, so it never shows', async () => {
      const request = buildRefreshRequest(TOKEN_ENDPOINT, REFRESH_TOKEN, await authFor('none'));
      assert.deepEqual(form(request), [['grant_type', 'refresh_token'], ['refresh_token', REFRESH_TOKEN], ['client_id', 'app-1']]);
      const mark = request.secrets?.find((m) => m.value === REFRESH_TOKEN);
      assert.equal(mark?.variable, 'REFRESH_TOKEN');
      const text = shown(request);
      assert.ok(!text.includes(REFRESH_TOKEN), text);
      assert.ok(!text.includes(new URLSearchParams([['', REFRESH_TOKEN]]).toString().slice(1)), 'nor its form-encoded spelling');
      assert.match(text, /refresh_token=\$REFRESH_TOKEN/);
    });

    it('authenticates a confidential client as for any grant, both secrets marked', async () => {
      const request = buildRefreshRequest(TOKEN_ENDPOINT, REFRESH_TOKEN, await authFor('client_secret_post'));
      assert.deepEqual(form(request), [['grant_type', 'refresh_token'], ['refresh_token', REFRESH_TOKEN], ['client_id', 'app-1'], ['client_secret', CLIENT_SECRET]]);
      assert.deepEqual(request.secrets?.map((m) => m.variable).sort(), ['CLIENT_SECRET', 'CLIENT_SECRET_FORM', 'REFRESH_TOKEN']);
      const text = shown(request);
      assert.ok(!text.includes(REFRESH_TOKEN) && !text.includes(CLIENT_SECRET), text);
    });
  });

  describe('their answers (§5.1, §5.2)', () => {
    const answer = (status: number, json: unknown) => exchangeOf({ method: 'POST', url: TOKEN_ENDPOINT }, { status, json });

    it('a client-credentials answer: an access token and nothing else, marked as a secret of the response', () => {
      const exchange = answer(200, { access_token: 'at-opaque-1', token_type: 'Bearer', expires_in: 3600, scope: 'api.read' });
      assert.deepEqual(readTokenResponse(exchange), { access_token: 'at-opaque-1', token_type: 'Bearer', expires_in: 3600, scope: 'api.read' });
      assert.deepEqual(exchange.response?.secrets.map((m) => [m.variable, m.value]), [['ACCESS_TOKEN', 'at-opaque-1']]);
    });

    it('a refresh answer with a new refresh token marks it too; "bearer" in any case is Bearer', () => {
      const exchange = answer(200, { access_token: 'at-2', token_type: 'bearer', refresh_token: 'rt-2' });
      assert.equal(readTokenResponse(exchange).refresh_token, 'rt-2');
      assert.deepEqual(exchange.response?.secrets.map((m) => m.variable), ['ACCESS_TOKEN', 'REFRESH_TOKEN']);
    });

    it('refusals: the server\'s OAuth error as the code, a missing access token, another token type', () => {
      const refusal = (exchange: ReturnType<typeof answer>) => failure(() => readTokenResponse(exchange));
      const expired = refusal(answer(400, { error: 'invalid_grant', error_description: 'refresh token expired' }));
      assert.equal(expired.code, 'invalid_grant');
      assert.match(expired.message, /refresh token expired \(400\)/);
      assert.equal(refusal(answer(200, { token_type: 'Bearer' })).code, Codes.INVALID_TOKEN_RESPONSE);
      const dpop = answer(200, { access_token: 'at-3', token_type: 'DPoP' });
      assert.equal(refusal(dpop).code, Codes.INVALID_TOKEN_TYPE);
      assert.deepEqual(dpop.response?.secrets.map((m) => m.value), ['at-3'], 'a refused answer\'s token is still marked');
    });
  });
});
