/**
 * The checks the resume step makes before a code may be used, one rule at a time: the authorization
 * response comes from a 3xx Location (query or fragment) or a pi.flow 200's `authorizeResponse`
 * (RFC 6749 §4.1.2), state must be the one sent (RFC 6749 §10.12), iss when present must be the issuer
 * asked (RFC 9207 §2.4), the redirect goes to the registered redirect URI (RFC 6749 §3.1.2); and an
 * error says what came back, quoted as received.
 */
import assert from 'node:assert/strict';
import { failure } from '../support/exchange';
import { CheckCodes } from '../../src/core/codes';
import { FlowError } from '../../src/core/errors';
import type { Exchange } from '../../src/core/model';
import { pingOneEndpoints } from '../../src/core/pingone/endpoints';
import { buildResumeRequest, readResumeResponse } from '../../src/core/pingone/resume';

const ISSUER = 'https://auth.example.com/env/as';
const expected = { state: 's-1', redirectUri: 'https://app.example/cb', issuer: ISSUER };

function answer(status: number, fields: { location?: string; json?: unknown; body?: string } = {}): Exchange {
  const body = fields.body ?? (fields.json === undefined ? '' : JSON.stringify(fields.json));
  return {
    request: { method: 'GET', url: `${ISSUER}/resume?flowId=f1`, headers: [], secrets: [] },
    response: {
      status,
      statusText: '',
      headers: [...(fields.location === undefined ? [] : [['location', fields.location] as [string, string]]), ...(fields.json === undefined ? [] : [['content-type', 'application/json'] as [string, string]])],
      body,
      ...(fields.json === undefined ? {} : { json: fields.json }),
      size: body.length,
      secrets: [],
    },
    timing: { connect: 0, ttfb: 1, total: 1 },
    cookies: { sent: [], set: [] },
  };
}

const redirect = (location: string, status = 302) => answer(status, { location });
const piFlow = (authorizeResponse: unknown) => answer(200, { json: { id: 'f1', status: 'COMPLETED', authorizeResponse } });

describe('resume checks', () => {
  it('resumes the flow at the resume endpoint with the flowId as a query parameter', () => {
    const endpoints = pingOneEndpoints({ region: 'NA', envId: '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f' });
    assert.deepEqual(buildResumeRequest(endpoints, 'f 1&x=2'), {
      method: 'GET',
      url: 'https://auth.pingone.com/8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f/as/resume?flowId=f+1%26x%3D2',
    });
  });

  describe('where the authorization response is read from', () => {
    it('any 3xx with a Location, the query or else the fragment', () => {
      for (const status of [300, 302, 303, 307, 399]) {
        assert.equal(readResumeResponse(redirect('https://app.example/cb?code=c1&state=s-1', status), expected).code, 'c1', String(status));
      }
      const fragment = readResumeResponse(redirect('https://app.example/cb#code=c2&state=s-1'), expected);
      assert.deepEqual([fragment.code, fragment.state, fragment.location], ['c2', 's-1', 'https://app.example/cb#code=c2&state=s-1']);
    });

    it('a 4xx is an error whatever Location it carries', () => {
      const error = failure(() => readResumeResponse(answer(400, { location: 'https://app.example/cb?code=c1&state=s-1', json: { error: 'invalid_request', error_description: 'bad flow' } }), expected));
      assert.equal(error.code, 'invalid_request');
      assert.match(error.message, /bad flow/);
    });

    it('a 3xx without a Location names the resume response', () => {
      const error = failure(() => readResumeResponse(answer(302), expected));
      assert.equal(error.code, 'NO_LOCATION');
      assert.equal(error.message, 'The resume response is a 302 without a Location header.');
    });

    it('pi.flow: the string parameters of authorizeResponse in a 200, with no redirect check', () => {
      const result = readResumeResponse(piFlow({ code: 'c3', state: 's-1', iss: ISSUER, expires_in: 60 }), expected);
      assert.equal(result.code, 'c3');
      assert.equal(result.location, undefined);
      assert.deepEqual(result.checks.map((c) => c.name), ['State', 'Issuer']);
      // A code or state that is not a JSON string is not the one issued or sent.
      assert.equal(failure(() => readResumeResponse(piFlow({ code: 42, state: 's-1' }), expected)).code, 'NO_CODE');
      assert.equal(failure(() => readResumeResponse(piFlow({ code: 'c3', state: 1 }), { ...expected, state: '1' })).code, 'STATE_MISMATCH');
    });

    it('pi.flow: no authorization response in anything but a 200 holding authorizeResponse', () => {
      const notFound = failure(() => readResumeResponse(answer(404, { json: { code: 'NOT_FOUND', message: 'no flow', authorizeResponse: { code: 'c', state: 's-1' } } }), expected));
      assert.equal(notFound.code, 'FLOW_NOT_FOUND');
      assert.throws(() => readResumeResponse(answer(201, { json: { authorizeResponse: { code: 'c', state: 's-1' } } }), expected), FlowError);
      const stillRunning = failure(() => readResumeResponse(answer(200, { json: { id: 'f1', status: 'USERNAME_PASSWORD_REQUIRED' } }), expected));
      assert.equal(stillRunning.code, 'HTTP_ERROR');
      assert.equal(stillRunning.message, 'The resume response failed with status 200.');
      const empty = failure(() => readResumeResponse(answer(500), expected));
      assert.equal(empty.code, 'EMPTY_RESPONSE');
      assert.match(empty.message, /the resume response/);
    });
  });

  describe('errors and missing codes', () => {
    it('an error redirect is the OAuth error, with where it was sent and the state it carried', () => {
      const location = 'https://app.example/cb?error=access_denied&error_description=denied+by+policy&state=s-1';
      const error = failure(() => readResumeResponse(redirect(location), expected));
      assert.equal(error.code, 'access_denied');
      assert.equal(error.message, 'The server answered access_denied: denied by policy (redirect 302).');
      assert.deepEqual(error.detail, { location, state: 's-1' });
      const inBody = failure(() => readResumeResponse(piFlow({ error: 'login_required' }), expected));
      assert.equal(inBody.message, 'The server answered login_required (200).');
    });

    it('neither code nor error: NO_CODE, naming the redirect as received, or nothing when there was none', () => {
      const error = failure(() => readResumeResponse(redirect('https://app.example/cb?state=s-1'), expected));
      assert.equal(error.code, 'NO_CODE');
      assert.equal(error.message, 'The authorization response (redirect to "https://app.example/cb?state=s-1") carries neither a code nor an error.');
      assert.match(error.hint, /response_type=code/);
      assert.deepEqual(error.detail, { location: 'https://app.example/cb?state=s-1' });
      const piFlowError = failure(() => readResumeResponse(piFlow({ state: 's-1' }), expected));
      assert.equal(piFlowError.message, 'The authorization response carries neither a code nor an error.');
    });
  });

  describe('state (RFC 6749 §10.12)', () => {
    it('passes only the state this run sent', () => {
      const result = readResumeResponse(redirect('https://app.example/cb?code=c1&state=s-1'), expected);
      assert.deepEqual(result.checks, [
        { code: CheckCodes.STATE, name: 'State', status: 'passed', detail: 'state matches the one sent on authorize' },
        { code: CheckCodes.REDIRECT_URI, name: 'Redirect URI', status: 'passed', detail: 'redirects to https://app.example/cb' },
      ]);
      assert.equal(result.state, 's-1');
    });

    it('refuses another or a missing state, quoting it, and says not to use the code', () => {
      const location = 'https://app.example/cb?code=c1&state=s-2%22';
      const other = failure(() => readResumeResponse(redirect(location), expected));
      assert.equal(other.code, 'STATE_MISMATCH');
      assert.equal(other.message, `The state in the authorization response (redirect to ${JSON.stringify(location)}) ("s-2\\"") is not the one this run sent (s-1).`);
      assert.match(other.hint, /do not use its code/);
      assert.deepEqual(other.detail, { location, state: 's-2"' });
      const missing = failure(() => readResumeResponse(piFlow({ code: 'c1' }), expected));
      assert.equal(missing.code, 'STATE_MISMATCH');
      assert.equal(missing.message, 'The state in the authorization response (missing) is not the one this run sent (s-1).');
    });
  });

  describe('issuer (RFC 9207)', () => {
    it('passes the issuer asked, refuses another, quoting it, and says not to use the code', () => {
      const ok = readResumeResponse(redirect(`https://app.example/cb?code=c1&state=s-1&iss=${encodeURIComponent(ISSUER)}`), expected);
      assert.deepEqual(ok.checks.find((c) => c.name === 'Issuer'), { code: CheckCodes.RESPONSE_ISSUER, name: 'Issuer', status: 'passed', detail: `iss is ${ISSUER} (RFC 9207)` });
      const location = 'https://app.example/cb?code=c1&state=s-1&iss=https%3A%2F%2Fevil.example%2Fas';
      const error = failure(() => readResumeResponse(redirect(location), expected));
      assert.equal(error.code, 'ISSUER_MISMATCH');
      assert.equal(error.message, `The authorization response comes from issuer "https://evil.example/as", not ${ISSUER}.`);
      assert.match(error.hint, /Do not use its code/);
      assert.deepEqual(error.detail, { location, iss: 'https://evil.example/as' });
    });

    it('makes no issuer check when the response names none, or no issuer is known', () => {
      assert.ok(!readResumeResponse(redirect('https://app.example/cb?code=c1&state=s-1'), expected).checks.some((c) => c.name === 'Issuer'));
      const { issuer: _, ...noIssuer } = expected;
      const unknown = readResumeResponse(redirect('https://app.example/cb?code=c1&state=s-1&iss=https%3A%2F%2Fany.example'), noIssuer);
      assert.deepEqual(unknown.checks.map((c) => c.name), ['State', 'Redirect URI']);
    });
  });

  describe('redirect URI (RFC 6749 §3.1.2)', () => {
    it('compares the target without query and fragment, and names a wrong one without them', () => {
      const registered = { ...expected, redirectUri: 'https://app.example/cb?tenant=a' };
      const same = readResumeResponse(redirect('https://app.example/cb#code=c1&state=s-1'), registered);
      assert.deepEqual(same.checks.find((c) => c.name === 'Redirect URI'), { code: CheckCodes.REDIRECT_URI, name: 'Redirect URI', status: 'passed', detail: 'redirects to https://app.example/cb?tenant=a' });
      const elsewhere = readResumeResponse(redirect('https://evil.example/cb#code=c1&state=s-1'), expected);
      assert.deepEqual(elsewhere.checks.find((c) => c.name === 'Redirect URI'), {
        code: CheckCodes.REDIRECT_URI,
        name: 'Redirect URI',
        status: 'failed',
        detail: `redirects to "https://evil.example/cb", not https://app.example/cb`,
      });
      const otherPath = readResumeResponse(redirect('https://app.example/cb2?code=c1&state=s-1'), expected);
      assert.equal(otherPath.checks.find((c) => c.name === 'Redirect URI')?.status, 'failed');
    });

    it('makes no redirect check without a registered redirect URI (pi.flow may have none)', () => {
      const { redirectUri: _, ...noRedirect } = expected;
      assert.deepEqual(readResumeResponse(redirect('https://app.example/cb?code=c1&state=s-1'), noRedirect).checks.map((c) => c.name), ['State']);
    });
  });
});
