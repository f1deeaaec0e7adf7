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

let sandbox: SandboxHost | undefined;

export function activate(context: vscode.ExtensionContext): void {
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
}

/** Stops the local sandbox, if it was started; VS Code waits for the returned promise. */
export function deactivate(): Promise<void> | undefined {
  return sandbox?.close();
}
