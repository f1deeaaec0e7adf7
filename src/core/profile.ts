/**
 * An environment profile: everything needed to run a flow against one PingOne (or PingOne-compatible)
 * environment, minus the secrets. Secrets travel separately as {@link Secrets} so a profile can be
 * written to settings, a workspace file or a log without leaking anything.
 *
 * {@link profileSchema} is the one description of a profile: globalState, the workspace file, the CLI's
 * `--profile` and the Add/Edit form all go through it, the {@link Profile} type is derived from it, and
 * the editor schema media/auth-flows.schema.json is generated from it. It is written with `zod/mini`,
 * whose functions bundle only what is used, and built on first use: constructing it is most of what
 * loading this module costs, and activating the extension needs only the constants and helpers.
 */
import * as z from 'zod/mini';

import { normalizeAuthPath, pingOneEndpoints, REGIONS, type PingOneLocation, type Region } from './pingone/endpoints';

export { REGIONS, type Region };

/**
 * Token endpoint client authentication, named as in OIDC Core §9 / RFC 7591, and RFC 8705 §2's mutual
 * TLS methods (the client certificate authenticates; the body carries only client_id).
 */
export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** `pi.flow` answers the authorize request with a JSON flow; `redirect` is the browser-style 302. */
export const RESPONSE_MODES = ['redirect', 'pi.flow'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** What a run does (RFC 6749 §4.1, §4.4; RFC 8628). */
export const GRANTS = ['authorization_code', 'client_credentials', 'device_code'] as const;
export type Grant = (typeof GRANTS)[number];

/** How a person signs on in an authorization-code run: PingOne's flows API from here, or the system browser. */
export const SIGN_ON_MODES = ['headless', 'browser'] as const;
export type SignOnMode = (typeof SIGN_ON_MODES)[number];

export const AUTHORIZE_METHODS = ['GET', 'POST'] as const;
export type AuthorizeMethod = (typeof AUTHORIZE_METHODS)[number];

export const REQUEST_OBJECT_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512'] as const;
export type RequestObjectAlg = (typeof REQUEST_OBJECT_ALGS)[number];

export const ASSERTION_ALGS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'PS256'] as const;
export type AssertionAlg = (typeof ASSERTION_ALGS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_BLANK = /\S/;
const HTTP = /^https?$/;

const quote = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** How a value of the wrong type reads in a message: `the number 42`, `the string "false"`, `a list`. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * The messages of one field: a value of another JSON type reads "expected …, got …" so the person sees
 * what was read (a quoted "false" is a string, not a boolean); a missing value, or one of the right type
 * that breaks the rule, gets the field's own sentence.
 */
function says(rule: string | ((input: unknown) => string), type?: { is: 'string' | 'boolean' | 'number' | 'object'; expected: string }) {
  return {
    error: (issue: { input?: unknown }) => {
      if (type && issue.input !== undefined && jsonType(issue.input) !== type.is) return `expected ${type.expected}, got ${shown(issue.input)}.`;
      return typeof rule === 'string' ? rule : rule(issue.input);
    },
  };
}

const text = (rule: string) => says(rule, { is: 'string', expected: 'a string' });
const flag = (name: string) => says(`${name} is true or false.`, { is: 'boolean', expected: 'true or false' });

const REGION_NAMES = [...(Object.keys(REGIONS) as Region[]), 'custom'] as const;
const AUTH_PATH_RULE = 'The auth path must be an http(s) URL, such as https://auth.pingone.com.';
const ENV_ID_UUID_RULE = 'A PingOne environment ID is a UUID, such as 8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f.';
const ISSUER_RULE = 'The issuer is the http(s) URL the provider names itself by, such as https://login.example.com/realms/dev, with no query or fragment.';
const REDIRECT_RULE = 'The redirect URI must be an absolute URL registered on the application.';
const SCOPES_RULE = 'Scopes are a list of words without spaces, such as ["openid", "profile"].';
const PROXY_RULE = 'proxy is an http(s) URL without a user name or password, such as http://proxy.example.com:8080, or "none".';
const REQUEST_OBJECT_ALG_RULE = `The request object algorithm must be one of ${REQUEST_OBJECT_ALGS.join(', ')}.`;

const splitScopes = (scopes: string | string[]) => (typeof scopes === 'string' ? scopes.split(/\s+/).filter(Boolean) : scopes);

/** The fields of a profile, each with its type, range, default, messages and the editor's description. */
const profileFields = () => ({
  id: z.string(text('A profile needs an id.')).check(
    z.regex(NOT_BLANK, 'A profile needs an id.'),
    z.describe('Stable identifier; secrets are stored per id. Ids starting with "sandbox" belong to the built-in sandbox.'),
  ),
  name: z.string(text('Give the environment a name.')).check(z.regex(NOT_BLANK, 'Give the environment a name.'), z.describe('Name shown in the Environments view.')),
  // A profile names its authorization server one of two ways: a PingOne environment (region + envId), or
  // any OpenID provider by its issuer URL. Which fields go together is checked below, with the region.
  issuer: z.optional(
    z.url({ protocol: HTTP, ...says(ISSUER_RULE, { is: 'string', expected: 'an http(s) URL' }) }).check(
      z.refine((url) => !/[?#]/.test(url), ISSUER_RULE),
      z.describe('Any OpenID provider: its issuer URL, whose /.well-known/openid-configuration (or RFC 8414 metadata) names the endpoints. Leave out region and envId.'),
    ),
  ),
  region: z.optional(
    z
    .enum(
      REGION_NAMES,
      says((input) => (input === undefined ? 'Pick a region, or "custom" with an auth path.' : `Unknown region ${typeof input === 'string' ? quote(input) : `(${shown(input)})`}. Known: ${REGION_NAMES.join(', ')}.`)),
    )
    .check(z.describe('PingOne region (NA auth.pingone.com, EU, CA, AU auth.pingone.com.au, SG, AP auth.pingone.asia), or "custom" with authPath.')),
  ),
  authPath: z.optional(
    z.pipe(
      z.url({ protocol: HTTP, ...says(AUTH_PATH_RULE, { is: 'string', expected: 'an http(s) URL' }) }).check(
        z.describe('Base URL for region "custom", before /{envId}/as, such as https://auth.example.com (a trailing /v1 is stripped). Ignored for the PingOne regions.'),
      ),
      z.transform(normalizeAuthPath),
    ),
  ),
  // PingOne environment IDs are UUIDs (checked below, with the region); a custom server may use any path-safe id.
  envId: z.optional(
    z.string(text('The environment ID is required.')).check(
      z.minLength(1, 'The environment ID is required.'),
      z.regex(/^[^/?#\s]*$/, 'The environment ID cannot contain "/", "?", "#" or spaces.'),
      z.describe('The environment ID: a UUID for PingOne (Settings → Environment Properties).'),
    ),
  ),
  clientId: z.string(text('The client (application) ID is required.')).check(
    z.regex(NOT_BLANK, 'The client (application) ID is required.'),
    z.describe("The application's client ID (Applications → Overview)."),
  ),
  // Empty only with pi.flow, where PingOne makes redirect_uri optional (checked below).
  redirectUri: z._default(
    z
      .union([z.url({ protocol: HTTP, error: REDIRECT_RULE }), z.literal('', REDIRECT_RULE)], says(REDIRECT_RULE, { is: 'string', expected: 'an absolute http(s) URL' }))
      .check(z.describe('Redirect URI registered on the application; may be empty with responseMode "pi.flow".')),
    '',
  ),
  scopes: z.pipe(
    z._default(
      z
        .union([z.array(z.string(says(SCOPES_RULE)).check(z.regex(/^\S+$/, SCOPES_RULE))), z.string()], says(SCOPES_RULE))
        .check(z.describe('Scopes to request: a list, or one space-separated string.')),
      ['openid'],
    ),
    z.transform(splitScopes),
  ),
  clientAuthMethod: z
    .enum(CLIENT_AUTH_METHODS, says(`Client authentication must be one of ${CLIENT_AUTH_METHODS.join(', ')}.`))
    .check(z.describe('How the client authenticates at the token endpoint. The secret or key comes from the secret store, a flag or an environment variable, never from this file.')),
  assertionAlg: z.optional(
    z
      .enum(ASSERTION_ALGS, says(`Assertion algorithm must be one of ${ASSERTION_ALGS.join(', ')}.`))
      .check(z.describe('Algorithm of the client_secret_jwt (HS…, default HS256) or private_key_jwt (RS…, ES256, PS256; default RS256) assertion.')),
  ),
  grant: z.optional(
    z
      .enum(GRANTS, says(`The grant is one of ${GRANTS.join(', ')}.`))
      .check(z.meta({ description: 'What the run does: authorization_code (sign a person on), client_credentials (the application alone), device_code (RFC 8628: a person signs on elsewhere).', default: 'authorization_code' })),
  ),
  signOn: z.optional(
    z
      .enum(SIGN_ON_MODES, says('signOn is "headless" or "browser".'))
      .check(z.describe('authorization_code only. "headless": PingOne\'s flows API, asked for here (PingOne profiles only, the default there); "browser": the system browser, with the redirect caught on the redirect URI\'s loopback port (the only way for an issuer profile).')),
  ),
  par: z.optional(z.boolean(flag('par')).check(z.meta({ description: 'Push the authorize parameters first (RFC 9126 PAR); authorize then carries only client_id and request_uri.', default: false }))),
  dpop: z.optional(z.boolean(flag('dpop')).check(z.meta({ description: 'Bind tokens to a key of this run with DPoP proofs (RFC 9449): one per request, the server\'s nonce honoured.', default: false }))),
  postLogoutRedirectUri: z.optional(
    z.url({ protocol: HTTP, ...says('postLogoutRedirectUri is an absolute http(s) URL registered on the application.', { is: 'string', expected: 'an http(s) URL' }) }).check(z.describe('Sent to the end-session (sign-off) endpoint as post_logout_redirect_uri.')),
  ),
  authorizeMethod: z._default(
    z.enum(AUTHORIZE_METHODS, says('The authorize method is GET or POST.')).check(z.describe('GET sends the authorize parameters in the query string, POST as a form.')),
    'GET',
  ),
  responseMode: z._default(
    z
      .enum(RESPONSE_MODES, says('The response mode is "redirect" or "pi.flow".'))
      .check(z.describe('"redirect": a 302 to the sign-on page; "pi.flow": the flow as JSON.')),
    'redirect',
  ),
  pkce: z._default(z.boolean(flag('pkce')).check(z.describe('Send an S256 code challenge, and the verifier at the token endpoint.')), true),
  requestObject: z.optional(
    z
      .strictObject(
        { alg: z.enum(REQUEST_OBJECT_ALGS, says(REQUEST_OBJECT_ALG_RULE)) },
        says('The request object has one field, alg, such as {"alg": "RS256"}.', { is: 'object', expected: 'an object such as {"alg": "RS256"}' }),
      )
      .check(z.describe('Send the authorize parameters as a signed request object (request=): HS… with the client secret, RS… with the private key.')),
  ),
  prompt: z.optional(z.enum(['none', 'login', 'consent'], says('prompt is none, login or consent.')).check(z.describe('Sent to authorize as prompt.'))),
  loginHint: z.optional(z.string(text('')).check(z.describe('Sent to authorize as login_hint.'))),
  acrValues: z.optional(z.string(text('')).check(z.describe('Sent to authorize as acr_values: the sign-on policy to use.'))),
  maxAge: z.optional(
    z
      .int(says('max_age is a whole number of seconds.', { is: 'number', expected: 'a whole number of seconds' }))
      .check(z.minimum(0, 'max_age is a whole number of seconds, 0 or more.'), z.describe('Sent to authorize as max_age, in seconds.')),
  ),
  // Optional rather than defaulted, so a profile written without them stays as written; the run reads a
  // missing userinfo as true and a missing insecureTls as false, which the editor shows as their defaults.
  userinfo: z.optional(z.boolean(flag('userinfo')).check(z.meta({ description: 'false skips the userinfo call.', default: true }))),
  insecureTls: z.optional(
    z.boolean(flag('insecureTls')).check(
      z.meta({
        description: 'Skip TLS certificate verification. Refused unless the setting authFlow.allowInsecureTls is on (or the CLI gets --insecure); every step then warns.',
        default: false,
      }),
    ),
  ),
  // Credentials never go in a profile: a proxy's come from http.proxyAuthorization or the environment.
  proxy: z.optional(
    z
      .union([z.literal('none', PROXY_RULE), z.url({ protocol: HTTP, error: PROXY_RULE }).check(z.refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), PROXY_RULE))], says(PROXY_RULE, { is: 'string', expected: 'a proxy URL or "none"' }))
      .check(z.describe('The proxy for every request of this environment (an http(s) URL), or "none" to go directly; overrides http.proxy and HTTPS_PROXY.')),
  ),
  clientCertFile: z.optional(
    z.string(text('clientCertFile is the path of a PEM certificate file.')).check(
      z.regex(NOT_BLANK, 'clientCertFile is the path of a PEM certificate file.'),
      z.describe('A PEM client certificate for mutual TLS (RFC 8705; tls_client_auth, self_signed_tls_client_auth), relative to the workspace folder. Its private key goes in the secret store or AUTH_FLOW_CLIENT_KEY_FILE, never here.'),
    ),
  ),
});

type FieldSchemas = ReturnType<typeof profileFields>;
type Fields = { [K in keyof FieldSchemas]: z.output<FieldSchemas[K]> };

/**
 * Rules that tie one field to another. They run even when other fields failed, so one pass names every
 * bad field; that is why they read the raw values defensively.
 */
function crossFieldRules(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const profile = value as Partial<Record<keyof Fields, unknown>>;
  const add = (field: keyof Fields, message: string) => ctx.addIssue({ code: 'custom', path: [field], message, input: profile[field] });
  if (profile.issuer !== undefined) {
    for (const field of ['region', 'authPath', 'envId'] as const) {
      if (profile[field] !== undefined) add(field, `${field} is for PingOne environments; a profile with an issuer finds its endpoints through discovery.`);
    }
    if (profile.responseMode === 'pi.flow') add('responseMode', 'pi.flow is PingOne\'s: an issuer profile uses "redirect".');
    if (profile.signOn === 'headless') add('signOn', 'Headless sign-on uses PingOne\'s flows API: an issuer profile signs on in the browser.');
  } else {
    if (profile.region === undefined) add('region', 'Pick a region (or "custom" with an auth path), or give an issuer URL instead.');
    if (profile.envId === undefined) add('envId', 'The environment ID is required.');
    if (profile.region === 'custom' && profile.authPath === undefined) add('authPath', AUTH_PATH_RULE);
    if (profile.region !== 'custom' && typeof profile.envId === 'string' && !UUID.test(profile.envId)) add('envId', ENV_ID_UUID_RULE);
  }
  const grant = profile.grant ?? 'authorization_code';
  if (grant === 'authorization_code' && profile.redirectUri === '' && profile.responseMode !== 'pi.flow') add('redirectUri', REDIRECT_RULE);
  if (grant === 'authorization_code' && (profile.redirectUri === undefined || profile.redirectUri === '') && (profile.signOn === 'browser' || profile.issuer !== undefined)) {
    add('redirectUri', 'Browser sign-on needs a redirect URI: a loopback one such as http://127.0.0.1:53682/callback receives the answer.');
  }
  if (grant === 'authorization_code' && profile.signOn === 'browser' && profile.responseMode === 'pi.flow') add('responseMode', 'pi.flow answers the authorize request with JSON for the flows API; browser sign-on uses "redirect".');
  if (grant !== 'authorization_code' && profile.signOn !== undefined) add('signOn', `signOn is for authorization_code; ${grant} has no sign-on page of its own.`);
  if (grant === 'client_credentials' && profile.clientAuthMethod === 'none') add('clientAuthMethod', 'client_credentials authenticates the application itself (RFC 6749 §4.4): it needs a client authentication method other than none.');
  // RFC 7523 §2.2 with OIDC Core §9: client_secret_jwt is an HMAC over the secret, private_key_jwt a signature with the key.
  if (typeof profile.assertionAlg === 'string') {
    if (profile.clientAuthMethod === 'client_secret_jwt' && !profile.assertionAlg.startsWith('HS')) {
      add('assertionAlg', 'client_secret_jwt signs with the client secret: the assertion algorithm is HS256, HS384 or HS512.');
    }
    if (profile.clientAuthMethod === 'private_key_jwt' && profile.assertionAlg.startsWith('HS')) {
      add('assertionAlg', 'private_key_jwt signs with the private key: the assertion algorithm is RS256, RS384, RS512, ES256 or PS256.');
    }
  }
}

/** A profile as JSON: unknown fields are refused, so a misspelt one is reported instead of ignored. */
const buildSchema = (fields = profileFields()) =>
  z
    .strictObject(
      fields,
      says(
        (input) => {
          const unknown = Object.keys(input as object).filter((key) => !Object.hasOwn(fields, key)).map(quote);
          return unknown.length === 1
            ? `${unknown[0]} is not a profile field; check its spelling.`
            : `${unknown.join(', ')} are not profile fields; check their spelling.`;
        },
        { is: 'object', expected: 'an object' },
      ),
    )
    .check(z.superRefine(crossFieldRules, { when: () => true }));

let built: ReturnType<typeof buildSchema> | undefined;

/** The profile schema, built the first time it is needed (see the note at the top). */
export function profileSchema(): ReturnType<typeof buildSchema> {
  return (built ??= buildSchema());
}

/** A valid profile, as {@link parseProfile} returns it (defaults filled in, scopes a list, authPath normalised). */
export type Profile = z.output<ReturnType<typeof buildSchema>>;

export interface ProfileProblem {
  /** The field at fault; `profile` for the profile as a whole (not an object, an unknown field). */
  field: keyof Profile | 'secrets' | 'profile';
  message: string;
}

/**
 * Secrets for one run. Never part of a profile; supplied by SecretStorage, CLI flags or env vars.
 * `privateKey` is a PKCS#8 PEM or a private JWK (JSON string) for private_key_jwt and RS request objects.
 */
export interface Secrets {
  clientSecret?: string;
  privateKey?: string;
  /** The PEM private key of the profile's TLS client certificate (mutual TLS). */
  clientKey?: string;
  username?: string;
  password?: string;
}

/** A profile of a PingOne environment: region and environment ID, no issuer. */
export type PingOneProfile = Profile & PingOneLocation;

type Located = Pick<Profile, 'issuer' | 'region' | 'authPath' | 'envId'>;

export function isPingOne<P extends Located>(profile: P): profile is P & PingOneLocation {
  return profile.issuer === undefined;
}

/** The issuer a profile's tokens must name: the one given, or the PingOne environment's. */
export function issuerOf(profile: Located): string {
  return isPingOne(profile) ? pingOneEndpoints(profile).issuer : (profile.issuer ?? '');
}

/** The profile's grant; a profile written without one signs a person on (authorization_code). */
export function grantOf(profile: Profile): Grant {
  return profile.grant ?? 'authorization_code';
}

/** How an authorization-code run signs a person on: as the profile says, else headless for PingOne and the browser for any other issuer. */
export function signOnOf(profile: Profile): SignOnMode {
  return profile.signOn ?? (isPingOne(profile) ? 'headless' : 'browser');
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
  if (usesMutualTls(profile) && !secrets.clientKey) {
    problems.push({ field: 'secrets', message: `"${profile.name}" needs the private key of its TLS client certificate (${profile.clientAuthMethod}).` });
  }
  return problems;
}

/** RFC 8705 §2: the client authenticates with its TLS client certificate. */
export function usesMutualTls(profile: Pick<Profile, 'clientAuthMethod'>): boolean {
  return profile.clientAuthMethod === 'tls_client_auth' || profile.clientAuthMethod === 'self_signed_tls_client_auth';
}

/** Fields that would put a secret into a file; refused with their own message before anything else. */
const SECRET_FIELDS = ['clientSecret', 'client_secret', 'password', 'privateKey', 'clientKey'];

/** The profile, or every problem with it (one per field, in field order). */
function check(value: unknown): { profile: Profile; problems?: undefined } | { problems: ProfileProblem[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problems: [{ field: 'profile', message: `A profile is a JSON object, not ${shown(value)}.` }] };
  }
  const secret = SECRET_FIELDS.find((field) => Object.hasOwn(value, field));
  if (secret) {
    return { problems: [{ field: 'secrets', message: `Profiles never hold secrets: remove "${secret}" and pass it through a flag, an environment variable or the secret store.` }] };
  }
  const schema = profileSchema();
  const result = z.safeParse(schema, value);
  if (result.success) return { profile: result.data };
  const problems: ProfileProblem[] = [];
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    const field = typeof key === 'string' && Object.hasOwn(schema.shape, key) ? (key as keyof Profile) : 'profile';
    if (field === 'profile' || !problems.some((problem) => problem.field === field)) problems.push({ field, message: issue.message });
  }
  return { problems };
}

/**
 * Every problem with a profile, as messages a form can show next to the field. An empty list means the
 * profile can run (given the secrets its client-auth method needs; see {@link secretProblems}).
 */
export function validateProfile(value: unknown): ProfileProblem[] {
  return check(value).problems ?? [];
}

/** Parses and validates untrusted JSON (a profile file, globalState) into a profile, or throws the problems. */
export function parseProfile(value: unknown): Profile {
  const result = check(value);
  if (result.problems) throw new ProfileError(result.problems);
  return result.profile;
}

/** A problem as one line naming its field: `envId: expected a string, got the number 42.` */
export function problemLine(problem: ProfileProblem): string {
  return `${problem.field}: ${problem.message}`;
}

export class ProfileError extends Error {
  readonly problems: ProfileProblem[];
  constructor(problems: ProfileProblem[]) {
    super(problems.map(problemLine).join('\n'));
    this.name = 'ProfileError';
    this.problems = problems;
  }
}
