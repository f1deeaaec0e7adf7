/**
 * Fuzzing the two readers of a redirect's `Location` — the authorize 302 (flowId) and the resume 302
 * (the authorization response) — with recorded exchanges carrying arbitrary Locations, statuses and
 * bodies: every input yields a result or a FlowError the timeline can show, never an uncaught
 * exception or an INTERNAL ("this is a bug") error.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readAuthorizeResponse } from '../../src/core/pingone/authorize';
import type { Exchange } from '../../src/core/model';
import type { Profile } from '../../src/core/profile';
import { readResumeResponse } from '../../src/core/pingone/resume';
import { fuzz, jsonInputs, readsOrFailsClearly, textInputs } from '../support/fuzz';

const issuer = 'https://auth.example/env/as';
const expected = { state: 's1', redirectUri: 'https://app.example/cb', issuer };

const locations = [
  'https://apps.pingone.com/env/signon/?flowId=03f1c2d4e5',
  '/env/signon/?flowId=f1',
  'https://app.example/cb?code=c1&state=s1',
  `https://app.example/cb?code=c1&state=s1&iss=${encodeURIComponent(issuer)}`,
  'https://app.example/cb#code=c1&state=s1',
  'https://app.example/cb?error=access_denied&error_description=User%20said%20no&state=s1',
  'com.example.app:/callback?code=c1&state=s1',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'http://[::1]:8080/cb?code=c1&state=s1',
  '//evil.example/cb?code=c1&state=s1',
];

const samples = [
  { id: 'f1', status: 'USERNAME_PASSWORD_REQUIRED', _links: { self: { href: 'https://auth.example/env/flows/f1' } } },
  { id: 'f1', status: 'COMPLETED', authorizeResponse: { code: 'c1', state: 's1' } },
  { error: 'invalid_request', error_description: 'bad' },
  { id: 'e1', code: 'NOT_FOUND', message: 'gone', details: [{ code: 'INVALID_VALUE', target: 'flowId', message: 'no' }] },
];
// Mostly no body, as on a redirect; reshaped bodies for the other statuses (the flow fuzz covers them in depth).
const bodies = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.constantFrom(...samples), weight: 1 }, { arbitrary: jsonInputs(samples), weight: 1 });

const status = fc.oneof(fc.constantFrom(200, 301, 302, 303, 307, 308), fc.integer({ min: 100, max: 599 }));

const exchanges: fc.Arbitrary<Exchange> = fc
  .record({
    status,
    location: fc.option(textInputs(locations), { nil: undefined }),
    body: bodies,
    requestUrl: fc.constantFrom(`${issuer}/authorize?client_id=c`, `${issuer}/resume?flowId=f1`),
  })
  .map(({ status, location, body, requestUrl }) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    return {
      request: { method: 'GET', url: requestUrl, headers: [], secrets: [] },
      response: {
        status,
        statusText: '',
        headers: [...(location === undefined ? [] : [['location', location] as [string, string]]), ...(body === undefined ? [] : [['content-type', 'application/json'] as [string, string]])],
        body: text,
        ...(body === undefined ? {} : { json: body }),
        size: text.length,
        secrets: [],
      },
      timing: { connect: 0, ttfb: 1, total: 1 },
      cookies: { sent: [], set: [] },
    };
  });


describe('fuzz: Location headers', () => {
  it('the authorize response reader', () => {
    const profiles = [{ responseMode: 'redirect' }, { responseMode: 'pi.flow' }] as Profile[];
    fuzz(fc.tuple(exchanges, fc.constantFrom(...profiles)), ([exchange, profile]) => {
      readsOrFailsClearly(() => readAuthorizeResponse(exchange, profile));
    });
  });

  it('the resume response reader', () => {
    fuzz(exchanges, (exchange) => {
      const result = readsOrFailsClearly(() => readResumeResponse(exchange, expected));
      // What it returns is usable as is: a code, and the state this run sent.
      if (result) {
        assert.equal(typeof result.code, 'string');
        assert.equal(result.state, expected.state);
      }
    });
  });
});
