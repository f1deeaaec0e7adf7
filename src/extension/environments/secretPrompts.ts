import { createPrivateKey } from 'node:crypto';
import * as vscode from 'vscode';
import type { Profile } from '../../core/profile';
import { normalizePrivateKey, validateClientSecret, validatePrivateKey } from './profileValidators';
import { ask, choose } from '../quickInput';
import type { SecretStore } from './secretStore';

/** Asks for the client secret and stores it. False when the user dismissed the input. */
export async function promptClientSecret(secrets: SecretStore, profile: Profile): Promise<boolean> {
  const value = await ask({
    title: `Client secret for ${profile.name}`,
    prompt: 'Stored in VS Code\'s secret store (OS keychain), never in settings or files.',
    password: true,
    validate: validateClientSecret,
  });
  if (value === undefined) return false;
  await secrets.set(profile, 'clientSecret', value.trim());
  return true;
}

/** Reads the private key of the profile's TLS client certificate (mutual TLS) from a PEM file and stores it. */
export async function promptClientKey(secrets: SecretStore, profile: Profile): Promise<boolean> {
  const title = `Client certificate key for ${profile.name}`;
  const [uri] = (await vscode.window.showOpenDialog({ title, openLabel: 'Store in the Secret Store', canSelectMany: false, filters: { 'PEM private keys': ['pem', 'key'] } })) ?? [];
  if (!uri) return false;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  try {
    createPrivateKey(text);
  } catch {
    void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(uri)} is not a PEM private key.`);
    return false;
  }
  await secrets.set(profile, 'clientKey', text);
  return true;
}

/** Reads a private key from a file or from the clipboard-pasted text, validates and stores it. */
export async function promptPrivateKey(secrets: SecretStore, profile: Profile): Promise<boolean> {
  const title = `Private key for ${profile.name}`;
  const source = await choose({
    title,
    placeholder: 'PKCS#8 PEM or private JWK, for private_key_jwt and RS request objects',
    items: [
      { label: '$(file) Choose a key file…', value: 'file' as const },
      { label: '$(clippy) Paste the key', value: 'paste' as const },
    ],
  });
  let text: string | undefined;
  if (source === 'file') {
    const [uri] = (await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { 'Private keys': ['pem', 'key', 'json', 'jwk'] } })) ?? [];
    if (!uri) return false;
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const problem = validatePrivateKey(text);
    if (problem) {
      void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(uri)}: ${problem}`);
      return false;
    }
  } else if (source === 'paste') {
    text = await ask({ title, prompt: 'Paste the PEM or JWK; it is stored in the OS keychain.', password: true, validate: validatePrivateKey });
  }
  if (text === undefined) return false;
  await secrets.set(profile, 'privateKey', normalizePrivateKey(text));
  return true;
}
