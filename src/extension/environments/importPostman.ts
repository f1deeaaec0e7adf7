import * as vscode from 'vscode';
import type { Profile } from '../../core/profile';
import { loadEngine } from '../engineLoader';
import type { ProfileStore } from './profileStore';
import { duplicateProfile, newProfileId } from './profiles';
import type { SecretStore } from './secretStore';

/**
 * Auth Flow: Import Postman Environment…: pick an export, read what it maps and leaves out, and on
 * Import save it as a user environment with its client secret in SecretStorage. A file that is not an
 * environment is refused with the reason before anything is saved. Returns the saved profile, or
 * undefined when nothing was saved.
 */
export async function importPostmanCommand(store: ProfileStore, secrets: SecretStore, takenNames: readonly string[]): Promise<Profile | undefined> {
  const [uri] =
    (await vscode.window.showOpenDialog({
      title: 'Import Postman Environment',
      openLabel: 'Import',
      canSelectMany: false,
      filters: { 'Postman environment': ['json'] },
    })) ?? [];
  if (!uri) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const { importPostmanEnvironment, importReport } = loadEngine();
  let result;
  try {
    result = importPostmanEnvironment(text, newProfileId());
  } catch (error) {
    // The engine's FlowError is a class of another bundle: recognise it by name, not instanceof.
    if (!(error instanceof Error && error.name === 'FlowError')) throw error;
    void vscode.window.showErrorMessage(error.message, { modal: true, detail: (error as Error & { hint: string }).hint });
    return undefined;
  }
  // A name already in the list gets a copy's name, as Duplicate Environment gives one.
  const profile = takenNames.includes(result.profile.name) ? duplicateProfile(result.profile, takenNames) : result.profile;
  const detail = [
    `From ${vscode.workspace.asRelativePath(uri)}${profile.name === result.profile.name ? '' : `, as "${profile.name}": "${result.profile.name}" is taken`}.`,
    '',
    importReport(result),
    ...(result.secrets.clientSecret === undefined ? [] : ['', "The client secret goes to VS Code's secret storage, not the profile."]),
  ].join('\n');
  const choice = await vscode.window.showInformationMessage(`Import the Postman environment "${result.profile.name}"?`, { modal: true, detail }, 'Import');
  if (choice !== 'Import') return undefined;
  await store.save(profile);
  if (result.secrets.clientSecret !== undefined) await secrets.set(profile, 'clientSecret', result.secrets.clientSecret);
  void vscode.window.showInformationMessage(`Imported "${profile.name}".`);
  return profile;
}
