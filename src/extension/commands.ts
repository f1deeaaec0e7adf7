import * as vscode from 'vscode';
import type { CommandArgs, CommandId, ProfileTarget } from './commandTable';
import type { DecodedTokens } from './timeline/decode';
import { exportRunCommand } from './run/exportRun';
import { measureEnvironment } from './run/measureEnvironment';
import type { Environments, ProfileEntry } from './environments/environments';
import { importPostmanCommand } from './environments/importPostman';
import { profileWizard } from './environments/profileWizard';
import { duplicateProfile, newProfileId } from './environments/profiles';
import type { RunController } from './run/runController';
import { promptClientSecret, promptPrivateKey } from './environments/secretPrompts';
import type { SecretName } from './environments/secretKeys';
import type { TimelinePanels } from './timeline/timelinePanel';
import { SANDBOX_ENTRY_ID, secretNeeds, type TreeEntry } from './environments/treeModel';
import { errorMessage } from '../core/errors';

export type Handlers = { [K in CommandId]: (...args: CommandArgs[K]) => unknown };

export interface CommandDeps {
  environments: Environments;
  runs: RunController;
  panels: TimelinePanels;
  /** Decode Selected Token and its verification. */
  tokens: DecodedTokens;
  log: vscode.LogOutputChannel;
  refreshTree(): void;
}

const isProfile = (entry: TreeEntry): entry is ProfileEntry => entry.source !== 'sandbox';
const isUserProfile = (entry: TreeEntry): entry is ProfileEntry => entry.source === 'user';

/** The handler of every command of the table. */
export function commandHandlers({ environments, runs, panels, tokens, log, refreshTree }: CommandDeps): Handlers {
  const { store, secrets, sandbox } = environments;

  /** The profile entry a command acts on, limited to the entries `accept` allows. */
  async function pickProfile(target: ProfileTarget | undefined, placeholder: string, accept: (entry: ProfileEntry) => boolean): Promise<ProfileEntry | undefined> {
    const entry = await environments.pick(target, placeholder, (e) => isProfile(e) && accept(e));
    return entry && isProfile(entry) ? entry : undefined;
  }

  const takenNames = (exceptId?: string) => store.all().filter((e) => e.profile.id !== exceptId).map((e) => e.profile.name);

  /** After a profile is saved, asks for the secrets its client authentication needs (skippable). */
  async function completeSecrets(entry: ProfileEntry): Promise<void> {
    const needs = secretNeeds(entry.profile);
    if (needs.clientSecret && !entry.secrets.clientSecret) await promptClientSecret(secrets, entry.profile);
    if (needs.privateKey && !entry.secrets.privateKey) await promptPrivateKey(secrets, entry.profile);
  }

  async function clearSecret(target: ProfileTarget | undefined, names: SecretName[], what: string, has: (entry: ProfileEntry) => boolean): Promise<void> {
    const entry = await pickProfile(target, `Environment whose ${what} to remove`, has);
    if (!entry) return;
    await secrets.delete(entry.profile.id, ...names);
    void vscode.window.showInformationMessage(`Removed the ${what} of "${entry.profile.name}" from the secret store.`);
  }

  return {
    'authFlow.run': (target) => runs.run(target),
    'authFlow.measureEnvironment': (target) => measureEnvironment({ environments, runs, panels, log }, target),
    'authFlow.trySandbox': () => runs.run(SANDBOX_ENTRY_ID),
    'authFlow.showTimeline': () => panels.show(),
    'authFlow.decodeSelection': () => tokens.decodeSelection(),
    'authFlow.refreshEnvironments': () => refreshTree(),
    'authFlow.exportRun': (runId) => exportRunCommand(runs, runId),

    'authFlow.addEnvironment': async () => {
      const result = await profileWizard({ id: newProfileId() }, takenNames(), 'Add Environment');
      if (!result) return;
      const { profile } = result;
      await store.save(profile);
      await completeSecrets({ source: 'user', profile, secrets: await secrets.state(profile) });
      if (result.runNow) await runs.run(profile.id);
    },

    'authFlow.importPostmanEnvironment': async () => {
      const profile = await importPostmanCommand(store, secrets, takenNames());
      if (profile) await completeSecrets({ source: 'user', profile, secrets: await secrets.state(profile) });
    },

    'authFlow.editEnvironment': async (target) => {
      const entry = await pickProfile(target, 'Environment to edit', () => true);
      if (!entry) return;
      if (entry.source === 'workspace') {
        // Workspace profiles are the file's: edit them there, where the team reviews them.
        const uri = entry.file ? store.workspaceFileUri(entry.file) : undefined;
        if (uri) await vscode.window.showTextDocument(uri);
        return;
      }
      const result = await profileWizard(entry.profile, takenNames(entry.profile.id), `Edit ${entry.profile.name}`);
      if (!result) return;
      const { profile } = result;
      await store.save(profile);
      await completeSecrets({ ...entry, profile, secrets: await secrets.state(profile) });
      if (result.runNow) await runs.run(profile.id);
    },

    'authFlow.duplicateEnvironment': async (target) => {
      const entry = await pickProfile(target, 'Environment to duplicate', () => true);
      if (!entry) return;
      const copy = duplicateProfile(entry.profile, takenNames());
      await store.save(copy);
      void vscode.window.showInformationMessage(`Saved "${copy.name}". Its secrets are not copied: set them on the new environment.`);
    },

    'authFlow.deleteEnvironment': async (target) => {
      const entry = await pickProfile(target, 'Environment to delete', isUserProfile);
      if (!entry) return;
      const choice = await vscode.window.showWarningMessage(
        `Delete the environment "${entry.profile.name}"?`,
        { modal: true, detail: 'Its client secret, private key and remembered sign-in are removed from the secret store too.' },
        'Delete',
      );
      if (choice !== 'Delete') return;
      await store.remove(entry.profile.id);
      await secrets.deleteAll(entry.profile.id);
    },

    'authFlow.copyEnvironmentId': async (target) => {
      const entry = await environments.pick(target, 'Environment whose ID to copy');
      if (!entry) return;
      const envId = entry.source === 'sandbox' ? (await sandbox.defaultProfile()).profile.envId : entry.profile.envId;
      if (envId === undefined) {
        void vscode.window.showInformationMessage(`"${entry.profile?.name}" names its provider by issuer; it has no PingOne environment ID.`);
        return;
      }
      await vscode.env.clipboard.writeText(envId);
      vscode.window.setStatusBarMessage(`$(check) Copied environment ID ${envId}`, 3000);
    },

    'authFlow.setClientSecret': async (target) => {
      const entry = await pickProfile(target, 'Environment whose client secret to set', (e) => secretNeeds(e.profile).clientSecret);
      if (entry) await promptClientSecret(secrets, entry.profile);
    },
    'authFlow.setPrivateKey': async (target) => {
      const entry = await pickProfile(target, 'Environment whose private key to set', (e) => secretNeeds(e.profile).privateKey);
      if (entry) await promptPrivateKey(secrets, entry.profile);
    },
    'authFlow.clearClientSecret': (target) => clearSecret(target, ['clientSecret'], 'client secret', (e) => e.secrets.clientSecret),
    'authFlow.clearPrivateKey': (target) => clearSecret(target, ['privateKey'], 'private key', (e) => e.secrets.privateKey),
    'authFlow.forgetCredentials': (target) => clearSecret(target, ['username', 'password'], 'remembered sign-in', (e) => e.secrets.login),
  };
}

/**
 * Runs one command's handler. Handlers report problems as messages; an unexpected error is still shown
 * as a sentence rather than VS Code's generic "command failed".
 */
export async function runHandler<K extends CommandId>(handlers: Handlers, id: K, args: CommandArgs[K]): Promise<unknown> {
  try {
    return await (handlers[id] as (...a: CommandArgs[K]) => unknown)(...args);
  } catch (error) {
    void vscode.window.showErrorMessage(`Auth Flow: ${errorMessage(error)}`);
    return undefined;
  }
}
