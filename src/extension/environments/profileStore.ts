import * as vscode from 'vscode';
import type { Profile } from '../../core/profile';
import {
  mergeProfiles,
  parseWorkspaceFile,
  readStoredProfiles,
  toStoredProfiles,
  type SourcedProfile,
  type StoredProfiles,
} from './profiles';

/** globalState keys and what each holds. Secrets never go here (see SecretStore). */
interface GlobalState {
  'authFlow.profiles': StoredProfiles;
}

const WORKSPACE_FILE = '.vscode/auth-flows.json';

/**
 * The user's profiles (globalState, editable) and the workspace's (`.vscode/auth-flows.json` in each
 * workspace folder, read-only here, watched). globalState is re-read on every {@link all} so a profile
 * saved in another window shows up on the next refresh. Invalid entries are logged and announced once,
 * never fatal.
 */
export class ProfileStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private watchers: vscode.Disposable[] = [];
  private workspace: Array<{ file: string; profiles: Profile[] }> = [];
  private readonly reported = new Set<string>();

  constructor(
    private readonly globalState: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchWorkspace()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.watchWorkspace()),
    );
    this.watchWorkspace();
  }

  /** User profiles, then workspace profiles. */
  all(): SourcedProfile[] {
    const { profiles, problems } = mergeProfiles(this.readUser().profiles, this.workspace);
    this.report(problems);
    return profiles;
  }

  get(id: string): SourcedProfile | undefined {
    return this.all().find((entry) => entry.profile.id === id);
  }

  async save(profile: Profile): Promise<void> {
    const stored = this.readUser();
    if (!stored.writable) {
      throw new Error('Saved environments were written by a newer version of Auth Flow Explorer; update the extension to change them.');
    }
    const index = stored.profiles.findIndex((p) => p.id === profile.id);
    const profiles = index === -1 ? [...stored.profiles, profile] : stored.profiles.with(index, profile);
    await this.update('authFlow.profiles', toStoredProfiles(profiles, stored.invalid));
    this.changed.fire();
  }

  async remove(id: string): Promise<void> {
    const stored = this.readUser();
    if (!stored.writable) {
      throw new Error('Saved environments were written by a newer version of Auth Flow Explorer; update the extension to change them.');
    }
    await this.update('authFlow.profiles', toStoredProfiles(stored.profiles.filter((p) => p.id !== id), stored.invalid));
    this.changed.fire();
  }

  private readUser() {
    const result = readStoredProfiles(this.globalState.get<GlobalState['authFlow.profiles']>('authFlow.profiles'));
    this.report(result.problems);
    return result;
  }

  private update<K extends keyof GlobalState>(key: K, value: GlobalState[K]): Thenable<void> {
    return this.globalState.update(key, value);
  }

  /** Logs each problem once and shows one notification per batch of new problems. */
  private report(problems: readonly string[]): void {
    const fresh = problems.filter((problem) => !this.reported.has(problem));
    if (!fresh.length) return;
    for (const problem of fresh) {
      this.reported.add(problem);
      this.log.warn(problem);
    }
    void vscode.window
      .showWarningMessage(
        fresh.length === 1 ? `Auth Flow: ${fresh[0]}` : `Auth Flow: ${fresh.length} environments could not be loaded.`,
        'Show Log',
      )
      .then((choice) => choice && this.log.show(true));
  }

  /** (Re)creates one watcher per workspace folder and reloads the files. Untrusted workspaces are skipped. */
  private watchWorkspace(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
    if (!vscode.workspace.isTrusted) {
      this.workspace = [];
      return;
    }
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WORKSPACE_FILE));
      const reload = () => void this.loadWorkspace();
      this.watchers.push(watcher, watcher.onDidCreate(reload), watcher.onDidChange(reload), watcher.onDidDelete(reload));
    }
    void this.loadWorkspace();
  }

  private async loadWorkspace(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const files = await Promise.all(folders.map((folder) => this.readWorkspaceFile(vscode.Uri.joinPath(folder.uri, WORKSPACE_FILE))));
    this.workspace = files.filter((file) => file !== undefined);
    this.changed.fire();
  }

  private async readWorkspaceFile(uri: vscode.Uri): Promise<{ file: string; profiles: Profile[] } | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      return undefined; // No file in this folder: nothing to list.
    }
    const file = vscode.workspace.asRelativePath(uri);
    const { profiles, problems } = parseWorkspaceFile(new TextDecoder().decode(bytes), file);
    this.report(problems);
    return { file, profiles };
  }

  /** The workspace file a profile came from, to open it for editing. */
  workspaceFileUri(file: string): vscode.Uri | undefined {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = vscode.Uri.joinPath(folder.uri, WORKSPACE_FILE);
      if (vscode.workspace.asRelativePath(uri) === file) return uri;
    }
    return undefined;
  }

  dispose(): void {
    for (const disposable of [...this.watchers, ...this.disposables]) disposable.dispose();
  }
}
