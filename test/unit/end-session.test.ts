import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import { buildEndSessionRequest, readEndSessionResponse } from '../../src/core/oauth/endSession';
import { exchangeOf, redirectExchange } from '../support/exchange';

const ENDPOINT = 'https://auth.example/env/as/signoff';
const AFTER = 'https://app.example/signed-out';

describe('end session (OIDC RP-Initiated Logout)', () => {
  it('sends id_token_hint, post_logout_redirect_uri, state and client_id as a query, the hint marked secret', () => {
    const request = buildEndSessionRequest({ endpoint: ENDPOINT, clientId: 'app', idTokenHint: 'eyJ.a.b', postLogoutRedirectUri: AFTER, state: 'st1' });
    assert.equal(request.method, 'GET');
    const url = new URL(request.url);
    assert.equal(`${url.origin}${url.pathname}`, ENDPOINT);
    assert.deepEqual(Object.fromEntries(url.searchParams), { id_token_hint: 'eyJ.a.b', post_logout_redirect_uri: AFTER, state: 'st1', client_id: 'app' });
    assert.deepEqual(request.secrets, [{ variable: 'ID_TOKEN', value: 'eyJ.a.b' }]);
  });

  it('sends no state without a post-logout URI, and no hint without an ID token', () => {
    const url = new URL(buildEndSessionRequest({ endpoint: ENDPOINT, clientId: 'app', state: 'st1' }).url);
    assert.deepEqual(Object.fromEntries(url.searchParams), { client_id: 'app' });
  });

  it('reads a redirect to the post-logout URI and checks its state', () => {
    const result = readEndSessionResponse(redirectExchange(ENDPOINT, `${AFTER}?state=st1`), { postLogoutRedirectUri: AFTER, state: 'st1' });
    assert.equal(result.outcome, 'redirected');
    assert.ok(result.outcome === 'redirected' && result.checks.some((c) => c.code === 'state' && c.status === 'passed'));
    const wrong = readEndSessionResponse(redirectExchange(ENDPOINT, `${AFTER}?state=other`), { postLogoutRedirectUri: AFTER, state: 'st1' });
    assert.ok(wrong.outcome === 'redirected' && wrong.checks.some((c) => c.code === 'state' && c.status === 'failed' && /"other"/.test(c.detail)));
    const missing = readEndSessionResponse(redirectExchange(ENDPOINT, AFTER), { postLogoutRedirectUri: AFTER, state: 'st1' });
    assert.ok(missing.outcome === 'redirected' && missing.checks.some((c) => c.code === 'state' && c.status === 'failed' && /no state/.test(c.detail)));
  });

  it('refuses a redirect somewhere other than the post-logout URI', () => {
    assert.throws(
      () => readEndSessionResponse(redirectExchange(ENDPOINT, 'https://evil.example/x?state=st1'), { postLogoutRedirectUri: AFTER, state: 'st1' }),
      (e: unknown) => e instanceof FlowError && e.code === 'SIGNOFF_ELSEWHERE',
    );
  });

  it('reads a 200 page with a form as a confirmation the person must give, and one without as signed off', () => {
    const confirm = exchangeOf({ url: ENDPOINT }, { status: 200, headers: [['content-type', 'text/html']], body: '<html><head><title>Logout</title></head><body><form method="post" action="/x"><button>Yes</button></form></body></html>' });
    assert.deepEqual(readEndSessionResponse(confirm, { postLogoutRedirectUri: AFTER, state: 's' }), { outcome: 'page', confirm: true, title: 'Logout' });
    const done = exchangeOf({ url: ENDPOINT }, { status: 200, headers: [['content-type', 'text/html']], body: '<p>Signed off.</p>' });
    assert.deepEqual(readEndSessionResponse(done, {}), { outcome: 'page', confirm: false });
  });

  it('fails an error answer with the error it carries', () => {
    assert.throws(
      () => readEndSessionResponse(exchangeOf({ url: ENDPOINT }, { status: 400, json: { error: 'invalid_request', error_description: 'post_logout_redirect_uri is not registered' } }), { postLogoutRedirectUri: AFTER }),
      (e: unknown) => e instanceof FlowError && e.code === 'invalid_request' && /not registered/.test(e.message),
    );
  });
});
