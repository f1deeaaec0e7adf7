/**
 * An environment profile: everything needed to run a flow against one PingOne (or PingOne-compatible)
 * environment, minus the secrets. Secrets travel separately as {@link Secrets} so a profile can be
 * written to settings, a workspace file or a log without leaking anything.
 */

/** PingOne regions and their auth hosts (PingOne API docs, "Regions"). */
export const REGIONS = {
  NA: { label: 'North America', authPath: 'https://auth.pingone.com' },
  EU: { label: 'EU', authPath: 'https://auth.pingone.eu' },
  CA: { label: 'Canada', authPath: 'https://auth.pingone.ca' },
  AU: { label: 'Australia', authPath: 'https://auth.pingone.com.au' },
  SG: { label: 'Singapore', authPath: 'https://auth.pingone.sg' },
  AP: { label: 'Asia-Pacific (legacy)', authPath: 'https://auth.pingone.asia' },
} as const;

export type Region = keyof typeof REGIONS;

/** Token endpoint client authentication, named as in OIDC Core §9 / RFC 7591. */
export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** `pi.flow` answers the authorize request with a JSON flow; `redirect` is the browser-style 302. */
export const RESPONSE_MODES = ['redirect', 'pi.flow'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

export const AUTHORIZE_METHODS = ['GET', 'POST'] as const;
export type AuthorizeMethod = (typeof AUTHORIZE_METHODS)[number];

export const REQUEST_OBJECT_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'] as const;
export type RequestObjectAlg = (typeof REQUEST_OBJECT_ALGS)[number];

export const ASSERTION_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'PS256'] as const;
export type AssertionAlg = (typeof ASSERTION_ALGS)[number];

export interface Profile {
  /** Stable identifier (used to key secrets). */
  id: string;
  /** Human name shown in lists. */
  name: string;
  /** A PingOne region, or `custom` with {@link Profile.authPath} set. */
  region: Region | 'custom';
  /** Base URL for `custom` (a trailing `/v1` is accepted and stripped). Ignored for known regions. */
  authPath?: string;
  envId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  clientAuthMethod: ClientAuthMethod;
  /** Algorithm for client_secret_jwt / private_key_jwt assertions; defaults HS256 / RS256. */
  assertionAlg?: AssertionAlg;
  authorizeMethod: AuthorizeMethod;
  responseMode: ResponseMode;
  /** PKCE S256 on the authorize request and code_verifier at the token endpoint. */
  pkce: boolean;
  /** Send the authorize parameters as a signed request object (`request=`). */
  requestObject?: { alg: RequestObjectAlg };
  prompt?: 'none' | 'login' | 'consent';
  loginHint?: string;
  acrValues?: string;
  maxAge?: number;
  /** Call /as/userinfo after the token step (default true). */
  userinfo?: boolean;
  /** Skip TLS certificate verification. Shown as a warning on every step. */
  insecureTls?: boolean;
}

/**
 * Secrets for one run. Never part of a profile; supplied by SecretStorage, CLI flags or env vars.
 * `privateKey` is a PKCS#8 PEM or a private JWK (JSON string) for private_key_jwt and RS request objects.
 */
export interface Secrets {
  clientSecret?: string;
  privateKey?: string;
  username?: string;
  password?: string;
}

export interface ProfileProblem {
  field: keyof Profile | 'secrets';
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Normalises an authPath: no trailing slash, no trailing `/v1` (some docs write it; real URLs have none). */
export function normalizeAuthPath(authPath: string): string {
  return authPath.trim().replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, '');
}

export function authPathOf(profile: Pick<Profile, 'region' | 'authPath'>): string {
  if (profile.region === 'custom') return normalizeAuthPath(profile.authPath ?? '');
  return REGIONS[profile.region].authPath;
}

export interface Endpoints {
  issuer: string;
  authorize: string;
  resume: string;
  token: string;
  userinfo: string;
  jwks: string;
  introspect: string;
  revoke: string;
  signoff: string;
  par: string;
  discovery: string;
  /** Flows API base: append `/{flowId}`. */
  flows: string;
}

/** The environment's endpoints, per PINGONE "Paths": everything hangs off `{{authPath}}/{{envID}}`. */
export function endpointsOf(profile: Pick<Profile, 'region' | 'authPath' | 'envId'>): Endpoints {
  const base = `${authPathOf(profile)}/${encodeURIComponent(profile.envId)}`;
  const as = `${base}/as`;
  return {
    issuer: as,
    authorize: `${as}/authorize`,
    resume: `${as}/resume`,
    token: `${as}/token`,
    userinfo: `${as}/userinfo`,
    jwks: `${as}/jwks`,
    introspect: `${as}/introspect`,
    revoke: `${as}/revoke`,
    signoff: `${as}/signoff`,
    par: `${as}/par`,
    discovery: `${as}/.well-known/openid-configuration`,
    flows: `${base}/flows`,
  };
}

function isHttpUrl(value: string | undefined): boolean {
  if (!value) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Every problem with a profile, as messages a form can show next to the field. An empty list means the
 * profile can run (given the secrets its client-auth method needs; see {@link secretProblems}).
 */
export function validateProfile(profile: Partial<Profile>): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const add = (field: ProfileProblem['field'], message: string) => problems.push({ field, message });

  if (!profile.id?.trim()) add('id', 'A profile needs an id.');
  if (!profile.name?.trim()) add('name', 'Give the environment a name.');
  if (profile.region === undefined) add('region', 'Pick a region, or "custom" with an auth path.');
  else if (profile.region === 'custom') {
    if (!isHttpUrl(profile.authPath)) add('authPath', 'The auth path must be an http(s) URL, such as https://auth.pingone.com.');
  } else if (!(profile.region in REGIONS)) {
    add('region', `Unknown region "${profile.region}". Known: ${Object.keys(REGIONS).join(', ')}, custom.`);
  }
  // PingOne environment IDs are UUIDs; a custom server may use any path-safe id.
  if (!profile.envId?.trim()) add('envId', 'The environment ID is required.');
  else if (profile.region !== 'custom' && !UUID.test(profile.envId)) {
    add('envId', 'A PingOne environment ID is a UUID, such as 8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f.');
  } else if (/[\/?#\s]/.test(profile.envId)) add('envId', 'The environment ID cannot contain "/", "?", "#" or spaces.');
  if (!profile.clientId?.trim()) add('clientId', 'The client (application) ID is required.');
  if (!isHttpUrl(profile.redirectUri) && !(profile.responseMode === 'pi.flow' && !profile.redirectUri)) {
    add('redirectUri', 'The redirect URI must be an absolute URL registered on the application.');
  }
  if (!Array.isArray(profile.scopes) || profile.scopes.some((s) => !s || /\s/.test(s))) {
    add('scopes', 'Scopes are a list of words without spaces, such as ["openid", "profile"].');
  }
  if (!CLIENT_AUTH_METHODS.includes(profile.clientAuthMethod as ClientAuthMethod)) {
    add('clientAuthMethod', `Client authentication must be one of ${CLIENT_AUTH_METHODS.join(', ')}.`);
  }
  if (profile.assertionAlg !== undefined && !ASSERTION_ALGS.includes(profile.assertionAlg)) {
    add('assertionAlg', `Assertion algorithm must be one of ${ASSERTION_ALGS.join(', ')}.`);
  }
  if (!AUTHORIZE_METHODS.includes(profile.authorizeMethod as AuthorizeMethod)) {
    add('authorizeMethod', 'The authorize method is GET or POST.');
  }
  if (!RESPONSE_MODES.includes(profile.responseMode as ResponseMode)) {
    add('responseMode', 'The response mode is "redirect" or "pi.flow".');
  }
  if (typeof profile.pkce !== 'boolean') add('pkce', 'pkce is true or false.');
  if (profile.requestObject && !REQUEST_OBJECT_ALGS.includes(profile.requestObject.alg)) {
    add('requestObject', `The request object algorithm must be one of ${REQUEST_OBJECT_ALGS.join(', ')}.`);
  }
  if (profile.prompt !== undefined && !['none', 'login', 'consent'].includes(profile.prompt)) {
    add('prompt', 'prompt is none, login or consent.');
  }
  if (profile.maxAge !== undefined && (!Number.isInteger(profile.maxAge) || profile.maxAge < 0)) {
    add('maxAge', 'max_age is a whole number of seconds.');
  }
  return problems;
}

/** What the profile's client authentication and request object need from {@link Secrets}. */
export function secretProblems(profile: Profile, secrets: Secrets): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  const needsSecret =
    profile.clientAuthMethod === 'client_secret_basic' ||
    profile.clientAuthMethod === 'client_secret_post' ||
    profile.clientAuthMethod === 'client_secret_jwt' ||
    profile.requestObject?.alg.startsWith('HS');
  const needsKey = profile.clientAuthMethod === 'private_key_jwt' || profile.requestObject?.alg.startsWith('RS');
  if (needsSecret && !secrets.clientSecret) {
    problems.push({ field: 'secrets', message: `"${profile.name}" needs a client secret (${profile.clientAuthMethod}${profile.requestObject ? `, ${profile.requestObject.alg} request object` : ''}).` });
  }
  if (needsKey && !secrets.privateKey) {
    problems.push({ field: 'secrets', message: `"${profile.name}" needs a private key (PKCS#8 PEM or private JWK).` });
  }
  return problems;
}

/** Parses and validates untrusted JSON (a profile file, globalState) into a profile, or throws the problems. */
export function parseProfile(value: unknown): Profile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProfileError([{ field: 'id', message: 'A profile is a JSON object.' }]);
  }
  const candidate = { pkce: true, authorizeMethod: 'GET', responseMode: 'redirect', scopes: ['openid'], ...value } as Partial<Profile> & Record<string, unknown>;
  for (const forbidden of ['clientSecret', 'client_secret', 'password', 'privateKey']) {
    if (forbidden in candidate) {
      throw new ProfileError([{ field: 'secrets', message: `Profiles never hold secrets: remove "${forbidden}" and pass it through a flag, an environment variable or the secret store.` }]);
    }
  }
  const scopes: unknown = candidate.scopes;
  if (typeof scopes === 'string') candidate.scopes = scopes.split(/\s+/).filter(Boolean);
  if (candidate.region === 'custom' && candidate.authPath) candidate.authPath = normalizeAuthPath(candidate.authPath);
  const problems = validateProfile(candidate);
  if (problems.length) throw new ProfileError(problems);
  return candidate as Profile;
}

export class ProfileError extends Error {
  readonly problems: ProfileProblem[];
  constructor(problems: ProfileProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
    this.name = 'ProfileError';
    this.problems = problems;
  }
}
