// The packaged extension (.vsix from `npm run package`) in a real VS Code (code-server) driven by
// Chromium: what a person sees when they open the Auth Flow view, add an environment, and run the
// local sandbox from the Command Palette. Each scenario starts its own code-server with fresh user
// data, so none depends on another.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Session } from './harness';
import {
  DEMO_USER,
  EXTENSION_ID,
  activityBarEntry,
  inputValue,
  openAuthFlowView,
  startWithExtension,
  treeRows,
  waitForQuickInput,
  waitForTreeRow,
} from './extension';

describe('Auth Flow Explorer in VS Code (code-server + Chromium)', function () {
  let session: Session | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const dir = await session.saveFailureArtifacts(this.currentTest.fullTitle()).catch(() => undefined);
      if (dir) console.error(`    artifacts: ${dir}`);
    }
    await session?.dispose();
    session = undefined;
  });

  it('shows the Environments view in the activity bar, with the welcome view while empty', async function () {
    session = await startWithExtension('environments-view');
    assert.equal(await activityBarEntry(session).getAttribute('aria-label').then((label) => label?.startsWith('Auth Flow')), true);
    const pane = await openAuthFlowView(session);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible' });
    const text = await welcome.innerText();
    assert.match(text, /Run OAuth 2\.0 and OpenID Connect sign-on flows against PingOne/);
    for (const link of ['Add Environment', 'Try the Local Sandbox']) {
      assert.ok(await welcome.locator('.monaco-button', { hasText: link }).isVisible(), `the welcome view offers "${link}"`);
    }
    assert.deepEqual(await treeRows(session), [], 'no tree rows while there is no environment');
  });

  it('adds an environment through the quick inputs; its client secret stays out of settings and globalState', async function () {
    session = await startWithExtension('add-environment');
    await openAuthFlowView(session);
    const name = 'Staging e2e';
    const envId = '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f';
    const clientId = '0b5e1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b';
    const secret = `e2e-secret-${randomBytes(12).toString('hex')}`;

    await session.runCommand('Auth Flow: Add Environment');
    await waitForQuickInput(session, /Add Environment.*1\/10/s);
    await session.answerInput(name);
    await waitForQuickInput(session, '2/10');
    await session.pickItem('EU');
    await waitForQuickInput(session, 'Environment ID');
    await session.answerInput(envId);
    await waitForQuickInput(session, 'Client ID');
    await session.answerInput(clientId);
    await waitForQuickInput(session, '5/10');
    await session.pickItem('redirect');
    await waitForQuickInput(session, 'Redirect URI');
    await session.answerInput('https://localhost:3000/callback');
    await waitForQuickInput(session, 'Scopes');
    assert.equal(await inputValue(session), 'openid profile', 'scopes are prefilled');
    await session.answerInput('openid profile');
    await waitForQuickInput(session, '8/10');
    await session.pickItem('client_secret_basic');
    await waitForQuickInput(session, '9/10');
    await session.pickItem('GET');
    await waitForQuickInput(session, '10/10');
    await session.pickItem('Use PKCE (S256)');
    await waitForQuickInput(session, `Client secret for ${name}`);
    await session.answerInput(secret);

    // The tree shows the environment, and its secret as stored (not as missing).
    await waitForTreeRow(session, name);
    const row = await waitForTreeRow(session, name, (r) => !r.includes('needs client secret'), 'with its client secret stored');
    assert.match(row, /EU/);

    const state = await session.waitForGlobalState(EXTENSION_ID, (s) => JSON.stringify(s).includes(envId));
    const stored = JSON.stringify(state);
    assert.ok(stored.includes(name) && stored.includes(clientId), 'the profile is in the extension globalState');
    assert.ok(!stored.includes(secret), 'the client secret is not in globalState');
    const settings = fs.readFileSync(path.join(session.server.userDataDir, 'User', 'settings.json'), 'utf8');
    assert.ok(!settings.includes(secret), 'the client secret is not in settings.json');
    assert.ok(!settings.includes(envId), 'profiles are not written to settings.json either');
    // Nor anywhere on disk under the user data folder (globalState, logs, the server's state.vscdb).
    const leaks = filesContaining(session.server.userDataDir, secret);
    assert.deepEqual(leaks, [], 'no file of the user data folder holds the secret');
  });
});

function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(text)) found.push(path.relative(dir, file));
  }
  return found;
}

export { DEMO_USER };
