// Runs INSIDE code-server's extension host (see vscode-tests.ts): `vscode` is the real API.
// It proves the in-extension-host route on the fixture extension; the real extension's suite
// (test/vscode/) is written the same way.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const FIXTURE_ID = 'afe-e2e.e2e-fixture';

describe('fixture extension inside the extension host', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension(FIXTURE_ID);
    assert.ok(extension, `${FIXTURE_ID} is installed`);
    await extension.activate();
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('afeFixture.showHello'), 'afeFixture.showHello is registered');
    assert.ok(commands.includes('afeFixture.askName'), 'afeFixture.askName is registered');
  });

  it('reads its contributed setting default', () => {
    assert.equal(vscode.workspace.getConfiguration('afeFixture').get('greeting'), 'Hello from the fixture webview');
  });

  it('opens its webview panel', async () => {
    await vscode.commands.executeCommand('afeFixture.showHello');
    // The tab model reaches the extension host asynchronously after the panel is created.
    const tab = await eventually(() => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.label === 'AFE Fixture' ? active : undefined;
    });
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the active tab is a webview');
  });
});

async function eventually<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
