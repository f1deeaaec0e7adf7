import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import type { ClientAuthentication } from '../../src/core/oauth/clientAuth';
import { buildIntrospectionRequest, readIntrospectionResponse } from '../../src/core/oauth/introspect';
import { exchangeOf } from '../support/exchange';

const URL_ = 'https://as.example/as/introspect';
const basic: ClientAuthentication = { headers: [['authorization', 'Basic YXBwOnNlY3JldA==']], params: [], secrets: [{ variable: 'BASIC_CREDENTIALS', value: 'YXBwOnNlY3JldA==' }] };
const post: ClientAuthentication = { headers: [], params: [['client_id', 'app'], ['client_secret', 's3cret']], secrets: [{ variable: 'CLIENT_SECRET', value: 's3cret' }] };

const answer = (status: number, json?: unknown, body?: string) => exchangeOf({ method: 'POST', url: URL_ }, { status, json, body, ...(body ? { headers: [['content-type', 'text/html']] } : {}) });

describe('introspection (RFC 7662)', () => {
  it('posts the token and its hint as a form, with the client authentication, and marks the token secret', () => {
    const request = buildIntrospectionRequest({ endpoint: URL_, token: 'tok.en+/=', tokenTypeHint: 'access_token', auth: basic });
    assert.equal(request.method, 'POST');
    assert.equal(request.url, URL_);
    assert.deepEqual([...new URLSearchParams(request.body)], [['token', 'tok.en+/='], ['token_type_hint', 'access_token']]);
    assert.ok(request.headers?.some(([n, v]) => n === 'authorization' && v === 'Basic YXBwOnNlY3JldA=='));
    assert.ok(request.headers?.some(([n, v]) => n === 'content-type' && v === 'application/x-www-form-urlencoded'));
    assert.deepEqual(request.secrets?.map((s) => [s.variable, s.value]), [['BASIC_CREDENTIALS', 'YXBwOnNlY3JldA=='], ['ACCESS_TOKEN', 'tok.en+/=']]);
  });

  it('puts client_secret_post credentials in the body after the token', () => {
    const request = buildIntrospectionRequest({ endpoint: URL_, token: 'r1', tokenTypeHint: 'refresh_token', auth: post });
    assert.deepEqual([...new URLSearchParams(request.body)], [['token', 'r1'], ['token_type_hint', 'refresh_token'], ['client_id', 'app'], ['client_secret', 's3cret']]);
    assert.equal(request.secrets?.at(-1)?.variable, 'REFRESH_TOKEN');
  });

  it('reads an active token and its claims', () => {
    const result = readIntrospectionResponse(answer(200, { active: true, scope: 'openid', client_id: 'app', exp: 1_800_000_000 }));
    assert.deepEqual(result, { active: true, claims: { scope: 'openid', client_id: 'app', exp: 1_800_000_000 } });
  });

  it('reads an inactive token as an answer, not a failure', () => {
    assert.deepEqual(readIntrospectionResponse(answer(200, { active: false })), { active: false, claims: {} });
  });

  it('refuses an answer without a boolean active', () => {
    for (const json of [{ scope: 'openid' }, { active: 'true' }]) {
      assert.throws(() => readIntrospectionResponse(answer(200, json)), (e: unknown) => e instanceof FlowError && e.code === 'INVALID_INTROSPECTION');
    }
  });

  it('turns an RFC 6749 error into that error, and an HTML page into UNEXPECTED_HTML', () => {
    assert.throws(() => readIntrospectionResponse(answer(401, { error: 'invalid_client', error_description: 'who are you' })), (e: unknown) => e instanceof FlowError && e.code === 'invalid_client' && /who are you/.test(e.message));
    assert.throws(() => readIntrospectionResponse(answer(200, undefined, '<html><title>Login</title></html>')), (e: unknown) => e instanceof FlowError && e.code === 'UNEXPECTED_HTML');
  });
});
