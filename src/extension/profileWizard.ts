import {
  AUTHORIZE_METHODS,
  CLIENT_AUTH_METHODS,
  REGIONS,
  RESPONSE_MODES,
  parseProfile,
  type ClientAuthMethod,
  type Profile,
  type Region,
  type ResponseMode,
} from '../core/profile';
import {
  parseScopes,
  validateAuthPath,
  validateClientId,
  validateEnvId,
  validateName,
  validateRedirectUri,
  validateScopes,
  type Draft,
} from './profileValidators';
import { BACK, input, pick, type Back, type PickItem } from './quickInput';

const AUTH_METHOD_DETAILS: Record<ClientAuthMethod, string> = {
  client_secret_basic: 'Client ID and secret in the Authorization header (PingOne default)',
  client_secret_post: 'Client ID and secret in the token request body',
  client_secret_jwt: 'A JWT signed with the client secret (HS256)',
  private_key_jwt: 'A JWT signed with your private key (RS256)',
  tls_client_auth: 'Mutual TLS: a client certificate from a CA, matched by its subject (RFC 8705)',
  self_signed_tls_client_auth: 'Mutual TLS: a self-signed client certificate registered with the app (RFC 8705)',
  none: 'Public client: no secret, use PKCE',
};

const RESPONSE_MODE_DETAILS: Record<ResponseMode, string> = {
  redirect: 'Browser-style: follow the 302 to the sign-on page and back to the redirect URI',
  'pi.flow': 'PingOne flow API: the authorize request answers with a JSON flow object',
};

type Step = {
  /** Steps that do not apply to the draft (the auth path for a known region) are skipped. */
  applies?: (draft: Draft) => boolean;
  run: (draft: Draft, position: { title: string; step: number; totalSteps: number }) => Promise<'next' | Back | undefined>;
};

/** Wraps an input step: the accepted value is written into the draft by `apply`. */
function inputStep(
  prompt: string,
  current: (draft: Draft) => string,
  validate: (value: string, draft: Draft) => string | undefined,
  apply: (draft: Draft, value: string) => void,
  placeholder?: string,
): Step {
  return {
    run: async (draft, position) => {
      const value = await input({ ...position, prompt, placeholder, value: current(draft), validate: (v) => validate(v, draft) });
      if (value === BACK || value === undefined) return value;
      apply(draft, value.trim());
      return 'next';
    },
  };
}

function pickStep<T>(
  placeholder: string,
  items: ReadonlyArray<PickItem<T>>,
  current: (draft: Draft) => T | undefined,
  apply: (draft: Draft, value: T) => void,
): Step {
  return {
    run: async (draft, position) => {
      const value = await pick({ ...position, placeholder, items, active: current(draft) });
      if (value === BACK) return BACK;
      if (value === undefined) return undefined;
      apply(draft, value);
      return 'next';
    },
  };
}

function steps(takenNames: readonly string[]): Step[] {
  return [
    inputStep('Name of the environment, as shown in the Environments view', (d) => d.name ?? '', (v) => validateName(v, takenNames), (d, v) => (d.name = v), 'Staging – Web app'),
    pickStep<Region | 'custom'>(
      'Region of the PingOne environment',
      [
        ...Object.entries(REGIONS).map(([region, { label, authPath }]) => ({ label: region, description: label, detail: authPath, value: region as Region })),
        { label: 'Custom', description: 'Another auth path (custom domain or a compatible server)', value: 'custom' },
      ],
      (d) => d.region,
      (d, region) => {
        d.region = region;
        if (region !== 'custom') delete d.authPath;
      },
    ),
    {
      applies: (d) => d.region === 'custom',
      ...inputStep('Auth path: the base URL before /{envId}/as', (d) => d.authPath ?? '', validateAuthPath, (d, v) => (d.authPath = v), 'https://auth.example.com'),
    },
    inputStep('Environment ID (PingOne console: Settings → Environment Properties)', (d) => d.envId ?? '', validateEnvId, (d, v) => (d.envId = v), '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f'),
    inputStep('Client ID of the application (Applications → Overview)', (d) => d.clientId ?? '', validateClientId, (d, v) => (d.clientId = v)),
    pickStep<ResponseMode>(
      'Response mode',
      RESPONSE_MODES.map((mode) => ({ label: mode, detail: RESPONSE_MODE_DETAILS[mode], value: mode })),
      (d) => d.responseMode,
      (d, mode) => (d.responseMode = mode),
    ),
    inputStep('Redirect URI registered on the application', (d) => d.redirectUri ?? '', validateRedirectUri, (d, v) => (d.redirectUri = v), 'https://localhost:3000/callback'),
    inputStep('Scopes, separated by spaces', (d) => (d.scopes ?? ['openid', 'profile']).join(' '), validateScopes, (d, v) => (d.scopes = parseScopes(v))),
    pickStep<ClientAuthMethod>(
      'Client authentication at the token endpoint',
      CLIENT_AUTH_METHODS.map((method) => ({ label: method, detail: AUTH_METHOD_DETAILS[method], value: method })),
      (d) => d.clientAuthMethod,
      (d, method) => (d.clientAuthMethod = method),
    ),
    pickStep(
      'HTTP method of the authorize request',
      AUTHORIZE_METHODS.map((method) => ({ label: method, description: method === 'POST' ? 'form post' : 'query string', value: method })),
      (d) => d.authorizeMethod,
      (d, method) => (d.authorizeMethod = method),
    ),
    pickStep(
      'PKCE',
      [
        { label: 'Use PKCE (S256)', description: 'recommended', value: true },
        { label: 'No PKCE', value: false },
      ],
      (d) => d.pkce,
      (d, pkce) => (d.pkce = pkce),
    ),
  ];
}

/**
 * The Add / Edit environment quick input, one field per step with Back. Starts from `initial` (the
 * profile being edited, or just an id for a new one) and returns the validated profile, or undefined
 * when the user dismisses it.
 */
export async function profileWizard(initial: Draft & { id: string }, takenNames: readonly string[], title: string): Promise<Profile | undefined> {
  const draft: Draft = { ...initial };
  const all = steps(takenNames);
  let index = 0;
  while (index < all.length) {
    const applicable = all.filter((step) => step.applies?.(draft) ?? true);
    const current = all[index];
    if (!(current.applies?.(draft) ?? true)) {
      index++;
      continue;
    }
    const result = await current.run(draft, { title, step: applicable.indexOf(current) + 1, totalSteps: applicable.length });
    if (result === undefined) return undefined;
    if (result === BACK) {
      do index--;
      while (index > 0 && !(all[index].applies?.(draft) ?? true));
    } else index++;
  }
  return parseProfile(draft);
}
