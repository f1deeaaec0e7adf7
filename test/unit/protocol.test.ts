/**
 * Host ↔ webview message checks: a host message must carry a whole run (steps, exchanges, tokens,
 * checks with their required fields), so the renderer can rely on them; webview requests are checked
 * field by field, and every request that expects an answer carries an id its answer carries back.
 */
import assert from 'node:assert/strict';
import type { DecodedToken, Run, Step } from '../../src/core/model';
import { MAX_LABEL, MAX_VALUE_TEXT, parseHostMessage, parseWebviewMessage } from '../../src/protocol';

function sampleToken(): DecodedToken {
  return {
    kind: 'id_token',
    raw: '$ID_TOKEN',
    header: { alg: 'RS256', kid: 'k1' },
    payload: { sub: 'u1', exp: 1_900_000_000 },
    signature: 'c2ln',
    times: [{ claim: 'exp', value: 1_900_000_000, iso: '2030-03-17T17:46:40.000Z', relative: 'in 3 years' }],
    checks: [{ code: 'signature', name: 'Signature', status: 'passed', detail: 'RS256 with kid k1' }],
    verified: true,
  };
}

function sampleStep(): Step {
  return {
    id: 's5',
    kind: 'token',
    title: 'Token',
    status: 'succeeded',
    startedAt: '2026-11-30T08:00:00.000Z',
    duration: 12,
    exchange: {
      request: { method: 'POST', url: 'https://auth.pingone.com/env/as/token', headers: [['content-type', 'application/x-www-form-urlencoded']], body: 'grant_type=authorization_code', secrets: [] },
      response: { status: 200, statusText: 'OK', headers: [['content-type', 'application/json']], body: '{}', json: {}, size: 2, secrets: [{ variable: 'ACCESS_TOKEN', value: '$ACCESS_TOKEN' }] },
      timing: { connect: 1, ttfb: 10, total: 12 },
      cookies: { sent: [{ name: 'ST', value: '$ST', path: '/env' }], set: [] },
    },
    facts: { code: '$CODE' },
    checks: [{ code: 'state', name: 'State', status: 'passed', detail: 'matches' }],
    tokens: [sampleToken()],
    warnings: [],
  };
}

function sampleRun(): Run {
  return {
    id: 'r1',
    profile: { id: 'p1', name: 'Staging', issuer: 'https://auth.pingone.com/env/as', clientId: 'c1' },
    status: 'succeeded',
    startedAt: '2026-11-30T08:00:00.000Z',
    duration: 40,
    steps: [sampleStep()],
  };
}

/** A copy of `value` with the field at `path` removed or replaced. */
function without(value: unknown, path: (string | number)[], replacement?: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

describe('protocol', () => {
  const started = { method: 'timeline/run/event', params: { event: { type: 'run/started', run: sampleRun() } } };

  it('accepts every kind of run event, a token and a copy result', () => {
    assert.deepEqual(parseHostMessage(started), started);
    for (const type of ['step/started', 'step/finished', 'step/failed']) {
      const message = { method: 'timeline/run/event', params: { event: { type, runId: 'r1', step: sampleStep() } } };
      assert.deepEqual(parseHostMessage(message), message, type);
    }
    const finished = { method: 'timeline/run/event', params: { event: { type: 'run/finished', run: sampleRun() } } };
    assert.deepEqual(parseHostMessage(finished), finished);
    assert.ok(parseHostMessage({ method: 'timeline/token/show', params: { token: sampleToken(), source: 'selection' } }));
    assert.ok(parseHostMessage({ method: 'timeline/copied', params: { id: 'copy-1', ok: true, message: 'Copied' } }));
  });

  it('refuses a run event of no known type, or with the fields of another type', () => {
    const event = (value: unknown) => parseHostMessage({ method: 'timeline/run/event', params: { event: value } });
    assert.equal(event({ type: 'step/renamed', runId: 'r1', step: sampleStep() }), undefined);
    assert.equal(event({ type: 'run/started', runId: 'r1', step: sampleStep() }), undefined, 'a step where a run belongs');
    assert.equal(event({ type: 'step/finished', run: sampleRun() }), undefined, 'a run where a step belongs');
    assert.equal(event({ run: sampleRun() }), undefined, 'no type');
    assert.equal(parseHostMessage({ method: 'timeline/run/event', params: { run: sampleRun() } }), undefined, 'no event');
  });

  it('refuses a run missing what the renderer reads, however deep', () => {
    const run = ['params', 'event', 'run'];
    const step = [...run, 'steps', 0];
    const cases: Array<[(string | number)[], unknown?]> = [
      [[...step, 'checks']],
      [[...step, 'tokens']],
      [[...step, 'warnings']],
      [[...step, 'facts']],
      [[...step, 'tokens', 0, 'checks']],
      [[...step, 'tokens', 0, 'payload']],
      [[...step, 'tokens', 0, 'times', 0, 'value'], 'soon'],
      [[...step, 'exchange', 'timing']],
      [[...step, 'exchange', 'request', 'headers', 0], 'content-type: text/plain'],
      [[...step, 'exchange', 'request', 'headers', 0], ['content-type', 'text/plain', 'extra']],
      [[...step, 'exchange', 'request', 'headers', 0], ['content-type']],
      [[...step, 'exchange', 'response', 'headers', 0, 1], 42],
      [[...step, 'exchange', 'response', 'headers']],
      [[...step, 'exchange', 'response', 'headers'], { 'content-type': 'application/json' }],
      [[...step, 'exchange', 'response', 'status'], '200'],
      [[...step, 'exchange', 'cookies', 'sent', 0, 'name']],
      [[...step, 'checks', 0, 'status'], 'ok'],
      [[...step, 'kind'], 'teleport'],
      [[...run, 'profile', 'issuer']],
    ];
    for (const [path, replacement] of cases) {
      assert.equal(parseHostMessage(without(started, path, replacement)), undefined, `${path.join('.')} ${replacement === undefined ? 'missing' : `= ${JSON.stringify(replacement)}`}`);
    }
  });

  it('checks webview requests field by field', () => {
    assert.ok(parseWebviewMessage({ method: 'webview/ready', params: {} }));
    assert.ok(parseWebviewMessage({ method: 'timeline/curl/copy', params: { id: 'c1', runId: 'r1', stepId: 's5', includeSecrets: true } }));
    assert.equal(parseWebviewMessage({ method: 'timeline/curl/copy', params: { id: 'c1', runId: 'r1', stepId: 's5', includeSecrets: 'true' } }), undefined);
    assert.equal(parseWebviewMessage({ method: 'timeline/run/again', params: {} }), undefined);
    assert.equal(parseWebviewMessage({ method: 'toString', params: {} }), undefined);
    assert.equal(parseWebviewMessage(started), undefined, 'a host message is not a request');
  });

  /** Each request that expects an answer, as the webview sends it under `id`, with an answer the host sends to it. */
  const exchanges = (id: string): Array<{ request: { method: string; params: Record<string, unknown> }; answer: { method: string; params: Record<string, unknown> } }> => {
    const answer = (method: string, params: Record<string, unknown> = {}) => ({ method, params: { id, ok: true, message: 'Done.', ...params } });
    return [
      { request: { method: 'timeline/curl/copy', params: { id, runId: 'r1', stepId: 's5', includeSecrets: false } }, answer: answer('timeline/copied') },
      { request: { method: 'timeline/diagram/copy', params: { id, text: 'sequenceDiagram\n  A->>B: GET /' } }, answer: answer('timeline/copied') },
      { request: { method: 'timeline/token/copy', params: { id, runId: 'r1', stepId: 's5', tokenIndex: 0 } }, answer: answer('timeline/copied') },
      { request: { method: 'timeline/value/copy', params: { id, text: '{"sub":"u1"}' } }, answer: answer('timeline/copied') },
      { request: { method: 'timeline/history/list', params: { id } }, answer: answer('timeline/history/listed', { entries: [] }) },
      { request: { method: 'timeline/history/rename', params: { id, runId: 'r1', label: 'x' } }, answer: answer('timeline/history/listed', { entries: [] }) },
      { request: { method: 'timeline/history/delete', params: { id, runId: 'r1' } }, answer: answer('timeline/history/listed', { entries: [] }) },
      { request: { method: 'timeline/history/compare', params: { id, runId: 'r1', otherRunId: 'r2' } }, answer: answer('timeline/history/compared', { diffs: [] }) },
      {
        request: { method: 'timeline/step/resend', params: { id, runId: 'r1', stepId: 's5', request: { method: 'GET', url: 'https://auth.example/as/userinfo', headers: [] } } },
        answer: answer('timeline/step/resent', { held: true }),
      },
      { request: { method: 'timeline/token/verify', params: { id, verifyKey: 'token-1' } }, answer: answer('timeline/token/verified', { verifyKey: 'token-1' }) },
    ];
  };

  it('carries the id of every request that expects an answer there and back', () => {
    const [first, second] = [exchanges('req-1'), exchanges('req-2')];
    for (const [i, { request, answer }] of first.entries()) {
      const where = `${request.method} → ${answer.method}`;
      assert.equal((parseWebviewMessage(request)?.params as { id?: string } | undefined)?.id, 'req-1', where);
      assert.equal((parseHostMessage(answer)?.params as { id?: string } | undefined)?.id, 'req-1', where);
      assert.equal((parseWebviewMessage(second[i].request)?.params as { id?: string } | undefined)?.id, 'req-2', `${where}: the id is the request's own`);
    }
  });

  it('refuses such a request without an id, with an empty or overlong one, and a copy answer naming no request', () => {
    for (const { request, answer } of exchanges('req-1')) {
      const { id: _, ...rest } = request.params;
      assert.equal(parseWebviewMessage({ ...request, params: rest }), undefined, `${request.method} without id`);
      assert.equal(parseWebviewMessage({ ...request, params: { ...rest, id: '' } }), undefined, `${request.method} with an empty id`);
      assert.equal(parseWebviewMessage({ ...request, params: { ...rest, id: 'x'.repeat(101) } }), undefined, `${request.method} with an overlong id`);
      assert.equal(parseWebviewMessage({ ...request, params: { ...rest, id: 7 } }), undefined, `${request.method} with a number for id`);
      if (answer.method === 'timeline/history/listed') continue; // Also pushed unasked, without an id.
      const { id: __, ...unnamed } = answer.params;
      assert.equal(parseHostMessage({ ...answer, params: unnamed }), undefined, `${answer.method} without id`);
    }
  });

  it('lets the webview ask to open only HTTPS pages on the sites its explanations cite', () => {
    const open = (url: string) => parseWebviewMessage({ method: 'timeline/link/open', params: { url } });
    assert.ok(open('https://www.rfc-editor.org/rfc/rfc6749#section-5.1'));
    assert.ok(open('https://openid.net/specs/openid-connect-core-1_0.html#rfc.section.3.1.2.1'));
    for (const url of ['http://www.rfc-editor.org/rfc/rfc6749', 'https://www.rfc-editor.org.example.com/', 'https://example.com/', 'command:workbench.action.openSettings', 'file:///etc/passwd', 'javascript:alert(1)']) {
      assert.equal(open(url), undefined, url);
    }
  });

  it('takes history requests only with a request id, and a name of bounded length', () => {
    assert.ok(parseWebviewMessage({ method: 'timeline/history/list', params: { id: 'h1' } }));
    assert.equal(parseWebviewMessage({ method: 'timeline/history/list', params: {} }), undefined, 'no id');
    assert.equal(parseWebviewMessage({ method: 'timeline/history/list', params: { id: '' } }), undefined, 'empty id');
    assert.ok(parseWebviewMessage({ method: 'timeline/history/rename', params: { id: 'h2', runId: 'r1', label: 'before the fix' } }));
    assert.ok(parseWebviewMessage({ method: 'timeline/history/rename', params: { id: 'h2', runId: 'r1', label: '' } }), 'an empty name removes it');
    assert.equal(parseWebviewMessage({ method: 'timeline/history/rename', params: { id: 'h2', runId: 'r1', label: 'x'.repeat(MAX_LABEL + 1) } }), undefined);
    assert.equal(parseWebviewMessage({ method: 'timeline/history/rename', params: { id: 'h2', runId: 'r1' } }), undefined);
    assert.ok(parseWebviewMessage({ method: 'timeline/history/delete', params: { id: 'h3', runId: 'r1' } }));
    assert.equal(parseWebviewMessage({ method: 'timeline/history/delete', params: { runId: 'r1' } }), undefined);
    assert.ok(parseWebviewMessage({ method: 'timeline/history/compare', params: { id: 'h4', runId: 'r1', otherRunId: 'r2' } }));
    assert.equal(parseWebviewMessage({ method: 'timeline/history/compare', params: { id: 'h4', runId: 'r1' } }), undefined);
  });

  it('checks the history the host lists and the comparison it answers', () => {
    const entry = { runId: 'r1', profileId: 'p1', profileName: 'Staging', label: 'first', startedAt: '2026-11-30T08:00:00.000Z', status: 'succeeded', duration: 420 };
    assert.ok(parseHostMessage({ method: 'timeline/history/listed', params: { entries: [entry] } }), 'pushed without an id');
    assert.ok(parseHostMessage({ method: 'timeline/history/listed', params: { id: 'h1', entries: [], message: 'Deleted.' } }));
    assert.equal(parseHostMessage({ method: 'timeline/history/listed', params: { entries: [{ ...entry, status: 'lost' }] } }), undefined);
    assert.equal(parseHostMessage({ method: 'timeline/history/listed', params: { entries: [{ ...entry, profileName: undefined }] } }), undefined);
    const diffs = [{ kind: 'id_token', entries: [{ claim: 'acr', change: 'added', after: 'mfa' }] }];
    assert.ok(parseHostMessage({ method: 'timeline/history/compared', params: { id: 'h4', ok: true, message: 'Compared id_token.', diffs } }));
    assert.equal(parseHostMessage({ method: 'timeline/history/compared', params: { ok: true, message: '', diffs } }), undefined, 'an answer names its request');
    assert.equal(parseHostMessage({ method: 'timeline/history/compared', params: { id: 'h4', ok: true, message: '', diffs: [{ kind: 'id_token', entries: [{ claim: 'acr', change: 'moved' }] }] } }), undefined);
  });

  it('takes an edited request to resend only as GET or POST to an http(s) URL, with an id; answers name it', () => {
    const request = { method: 'POST', url: 'https://auth.example/as/token', headers: [['content-type', 'application/x-www-form-urlencoded']], body: 'client_secret=$CLIENT_SECRET' };
    const resend = (params: Record<string, unknown>) => parseWebviewMessage({ method: 'timeline/step/resend', params: { id: 'r-1', runId: 'r1', stepId: 's5', request, ...params } });
    assert.ok(resend({}));
    assert.ok(resend({ request: { ...request, method: 'GET', body: undefined } }));
    assert.equal(resend({ id: undefined }), undefined, 'no id');
    assert.equal(resend({ request: { ...request, method: 'DELETE' } }), undefined);
    assert.equal(resend({ request: { ...request, url: 'file:///etc/passwd' } }), undefined);
    assert.equal(resend({ request: { ...request, headers: [['only-a-name']] } }), undefined);
    assert.ok(parseHostMessage({ method: 'timeline/step/resent', params: { id: 'r-1', ok: false, held: false, message: 'Run again.' } }));
    assert.equal(parseHostMessage({ method: 'timeline/step/resent', params: { id: 'r-1', ok: true, message: 'Answered 200 OK.' } }), undefined, 'held is required');
  });

  it('takes a token verification by the key the host holds it under, with pasted keys optional; the answer names both', () => {
    assert.ok(parseWebviewMessage({ method: 'timeline/token/verify', params: { id: 'v1', verifyKey: 'token-1' } }), 'no keys: the environment\'s JWKS');
    assert.ok(parseWebviewMessage({ method: 'timeline/token/verify', params: { id: 'v1', verifyKey: 'token-1', keys: '{"keys":[]}' } }));
    assert.equal(parseWebviewMessage({ method: 'timeline/token/verify', params: { verifyKey: 'token-1' } }), undefined, 'no id');
    assert.equal(parseWebviewMessage({ method: 'timeline/token/verify', params: { id: 'v1', verifyKey: 'token-1', keys: 'x'.repeat(MAX_VALUE_TEXT + 1) } }), undefined);
    assert.ok(parseHostMessage({ method: 'timeline/token/verified', params: { id: 'v1', verifyKey: 'token-1', ok: true, message: 'Verified.', token: sampleToken() } }));
    assert.ok(parseHostMessage({ method: 'timeline/token/verified', params: { id: 'v1', verifyKey: 'token-1', ok: false, message: 'Decode it again.' } }));
    assert.equal(parseHostMessage({ method: 'timeline/token/verified', params: { id: 'v1', ok: true, message: '' } }), undefined, 'which token');
    assert.ok(parseHostMessage({ method: 'timeline/token/show', params: { token: sampleToken(), source: 'a.http:1', verifyKey: 'token-1' } }));
  });
});
