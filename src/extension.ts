/**
 * Extension entry: the composition root. Builds the services, registers the Environments view, the
 * commands, the timeline panel serializer and the JWT hover, and hands every disposable to VS Code.
 * Nothing heavy loads here: the engine (undici, jose), the sandbox and the webview HTML load on first
 * use (see extension/engineLoader.ts).
 */
import * as vscode from 'vscode';
import { registerCommands } from './extension/commands';
import { registerJwtHover } from './extension/decode';
import { Environments } from './extension/environments';
import { registerEnvironmentsTree } from './extension/environmentsTree';
import { ProfileStore } from './extension/profileStore';
import { RunController } from './extension/runController';
import { SandboxHost } from './extension/sandboxHost';
import { SecretStore } from './extension/secretStore';
import { TIMELINE_VIEW_TYPE, TimelinePanels } from './extension/timelinePanel';
import type { TreeNode } from './extension/treeModel';

let sandbox: SandboxHost | undefined;

/**
 * What activate() returns, for the tests that run inside the extension host (test/vscode/) and nothing
 * else: the tree as the view gets it, and the stores, because another extension cannot read this
 * extension's globalState or SecretStorage. Not a public API; it may change with any release.
 */
export interface AuthFlowTestApi {
  environmentNodes(node?: TreeNode): Promise<TreeNode[]>;
  readonly profiles: Pick<ProfileStore, 'all' | 'save' | 'remove'>;
  readonly secrets: Pick<SecretStore, 'get' | 'set' | 'state'>;
}

export function activate(context: vscode.ExtensionContext): AuthFlowTestApi {
  const log = vscode.window.createOutputChannel('Auth Flow', { log: true });
  sandbox = new SandboxHost(log);
  const store = new ProfileStore(context.globalState, log);
  const secrets = new SecretStore(context.secrets);
  const environments = new Environments(store, secrets, sandbox);
  const panels = new TimelinePanels(context.extensionUri, log);
  const runs = new RunController(environments, panels, log);
  const tree = registerEnvironmentsTree(environments);

  context.subscriptions.push(
    log,
    sandbox,
    store,
    secrets,
    environments,
    panels,
    runs,
    ...tree.disposables,
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, panels),
    ...registerCommands({ environments, runs, panels, refreshTree: tree.refresh }),
    registerJwtHover(),
  );
  return { environmentNodes: (node) => tree.children(node), profiles: store, secrets };
}

/** Stops the local sandbox, if it was started; VS Code waits for the returned promise. */
export function deactivate(): Promise<void> | undefined {
  return sandbox?.close();
}
