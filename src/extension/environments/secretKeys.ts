/**
 * How secrets are named and sealed in VS Code's SecretStorage. One key per profile and secret, e.g.
 * `authFlow.profile.<id>.clientSecret`. The stored value is bound to the client it was entered for
 * (issuer and client ID): profile ids come from editable files, so a workspace file reusing another
 * profile's id, or an edit that points a profile at a different server, must not receive the secret.
 */
import { issuerOf, type Profile } from '../../core/profile';

export const SECRET_NAMES = ['clientSecret', 'privateKey', 'username', 'password', 'clientKey'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const PREFIX = 'authFlow.profile.';

export function secretKey(profileId: string, name: SecretName): string {
  return `${PREFIX}${profileId}.${name}`;
}

/** The profile and secret a SecretStorage key belongs to, or undefined for keys this module did not name. */
export function parseSecretKey(key: string): { profileId: string; name: SecretName } | undefined {
  if (!key.startsWith(PREFIX)) return undefined;
  const dot = key.lastIndexOf('.');
  const name = key.slice(dot + 1);
  const profileId = key.slice(PREFIX.length, dot);
  if (!profileId || !(SECRET_NAMES as readonly string[]).includes(name)) return undefined;
  return { profileId, name: name as SecretName };
}

interface Sealed {
  /** `<issuer> <clientId>` the value was stored for. */
  for: string;
  value: string;
}

/** What a stored secret is bound to: the profile's issuer and client. */
type Bound = Pick<Profile, 'issuer' | 'region' | 'authPath' | 'envId' | 'clientId'>;

function bindingOf(profile: Bound): string {
  return `${issuerOf(profile)} ${profile.clientId}`;
}

/** The string to store for `value`, bound to the profile's issuer and client. */
export function sealSecret(profile: Bound, value: string): string {
  const sealed: Sealed = { for: bindingOf(profile), value };
  return JSON.stringify(sealed);
}

/** The stored value if it was sealed for this profile's issuer and client, else undefined. */
export function openSecret(
  profile: Bound,
  stored: string | undefined,
): string | undefined {
  if (stored === undefined) return undefined;
  let sealed: unknown;
  try {
    sealed = JSON.parse(stored);
  } catch {
    return undefined;
  }
  if (typeof sealed !== 'object' || sealed === null) return undefined;
  const { for: binding, value } = sealed as Partial<Sealed>;
  return binding === bindingOf(profile) && typeof value === 'string' ? value : undefined;
}
