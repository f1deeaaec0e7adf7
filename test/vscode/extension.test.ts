// Runs INSIDE the extension host (npm run test:vscode; in CI through code-server, see
// test/e2e/vscode-tests.ts) with the real `vscode` API and the built extension from dist/.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AuthFlowActivation, AuthFlowTestApi } from '../../src/extension';
import type { Profile } from '../../src/core/profile';
import type { TreeNode } from '../../src/extension/environments/treeModel';
import { sampleProfile } from '../fixtures/profiles';

const EXTENSION_ID = 'auth-flow-explorer.auth-flow-explorer';

const profile: Profile = sampleProfile({
  id: 'vscode-test-profile',
  name: 'In-host test',
  region: 'EU',
  envId: '11111111-2222-4333-8444-555555555555',
  clientId: '66666666-7777-4888-9999-000000000000',
});

describe('Auth Flow Explorer inside the extension host', () => {
  let api: AuthFlowTestApi;

  before(async () => {
    const extension = vscode.extensions.getExtension<AuthFlowActivation>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    // Activation registers only; the services load on first use, here through the test API.
    api = await (await extension.activate()).services();
    assert.equal(typeof api?.environmentNodes, 'function', 'activate() returns the test API');
  });

  after(async () => {
    await api?.profiles.remove(profile.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every command package.json contributes', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 15, `package.json lists ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed but not registered');
  });

  it('starts with an empty tree, so VS Code shows the welcome view', async () => {
    assert.deepEqual(await api.environmentNodes(), []);
  });

  it('lists a saved profile in the Environments tree with its settings and the missing secret', async () => {
    await api.profiles.save(profile);
    const roots = await eventually(async () => {
      const nodes = await api.environmentNodes();
      return nodes.some((n) => n.id === profile.id) ? nodes : undefined;
    });
    assert.deepEqual(roots.map((n) => n.label), ['Local PingOne sandbox', profile.name], 'the sandbox entry shows once there is a profile');
    const node = roots.find((n) => n.id === profile.id)!;
    assert.equal(node.description, 'EU · needs client secret');
    assert.match(node.contextValue, /\bsource-user\b/);
    assert.match(node.contextValue, /\bneeds-secret\b/);
    const details = Object.fromEntries((await api.environmentNodes(node)).map((child: TreeNode) => [child.label, child.description]));
    assert.equal(details['Environment ID'], profile.envId);
    assert.equal(details['Client ID'], profile.clientId);
    assert.equal(details['Client secret'], 'not set');
  });

  it('keeps a client secret in SecretStorage, shows it as stored, and clears it with the command', async () => {
    const secret = `in-host-secret-${Date.now()}`;
    await api.secrets.set(profile, 'clientSecret', secret);
    assert.equal(await api.secrets.get(profile, 'clientSecret'), secret, 'read back from SecretStorage');
    // A secret is bound to the client it was entered for: another client ID does not receive it.
    assert.equal(await api.secrets.get({ ...profile, clientId: '00000000-0000-4000-8000-000000000000' }, 'clientSecret'), undefined);
    const stored = await eventually(async () => {
      const node = (await api.environmentNodes()).find((n) => n.id === profile.id);
      return node && /\bhas-secret\b/.test(node.contextValue) ? node : undefined;
    });
    assert.equal(stored.description, 'EU');
    assert.ok(!JSON.stringify(api.profiles.all()).includes(secret), 'the secret is not part of the stored profile');

    await vscode.commands.executeCommand('authFlow.clearClientSecret', profile.id);
    assert.equal(await api.secrets.get(profile, 'clientSecret'), undefined, 'cleared from SecretStorage');
    assert.deepEqual(await api.secrets.state(profile), { clientSecret: false, privateKey: false, login: false });
  });

  it('opens the timeline panel as the "Auth Flow Timeline" webview tab', async () => {
    await vscode.commands.executeCommand('authFlow.showTimeline');
    // The tab model reaches the extension host asynchronously after the panel is created.
    const tab = await eventually(async () =>
      vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((t) => t.label === 'Auth Flow Timeline'),
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the tab is a webview');
    assert.match(tab.input.viewType, /authFlow\.timeline$/);
  });
});

/** Polls until `probe` returns a value (state changes reach the tree and the tab model asynchronously). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
