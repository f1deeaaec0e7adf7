// The timeline of a finished sandbox run in the packaged extension (code-server + Chromium): its Run
// History after a window reload, read from what the extension stored (and what it did not store:
// the demo user's password, the client secret), and "Edit and resend" of a step, changed twice
// (a forged header, then the token as a form parameter), each answered by the sandbox as a new step.
import * as assert from 'node:assert/strict';
import { generateKeyJwks, sandboxKeys } from '../../src/sandbox/keys';
import { seedApps } from '../../src/sandbox/seed';
import { endSession, waitFor, type Session } from './harness';
import {
  DEMO_USER,
  EXTENSION_ID,
  card,
  cardSummaries,
  cardTab,
  openHistory,
  runSandboxFromPalette,
  startWithExtension,
  waitForRunEnd,
} from './extension';

/** The app the sandbox demo runs as: client_secret_basic (src/sandbox/profiles.ts), its ID and secret from the seed. */
async function demoApp(): Promise<{ clientId: string; clientSecret: string }> {
  const app = seedApps('http://127.0.0.1/callback', (await sandboxKeys(await generateKeyJwks())).clientKeys).find((a) => a.tokenEndpointAuthMethod === 'client_secret_basic');
  assert.ok(app?.clientSecret, 'the seed has a client_secret_basic app with a secret');
  return { clientId: app.id, clientSecret: app.clientSecret };
}

interface StoredHistory {
  version: number;
  runs: { run: { id: string; profile: { name: string }; status: string; steps: { title: string; exchange?: { request: { headers: [string, string][]; body?: string } } }[] } }[];
}

describe('The timeline in VS Code: history and resend (code-server + Chromium)', function () {
  let session: Session | undefined;

  afterEach(async function () {
    await endSession(this.currentTest, session);
    session = undefined;
  });

  it('lists a finished run in the Run History after a window reload, stored without the password or client secret', async function () {
    session = await startWithExtension('history-reload');
    await runSandboxFromPalette(session, DEMO_USER.password);
    const before = await session.webview('Userinfo');
    assert.equal(await waitForRunEnd(session, before), 'succeeded');
    const profileName = (await before.locator('.run-header .run-title').innerText()).trim();
    assert.match(profileName, /^Local sandbox/);

    await session.reloadWindow();
    // The panel comes back with the window (its serializer); the history is the host's, from globalState.
    const frame = await session.webview(profileName, { timeoutMs: 90_000 });
    const rows = await openHistory(session, frame);
    assert.equal(rows.length, 1, `one run in the history: ${JSON.stringify(rows)}`);
    const [{ name, status }] = rows;
    assert.equal(name, profileName, 'the run is listed by its profile name');
    assert.equal(status, 'succeeded');

    // What the history keeps: the run with its steps, each secret as its $VARIABLE.
    const state = await session.waitForGlobalState(EXTENSION_ID, (s) => 'authFlow.runHistory' in s);
    const history = state['authFlow.runHistory'] as StoredHistory;
    assert.equal(history.runs.length, 1);
    const { run } = history.runs[0]!;
    assert.equal(run.profile.name, profileName);
    assert.equal(run.status, 'succeeded');
    const signOn = run.steps.find((step) => step.title.startsWith('Sign on'));
    assert.match(signOn?.exchange?.request.body ?? '', /\$PASSWORD/, 'the sign-on body keeps the password as $PASSWORD');
    const token = run.steps.find((step) => step.title.startsWith('Token'));
    assert.ok(
      token?.exchange?.request.headers.some(([name, value]) => name.toLowerCase() === 'authorization' && value === 'Basic $BASIC_CREDENTIALS'),
      'the token request keeps its Basic credentials as $BASIC_CREDENTIALS',
    );
    const stored = JSON.stringify(state);
    const { clientId, clientSecret } = await demoApp();
    for (const [what, secret] of [
      ['the demo user\'s password', DEMO_USER.password],
      ['the client secret', clientSecret],
      // RFC 6749 §2.3.1: base64 of id:secret (both are unreserved characters, so form-encoding leaves them as they are).
      ['the Basic credentials', Buffer.from(`${clientId}:${clientSecret}`).toString('base64')],
    ] as const) {
      assert.ok(!stored.includes(secret), `${what} is not in globalState`);
    }
  });

  it('resends Userinfo edited: a forged Authorization header gets the sandbox\'s 401, the token as a POST parameter its 200', async function () {
    session = await startWithExtension('edit-and-resend');
    await runSandboxFromPalette(session, DEMO_USER.password);
    const frame = await session.webview('Userinfo');
    assert.equal(await waitForRunEnd(session, frame), 'succeeded');
    const stepsBefore = (await cardSummaries(frame)).length;
    const userinfo = card(frame, 'Userinfo');
    assert.equal(await userinfo.locator('.card-head .code-badge').innerText(), '200 OK');

    await userinfo.locator('[data-resend="open"]').click();
    const editor = userinfo.locator('form.resend-editor');
    const headers = editor.locator('textarea.resend-headers');
    // The editor holds the recorded request, its access token as the variable the host fills in.
    assert.match(await headers.inputValue(), /^authorization: Bearer \$ACCESS_TOKEN$/im);
    const forged = 'e2e-not-an-access-token';
    await headers.fill((await headers.inputValue()).replace(/^(authorization: Bearer ).*$/im, `$1${forged}`));
    await editor.locator('[data-resend="send"]').click();

    const status = editor.locator('.resend-status');
    await waitFor('the resend to be answered', async () => ((await status.innerText()) ? true : undefined));
    assert.equal(await status.innerText(), 'Answered 401 Unauthorized.');

    const cards = await cardSummaries(frame);
    assert.equal(cards.length, stepsBefore + 1, `one step more: ${JSON.stringify(cards)}`);
    assert.match(cards.at(-1)!, /^Resend: GET http:\/\/127\.0\.0\.1:\d+\/\S+\/as\/userinfo \| 401 Unauthorized$/);
    const resent = card(frame, 'Resend: GET');
    assert.equal(await resent.getAttribute('data-step-kind'), 'resend');
    assert.equal(await resent.getAttribute('data-step-status'), 'failed');
    assert.match(await cardTab(resent, 'request'), new RegExp(`Bearer ${forged}`), 'the request sent the edited header');
    const response = await cardTab(resent, 'response');
    assert.match(response, /invalid_token/, 'the sandbox refused the forged token');
    // The original step is untouched: the run's Userinfo still answered 200.
    assert.equal(await userinfo.locator('.card-head .code-badge').innerText(), '200 OK');

    // The token as a form parameter of a POST instead (RFC 6750 §2.2): the host puts the run's token
    // where $ACCESS_TOKEN stands, the sandbox answers the user, and the new step shows the variable.
    await editor.locator('select.resend-method').selectOption('POST');
    await headers.fill('content-type: application/x-www-form-urlencoded');
    await editor.locator('textarea.resend-body').fill('access_token=$ACCESS_TOKEN');
    await editor.locator('[data-resend="send"]').click();
    await waitFor('the second resend to be answered', async () => ((await status.innerText()) === 'Answered 200 OK.' ? true : undefined), {
      describe: () => status.innerText(),
    });
    const posted = (await cardSummaries(frame)).at(-1)!;
    assert.match(posted, /^Resend: POST http:\/\/127\.0\.0\.1:\d+\/\S+\/as\/userinfo \| 200 OK$/);
    const second = frame.locator('.timeline .card').last();
    assert.match(await cardTab(second, 'request'), /access_token\s+\$ACCESS_TOKEN/, 'the new step shows the token as its variable');
    assert.match(await cardTab(second, 'response'), new RegExp(`"?preferred_username"?:?\\s+"?${DEMO_USER.username}"?`));
  });
});
