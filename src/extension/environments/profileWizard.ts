import {
  AUTHORIZE_METHODS,
  CLIENT_AUTH_METHODS,
  GRANTS,
  REGIONS,
  RESPONSE_MODES,
  SIGN_ON_MODES,
  type Grant,
  type SignOnMode,
  parseProfile,
  validateProfile,
  type ClientAuthMethod,
  type Profile,
  type Region,
  type ResponseMode,
} from '../../core/profile';
import {
  parseScopes,
  validateAuthPath,
  validateClientId,
  validateEnvId,
  validateIssuer,
  validateName,
  validateRedirectUri,
  validateScopes,
  type Draft,
} from './profileValidators';
import { readPastedUrl, type Pasted } from './pastedUrl';
import { BACK, input, pick, separator, type Back, type PickItem } from '../quickInput';

const AUTH_METHOD_DETAILS: Record<ClientAuthMethod, string> = {
  client_secret_basic: 'Client ID and secret in the Authorization header (PingOne default)',
  client_secret_post: 'Client ID and secret in the token request body',
  client_secret_jwt: 'A JWT signed with the client secret (HS256)',
  private_key_jwt: 'A JWT signed with your private key (RS256)',
  tls_client_auth: 'Mutual TLS: a client certificate from a CA, matched by its subject (RFC 8705)',
  self_signed_tls_client_auth: 'Mutual TLS: a self-signed client certificate registered with the app (RFC 8705)',
  none: 'Public client: no secret, use PKCE',
};

const GRANT_DETAILS: Record<Grant, string> = {
  authorization_code: 'A person signs on; the code is exchanged for tokens (RFC 6749 §4.1)',
  client_credentials: 'The application asks for itself, no person (RFC 6749 §4.4)',
  device_code: 'A person signs on in a browser elsewhere with a code shown here (RFC 8628)',
};

const SIGN_ON_DETAILS: Record<SignOnMode, string> = {
  headless: 'Here, through PingOne\'s flows API: username, password and one-time codes asked in VS Code',
  browser: 'In the system browser (push MFA, passkeys, external IdPs); the redirect comes back to a loopback port',
};

const RESPONSE_MODE_DETAILS: Record<ResponseMode, string> = {
  redirect: 'Browser-style: follow the 302 to the sign-on page and back to the redirect URI',
  'pi.flow': 'PingOne flow API: the authorize request answers with a JSON flow object',
};

type Step = {
  /** Steps that do not apply to the draft (the auth path for a known region) are skipped. */
  applies?: (draft: Draft) => boolean;
  /** The field's line on the summary page; a step without one is not listed there. */
  summary?: (draft: Draft) => { label: string; value: string };
  run: (draft: Draft, position: { title: string; step: number; totalSteps: number }) => Promise<'next' | Back | undefined>;
};

/** Wraps an input step: the accepted value is written into the draft by `apply`. */
function inputStep(
  label: string,
  prompt: string,
  current: (draft: Draft) => string,
  validate: (value: string, draft: Draft) => string | undefined,
  apply: (draft: Draft, value: string) => void,
  placeholder?: string,
): Step {
  return {
    summary: (draft) => ({ label, value: current(draft) }),
    run: async (draft, position) => {
      const value = await input({ ...position, prompt, placeholder, value: current(draft), validate: (v) => validate(v, draft) });
      if (value === BACK || value === undefined) return value;
      apply(draft, value.trim());
      return 'next';
    },
  };
}

function pickStep<T>(
  label: string,
  placeholder: string,
  items: ReadonlyArray<PickItem<T>>,
  current: (draft: Draft) => T | undefined,
  apply: (draft: Draft, value: T) => void,
): Step {
  return {
    summary: (draft) => ({ label, value: items.find((item) => item.value === current(draft))?.label ?? '' }),
    run: async (draft, position) => {
      const value = await pick({ ...position, placeholder, items, active: current(draft) });
      if (value === BACK) return BACK;
      if (value === undefined) return undefined;
      apply(draft, value);
      return 'next';
    },
  };
}

/** What a recognised URL fills in, in words, for the note under the paste box. */
function recognised(pasted: Extract<Pasted, { fields: unknown }>): string {
  const { issuer, region, authPath, envId, clientId, redirectUri, scopes, responseMode } = pasted.fields;
  if (issuer !== undefined) return `Read as an OpenID provider: issuer ${issuer} (its discovery document names the endpoints). Press Enter to fill it in.`;
  const parts = [
    region === 'custom' ? `auth path ${authPath}` : `region ${region}`,
    `environment ${envId}`,
    ...(clientId ? [`client ${clientId}`] : []),
    ...(redirectUri ? [`redirect URI ${redirectUri}`] : []),
    ...(scopes ? [`scopes ${scopes.join(' ')}`] : []),
    ...(responseMode ? [`response mode ${responseMode}`] : []),
  ];
  return `Read as ${pasted.kind === 'api' ? 'a management API' : `${/^[aeiou]/.test(pasted.kind) ? 'an' : 'a'} ${pasted.kind}`} URL: ${parts.join(', ')}. Press Enter to fill these in.`;
}

/** Optional first step: a pasted URL fills in the fields it names; empty goes on to type them. */
const pasteStep: Step = {
  run: async (draft, position) => {
    const read = (value: string) => (value.trim() ? readPastedUrl(value) : undefined);
    const value = await input({
      ...position,
      prompt: 'Paste an issuer, discovery, authorize or PingOne console URL — PingOne or any OpenID provider — to fill in the fields it names, or press Enter to type them',
      placeholder: 'https://auth.pingone.eu/<environment ID>/as',
      validate: (v) => {
        const pasted = read(v);
        return pasted && 'problem' in pasted ? pasted.problem : undefined;
      },
      describe: (v) => {
        const pasted = read(v);
        return pasted && 'fields' in pasted ? recognised(pasted) : undefined;
      },
    });
    if (value === BACK || value === undefined) return value;
    const pasted = read(value);
    if (pasted && 'fields' in pasted) {
      // One way of naming the server at a time: an issuer replaces a PingOne environment and back.
      if (pasted.fields.issuer !== undefined) {
        delete draft.region;
        delete draft.authPath;
        delete draft.envId;
        if (draft.responseMode === 'pi.flow') delete draft.responseMode;
      } else delete draft.issuer;
      Object.assign(draft, pasted.fields);
      if (pasted.fields.region !== 'custom') delete draft.authPath;
    }
    return 'next';
  },
};

function steps(takenNames: readonly string[]): Step[] {
  return [
    pasteStep,
    inputStep('Name', 'Name of the environment, as shown in the Environments view', (d) => d.name ?? '', (v) => validateName(v, takenNames), (d, v) => (d.name = v), 'Staging – Web app'),
    pickStep<'pingone' | 'issuer'>(
      'Provider',
      'Which authorization server?',
      [
        { label: 'PingOne', description: 'region and environment ID', value: 'pingone' },
        { label: 'Any OpenID provider', description: 'by its issuer URL (Keycloak, Entra ID, Okta, Auth0…)', value: 'issuer' },
      ],
      (d) => (d.issuer !== undefined ? 'issuer' : 'pingone'),
      (d, provider) => {
        if (provider === 'pingone') delete d.issuer;
        else {
          d.issuer ??= '';
          delete d.region;
          delete d.authPath;
          delete d.envId;
          if (d.responseMode === 'pi.flow') delete d.responseMode;
        }
      },
    ),
    {
      applies: (d) => d.issuer !== undefined,
      ...inputStep('Issuer', 'Issuer URL: the one the provider names itself by (its discovery document is at {issuer}/.well-known/openid-configuration)', (d) => d.issuer ?? '', validateIssuer, (d, v) => (d.issuer = v), 'https://login.example.com/realms/dev'),
    },
    {
      applies: (d) => d.issuer === undefined,
      ...pickStep<Region | 'custom'>(
      'Region',
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
    },
    {
      applies: (d) => d.issuer === undefined && d.region === 'custom',
      ...inputStep('Auth path', 'Auth path: the base URL before /{envId}/as', (d) => d.authPath ?? '', validateAuthPath, (d, v) => (d.authPath = v), 'https://auth.example.com'),
    },
    {
      applies: (d) => d.issuer === undefined,
      ...inputStep('Environment ID', 'Environment ID (PingOne console: Settings → Environment Properties)', (d) => d.envId ?? '', validateEnvId, (d, v) => (d.envId = v), '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f'),
    },
    inputStep('Client ID', 'Client ID of the application', (d) => d.clientId ?? '', validateClientId, (d, v) => (d.clientId = v)),
    pickStep<Grant>(
      'Grant',
      'What should a run do?',
      GRANTS.map((grant) => ({ label: grant, detail: GRANT_DETAILS[grant], value: grant })),
      (d) => d.grant ?? 'authorization_code',
      (d, grant) => {
        d.grant = grant;
        if (grant !== 'authorization_code') delete d.signOn;
      },
    ),
    {
      applies: (d) => d.issuer === undefined && (d.grant ?? 'authorization_code') === 'authorization_code',
      ...pickStep<SignOnMode>(
        'Sign-on',
        'How does the person sign on?',
        SIGN_ON_MODES.map((mode) => ({ label: mode, detail: SIGN_ON_DETAILS[mode], value: mode })),
        (d) => d.signOn ?? 'headless',
        (d, mode) => {
          d.signOn = mode;
          if (mode === 'browser' && d.responseMode === 'pi.flow') d.responseMode = 'redirect';
        },
      ),
    },
    {
      applies: (d) => d.issuer === undefined && (d.grant ?? 'authorization_code') === 'authorization_code' && d.signOn !== 'browser',
      ...pickStep<ResponseMode>(
        'Response mode',
        'Response mode',
        RESPONSE_MODES.map((mode) => ({ label: mode, detail: RESPONSE_MODE_DETAILS[mode], value: mode })),
        (d) => d.responseMode,
        (d, mode) => (d.responseMode = mode),
      ),
    },
    {
      applies: (d) => (d.grant ?? 'authorization_code') === 'authorization_code',
      ...inputStep(
        'Redirect URI',
        'Redirect URI registered on the application (browser sign-on listens on it: use a loopback one such as http://127.0.0.1:53682/callback)',
        (d) => d.redirectUri ?? '',
        validateRedirectUri,
        (d, v) => (d.redirectUri = v),
        'http://127.0.0.1:53682/callback',
      ),
    },
    inputStep('Scopes', 'Scopes, separated by spaces', (d) => (d.scopes ?? ['openid', 'profile']).join(' '), validateScopes, (d, v) => (d.scopes = parseScopes(v))),
    pickStep<ClientAuthMethod>(
      'Client authentication',
      'Client authentication at the token endpoint',
      CLIENT_AUTH_METHODS.map((method) => ({ label: method, detail: AUTH_METHOD_DETAILS[method], value: method })),
      (d) => d.clientAuthMethod,
      (d, method) => (d.clientAuthMethod = method),
    ),
    {
      applies: (d) => (d.grant ?? 'authorization_code') === 'authorization_code' && d.issuer === undefined && d.signOn !== 'browser',
      ...pickStep(
      'Authorize method',
      'HTTP method of the authorize request',
      AUTHORIZE_METHODS.map((method) => ({ label: method, description: method === 'POST' ? 'form post' : 'query string', value: method })),
      (d) => d.authorizeMethod,
      (d, method) => (d.authorizeMethod = method),
      ),
    },
    {
      applies: (d) => (d.grant ?? 'authorization_code') === 'authorization_code',
      ...pickStep(
      'PKCE',
      'PKCE',
      [
        { label: 'Use PKCE (S256)', description: 'recommended', value: true },
        { label: 'No PKCE', value: false },
      ],
      (d) => d.pkce,
      (d, pkce) => (d.pkce = pkce),
      ),
    },
  ];
}

type Finish = 'save' | 'run';

/**
 * The last page: every field on one line (select one to change it), then Save or Save and Run Now.
 * Returns the choice, the index of the step to go back to, BACK, or undefined when dismissed.
 */
async function summaryPage(draft: Draft, all: Step[], position: { title: string; step: number; totalSteps: number }): Promise<Finish | number | Back | undefined> {
  const fields: PickItem<Finish | number>[] = all.flatMap((step, index) => {
    const line = (step.applies?.(draft) ?? true) ? step.summary?.(draft) : undefined;
    return line ? [{ label: line.label, description: line.value || '(empty)', value: index }] : [];
  });
  return pick<Finish | number>({
    ...position,
    placeholder: 'Check the environment: select a line to change it, or save',
    items: [
      { label: '$(play) Save and Run Now', description: 'run the sign-on flow against this environment', value: 'run' },
      { label: '$(save) Save', value: 'save' },
      separator<Finish | number>('Environment', -1),
      ...fields,
    ],
    active: 'run',
  });
}

/**
 * The Add / Edit environment quick input, one field per step with Back, then a summary page. Starts
 * from `initial` (the profile being edited, or just an id for a new one) and returns the validated
 * profile and whether to run it now, or undefined when the user dismisses it.
 */
export async function profileWizard(initial: Draft & { id: string }, takenNames: readonly string[], title: string): Promise<{ profile: Profile; runNow: boolean } | undefined> {
  const draft: Draft = { ...initial };
  const all = steps(takenNames);
  const applicable = () => all.filter((step) => step.applies?.(draft) ?? true);
  let index = 0;
  /** Set when a step was opened from the summary: once the draft is whole again, back to the summary. */
  let fromSummary = false;
  for (;;) {
    while (index < all.length) {
      const current = all[index];
      if (!(current.applies?.(draft) ?? true)) {
        index++;
        continue;
      }
      const result = await current.run(draft, { title, step: applicable().indexOf(current) + 1, totalSteps: applicable().length + 1 });
      if (result === undefined) return undefined;
      if (result === BACK) {
        do index--;
        while (index > 0 && !(all[index].applies?.(draft) ?? true));
      } else if (fromSummary && validateProfile(draft).length === 0) index = all.length;
      else index++;
    }
    const total = applicable().length + 1;
    const choice = await summaryPage(draft, all, { title, step: total, totalSteps: total });
    if (choice === undefined) return undefined;
    if (choice === 'save' || choice === 'run') return { profile: parseProfile(draft), runNow: choice === 'run' };
    fromSummary = choice !== BACK;
    index = choice === BACK ? all.lastIndexOf(applicable().at(-1)!) : choice;
  }
}
