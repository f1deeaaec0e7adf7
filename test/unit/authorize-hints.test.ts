/**
 * The hint of a failed authorize names only what that answer had: no flow exists yet, so no `_links`
 * to check against; the client is not authenticated at authorize, so no secret or token endpoint method.
 */
import assert from 'node:assert/strict';
import { readAuthorizeResponse } from '../../src/core/pingone/authorize';
import type { Profile } from '../../src/core/profile';
import { exchangeOf, failure, redirectExchange } from '../support/exchange';

const authorizeUrl = 'https://auth.example/env/as/authorize?client_id=c';
const redirect = { responseMode: 'redirect' } as Profile;
const piFlow = { responseMode: 'pi.flow' } as Profile;

describe('authorize failure hints', () => {
  it('a platform error at authorize does not point at a flow\'s _links (there is no flow yet)', () => {
    const body = { id: 'e1', code: 'INVALID_DATA', message: 'The request could not be completed.', details: [{ code: 'INVALID_VALUE', target: 'acr_values', message: 'Unknown policy.' }] };
    const error = failure(() => readAuthorizeResponse(exchangeOf({ url: authorizeUrl }, { status: 400, json: body }), piFlow));
    assert.equal(error.code, 'INVALID_VALUE');
    assert.ok(!/_links|flow's/.test(error.hint), error.hint);
    assert.match(error.hint, /acr_values/, 'names the parameter the server named');
  });

  for (const [how, exchange] of [
    ['in the redirect (302)', redirectExchange(authorizeUrl, 'http://localhost:8765/callback?error=invalid_client&error_description=unknown&state=s')],
    ['as JSON (400)', exchangeOf({ url: authorizeUrl }, { status: 400, json: { error: 'invalid_client', error_description: 'unknown' } })],
  ] as const) {
    it(`invalid_client at authorize ${how} is about the client ID, not a secret or the token endpoint`, () => {
      const error = failure(() => readAuthorizeResponse(exchange, redirect));
      assert.equal(error.code, 'invalid_client');
      assert.match(error.hint, /client ID/);
      assert.ok(!/secret|Token Endpoint|_links/i.test(error.hint), error.hint);
    });
  }

  it('any other error redirect keeps its code\'s own advice', () => {
    const error = failure(() => readAuthorizeResponse(redirectExchange(authorizeUrl, 'http://localhost:8765/callback?error=access_denied&state=s'), redirect));
    assert.equal(error.code, 'access_denied');
    assert.match(error.hint, /sign-on policy/);
    assert.ok(!/_links/.test(error.hint), error.hint);
  });
});
