/**
 * The composition root, loaded by the activation shell (src/extension.ts) the first time a command,
 * the Environments view or a restored timeline needs it: builds the services and answers for the
 * shell's registrations. The engine (undici, jose) and the sandbox load later still, on first run (see
 * engineLoader.ts).
 */
import * as vscode from 'vscode';
import { commandHandlers, runHandler } from './commands';
import type { CommandArgs, CommandId } from './commandTable';
import { DecodedTokens } from './timeline/decode';
import { Environments } from './environments/environments';
import { ProfileStore } from './environments/profileStore';
import { RunController } from './run/runController';
import { RunHistory } from './run/runHistory';
import { SandboxHost } from './environments/sandboxHost';
import { SecretStore } from './environments/secretStore';
import { TimelinePanels } from './timeline/timelinePanel';
import { treeNodes, type TreeNode } from './environments/treeModel';

/**
 * The services a test inside the extension host reaches (test/vscode/): the tree as the view gets it,
 * and the stores, because another extension cannot read this extension's globalState or SecretStorage.
 * Not a public API; it may change with any release.
 */
export interface AuthFlowTestApi {
  environmentNodes(node?: TreeNode): Promise<TreeNode[]>;
  readonly profiles: Pick<ProfileStore, 'all' | 'save' | 'remove'>;
  readonly secrets: Pick<SecretStore, 'get' | 'set' | 'state'>;
}

/** What the shell's registrations call into. */
export interface Main {
  command<K extends CommandId>(id: K, args: CommandArgs[K]): Promise<unknown>;
  treeChildren(node?: TreeNode): Promise<TreeNode[]>;
  readonly panels: TimelinePanels;
  readonly testApi: AuthFlowTestApi;
  /** Stops the local sandbox, if it was started. */
  close(): Promise<void>;
}

/** Builds the services; `refreshTree` tells the shell's Environments view to ask for its nodes again. */
export function start(context: vscode.ExtensionContext, refreshTree: () => void): Main {
  const log = vscode.window.createOutputChannel('Auth Flow', { log: true });
  const sandbox = new SandboxHost(log);
  const store = new ProfileStore(context.globalState, log);
  const secrets = new SecretStore(context.secrets);
  const environments = new Environments(store, secrets, sandbox);
  const panels = new TimelinePanels(context.extensionUri, log);
  const runs = new RunController(environments, panels, log, new RunHistory(context.globalState));
  const tokens = new DecodedTokens(panels, environments);
  const handlers = commandHandlers({ environments, runs, panels, tokens, log, refreshTree });
  const treeChildren = async (node?: TreeNode) => (node ? (node.children ?? []) : treeNodes(await environments.entries()));

  context.subscriptions.push(
    log,
    sandbox,
    store,
    secrets,
    environments,
    panels,
    runs,
    tokens,
    environments.onDidChange(refreshTree),
    // globalState has no change event across windows: re-read when this window regains focus.
    vscode.window.onDidChangeWindowState((state) => state.focused && refreshTree()),
    // The timeline's Export button runs the command for its run.
    panels.onDidReceiveMessage((message) => {
      if (message.method === 'timeline/run/export') void vscode.commands.executeCommand('authFlow.exportRun', message.params.runId);
    }),
  );
  return {
    command: (id, args) => runHandler(handlers, id, args),
    treeChildren,
    panels,
    testApi: { environmentNodes: treeChildren, profiles: store, secrets },
    close: () => sandbox.close(),
  };
}
