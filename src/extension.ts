/**
 * Extension entry: the activation shell. It registers what VS Code must know about at once — every
 * command, the Environments view, the timeline panel serializer, the JWT hover — and loads the
 * services behind them (dist/main.js, src/extension/main.ts) the first time one is used, so activation
 * costs little more than the registrations themselves.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS, type CommandArgs } from './extension/commandTable';
import { registerJwtHover } from './extension/timeline/decode';
import { registerEnvironmentsTree } from './extension/environments/environmentsTree';
import type * as MainModule from './extension/main';
import { TIMELINE_VIEW_TYPE } from './extension/contextKeys';

export type { AuthFlowTestApi } from './extension/main';

let main: MainModule.Main | undefined;

/** What activate() returns, for the tests that run inside the extension host: the services, loaded. */
export interface AuthFlowActivation {
  services(): Promise<MainModule.AuthFlowTestApi>;
}

export function activate(context: vscode.ExtensionContext): AuthFlowActivation {
  const tree = registerEnvironmentsTree(async (node) => services().treeChildren(node));
  /** The services, built on first use. The path is computed so esbuild leaves the `require` alone. */
  function services(): MainModule.Main {
    main ??= (require(join(__dirname, 'main.js')) as typeof MainModule).start(context, tree.refresh);
    return main;
  }
  context.subscriptions.push(
    ...tree.disposables,
    ...COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, (...args: CommandArgs[typeof id]) => services().command(id, args))),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, { deserializeWebviewPanel: (panel) => services().panels.deserializeWebviewPanel(panel) }),
    registerJwtHover(),
  );
  return { services: async () => services().testApi };
}

/** Stops the local sandbox, if it was started; VS Code waits for the returned promise. */
export function deactivate(): Promise<void> | undefined {
  return main?.close();
}
