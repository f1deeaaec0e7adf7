import assert from 'node:assert/strict';
import { readAuthorizeResponse } from '../../src/core/pingone/authorize';
import type { Profile } from '../../src/core/profile';
import { exchangeOf, failure, redirectExchange } from '../support/exchange';

const profile = { responseMode: 'redirect' } as Profile;
const authorizeUrl = 'https://auth.example/env/as/authorize?client_id=c';

describe('authorize response', () => {
  it('reads the flowId from the sign-on page redirect', () => {
    const result = readAuthorizeResponse(redirectExchange(authorizeUrl, 'https://apps.example/env/signon/?flowId=f1'), profile);
    assert.equal(result.flowId, 'f1');
  });

  for (const location of ['http://[::1', '//%%', 'https://exa mple.com/?flowId=f1', 'http://host:99999/']) {
    it(`an unparsable Location (${location}) is INVALID_LOCATION quoting it`, () => {
      const error = failure(() => readAuthorizeResponse(redirectExchange(authorizeUrl, location), profile));
      assert.equal(error.code, 'INVALID_LOCATION');
      assert.ok(error.message.includes(JSON.stringify(location)), error.message);
    });
  }

  for (const location of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'https://apps.example/login?x=%2F..%2F']) {
    it(`a Location without a flowId (${location}) is quoted as received`, () => {
      const error = failure(() => readAuthorizeResponse(redirectExchange(authorizeUrl, location), profile));
      assert.equal(error.code, 'NO_FLOW_ID');
      assert.ok(error.message.includes(JSON.stringify(location)), error.message);
    });
  }

  it('a pi.flow answer whose flow has the wrong shape is INVALID_FLOW, not a status failure', () => {
    const json = { id: 'f1', status: 'USERNAME_PASSWORD_REQUIRED', _embedded: { devices: 'none' } };
    const error = failure(() => readAuthorizeResponse(exchangeOf({ url: authorizeUrl }, { status: 200, json }), { responseMode: 'pi.flow' } as Profile));
    assert.equal(error.code, 'INVALID_FLOW');
  });
});
