/**
 * Pushed authorization requests (RFC 9126) on canned exchanges: the push carries the authorize
 * parameters and the client authentication, the answer's request_uri is read, and the authorize
 * request that follows carries only client_id and request_uri.
 */
import assert from 'node:assert/strict';
import { Codes } from '../../src/core/codes';
import { authorizeRequestParameters, buildAuthorizeRequest, type AuthorizeInput } from '../../src/core/oauth/authorize';
import type { ClientAuthentication } from '../../src/core/oauth/clientAuth';
import { buildParRequest, readParResponse } from '../../src/core/oauth/par';
import type { Profile } from '../../src/core/profile';
import { exchangeOf, failure } from '../support/exchange';

const PAR = 'https://as.example/par';
const REQUEST_URI = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c';
const profile = {
  id: 'p',
  name: 'P',
  issuer: 'https://as.example',
  clientId: 'app-1',
  redirectUri: 'http://127.0.0.1:53682/callback',
  scopes: ['openid', 'profile'],
  clientAuthMethod: 'client_secret_post',
  authorizeMethod: 'GET',
  responseMode: 'redirect',
  pkce: true,
  par: true,
} as Profile;
const input: AuthorizeInput = {
  profile,
  endpoints: { issuer: 'https://as.example', authorize: 'https://as.example/authorize' },
  state: 'st-1',
  nonce: 'n-1',
  codeChallenge: 'ch-1',
  secrets: { clientSecret: 's3cret' },
};
const post: ClientAuthentication = {
  headers: [],
  params: [['client_id', 'app-1'], ['client_secret', 's3cret']],
  secrets: [{ variable: 'CLIENT_SECRET', value: 's3cret' }],
};
const basic: ClientAuthentication = { headers: [['authorization', 'Basic YXBwLTE6czNjcmV0']], params: [], secrets: [{ variable: 'BASIC_CREDENTIALS', value: 'YXBwLTE6czNjcmV0' }] };

describe('pushed authorization request (RFC 9126 §2.1)', () => {
  it('posts every authorize parameter with the client authentication, client_id once', async () => {
    const { params } = await authorizeRequestParameters(input);
    const request = buildParRequest(PAR, params, post);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, PAR);
    const form = new URLSearchParams(request.body);
    assert.deepEqual(form.getAll('client_id'), ['app-1']);
    assert.equal(form.get('client_secret'), 's3cret');
    assert.equal(form.get('response_type'), 'code');
    assert.equal(form.get('redirect_uri'), profile.redirectUri);
    assert.equal(form.get('scope'), 'openid profile');
    assert.equal(form.get('state'), 'st-1');
    assert.equal(form.get('nonce'), 'n-1');
    assert.equal(form.get('code_challenge'), 'ch-1');
    assert.equal(form.get('code_challenge_method'), 'S256');
    assert.deepEqual(request.secrets, post.secrets);
  });

  it('with Basic authentication, the form keeps its client_id and the header carries the secret', async () => {
    const request = buildParRequest(PAR, (await authorizeRequestParameters(input)).params, basic);
    assert.deepEqual(new URLSearchParams(request.body).getAll('client_id'), ['app-1']);
    assert.equal(new URLSearchParams(request.body).get('client_secret'), null);
    assert.ok(request.headers?.some(([name, value]) => name === 'authorization' && value.startsWith('Basic ')));
  });
});

describe('pushed authorization response (RFC 9126 §2.2–2.3)', () => {
  for (const status of [201, 200]) {
    it(`reads request_uri and expires_in from a ${status}`, () => {
      assert.deepEqual(readParResponse(exchangeOf({ method: 'POST', url: PAR }, { status, json: { request_uri: REQUEST_URI, expires_in: 60 } })), { requestUri: REQUEST_URI, expiresIn: 60 });
    });
  }

  it('an answer without request_uri is INVALID_PAR_RESPONSE', () => {
    assert.equal(failure(() => readParResponse(exchangeOf({ url: PAR }, { status: 201, json: { expires_in: 60 } }))).code, Codes.INVALID_PAR_RESPONSE);
    assert.equal(failure(() => readParResponse(exchangeOf({ url: PAR }, { status: 201, json: { request_uri: REQUEST_URI } }))).code, Codes.INVALID_PAR_RESPONSE);
  });

  it('an error is the server\'s refusal', () => {
    const error = failure(() => readParResponse(exchangeOf({ url: PAR }, { status: 400, json: { error: 'invalid_request', error_description: 'redirect_uri is not registered' } })));
    assert.equal(error.code, 'invalid_request');
    assert.match(error.message, /redirect_uri is not registered/);
  });
});

describe('authorize with a request_uri (RFC 9126 §4)', () => {
  it('GET carries only client_id and request_uri', async () => {
    const { request, requestObject } = await buildAuthorizeRequest({ ...input, requestUri: REQUEST_URI });
    const url = new URL(request.url);
    assert.equal(`${url.origin}${url.pathname}`, 'https://as.example/authorize');
    assert.deepEqual([...url.searchParams], [['client_id', 'app-1'], ['request_uri', REQUEST_URI]]);
    assert.equal(requestObject, undefined);
  });

  it('POST carries them as the form, and no request object even when the profile signs one', async () => {
    const signing = { ...profile, authorizeMethod: 'POST', requestObject: { alg: 'HS256' } } as Profile;
    const { request, requestObject } = await buildAuthorizeRequest({ ...input, profile: signing, requestUri: REQUEST_URI });
    assert.equal(request.method, 'POST');
    assert.deepEqual([...new URLSearchParams(request.body)], [['client_id', 'app-1'], ['request_uri', REQUEST_URI]]);
    assert.equal(requestObject, undefined);
    // Without PAR the same profile sends the signed request object.
    const direct = await buildAuthorizeRequest({ ...input, profile: signing });
    assert.ok(direct.requestObject);
    assert.equal(new URLSearchParams(direct.request.body).get('request'), direct.requestObject);
  });
});
