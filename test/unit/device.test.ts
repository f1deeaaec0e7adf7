/**
 * The device authorization grant's build/read pairs and its polling rule (RFC 8628 §3.1–3.5), on
 * canned exchanges. The polling loop runs with a recorded sleep and a clock the test moves, so the
 * intervals it asks for are checked without waiting for them.
 */
import assert from 'node:assert/strict';
import { Codes } from '../../src/core/codes';
import { FlowError } from '../../src/core/errors';
import type { Exchange } from '../../src/core/model';
import type { ClientAuthentication } from '../../src/core/oauth/clientAuth';
import {
  buildDeviceAuthorizationRequest,
  buildDeviceTokenRequest,
  pollForTokens,
  readDeviceAuthorizationResponse,
  readDevicePollResponse,
} from '../../src/core/oauth/device';
import { exchangeOf, failure } from '../support/exchange';

const ENDPOINT = 'https://as.example/device_authorization';
const TOKEN = 'https://as.example/token';
const basic: ClientAuthentication = {
  headers: [['authorization', 'Basic Y2xpZW50OnNlY3JldA==']],
  params: [],
  secrets: [{ variable: 'BASIC_CREDENTIALS', value: 'Y2xpZW50OnNlY3JldA==' }],
};
const publicClient: ClientAuthentication = { headers: [], params: [['client_id', 'device-app']], secrets: [] };

const answer = { device_code: 'dc-7f3a', user_code: 'BDWP-HQPK', verification_uri: 'https://as.example/device', verification_uri_complete: 'https://as.example/device?user_code=BDWP-HQPK', expires_in: 600, interval: 7 };
const pollError = (error: string) => exchangeOf({ method: 'POST', url: TOKEN }, { status: 400, json: { error } });
const tokens = exchangeOf({ method: 'POST', url: TOKEN }, { status: 200, json: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 } });

describe('device authorization request (RFC 8628 §3.1)', () => {
  it('posts the scope with the client authentication, and marks its secrets', () => {
    const request = buildDeviceAuthorizationRequest(ENDPOINT, ['openid', 'profile'], basic);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, ENDPOINT);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(request.body)), { scope: 'openid profile' });
    assert.ok(request.headers?.some(([name, value]) => name === 'authorization' && value === 'Basic Y2xpZW50OnNlY3JldA=='));
    assert.deepEqual(request.secrets, basic.secrets);
  });

  it('a public client names itself with client_id', () => {
    const form = new URLSearchParams(buildDeviceAuthorizationRequest(ENDPOINT, ['openid'], publicClient).body);
    assert.equal(form.get('client_id'), 'device-app');
    assert.equal(form.get('scope'), 'openid');
  });
});

describe('device authorization response (RFC 8628 §3.2)', () => {
  it('reads the codes, the URIs, the lifetime and the interval, and marks the device_code secret', () => {
    const exchange = exchangeOf({ method: 'POST', url: ENDPOINT }, { status: 200, json: answer });
    const result = readDeviceAuthorizationResponse(exchange);
    assert.deepEqual(result, {
      deviceCode: 'dc-7f3a',
      userCode: 'BDWP-HQPK',
      verificationUri: 'https://as.example/device',
      verificationUriComplete: 'https://as.example/device?user_code=BDWP-HQPK',
      expiresIn: 600,
      interval: 7,
      intervalGiven: true,
    });
    assert.deepEqual(exchange.response?.secrets.map((s) => [s.variable, s.value]), [['DEVICE_CODE', 'dc-7f3a']]);
  });

  it('without an interval, polls every 5 s and says the server named none', () => {
    const { interval: _interval, verification_uri_complete: _complete, ...rest } = answer;
    const result = readDeviceAuthorizationResponse(exchangeOf({ url: ENDPOINT }, { status: 200, json: rest }));
    assert.equal(result.interval, 5);
    assert.equal(result.intervalGiven, false);
    assert.equal(result.verificationUriComplete, undefined);
  });

  it('a response without the required fields names each one missing', () => {
    const error = failure(() => readDeviceAuthorizationResponse(exchangeOf({ url: ENDPOINT }, { status: 200, json: { device_code: 'dc', interval: 5 } })));
    assert.equal(error.code, Codes.INVALID_DEVICE_RESPONSE);
    for (const field of ['user_code', 'verification_uri', 'expires_in']) assert.ok(error.message.includes(field), error.message);
    assert.ok(!error.message.includes('device_code'), error.message);
  });

  it('an OAuth error is the server\'s refusal', () => {
    const error = failure(() => readDeviceAuthorizationResponse(exchangeOf({ url: ENDPOINT }, { status: 400, json: { error: 'unauthorized_client' } })));
    assert.equal(error.code, 'unauthorized_client');
  });
});

describe('device token request (RFC 8628 §3.4)', () => {
  it('sends the device_code grant with the device_code marked as a secret', () => {
    const request = buildDeviceTokenRequest(TOKEN, 'dc-7f3a', publicClient);
    const form = new URLSearchParams(request.body);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:device_code');
    assert.equal(form.get('device_code'), 'dc-7f3a');
    assert.equal(form.get('client_id'), 'device-app');
    assert.ok(request.secrets?.some((s) => s.variable === 'DEVICE_CODE' && s.value === 'dc-7f3a'));
  });
});

describe('device poll answers (RFC 8628 §3.5)', () => {
  it('authorization_pending and slow_down mean poll again', () => {
    assert.deepEqual(readDevicePollResponse(pollError('authorization_pending')), { answer: 'authorization_pending' });
    assert.deepEqual(readDevicePollResponse(pollError('slow_down')), { answer: 'slow_down' });
  });

  it('expired_token is DEVICE_CODE_EXPIRED, access_denied DEVICE_ACCESS_DENIED, each with a hint', () => {
    const expired = failure(() => readDevicePollResponse(pollError('expired_token')));
    assert.equal(expired.code, Codes.DEVICE_CODE_EXPIRED);
    assert.match(expired.hint, /again/);
    const denied = failure(() => readDevicePollResponse(pollError('access_denied')));
    assert.equal(denied.code, Codes.DEVICE_ACCESS_DENIED);
    assert.match(denied.hint, /approve/);
  });

  it('other errors are the server\'s own; a 200 is a token response', () => {
    assert.equal(failure(() => readDevicePollResponse(pollError('invalid_grant'))).code, 'invalid_grant');
    const poll = readDevicePollResponse(tokens);
    assert.equal(poll.answer, 'tokens');
    assert.equal(poll.answer === 'tokens' && poll.tokens.access_token, 'at-1');
  });

  it('a DPoP token is taken only when the run sent proofs', () => {
    const dpop = exchangeOf({ method: 'POST', url: TOKEN }, { status: 200, json: { access_token: 'at-2', token_type: 'DPoP' } });
    assert.equal(failure(() => readDevicePollResponse(dpop)).code, Codes.INVALID_TOKEN_TYPE);
    assert.equal(readDevicePollResponse(dpop, { dpop: true }).answer, 'tokens');
  });
});

describe('polling (RFC 8628 §3.4–3.5)', () => {
  /** Answers the polls in order, a clock that the sleeps move, and what each sleep asked for. */
  function script(answers: Exchange[], expiresIn = 600, interval = 5) {
    let clock = 1_000_000;
    const slept: number[] = [];
    const facts: string[] = [];
    let sent = 0;
    const run = pollForTokens({
      authorization: { interval, expiresIn },
      poll: async () => {
        const next = answers[sent++];
        assert.ok(next, 'no poll past the last scripted answer');
        return next;
      },
      sleep: async (ms) => {
        slept.push(ms);
        clock += ms;
      },
      now: () => clock,
      onPoll: (p) => facts.push(`${p.polls}:${p.lastAnswer}:${p.interval}`),
    });
    return { run, slept, facts, sent: () => sent };
  }

  it('waits the interval before each poll and keeps polling while pending', async () => {
    const { run, slept, facts } = script([pollError('authorization_pending'), pollError('authorization_pending'), tokens], 600, 7);
    assert.equal((await run).access_token, 'at-1');
    assert.deepEqual(slept, [7000, 7000, 7000]);
    assert.deepEqual(facts, ['1:authorization_pending:7', '2:authorization_pending:7', '3:tokens:7']);
  });

  it('slow_down adds 5 s to the interval for every poll after it', async () => {
    const { run, slept, facts } = script([pollError('slow_down'), pollError('authorization_pending'), pollError('slow_down'), tokens]);
    await run;
    assert.deepEqual(slept, [5000, 10_000, 10_000, 15_000]);
    assert.deepEqual(facts.at(-1), '4:tokens:15');
  });

  it('stops at expires_in without another poll, as DEVICE_CODE_EXPIRED', async () => {
    const { run, slept, sent } = script(Array.from({ length: 10 }, () => pollError('authorization_pending')), 12, 5);
    await assert.rejects(run, (error: unknown) => error instanceof FlowError && error.code === Codes.DEVICE_CODE_EXPIRED && /2 polls/.test(error.message));
    assert.equal(sent(), 2, 'the polls at 5 s and 10 s; 15 s is past the 12 s lifetime');
    assert.deepEqual(slept, [5000, 5000]);
  });

  it('access_denied ends the polling, counted', async () => {
    const { run, facts } = script([pollError('authorization_pending'), pollError('access_denied'), tokens]);
    await assert.rejects(run, (error: unknown) => error instanceof FlowError && error.code === Codes.DEVICE_ACCESS_DENIED);
    assert.deepEqual(facts, ['1:authorization_pending:5', '2:access_denied:5']);
  });

  it('a cancelled wait ends the polling before the next poll', async () => {
    let polls = 0;
    const run = pollForTokens({
      authorization: { interval: 5, expiresIn: 600 },
      poll: async () => {
        polls += 1;
        return pollError('authorization_pending');
      },
      sleep: async () => {
        if (polls === 1) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      },
      now: () => 0,
    });
    await assert.rejects(run, { name: 'AbortError' });
    assert.equal(polls, 1);
  });
});
