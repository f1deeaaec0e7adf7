import assert from 'node:assert/strict';
import { FlowError } from '../../src/core/errors';
import { buildFlowActionRequest, buildFlowStatusRequest, flowDevices, nextAction, offeredActions, readFlowResponse } from '../../src/core/pingone/flow';
import type { Flow } from '../../src/core/pingone/flow';
import { readJwksResponse } from '../../src/core/oauth/jwks';
import { pingOneEndpoints } from '../../src/core/pingone/endpoints';
import { readResumeResponse } from '../../src/core/pingone/resume';
import { exchangeOf } from '../support/exchange';

const endpoints = pingOneEndpoints({ region: 'custom', authPath: 'https://auth.example', envId: 'env' });
const flowUrl = `${endpoints.flows}/f1`;

function flowWith(links: Record<string, { href?: string }>): Flow {
  return readFlowResponse(exchangeOf({ url: flowUrl }, { status: 200, json: { id: 'f1', status: 'USERNAME_PASSWORD_REQUIRED', _links: links } }));
}

function rejects(run: () => unknown, code: string, ...patterns: RegExp[]): FlowError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof FlowError, `expected a FlowError ${code}, got ${String(thrown)}`);
  assert.equal(thrown.code, code, thrown.message);
  for (const pattern of patterns) assert.match(thrown.message, pattern);
  return thrown;
}

const credentials = { username: 'ada', password: 'pw' };

describe('flow action requests go only to the configured server', () => {
  it('follows a link on the configured origin, and uses the flow URL when there is none', () => {
    const linked = buildFlowActionRequest(endpoints, flowWith({ 'usernamePassword.check': { href: `${flowUrl}?x=1` } }), 'usernamePassword.check', credentials);
    assert.equal(linked.url, `${flowUrl}?x=1`);
    assert.equal(buildFlowActionRequest(endpoints, flowWith({}), 'usernamePassword.check', credentials).url, flowUrl);
  });

  it('refuses a link to another host, naming the link, the origin it named and the one expected', () => {
    const flow = flowWith({ 'usernamePassword.check': { href: 'https://evil.example:8443/env/flows/f1' } });
    rejects(() => buildFlowActionRequest(endpoints, flow, 'usernamePassword.check', credentials), 'FLOW_LINK_ELSEWHERE', /usernamePassword\.check/, /https:\/\/evil\.example:8443/, /https:\/\/auth\.example\b/);
  });

  it('refuses a link that downgrades the configured https origin to http', () => {
    const flow = flowWith({ 'otp.check': { href: 'http://auth.example/env/flows/f1' } });
    rejects(() => buildFlowActionRequest(endpoints, flow, 'otp.check', { otp: '123456' }), 'FLOW_LINK_ELSEWHERE', /otp\.check/, /http:\/\/auth\.example/, /https:\/\/auth\.example/);
  });

  it('refuses a link that does not parse as a URL', () => {
    const flow = flowWith({ 'device.select': { href: 'http://[::1' } });
    rejects(() => buildFlowActionRequest(endpoints, flow, 'device.select', { device: { id: 'd1' } }), 'FLOW_LINK_ELSEWHERE', /device\.select/, /"http:\/\/\[::1"/);
  });
});

describe('flow actions over plain http', () => {
  const at = (authPath: string) => pingOneEndpoints({ region: 'custom', authPath, envId: 'env' });
  const flow = readFlowResponse(exchangeOf({ url: `${at('http://auth.example').flows}/f1` }, { status: 200, json: { id: 'f1', status: 'USERNAME_PASSWORD_REQUIRED', _links: {} } }));

  it('refuses to send credentials over plain http to a host that is not this machine', () => {
    rejects(() => buildFlowActionRequest(at('http://auth.example'), flow, 'usernamePassword.check', credentials), 'CREDENTIALS_OVER_HTTP', /plain http/, /auth\.example/);
  });

  it('sends them over plain http to loopback, where the sandbox runs', () => {
    for (const authPath of ['http://127.0.0.1:9000', 'http://127.8.9.10', 'http://localhost:3000', 'http://[::1]:9000']) {
      assert.equal(buildFlowActionRequest(at(authPath), flow, 'usernamePassword.check', credentials).url, `${at(authPath).flows}/f1`);
    }
  });
});

describe('the next sign-on action', () => {
  const flowOf = (status: string, ...actions: string[]) =>
    readFlowResponse(exchangeOf({ url: flowUrl }, { status: 200, json: { id: 'f1', status, _links: Object.fromEntries(actions.map((a) => [a, { href: flowUrl }])) } }));

  it('follows the status among the offered actions (docs/pingone.md §2)', () => {
    assert.equal(nextAction(flowOf('USERNAME_PASSWORD_REQUIRED', 'usernamePassword.check', 'password.forgot')), 'usernamePassword.check');
    assert.equal(nextAction(flowOf('SIGN_ON_REQUIRED', 'user.lookup')), 'user.lookup');
    assert.equal(nextAction(flowOf('DEVICE_SELECTION_REQUIRED', 'device.select', 'otp.check')), 'device.select');
    assert.equal(nextAction(flowOf('OTP_REQUIRED', 'otp.check')), 'otp.check');
    assert.equal(nextAction(flowOf('MUST_CHANGE_PASSWORD', 'password.reset')), 'password.reset');
  });

  it('offers nothing for what only a person at the sign-on page can complete', () => {
    assert.equal(nextAction(flowOf('PUSH_CONFIRMATION_REQUIRED', 'signOnPage')), undefined);
    assert.equal(nextAction(flowOf('EXTERNAL_AUTHENTICATION_REQUIRED')), undefined);
    // An action the status does not call for is not taken.
    assert.equal(nextAction(flowOf('OTP_REQUIRED', 'password.reset')), undefined);
  });
});

describe('reading the flow resource', () => {
  const valid = {
    id: 'f1',
    status: 'DEVICE_SELECTION_REQUIRED',
    environment: { id: 'env' },
    _links: { self: { href: flowUrl }, 'device.select': { href: flowUrl } },
    _embedded: {
      user: { id: 'u1', username: 'ada' },
      devices: [
        { id: 'd1', type: 'EMAIL', email: 'a***@example.com' },
        { id: 'd2', type: 'SMS', nickname: 'work phone', phone: '+1 555' },
        { id: 'd3' },
      ],
    },
  };
  const read = (json: unknown, status = 200) => () => readFlowResponse(exchangeOf({ url: flowUrl }, { status, json }));

  it('keeps the fields it does not read (the timeline shows them) and lists devices with labels', () => {
    const flow = read(valid)();
    assert.deepEqual(flow.environment, { id: 'env' });
    assert.deepEqual(offeredActions(flow), ['device.select']);
    assert.deepEqual(flowDevices(flow), [
      { id: 'd1', label: 'EMAIL a***@example.com' },
      { id: 'd2', label: 'SMS work phone' },
      { id: 'd3', label: 'd3' },
    ]);
  });

  const shapes: [string, unknown, RegExp][] = [
    ['_embedded.devices not an array', { ...valid, _embedded: { devices: { id: 'd1' } } }, /_embedded\.devices/],
    ['a device without an id', { ...valid, _embedded: { devices: [{ type: 'EMAIL' }] } }, /_embedded\.devices\.0\.id/],
    ['_embedded.user a string', { ...valid, _embedded: { user: 'ada' } }, /_embedded\.user/],
    ['_links an array', { ...valid, _links: [{ href: flowUrl }] }, /_links/],
    ['a link that is not an object', { ...valid, _links: { 'device.select': 'https://auth.example' } }, /_links\.device\.select/],
    ['an href that is not a string', { ...valid, _links: { self: { href: 42 } } }, /_links\.self\.href/],
    ['a flow id with a lone surrogate', { ...valid, id: 'f\uD800' }, /\bid\b/],
    ['no status', { id: 'f1' }, /status/],
  ];
  for (const [what, json, names] of shapes) {
    it(`${what} is an INVALID_FLOW naming the field`, () => {
      rejects(read(json), 'INVALID_FLOW', names);
    });
  }

  it('a flow id with a lone surrogate never reaches encodeURIComponent as a URIError', () => {
    assert.throws(() => buildFlowStatusRequest(endpoints, 'f\uDFFF'), (e: unknown) => e instanceof FlowError && e.code === 'INVALID_FLOW_ID');
  });

  it('a 200 that is not JSON says what came instead', () => {
    assert.throws(() => readFlowResponse(exchangeOf({ url: flowUrl }, { status: 200, body: '<html><title>Sign in</title></html>', headers: [['content-type', 'text/html']] })), (e: unknown) => e instanceof FlowError && e.code === 'UNEXPECTED_HTML');
  });
});

describe('a platform 404 is attributed to its step', () => {
  const notFound = { id: 'e1', code: 'NOT_FOUND', message: 'The requested resource was not found.' };

  it('on the flows API it is an expired or unknown flow', () => {
    rejects(() => readFlowResponse(exchangeOf({ url: flowUrl }, { status: 404, json: notFound })), 'FLOW_NOT_FOUND', /flow/);
  });

  it('on resume (which names the flow) too', () => {
    rejects(() => readResumeResponse(exchangeOf({ url: `${endpoints.resume}?flowId=f1` }, { status: 404, json: notFound }), { state: 's' }), 'FLOW_NOT_FOUND');
  });

  it('on the JWKS it is the JWKS that is missing, not a flow', () => {
    const error = rejects(() => readJwksResponse(exchangeOf({ url: endpoints.jwks }, { status: 404, json: notFound })), 'NOT_FOUND', /JWKS/);
    assert.doesNotMatch(`${error.message} ${error.hint}`, /flow/i);
  });
});

describe('codes a server sends never pose as the engine\'s own', () => {
  it('a platform error coded INTERNAL or CANCELLED keeps its code in the message only', () => {
    for (const code of ['INTERNAL', 'CANCELLED']) {
      const error = rejects(() => readFlowResponse(exchangeOf({ url: flowUrl }, { status: 500, json: { code, message: 'boom' } })), 'PLATFORM_ERROR', new RegExp(code));
      assert.deepEqual(error.detail, { code, message: 'boom' });
    }
  });

  it('an OAuth error that is not a lowercase registered-style code keeps its text in the message only', () => {
    const location = 'https://app.example/cb?error=CANCELLED&state=s';
    rejects(() => readResumeResponse(exchangeOf({ url: endpoints.resume }, { status: 302, headers: [['location', location]] }), { state: 's' }), 'OAUTH_ERROR', /CANCELLED/);
  });
});
