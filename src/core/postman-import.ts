/**
 * Reads a Postman environment export (format v2.1: `{ name, values: [{ key, value, type, enabled }],
 * _postman_variable_scope: "environment" }`) into a profile. PingOne's step-by-step guides ship their
 * settings this way, as `{{authPath}}`, `{{envID}}`, `{{appID}}` (or `{{mfaNativeAppId}}`) and
 * `{{redirect_uri}}` (docs/pingone.md), next to variables for the management API and values a
 * collection sets while it runs. The import keeps the first kind, says why it left out each of the
 * others, and never puts the client secret into the profile: it comes back apart, for the secret store.
 *
 * Pure: text in, an {@link PostmanImport} out, or a FlowError with a `POSTMAN_*` code.
 */
import * as z from 'zod/mini';
import { Codes } from './codes';
import { FlowError } from './errors';
import { normalizeAuthPath } from './pingone/endpoints';
import { parseProfile, ProfileError, REGIONS, type ClientAuthMethod, type Profile, type Region, type Secrets } from './profile';

/** What a variable became: a profile field, or the client secret (which only the secret store keeps). */
export type ImportTarget = 'region' | 'authPath' | 'envId' | 'clientId' | 'redirectUri' | 'clientSecret';

export interface PostmanImport {
  profile: Profile;
  secrets: Pick<Secrets, 'clientSecret'>;
  /** Each variable used, in file order; `value` is left out for the secret. */
  mapped: Array<{ variable: string; target: ImportTarget; value?: string }>;
  /** Fields no variable gives, with the value chosen and why. */
  assumed: Array<{ field: 'name' | 'clientAuthMethod' | 'responseMode'; value: string; reason: string }>;
  /** Each variable left out, in file order, and why (never its value: it may be a secret). */
  skipped: Array<{ variable: string; reason: string }>;
}

const EXPORT_HINT = 'Export the environment from Postman (Environments, the environment\'s "…" menu, Export) and import that file.';

// --- The file ---------------------------------------------------------------------------------------

/** Zod messages here are the end of a sentence that starts with where the problem is. */
const missingOr = (expected: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is missing' : `is not ${expected}`) });

const variableSchema = z.looseObject(
  {
    key: z.string(missingOr('text')),
    // Postman writes text; "any" variables may hold other JSON, read below rather than refused here.
    value: z.optional(z.unknown()),
    type: z.optional(z.string(missingOr('text'))),
    enabled: z.optional(z.boolean(missingOr('true or false'))),
  },
  missingOr('a variable ({ "key", "value", … })'),
);

const environmentSchema = z.looseObject(
  {
    name: z.optional(z.string(missingOr('text'))),
    values: z.array(variableSchema, missingOr('a list of variables')),
    _postman_variable_scope: z.optional(z.string(missingOr('text'))),
  },
  missingOr('an object'),
);

type Variable = z.output<typeof variableSchema>;

function notEnvironment(why: string, detail?: unknown): FlowError {
  return new FlowError(Codes.POSTMAN_NOT_ENVIRONMENT, `The file is not a Postman environment: ${why}.`, EXPORT_HINT, { detail });
}

/** `values[3].key` for zod's path ["values", 3, "key"]. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('') || 'the file';
}

function readEnvironment(text: string): { name?: string; values: Variable[] } {
  let json: unknown;
  try {
    // Files saved on Windows may start with a byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new FlowError(Codes.POSTMAN_NOT_JSON, 'The file is not JSON, so it is not a Postman environment export.', EXPORT_HINT, { cause: error });
  }
  if (Array.isArray(json)) throw notEnvironment('it holds a list, where an export holds one environment object');
  if (typeof json === 'object' && json !== null && 'info' in json && 'item' in json) {
    throw new FlowError(Codes.POSTMAN_NOT_ENVIRONMENT, 'The file is a Postman collection, not an environment.', `A collection only refers to the variables; they live in an environment. ${EXPORT_HINT}`);
  }
  const result = z.safeParse(environmentSchema, json);
  if (!result.success) {
    const [issue] = result.error.issues;
    throw notEnvironment(`${pathText(issue.path)} ${issue.message}`);
  }
  const scope = result.data._postman_variable_scope;
  if (scope !== undefined && scope !== 'environment') throw notEnvironment(`its variables are ${JSON.stringify(scope)}, not an environment's`);
  return result.data;
}

// --- The variables ----------------------------------------------------------------------------------

/**
 * Variables that become part of the profile, by lowercase name (Postman names are case-sensitive, but
 * `envId` for `envID` is a slip, not another variable). Earlier names in a group win: appID is the
 * application of the guide's flow, mfaNativeAppId the native application some MFA guides use instead.
 */
const FIELDS: Record<string, { target: Exclude<ImportTarget, 'region'>; rank: number }> = {
  authpath: { target: 'authPath', rank: 0 },
  envid: { target: 'envId', rank: 0 },
  appid: { target: 'clientId', rank: 0 },
  mfanativeappid: { target: 'clientId', rank: 1 },
  redirect_uri: { target: 'redirectUri', rank: 0 },
  clientsecret: { target: 'clientSecret', rank: 0 },
  client_secret: { target: 'clientSecret', rank: 0 },
  appsecret: { target: 'clientSecret', rank: 0 },
};

/** Values the guides' requests set while they run (test scripts store them); a run here makes its own. */
const PER_RUN = new Set(['flowid', 'authcode', 'accesstoken', 'access_token', 'idtoken', 'id_token', 'refreshtoken', 'refresh_token', 'code_verifier', 'codeverifier', 'code_challenge', 'codechallenge', 'state', 'nonce', 'resumeurl', 'sessiontoken']);

/** Why a variable that is not a profile setting is left out; undefined when there is no special reason. */
function knownOther(name: string): string | undefined {
  if (PER_RUN.has(name)) return 'set by the collection while it runs; every run here makes its own';
  if (name === 'apipath' || name.startsWith('admin') || name.startsWith('worker') || name === 'orgid') {
    return "for PingOne's management API, which a sign-on flow does not use";
  }
  if (name === 'username' || name === 'password') return 'the sign-in is asked for when a run needs it (and remembered only if you choose)';
  return undefined;
}

/**
 * What a variable gives, if anything: a field by its name, or the client secret under another name when
 * Postman marks it secret and its name says so (`mfaNativeAppSecret`), ranked after the usual names.
 */
function fieldOf(variable: Variable): (typeof FIELDS)[string] | { reason: string } {
  const name = variable.key.toLowerCase();
  if (Object.hasOwn(FIELDS, name)) return FIELDS[name];
  const other = knownOther(name);
  if (other) return { reason: other };
  if (variable.type === 'secret' && name.includes('secret')) return { target: 'clientSecret', rank: 1 };
  return { reason: 'not a setting of a sign-on profile' };
}

const REFERENCE = /\{\{([^{}]+)\}\}/g;
/** A value growing past this while references are replaced is a reference bomb, not a setting. */
const MAX_RESOLVED_LENGTH = 8192;

type Resolved = { value: string } | { unresolved: string; cycle?: true };

/**
 * Replaces `{{name}}` by the value of the environment's enabled variable `name`, as Postman does when
 * it sends a request, so `{"key": "tokenUrl", "value": "{{authPath}}/{{envID}}/as/token"}` style values
 * resolve. A cycle, an undefined name (Postman's `{{$guid}}` dynamic variables included) or runaway
 * growth leaves the value unresolved, with the reason.
 */
function referenceResolver(values: ReadonlyMap<string, string>): (text: string, name: string) => Resolved {
  // Each name is expanded once. A cycle is not remembered: it depends on where the expansion started.
  const done = new Map<string, Resolved>();
  const resolveText = (text: string, stack: readonly string[]): Resolved => {
    let out = '';
    let last = 0;
    for (const match of text.matchAll(REFERENCE)) {
      const inner = resolveName(match[1], stack);
      if ('unresolved' in inner) return inner;
      out += text.slice(last, match.index) + inner.value;
      last = match.index + match[0].length;
      if (out.length > MAX_RESOLVED_LENGTH) return { unresolved: `its references expand past ${MAX_RESOLVED_LENGTH} characters` };
    }
    return { value: out + text.slice(last) };
  };
  const resolveName = (name: string, stack: readonly string[]): Resolved => {
    if (stack.includes(name)) return { unresolved: `{{${name}}} refers back to itself`, cycle: true };
    const known = done.get(name);
    if (known) return known;
    const value = values.get(name);
    if (value === undefined) return { unresolved: `it refers to {{${name}}}, which is not an enabled variable of this environment` };
    const resolved = resolveText(value, [...stack, name]);
    if (!('cycle' in resolved)) done.set(name, resolved);
    return resolved;
  };
  // The variable's own name is on the stack, so a reference that comes back to it is a cycle.
  return (text, name) => resolveText(text, [name]);
}

/** A variable's value as text: Postman exports text, but an "any" variable may hold a number or a boolean. */
function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** What one variable gives (its field, rank and resolved value), or why it gives nothing. */
function readVariable(variable: Variable, resolve: (text: string, name: string) => Resolved): { target: Exclude<ImportTarget, 'region'>; rank: number; value: string } | { reason: string } {
  if (variable.enabled === false) return { reason: 'disabled in Postman' };
  const field = fieldOf(variable);
  if ('reason' in field) return field;
  const raw = textOf(variable.value);
  if (raw === undefined) return { reason: 'its value is not text' };
  const resolved = resolve(raw, variable.key);
  if ('unresolved' in resolved) return { reason: `its value cannot be resolved: ${resolved.unresolved}` };
  // Pasted IDs and URLs often carry a trailing space or newline; a secret is kept exactly as given.
  const value = field.target === 'clientSecret' ? resolved.value : resolved.value.trim();
  if (!value) return { reason: 'empty value' };
  return { ...field, value };
}

// --- The profile ------------------------------------------------------------------------------------

/** The PingOne region whose auth host this is (a trailing slash or `/v1` aside), or undefined for another server. */
function regionOf(authPath: string): Region | undefined {
  const normalized = normalizeAuthPath(authPath).toLowerCase();
  return (Object.keys(REGIONS) as Region[]).find((region) => REGIONS[region].authPath === normalized);
}

const VARIABLE_OF: Record<Exclude<ImportTarget, 'region' | 'clientSecret'>, string> = {
  authPath: 'authPath',
  envId: 'envID',
  clientId: 'appID',
  redirectUri: 'redirect_uri',
};

/**
 * Imports a Postman environment export. `id` is the new profile's id (the caller knows which ids are
 * taken). Throws a FlowError with a `POSTMAN_*` code when the text is not an environment, lacks
 * authPath, envID or appID, or its values do not make a valid profile.
 */
export function importPostmanEnvironment(text: string, id: string): PostmanImport {
  const environment = readEnvironment(text);
  const enabled = environment.values.filter((variable) => variable.enabled !== false);
  // A name defined twice resolves to its first enabled definition, as the fields below take the first.
  const lookup = new Map<string, string>();
  for (const variable of enabled) {
    const value = textOf(variable.value);
    if (value !== undefined && !lookup.has(variable.key)) lookup.set(variable.key, value);
  }
  const resolve = referenceResolver(lookup);

  type Candidate = { index: number; variable: string; target: Exclude<ImportTarget, 'region'>; rank: number; value: string };
  const candidates: Candidate[] = [];
  const skipped: Array<PostmanImport['skipped'][number] & { index: number }> = [];
  environment.values.forEach((variable, index) => {
    const read = readVariable(variable, resolve);
    if ('reason' in read) skipped.push({ index, variable: variable.key, reason: read.reason });
    else candidates.push({ index, variable: variable.key, ...read });
  });

  // One variable per field: the best-ranked, then the first in the file.
  const chosen = new Map<Candidate['target'], Candidate>();
  for (const candidate of [...candidates].sort((a, b) => a.rank - b.rank || a.index - b.index)) {
    const taken = chosen.get(candidate.target);
    if (taken) skipped.push({ index: candidate.index, variable: candidate.variable, reason: `${taken.variable} already gives ${candidate.target === 'clientSecret' ? 'the client secret' : candidate.target}` });
    else chosen.set(candidate.target, candidate);
  }
  const valueOf = (target: Candidate['target']) => chosen.get(target)?.value;

  const missing = (['authPath', 'envId', 'clientId'] as const).filter((target) => !chosen.has(target));
  if (missing.length) {
    const names = missing.map((target) => (target === 'clientId' ? 'appID (or mfaNativeAppId)' : VARIABLE_OF[target]));
    const unusable = skipped.filter(({ index }) => {
      const field = fieldOf(environment.values[index]);
      return 'target' in field && (missing as readonly string[]).includes(field.target);
    });
    throw new FlowError(
      Codes.POSTMAN_MISSING_VARIABLE,
      `The environment has no usable ${names.join(', ')}, which a profile needs.`,
      unusable.length
        ? `Left out: ${unusable.map((skip) => `${skip.variable} (${skip.reason})`).join('; ')}.`
        : "Export the environment of PingOne's guide with these variables set, or add the environment with Add Environment.",
      { detail: { missing: names } },
    );
  }

  const assumed: PostmanImport['assumed'] = [];
  const name = environment.name?.trim();
  if (!name) assumed.push({ field: 'name', value: 'Postman environment', reason: 'the environment has no name' });
  const clientSecret = valueOf('clientSecret');
  // A native application (mfaNativeAppId) is a public client: PingOne gives it no secret and it proves
  // itself with PKCE (RFC 8252 §8.4). Otherwise PingOne's default for a web application is client_secret_basic.
  const nativeOnly = chosen.get('clientId')?.rank === 1 && clientSecret === undefined;
  const clientAuthMethod: ClientAuthMethod = nativeOnly ? 'none' : 'client_secret_basic';
  assumed.push({
    field: 'clientAuthMethod',
    value: clientAuthMethod,
    reason: nativeOnly
      ? 'a native application has no client secret; it uses PKCE'
      : "PingOne's default for a web application; change it if the application uses another method",
  });
  const redirectUri = valueOf('redirectUri');
  // PingOne requires redirect_uri except in pi.flow mode (docs/pingone.md §1).
  if (redirectUri === undefined) assumed.push({ field: 'responseMode', value: 'pi.flow', reason: 'no redirect_uri: PingOne accepts a missing redirect URI only with pi.flow' });

  const authPath = valueOf('authPath') ?? '';
  const region = regionOf(authPath);
  const candidate = {
    id,
    name: name || 'Postman environment',
    region: region ?? 'custom',
    ...(region ? {} : { authPath }),
    envId: valueOf('envId'),
    clientId: valueOf('clientId'),
    ...(redirectUri === undefined ? { responseMode: 'pi.flow' } : { redirectUri }),
    clientAuthMethod,
  };
  let profile: Profile;
  try {
    profile = parseProfile(candidate);
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    const lines = error.problems.map((problem) => {
      const variable = Object.hasOwn(VARIABLE_OF, problem.field) ? chosen.get(problem.field as keyof typeof VARIABLE_OF)?.variable : undefined;
      return `${variable ? `${variable} (${problem.field})` : problem.field}: ${problem.message}`;
    });
    throw new FlowError(Codes.POSTMAN_INVALID_PROFILE, `The environment's variables do not make a valid profile: ${lines.join(' ')}`, 'Correct the variable in Postman and export again, or add the environment with Add Environment.', {
      detail: { problems: error.problems },
      cause: error,
    });
  }

  const mapped = [...chosen.values()]
    .sort((a, b) => a.index - b.index)
    .map(({ variable, target, value }): PostmanImport['mapped'][number] => {
      if (target === 'clientSecret') return { variable, target };
      if (target === 'authPath' && region) return { variable, target: 'region', value: region };
      return { variable, target, value: target === 'authPath' ? (profile.authPath ?? value) : value };
    });
  return {
    profile,
    secrets: clientSecret === undefined ? {} : { clientSecret },
    mapped,
    assumed,
    skipped: skipped.sort((a, b) => a.index - b.index).map(({ variable, reason }) => ({ variable, reason })),
  };
}

/** A name or value as printed: bare when plain, quoted when it holds spaces, controls or other oddities. */
function shown(text: string): string {
  return /^[\x21-\x7e]+$/.test(text) && !text.includes('"') ? text : JSON.stringify(text);
}

/** The import in lines a person reads before saving: what each variable became, what was assumed, what was left out. */
export function importSummary(result: PostmanImport): { mapped: string[]; assumed: string[]; skipped: string[] } {
  return {
    mapped: result.mapped.map(({ variable, target, value }) => {
      if (target === 'clientSecret') return `${shown(variable)} → client secret (kept out of the profile)`;
      if (target === 'region') return `${shown(variable)} → region ${value} (${REGIONS[value as Region].authPath})`;
      return `${shown(variable)} → ${target} ${shown(value ?? '')}`;
    }),
    assumed: result.assumed.map(({ field, value, reason }) => `${field} ${value}: ${reason}`),
    skipped: result.skipped.map(({ variable, reason }) => `${shown(variable)}: ${reason}`),
  };
}

/** {@link importSummary} as text: a titled, indented section for each kind of line that has any. */
export function importReport(result: PostmanImport): string {
  const summary = importSummary(result);
  const section = (title: string, lines: string[]) => (lines.length ? [title, ...lines.map((line) => `  ${line}`)] : []);
  return [...section('Mapped:', summary.mapped), ...section('Assumed:', summary.assumed), ...section('Left out:', summary.skipped)].join('\n');
}
