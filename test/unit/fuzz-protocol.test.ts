/**
 * Fuzzes the webview message parsers with the messages of a real run against the sandbox (every
 * step, exchange, cookie, token and check, redacted as the host sends them): they never throw, accept
 * every real message, and refuse a message once a required field is removed or given another JSON
 * type. Which fields are optional is written here from core/model.ts, not taken from the schemas under
 * test. FUZZ_SEED replays a failure.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Run } from '../../src/core/model';
import { redactRun } from '../../src/core/redact';
import { runFlow } from '../../src/core/run';
import { parseHostMessage, parseWebviewMessage } from '../../src/protocol';
import type { HostMessage, WebviewMessage } from '../../src/protocol';
import { startSandbox } from '../../src/sandbox/index';
import { fuzz, jsonInputs, textInputs } from '../support/fuzz';

/** Optional fields of the model, by the object they sit in (the key that holds it, or the array it is in). */
const OPTIONAL: Record<string, string[]> = {
  request: ['body', 'rawHead'],
  response: ['json'],
  secrets: ['describe'],
  timing: ['connect', 'ttfb'],
  sent: ['domain', 'path', 'expires', 'secure', 'httpOnly', 'sameSite'],
  set: ['domain', 'path', 'expires', 'secure', 'httpOnly', 'sameSite'],
  exchange: ['response'],
  tokens: ['verified'],
  token: ['verified'],
  error: ['detail'],
  steps: ['duration', 'exchange', 'error'],
  step: ['duration', 'exchange', 'error'],
  run: ['duration', 'error'],
};
/** Free-form records and values typed `unknown`: anything may change inside them. */
const FREE = new Set(['header', 'payload', 'json', 'detail']);
/** Fields typed `unknown`: any value will do. */
const UNKNOWN = new Set(['json', 'detail']);

type Path = (string | number)[];

/** Every object field under `root`, with its path. */
function fieldPaths(root: unknown, path: Path = []): Path[] {
  if (Array.isArray(root)) return root.flatMap((child, i) => fieldPaths(child, [...path, i]));
  if (!root || typeof root !== 'object') return [];
  // A field set to undefined is an absent optional one (JSON drops it).
  return Object.entries(root).flatMap(([key, child]) => (child === undefined ? [] : [[...path, key], ...fieldPaths(child, [...path, key])]));
}

/** The name of the object that holds the last field of `path`: its key, or the key of its array. */
function holder(path: Path): string {
  const parent = path.slice(0, -1).filter((key) => typeof key === 'string');
  return String(parent[parent.length - 1] ?? '');
}

const inFreeValue = (path: Path) => path.slice(0, -1).some((key) => typeof key === 'string' && FREE.has(key));
const isOptional = (path: Path) => inFreeValue(path) || holder(path) === 'facts' || (OPTIONAL[holder(path)] ?? []).includes(String(path[path.length - 1]));
const takesAnything = (path: Path) => inFreeValue(path) || UNKNOWN.has(String(path[path.length - 1]));
const REQUESTS = new Set(['webview/ready', 'timeline/curl/copy', 'timeline/run/again', 'timeline/run/export']);
const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function edit(message: unknown, path: Path, change: { remove: true } | { value: unknown }): unknown {
  const copy = structuredClone(message) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if ('remove' in change) delete node[last];
  else node[last] = change.value;
  return copy;
}

function valueAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

describe('fuzz: webview messages', function () {
  this.timeout(120_000);
  let host: HostMessage[];
  /** The finished run's message: it holds every step, so the fuzz of fields skips it to stay quick. */
  let finished: HostMessage;
  let fields: Array<{ message: HostMessage | WebviewMessage; path: Path }>;
  const requests: WebviewMessage[] = [
    { method: 'webview/ready', params: {} },
    { method: 'timeline/curl/copy', params: { id: 'copy-1', runId: 'r1', stepId: 's3', includeSecrets: true } },
    { method: 'timeline/run/again', params: { profileId: 'sandbox-basic' } },
    { method: 'timeline/run/export', params: { runId: 'r1' } },
  ];

  before(async () => {
    const sandbox = await startSandbox();
    try {
      const [demo] = sandbox.profiles();
      const run: Run = await runFlow({ profile: demo.profile, secrets: { ...demo.secrets, ...sandbox.demoUser } });
      assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
      const shown = redactRun(run);
      const token = shown.steps.flatMap((step) => step.tokens)[0];
      finished = { method: 'timeline/run/event', params: { event: { type: 'run/finished', run: shown } } };
      host = [
        { method: 'timeline/run/event', params: { event: { type: 'run/started', run: { ...shown, status: 'running', steps: [] } } } },
        ...shown.steps.map((step): HostMessage => ({ method: 'timeline/run/event', params: { event: { type: 'step/finished', runId: shown.id, step } } })),
        finished,
        { method: 'timeline/token/show', params: { token, source: 'selection' } },
        { method: 'timeline/copied', params: { id: 'copy-1', ok: true, message: 'Copied' } },
      ];
      // The finished run holds every step; the per-step updates keep the fuzz quick on small messages.
      fields = [...host.filter((m) => m !== finished), ...requests].flatMap((message) => fieldPaths(message).map((path) => ({ message, path })));
    } finally {
      await sandbox.close();
    }
  });

  it('accepts every message of a real run, and the webview requests', () => {
    assert.ok(host.some((m) => m.method === 'timeline/run/event' && m.params.event.type === 'step/finished' && m.params.event.step.exchange?.cookies.sent.length), 'a step sent cookies');
    for (const message of host) assert.deepEqual(parseHostMessage(message), message, message.method);
    for (const message of requests) assert.deepEqual(parseWebviewMessage(message), message, message.method);
  });

  it('never throws on any JSON, text or reshaped message', () => {
    const samples = [...host.filter((m) => m !== finished), ...requests];
    fuzz(fc.oneof(jsonInputs(samples), textInputs(['timeline/run/event', JSON.stringify(requests[1])])), (value) => {
      const parsedHost = parseHostMessage(value);
      const parsedRequest = parseWebviewMessage(value);
      if (parsedHost) assert.equal(typeof parsedHost.params, 'object');
      if (parsedRequest) assert.equal(typeof parsedRequest.params, 'object');
    });
  });

  it('refuses a message missing a required field, or with one of another JSON type', () => {
    const change = fc.oneof(fc.constant<{ remove: true }>({ remove: true }), fc.jsonValue({ maxDepth: 1 }).map((value) => ({ value })));
    fuzz(fc.tuple(fc.nat(), change), ([index, how]) => {
      const { message, path } = fields[index % fields.length];
      const edited = edit(message, path, how);
      const parse = REQUESTS.has(message.method) ? parseWebviewMessage : parseHostMessage;
      const where = `${message.method} ${path.join('.')} ${'remove' in how ? 'removed' : `= ${JSON.stringify(how.value)}`}`;
      if ('remove' in how) {
        if (isOptional(path)) assert.ok(parse(edited), `accepts ${where}`);
        else assert.equal(parse(edited), undefined, `refuses ${where}`);
      } else if (!takesAnything(path) && jsonType(how.value) !== jsonType(valueAt(message, path))) {
        assert.equal(parse(edited), undefined, `refuses ${where}`);
      }
    });
  });
});
