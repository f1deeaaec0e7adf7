/**
 * Fuzzing the flow resource: every JSON a flows API answer (or a pi.flow authorize answer) may carry,
 * read as the runner reads it — `readFlowResponse`, then the actions it offers, the device list, the
 * facts a step shows and the requests built from it. Every input yields a result or a FlowError that
 * is not INTERNAL, and a result is safe to use: action requests go only to the configured origin.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readAuthorizeResponse } from '../../src/core/pingone/authorize';
import { buildFlowActionRequest, buildFlowStatusRequest, FLOW_ACTIONS, flowDevices, flowFacts, offeredActions, readFlowResponse } from '../../src/core/pingone/flow';
import type { Flow } from '../../src/core/pingone/flow';
import type { Exchange } from '../../src/core/model';
import { pingOneEndpoints } from '../../src/core/pingone/endpoints';
import type { Profile } from '../../src/core/profile';
import { buildResumeRequest } from '../../src/core/pingone/resume';
import { fuzz, jsonInputs, mutated, readsOrFailsClearly } from '../support/fuzz';

const endpoints = pingOneEndpoints({ region: 'custom', authPath: 'https://auth.example', envId: 'env' });
const origin = 'https://auth.example';
const self = { href: `${endpoints.flows}/f1` };

const samples = [
  {
    _links: { self, 'usernamePassword.check': self, 'password.forgot': self, signOnPage: { href: 'https://apps.example/env/signon/?flowId=f1' } },
    _embedded: { application: { name: 'App' } },
    id: 'f1',
    environment: { id: 'env' },
    resumeUrl: `${endpoints.resume}?flowId=f1`,
    status: 'USERNAME_PASSWORD_REQUIRED',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T00:15:00.000Z',
  },
  {
    _links: { self, 'device.select': self, 'session.reset': self },
    _embedded: {
      user: { id: 'u1', username: 'ada', name: { given: 'Ada', family: 'Lovelace' } },
      devices: [
        { id: 'd1', type: 'EMAIL', email: 'a***@example.com' },
        { id: 'd2', type: 'SMS', phone: '+1 555 0100', nickname: 'work' },
      ],
    },
    id: 'f1',
    status: 'DEVICE_SELECTION_REQUIRED',
  },
  { _links: { self, 'otp.check': self }, _embedded: { selectedDevice: { id: 'd1' } }, id: 'f1', status: 'OTP_REQUIRED' },
  { _links: { self }, _embedded: { user: { id: 'u1', username: 'ada' } }, id: 'f1', status: 'COMPLETED', session: { id: 's1' } },
  { id: 'e1', code: 'INVALID_DATA', message: 'bad', details: [{ code: 'INVALID_CREDENTIALS', target: 'password', message: 'no', innerError: { remainingAttempts: 2 } }] },
  { id: 'e2', code: 'NOT_FOUND', message: 'The flow does not exist or has expired.' },
];

type Body = { text: string; json?: unknown };

/** As the transport records it: the body as text, and parsed when it is JSON. */
function exchangeWith(status: number, { text, json }: Body, url = self.href): Exchange {
  return {
    request: { method: 'GET', url, headers: [], secrets: [] },
    response: { status, statusText: '', headers: [['content-type', 'application/json']], body: text, ...(json === undefined ? {} : { json }), size: text.length, secrets: [] },
    timing: { connect: 0, ttfb: 1, total: 1 },
    cookies: { sent: [], set: [] },
  };
}

function parsed(text: string): Body {
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text };
  }
}

// Mostly reshaped JSON values; some JSON text with characters edited, which may no longer parse.
const bodies: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: jsonInputs(samples).map((json) => ({ text: JSON.stringify(json) ?? '', json })), weight: 3 },
  { arbitrary: mutated(samples.map((s) => JSON.stringify(s))).map(parsed), weight: 1 },
);
const statuses = fc.oneof({ arbitrary: fc.constant(200), weight: 4 }, { arbitrary: fc.constantFrom(201, 400, 401, 404, 406, 415, 500), weight: 1 });


/** Everything the runner derives from a flow it has read, checked for what the runner relies on. */
function useFlow(flow: Flow): void {
  for (const value of Object.values(flowFacts(flow))) assert.equal(typeof value, 'string');
  for (const device of flowDevices(flow)) assert.ok(typeof device.id === 'string' && typeof device.label === 'string' && device.label.length > 0);
  assert.equal(typeof (flow._embedded?.user?.username ?? ''), 'string');
  readsOrFailsClearly(() => buildFlowStatusRequest(endpoints, flow.id));
  readsOrFailsClearly(() => buildResumeRequest(endpoints, flow.id));
  for (const action of FLOW_ACTIONS.filter((a) => offeredActions(flow).includes(a))) {
    const request = readsOrFailsClearly(() => buildFlowActionRequest(endpoints, flow, action, { username: 'ada', password: 'pw' }));
    if (request) assert.equal(new URL(request.url).origin, origin, `${action} would go to ${request.url}`);
  }
}

describe('fuzz: flow resources', () => {
  it('a flows API answer, and everything the runner derives from it', () => {
    fuzz(fc.tuple(statuses, bodies), ([status, body]) => {
      const flow = readsOrFailsClearly(() => readFlowResponse(exchangeWith(status, body)));
      if (flow) useFlow(flow);
    });
  });

  it('a pi.flow authorize answer', () => {
    const profile = { responseMode: 'pi.flow' } as Profile;
    fuzz(fc.tuple(statuses, bodies), ([status, body]) => {
      const result = readsOrFailsClearly(() => readAuthorizeResponse(exchangeWith(status, body, `${endpoints.authorize}?client_id=c`), profile));
      if (result?.flow) {
        assert.equal(result.flowId, result.flow.id);
        useFlow(result.flow);
      }
    });
  });
});
