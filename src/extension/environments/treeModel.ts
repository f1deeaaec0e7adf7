/**
 * The Environments tree as plain data: one node per profile with its settings as children. The
 * TreeDataProvider in environmentsTree.ts only maps these nodes to TreeItems.
 * `contextValue` is a space-separated list of the tokens in contextKeys.ts ITEM_CONTEXT, which
 * package.json menus match with regular expressions.
 */
import { authPathOf } from '../../core/pingone/endpoints';
import { grantOf, isPingOne, issuerOf, REGIONS, secretProblems, signOnOf, type Profile } from '../../core/profile';
import { ITEM_CONTEXT } from '../contextKeys';
import type { ProfileSource } from './profiles';

/** The id of the built-in sandbox entry in the tree (its profile id is only known once started). */
export const SANDBOX_ENTRY_ID = 'sandbox';

/** Which secrets SecretStorage holds for a profile (values are never part of the tree). */
export interface SecretState {
  clientSecret: boolean;
  privateKey: boolean;
  /** Username and password remembered by the user's choice. */
  login: boolean;
}

export type TreeEntry =
  | { source: ProfileSource; profile: Profile; secrets: SecretState; file?: string }
  /** The local sandbox; `profile` and `url` are set once it runs. */
  | { source: 'sandbox'; profile?: Profile; url?: string };

export interface TreeNode {
  /** Unique in the tree, stable across refreshes (keeps expansion state). */
  id: string;
  /** The profile the node belongs to; commands invoked on any node act on it. */
  profileId: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id. */
  icon: string;
  contextValue: string;
  children?: TreeNode[];
}

/** Whether the profile's client authentication (or request object) needs a client secret / private key. */
export function secretNeeds(profile: Profile): { clientSecret: boolean; privateKey: boolean } {
  // secretProblems is the one rule for what a profile needs; ask it with the other secret supplied.
  return {
    clientSecret: secretProblems(profile, { privateKey: 'present', clientKey: 'present' }).length > 0,
    privateKey: secretProblems(profile, { clientSecret: 'present', clientKey: 'present' }).length > 0,
  };
}

export function contextValueOf(entry: TreeEntry): string {
  const tokens: string[] = [ITEM_CONTEXT.profile];
  if (entry.source !== 'sandbox') {
    const needs = secretNeeds(entry.profile);
    tokens.push(ITEM_CONTEXT.source[entry.source]);
    if (needs.clientSecret) tokens.push(ITEM_CONTEXT.needsSecret);
    if (entry.secrets.clientSecret) tokens.push(ITEM_CONTEXT.hasSecret);
    if (needs.privateKey) tokens.push(ITEM_CONTEXT.needsKey);
    if (entry.secrets.privateKey) tokens.push(ITEM_CONTEXT.hasKey);
    if (entry.secrets.login) tokens.push(ITEM_CONTEXT.hasLogin);
  }
  return tokens.join(' ');
}

/** Where the profile's server is: its PingOne region and auth path, or its issuer. */
function serverText(profile: Profile): string {
  if (!isPingOne(profile)) return profile.issuer ?? '';
  return profile.region === 'custom' ? `Custom — ${authPathOf(profile)}` : `${REGIONS[profile.region].label} — ${authPathOf(profile)}`;
}

function missingSecrets(entry: Extract<TreeEntry, { secrets: SecretState }>): string[] {
  const needs = secretNeeds(entry.profile);
  const missing: string[] = [];
  if (needs.clientSecret && !entry.secrets.clientSecret) missing.push('client secret');
  if (needs.privateKey && !entry.secrets.privateKey) missing.push('private key');
  return missing;
}

function detail(profileId: string, key: string, label: string, description: string, icon: string, contextValue: string = ITEM_CONTEXT.detail): TreeNode {
  return { id: `${profileId}/${key}`, profileId, label, description, tooltip: `${label}: ${description}`, icon, contextValue };
}

/** The settings of a profile, one node each. `nodeId` is the parent's id (the sandbox entry's, for the sandbox). */
function profileDetails(nodeId: string, profile: Profile): TreeNode[] {
  const flow = [profile.responseMode, profile.authorizeMethod, profile.pkce ? 'PKCE S256' : 'no PKCE'];
  if (profile.requestObject) flow.push(`request object ${profile.requestObject.alg}`);
  const nodes = [
    ...(isPingOne(profile)
      ? [detail(nodeId, 'region', 'Region', serverText(profile), 'globe'), detail(nodeId, 'envId', 'Environment ID', profile.envId, 'symbol-key', `${ITEM_CONTEXT.detail} ${ITEM_CONTEXT.envId}`)]
      : [detail(nodeId, 'issuer', 'Issuer', serverText(profile), 'globe')]),
    detail(nodeId, 'grant', 'Grant', grantOf(profile) === 'authorization_code' ? `authorization_code (${signOnOf(profile)} sign-on)` : grantOf(profile), 'key'),
    detail(nodeId, 'clientId', 'Client ID', profile.clientId, 'symbol-constant'),
    detail(nodeId, 'redirectUri', 'Redirect URI', profile.redirectUri || 'none (pi.flow)', 'link'),
    detail(nodeId, 'scopes', 'Scopes', profile.scopes.join(' '), 'list-flat'),
    detail(nodeId, 'clientAuth', 'Client authentication', profile.clientAuthMethod, 'shield'),
    detail(nodeId, 'flow', 'Response mode', flow.join(' · '), 'arrow-swap'),
  ];
  if (profile.insecureTls) {
    nodes.push(detail(nodeId, 'tls', 'TLS verification', 'off for this environment', 'warning'));
  }
  return nodes;
}

/** "port 4000" from the sandbox's URL; it always listens on loopback, so the port is what tells two apart. */
function portOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { port, protocol } = new URL(url);
    return `port ${port || (protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

function sandboxNode(entry: Extract<TreeEntry, { source: 'sandbox' }>): TreeNode {
  const id = SANDBOX_ENTRY_ID;
  const children = entry.profile
    ? [detail(id, 'url', 'Running at', entry.url ?? '', 'radio-tower'), ...profileDetails(id, entry.profile)]
    : [detail(id, 'status', 'Not started', 'starts on this machine on first run', 'debug-start')];
  const about = 'A PingOne-like server on this machine with a demo user: try every flow without an account.';
  return {
    id,
    profileId: id,
    label: 'Local PingOne sandbox',
    description: entry.profile ? [portOf(entry.url), entry.profile.name].filter(Boolean).join(' · ') : 'not started',
    tooltip: entry.profile ? `${about}\nRunning at ${entry.url ?? '(address unknown)'} with the profile "${entry.profile.name}".` : `${about}\nStarts on the first run.`,
    icon: 'beaker',
    contextValue: contextValueOf(entry),
    children,
  };
}

function profileNode(entry: Extract<TreeEntry, { secrets: SecretState }>): TreeNode {
  const { profile } = entry;
  const missing = missingSecrets(entry);
  const children = profileDetails(profile.id, profile);
  const secretText = (set: boolean) => (set ? 'stored in the secret store' : 'not set');
  const needs = secretNeeds(profile);
  if (needs.clientSecret) children.push(detail(profile.id, 'secret', 'Client secret', secretText(entry.secrets.clientSecret), 'key'));
  if (needs.privateKey) children.push(detail(profile.id, 'key', 'Private key', secretText(entry.secrets.privateKey), 'key'));
  if (entry.secrets.login) children.push(detail(profile.id, 'login', 'Sign-in', 'username and password remembered', 'account'));
  if (entry.file) children.push(detail(profile.id, 'file', 'Defined in', entry.file, 'file'));
  const description = [
    profile.region === 'custom' ? 'custom' : profile.region,
    entry.source === 'workspace' ? 'workspace' : undefined,
    missing.length ? `needs ${missing.join(' and ')}` : undefined,
  ].filter(Boolean);
  return {
    id: profile.id,
    profileId: profile.id,
    label: profile.name,
    description: description.join(' · '),
    tooltip: `${profile.name}\n${issuerOf(profile)}\nclient ${profile.clientId}`,
    icon: missing.length || profile.insecureTls ? 'warning' : 'server-environment',
    contextValue: contextValueOf(entry),
    children,
  };
}

/**
 * The root nodes: the local sandbox first, then user and workspace profiles in order. With no profiles
 * and the sandbox not started the tree is empty, so VS Code shows the welcome view with its
 * "Add environment" and "Try the local sandbox" links instead of a lone sandbox node.
 */
export function treeNodes(entries: readonly TreeEntry[]): TreeNode[] {
  const untouched = entries.every((entry) => entry.source === 'sandbox' && !entry.profile);
  if (untouched) return [];
  return entries.map((entry) => (entry.source === 'sandbox' ? sandboxNode(entry) : profileNode(entry)));
}
