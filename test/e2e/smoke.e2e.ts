// Proves the harness on the throw-away fixture extension; scenarios for the real extension follow
// the same shape: start a session with the extension, drive the palette, read the webview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_EXTENSION_DIR, packageExtension, removeTempDir, startSession, type Session } from './harness';

const FIXTURE_ID = 'afe-e2e.e2e-fixture';

describe('e2e harness smoke (fixture extension in code-server)', function () {
  let session: Session | undefined;

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      const dir = await session.saveFailureArtifacts(this.currentTest.fullTitle());
      console.error(`    artifacts: ${dir}`);
    }
    await session?.dispose();
    session = undefined;
  });

  it('runs a palette command and reads, clicks and copies from its webview', async function () {
    session = await startSession({
      name: 'smoke',
      extensions: [{ folder: FIXTURE_EXTENSION_DIR }],
      // Settings a test passes reach both VS Code (the theme) and the extension (the greeting).
      settings: { 'workbench.colorTheme': 'Default Dark Modern', 'afeFixture.greeting': 'Hello from settings' },
    });
    await session.runCommand('AFE Fixture: Show Hello');
    const webview = await session.webview('Hello from settings');
    await session.clickInWebview(webview, 'text=Copy token');
    await session.waitForText(webview, 'copied ');
    const token = await session.readClipboard();
    assert.match(token, /^fixture-token-[0-9a-f]{8}$/);
    const state = await session.waitForGlobalState(FIXTURE_ID, (s) => s['afeFixture.lastCopied'] === token);
    assert.equal(state['afeFixture.lastCopied'], token);
    assert.equal(session.server.readSettings()['afeFixture.greeting'], 'Hello from settings');
    assert.ok(await session.page.locator('.monaco-workbench.vs-dark').isVisible(), 'the dark theme from settings is applied');
    await session.screenshot('smoke-webview');

    // A wait that cannot succeed fails with what it waited for, not a bare timeout.
    await assert.rejects(session.webview('text that is nowhere', { timeoutMs: 1_000 }), {
      message: /^timed out after 1 s waiting for a webview showing "text that is nowhere"; last seen: \d+ frames/,
    });
  });

  it('installs a packaged .vsix', async function () {
    const vsix = packageExtension(FIXTURE_EXTENSION_DIR);
    try {
      session = await startSession({ name: 'smoke-vsix', extensions: [{ vsix }] });
      await session.runCommand('AFE Fixture: Show Hello');
      await session.webview('Hello from the fixture webview');
    } finally {
      removeTempDir(path.dirname(vsix));
    }
  });

  it('answers a quick pick and an input box, reads the editor, opens a file', async function () {
    session = await startSession({ name: 'smoke-input', extensions: [{ folder: FIXTURE_EXTENSION_DIR }] });
    await session.runCommand('AFE Fixture: Ask Name');
    await session.pickItem('Client credentials');
    await session.answerInput('my-profile');
    assert.equal((await session.editorText()).trim(), 'my-profile: Client credentials');
    await session.screenshot('smoke-editor');

    const notes = path.join(session.server.workspace, 'notes.txt');
    fs.writeFileSync(notes, 'line one\nline two\n');
    await session.openFile(notes);
    assert.equal(await session.editorText(), 'line one\nline two\n');
  });
});
