import * as vscode from 'vscode';
import { profileIdOf, type ProfileTarget } from '../commandTable';
import type { ProfileStore } from './profileStore';
import { isReservedId } from './profiles';
import type { SandboxHost } from './sandboxHost';
import type { SecretStore } from './secretStore';
import type { TreeEntry } from './treeModel';
import { choose } from '../quickInput';

export type ProfileEntry = Exclude<TreeEntry, { source: 'sandbox' }>;

/**
 * All environments of the window, whichever store they come from: the local sandbox, the user's
 * profiles and the workspace file's. Commands resolve their target through {@link pick}.
 */
export class Environments implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a profile, a secret (in any window) or the sandbox changes. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    readonly store: ProfileStore,
    readonly secrets: SecretStore,
    readonly sandbox: SandboxHost,
  ) {
    const fire = () => this.changed.fire();
    this.subscriptions = [this.changed, store.onDidChange(fire), secrets.onDidChange(fire), sandbox.onDidChange(fire)];
  }

  /** The sandbox first, then user and workspace profiles, with which secrets each has stored. */
  async entries(): Promise<TreeEntry[]> {
    const running = this.sandbox.current;
    const sandbox: TreeEntry = { source: 'sandbox', profile: running?.profiles()[0]?.profile, url: running?.url };
    const profiles = await Promise.all(
      this.store.all().map(async ({ source, profile, file }): Promise<ProfileEntry> => ({ source, profile, file, secrets: await this.secrets.state(profile) })),
    );
    return [sandbox, ...profiles];
  }

  /**
   * The entry a command acts on: the one given (a tree node or a profile id), else the user's choice
   * from a quick pick of the entries `accept` allows. Undefined when dismissed or not found (reported).
   */
  async pick(target: ProfileTarget | undefined, placeholder: string, accept: (entry: TreeEntry) => boolean = () => true): Promise<TreeEntry | undefined> {
    const entries = (await this.entries()).filter(accept);
    if (target !== undefined) {
      const id = profileIdOf(target);
      // Runs of the sandbox carry its profile's id (`sandbox-…`), which the tree shows as one entry.
      const found = entries.find((entry) => (entry.source === 'sandbox' ? isReservedId(id) : entry.profile.id === id));
      if (!found) void vscode.window.showErrorMessage(`The environment "${id}" no longer exists or does not support this action.`);
      return found;
    }
    if (!entries.length) {
      void vscode.window.showInformationMessage('No environment supports this action yet.');
      return undefined;
    }
    return choose<TreeEntry>({
      title: 'Auth Flow',
      placeholder,
      items: entries.map((entry) =>
        entry.source === 'sandbox'
          ? { label: '$(beaker) Local sandbox', description: 'built in', detail: entry.url ?? 'starts on this machine', value: entry }
          : { label: `$(server-environment) ${entry.profile.name}`, description: entry.source === 'workspace' ? 'workspace' : undefined, detail: `${entry.profile.envId} · ${entry.profile.clientId}`, value: entry },
      ),
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
