import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import type { Exchange } from '../../src/core/model';
import { readResumeResponse } from '../../src/core/pingone/resume';

/** A recorded 302 from /as/resume, as the transport would produce it. */
function redirect(location: string): Exchange {
  return {
    request: { method: 'GET', url: 'https://auth.example/env/as/resume?flowId=f1', headers: [], secrets: [] },
    response: { status: 302, statusText: 'Found', headers: [['location', location]], body: '', size: 0, secrets: [] },
    timing: { connect: 0, ttfb: 1, total: 1 },
    cookies: { sent: [], set: [] },
  };
}

const expected = { state: 's1', redirectUri: 'https://app.example/cb', issuer: 'https://auth.example/env/as' };

describe('resume response', () => {
  it('reads code and state from the Location query or fragment', () => {
    assert.equal(readResumeResponse(redirect('https://app.example/cb?code=c1&state=s1'), expected).code, 'c1');
    assert.equal(readResumeResponse(redirect('https://app.example/cb#code=c2&state=s1'), expected).code, 'c2');
  });

  it('checks iss when the response carries it (RFC 9207) and refuses another issuer', () => {
    const ok = readResumeResponse(redirect(`https://app.example/cb?code=c1&state=s1&iss=${encodeURIComponent(expected.issuer)}`), expected);
    assert.ok(ok.checks.some((c) => c.name === 'Issuer' && c.status === 'passed'));
    assert.throws(
      () => readResumeResponse(redirect('https://app.example/cb?code=c1&state=s1&iss=https%3A%2F%2Fevil.example%2Fas'), expected),
      (e: unknown) => e instanceof FlowError && e.code === 'ISSUER_MISMATCH',
    );
  });

  it('turns an error redirect into the OAuth error, and a redirect elsewhere into a failed check', () => {
    assert.throws(
      () => readResumeResponse(redirect('https://app.example/cb?error=access_denied&error_description=nope&state=s1'), expected),
      (e: unknown) => e instanceof FlowError && e.code === 'access_denied' && /nope/.test(e.message),
    );
    const elsewhere = readResumeResponse(redirect('https://other.example/cb?code=c1&state=s1'), expected);
    assert.ok(elsewhere.checks.some((c) => c.name === 'Redirect URI' && c.status === 'failed'));
  });

  for (const location of ['http://[::1', '//%%']) {
    it(`an unparsable Location (${location}) is INVALID_LOCATION quoting it`, () => {
      assert.throws(
        () => readResumeResponse(redirect(location), expected),
        (e: unknown) => e instanceof FlowError && e.code === 'INVALID_LOCATION' && e.message.includes(JSON.stringify(location)),
      );
    });
  }

  it('a hostile Location is quoted as received, not normalised', () => {
    for (const location of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>']) {
      assert.throws(
        () => readResumeResponse(redirect(location), expected),
        (e: unknown) => e instanceof FlowError && e.code === 'NO_CODE' && e.message.includes(JSON.stringify(location)),
      );
    }
  });

  it('names the redirect target as received when it is not the redirect URI', () => {
    const location = 'com.example.app:/callback?code=c1&state=s1';
    const check = readResumeResponse(redirect(location), expected).checks.find((c) => c.name === 'Redirect URI');
    assert.equal(check?.status, 'failed');
    assert.match(check?.detail ?? '', /"com\.example\.app:\/callback"/);
    const native = readResumeResponse(redirect(location), { ...expected, redirectUri: 'com.example.app:/callback' });
    assert.equal(native.checks.find((c) => c.name === 'Redirect URI')?.status, 'passed');
  });
});
