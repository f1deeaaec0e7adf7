import * as vscode from 'vscode';
import type { Profile, Secrets } from '../../core/profile';
import { openSecret, parseSecretKey, sealSecret, secretKey, SECRET_NAMES, type SecretName } from './secretKeys';
import type { SecretState } from './treeModel';

type Bindable = Pick<Profile, 'id' | 'issuer' | 'region' | 'authPath' | 'envId' | 'clientId'>;

/**
 * Profile secrets in VS Code's SecretStorage (the OS keychain), one key per profile and secret. Values
 * are only returned for the issuer and client they were stored for (see secretKeys.ts). Other windows
 * writing a secret fire {@link onDidChange} here too, so every window's tree stays current.
 */
export class SecretStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the profile id whose secrets changed, in this window or another. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly storage: vscode.SecretStorage) {
    this.subscription = storage.onDidChange((event) => {
      const parsed = parseSecretKey(event.key);
      if (parsed) this.changed.fire(parsed.profileId);
    });
  }

  async get(profile: Bindable, name: SecretName): Promise<string | undefined> {
    return openSecret(profile, await this.storage.get(secretKey(profile.id, name)));
  }

  async secrets(profile: Bindable): Promise<Secrets> {
    const [clientSecret, privateKey, username, password, clientKey] = await Promise.all(SECRET_NAMES.map((name) => this.get(profile, name)));
    return { clientSecret, privateKey, username, password, clientKey };
  }

  async state(profile: Bindable): Promise<SecretState> {
    const secrets = await this.secrets(profile);
    return {
      clientSecret: secrets.clientSecret !== undefined,
      privateKey: secrets.privateKey !== undefined,
      login: secrets.username !== undefined && secrets.password !== undefined,
    };
  }

  async set(profile: Bindable, name: SecretName, value: string): Promise<void> {
    await this.storage.store(secretKey(profile.id, name), sealSecret(profile, value));
  }

  async delete(profileId: string, ...names: SecretName[]): Promise<void> {
    await Promise.all(names.map((name) => this.storage.delete(secretKey(profileId, name))));
  }

  /** Removes every secret of a deleted profile. */
  async deleteAll(profileId: string): Promise<void> {
    await this.delete(profileId, ...SECRET_NAMES);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
