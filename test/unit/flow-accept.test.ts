/**
 * The flows API requests ask for any media type: PingOne can answer `Accept: application/json` on
 * /flows with 406 (docs/pingone.md §2), and its sample apps send `Accept: *\/*`.
 */
import assert from 'node:assert/strict';
import { buildFlowActionRequest, buildFlowStatusRequest, readFlowResponse } from '../../src/core/pingone/flow';
import type { HttpRequest } from '../../src/core/http';
import { pingOneEndpoints } from '../../src/core/pingone/endpoints';
import { exchangeOf } from '../support/exchange';

const endpoints = pingOneEndpoints({ region: 'custom', authPath: 'https://auth.example', envId: 'env' });

/** Every Accept header of the request, by any capitalisation. */
const accepts = (request: HttpRequest) => (request.headers ?? []).filter(([name]) => name.toLowerCase() === 'accept').map(([, value]) => value);

describe('flows API Accept header', () => {
  it('the flow status request sends Accept: */* once', () => {
    assert.deepEqual(accepts(buildFlowStatusRequest(endpoints, 'f1')), ['*/*']);
  });

  it('a sign-on action sends Accept: */* beside its vendor content type', () => {
    const flow = readFlowResponse(
      exchangeOf(
        { url: `${endpoints.flows}/f1` },
        { status: 200, json: { id: 'f1', status: 'USERNAME_PASSWORD_REQUIRED', _links: { 'usernamePassword.check': { href: `${endpoints.flows}/f1` } } } },
      ),
    );
    const request = buildFlowActionRequest(endpoints, flow, 'usernamePassword.check', { username: 'ada', password: 'pw' });
    assert.deepEqual(accepts(request), ['*/*']);
    assert.deepEqual(request.headers?.find(([name]) => name === 'content-type'), ['content-type', 'application/vnd.pingidentity.usernamePassword.check+json']);
  });
});
