import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import type { ClientAuthentication } from '../../src/core/oauth/clientAuth';
import { buildRevocationRequest, readRevocationResponse } from '../../src/core/oauth/revoke';
import { exchangeOf } from '../support/exchange';

const URL_ = 'https://as.example/as/revoke';
const none: ClientAuthentication = { headers: [], params: [['client_id', 'public-app']], secrets: [] };
const answer = (status: number, json?: unknown, headers?: [string, string][]) => exchangeOf({ method: 'POST', url: URL_ }, { status, json, ...(headers ? { headers } : {}) });

describe('revocation (RFC 7009)', () => {
  it('posts the token, its hint and the client id of a public client; the token is a secret', () => {
    const request = buildRevocationRequest({ endpoint: URL_, token: 'rt-1', tokenTypeHint: 'refresh_token', auth: none });
    assert.equal(request.method, 'POST');
    assert.deepEqual([...new URLSearchParams(request.body)], [['token', 'rt-1'], ['token_type_hint', 'refresh_token'], ['client_id', 'public-app']]);
    assert.deepEqual(request.secrets, [{ variable: 'REFRESH_TOKEN', value: 'rt-1' }]);
  });

  it('takes any 200 as revoked, with or without a body (an unknown token included, §2.2)', () => {
    assert.doesNotThrow(() => readRevocationResponse(answer(200)));
    assert.doesNotThrow(() => readRevocationResponse(answer(200, {})));
  });

  it('reads the §2.2.1 errors as the OAuth error they are', () => {
    assert.throws(
      () => readRevocationResponse(answer(400, { error: 'unsupported_token_type' })),
      (e: unknown) => e instanceof FlowError && e.code === 'unsupported_token_type' && /revoke the other token/.test(e.hint),
    );
    assert.throws(() => readRevocationResponse(answer(401, { error: 'invalid_client' })), (e: unknown) => e instanceof FlowError && e.code === 'invalid_client');
  });

  it('says a 503 means the token is still valid, with Retry-After when sent', () => {
    assert.throws(
      () => readRevocationResponse(answer(503, undefined, [['retry-after', '30']])),
      (e: unknown) => e instanceof FlowError && e.code === 'REVOCATION_UNAVAILABLE' && /Retry-After 30/.test(e.message) && /still valid/.test(e.message),
    );
  });

  it('fails any other status', () => {
    assert.throws(() => readRevocationResponse(answer(404)), (e: unknown) => e instanceof FlowError && e.code !== 'REVOCATION_UNAVAILABLE');
  });
});
