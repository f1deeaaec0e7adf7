/**
 * The persisted run history (src/extension/run/runHistory.ts) over an in-memory Memento: bounded, stored
 * redacted (a planted secret never reaches the store), renamed and deleted by run id, and two runs'
 * tokens compared kind by kind. The Memento is a plain Map because VS Code's cannot run here.
 */
import assert from 'node:assert/strict';
import type { Run } from '../../src/core/model';
import { HISTORY_KEY, MAX_HISTORY, RunHistory, compareRuns } from '../../src/extension/run/runHistory';
import { succeededRun } from '../fixtures/runs';

function memento() {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => {
      // Stored as VS Code stores it: JSON, so nothing shared with the caller's objects.
      values.set(key, JSON.parse(JSON.stringify(value)));
    },
  };
}

const SECRET = 'pl4nted-Cl13nt-S3cret-value';

/** succeededRun with a client secret in the token request's body and Authorization header, marked as secret. */
function runWithSecret(id: string): Run {
  const steps = succeededRun.steps.map((step) => {
    if (!step.exchange || step.kind !== 'token') return step;
    const request = step.exchange.request;
    // The fixture's tokens are already redacted: give them values as issued, also in the response body.
    const tokens = step.tokens.map((token) => ({ ...token, raw: `eyJhbGciOiJSUzI1NiJ9.planted-${token.kind}.c2ln` }));
    return {
      ...step,
      tokens,
      facts: { ...step.facts, note: `sent ${SECRET}` },
      exchange: {
        ...step.exchange,
        response: step.exchange.response && { ...step.exchange.response, body: JSON.stringify(Object.fromEntries(tokens.map((t) => [t.kind, t.raw]))) },
        request: {
          ...request,
          headers: [...request.headers, ['authorization', `Basic ${Buffer.from(`client:${SECRET}`).toString('base64')}`]] as [string, string][],
          body: `${request.body}&client_secret=${SECRET}`,
          secrets: [...request.secrets, { variable: 'CLIENT_SECRET', value: SECRET }, { variable: 'CLIENT_AUTH', value: Buffer.from(`client:${SECRET}`).toString('base64') }],
        },
      },
    };
  });
  return { ...succeededRun, id, steps };
}

describe('run history', () => {
  it('stores runs redacted: a planted secret and the raw tokens are nowhere in what is stored', async () => {
    const store = memento();
    const history = new RunHistory(store);
    const run = runWithSecret('r1');
    const rawTokens = run.steps.flatMap((s) => s.tokens.map((t) => t.raw));
    assert.ok(rawTokens.length > 0 && JSON.stringify(run).includes(SECRET), 'the fixture carries the secret and tokens');
    await history.add(run);
    const stored = JSON.stringify(store.values.get(HISTORY_KEY));
    assert.ok(!stored.includes(SECRET), 'client secret stored');
    for (const raw of rawTokens) assert.ok(!stored.includes(raw), 'a raw token stored');
    assert.ok(stored.includes('$CLIENT_SECRET'), 'the secret is stored as its variable');
    assert.equal(history.run('r1')?.steps.length, run.steps.length);
  });

  it('keeps the last runs newest first, dropping the oldest past the bound', async () => {
    const history = new RunHistory(memento());
    for (let i = 0; i < MAX_HISTORY + 3; i++) await history.add({ ...succeededRun, id: `r${i}` });
    const ids = history.entries().map((e) => e.runId);
    assert.equal(ids.length, MAX_HISTORY);
    assert.equal(ids[0], `r${MAX_HISTORY + 2}`);
    assert.ok(!ids.includes('r0') && !ids.includes('r2') && ids.includes('r3'));
  });

  it('lists profile, when, status and duration; a run added again (after a follow-up) moves to the top and keeps its name', async () => {
    const history = new RunHistory(memento());
    await history.add({ ...succeededRun, id: 'a' });
    await history.add({ ...succeededRun, id: 'b', status: 'failed' });
    assert.equal(await history.rename('a', '  before the fix '), true);
    await history.add({ ...succeededRun, id: 'a', duration: 999 });
    assert.deepEqual(history.entries()[0], {
      runId: 'a',
      profileId: succeededRun.profile.id,
      profileName: succeededRun.profile.name,
      label: 'before the fix',
      startedAt: succeededRun.startedAt,
      status: 'succeeded',
      duration: 999,
    });
    assert.equal(history.entries()[1].status, 'failed');
  });

  it('renames (an empty name removes it) and deletes by id, and says when the run is gone', async () => {
    const store = memento();
    const history = new RunHistory(store);
    await history.add({ ...succeededRun, id: 'a' });
    await history.add({ ...succeededRun, id: 'b' });
    await history.rename('b', 'second');
    // A second store on the same Memento (another window) sees the name.
    assert.equal(new RunHistory(store).entries().find((e) => e.runId === 'b')?.label, 'second');
    await history.rename('b', '   ');
    assert.equal(history.entries().find((e) => e.runId === 'b')?.label, undefined);
    assert.equal(await history.delete('a'), true);
    assert.deepEqual(history.entries().map((e) => e.runId), ['b']);
    assert.equal(await history.delete('a'), false);
    assert.equal(await history.rename('a', 'x'), false);
  });

  it('starts empty on a record it does not know', () => {
    const store = memento();
    store.values.set(HISTORY_KEY, { version: 7, runs: [{ run: succeededRun }] });
    assert.deepEqual(new RunHistory(store).entries(), []);
  });

  it('compares the last token of each kind both runs hold', () => {
    const tokenStep = succeededRun.steps.find((s) => s.tokens.some((t) => t.kind === 'id_token'))!;
    const idToken = tokenStep.tokens.find((t) => t.kind === 'id_token')!;
    const changed: Run = {
      ...succeededRun,
      id: 'other',
      steps: succeededRun.steps.map((s) => (s === tokenStep ? { ...s, tokens: s.tokens.map((t) => (t === idToken ? { ...t, payload: { ...t.payload, acr: 'mfa', sub: 'someone-else' } } : t)) } : s)),
    };
    const diffs = compareRuns(succeededRun, changed);
    const id = diffs.find((d) => d.kind === 'id_token');
    assert.ok(id, 'the ID tokens compared');
    assert.deepEqual(id.entries.find((e) => e.claim === 'sub'), { claim: 'sub', change: 'changed', before: idToken.payload.sub, after: 'someone-else' });
    assert.equal(id.entries.find((e) => e.claim === 'acr')?.change, idToken.payload.acr === undefined ? 'added' : 'changed');
    assert.ok(!diffs.some((d) => d.kind === 'refresh_token'));
  });
});
