/**
 * Where profiles come from and how they are stored, without VS Code: the versioned globalState record,
 * the workspace file `.vscode/auth-flows.json`, and how the two lists combine. Every entry goes through
 * `parseProfile`, so defaults are filled in (older records without `pkce` or with `scopes` as a string
 * are normalised) and a profile holding a secret is refused.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { parseProfile, ProfileError, problemLine, profileSchema, type Profile } from '../../core/profile';
import { errorMessage } from '../../core/errors';

export type ProfileSource = 'user' | 'workspace';

export interface SourcedProfile {
  source: ProfileSource;
  profile: Profile;
  /** For workspace profiles: the file they were read from. */
  file?: string;
}

/** The globalState record. `version` lets a later release change the shape without losing data. */
export interface StoredProfiles {
  version: 1;
  /** Valid profiles and, untouched, entries that no longer validate (so a save never drops them). */
  profiles: unknown[];
}

export interface ReadResult {
  profiles: Profile[];
  /** Entries kept as stored because they do not validate. */
  invalid: unknown[];
  /** One sentence per problem, for the log. */
  problems: string[];
  /** False when the record was written by a newer release: it is shown but never overwritten. */
  writable: boolean;
}

function describe(entry: unknown, index: number): string {
  const name = typeof entry === 'object' && entry !== null && 'name' in entry ? String(entry.name) : undefined;
  return name ? `profile ${index + 1} ("${name}")` : `profile ${index + 1}`;
}

function problemText(error: unknown): string {
  if (error instanceof ProfileError) return error.problems.map(problemLine).join(' ');
  return errorMessage(error);
}

/** Parses a list of untrusted entries; `where` prefixes each problem ("Saved environments", a file path). */
function parseEntries(entries: unknown[], where: string): Omit<ReadResult, 'writable'> {
  const result: Omit<ReadResult, 'writable'> = { profiles: [], invalid: [], problems: [] };
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    try {
      const profile = parseProfile(entry);
      if (seen.has(profile.id)) throw new Error(`The id "${profile.id}" is used by an earlier profile.`);
      seen.add(profile.id);
      result.profiles.push(profile);
    } catch (error) {
      result.invalid.push(entry);
      result.problems.push(`${where}, ${describe(entry, index)}: ${problemText(error)}`);
    }
  });
  return result;
}

/** Reads the globalState record (undefined before the first save). */
export function readStoredProfiles(value: unknown): ReadResult {
  if (value === undefined) return { profiles: [], invalid: [], problems: [], writable: true };
  if (typeof value !== 'object' || value === null || !('version' in value) || !('profiles' in value) || !Array.isArray(value.profiles)) {
    return { profiles: [], invalid: [], problems: ['Saved environments are not in a known format; they were left untouched.'], writable: false };
  }
  if (value.version !== 1) {
    return {
      ...parseEntries(value.profiles, 'Saved environments'),
      problems: [`Saved environments were written by a newer version of Auth Flow Explorer (format ${String(value.version)}); they are shown read-only.`],
      writable: false,
    };
  }
  return { ...parseEntries(value.profiles, 'Saved environments'), writable: true };
}

export function toStoredProfiles(profiles: readonly Profile[], invalid: readonly unknown[]): StoredProfiles {
  return { version: 1, profiles: [...profiles, ...invalid] };
}

/**
 * Removes `//` and `/* *\/` comments outside strings: `.vscode/*.json` files are JSON with comments by
 * convention, and VS Code opens them in JSONC mode.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += char;
  }
  return out;
}

/**
 * The JSON schema of `.vscode/auth-flows.json` that VS Code uses for completion and hover
 * (media/auth-flows.schema.json, contributed as `jsonValidation`), generated from the profile schema. It
 * describes what a file may hold, before defaults: rules between fields (an auth path with "custom", a
 * UUID for PingOne) are checked when the file is read.
 */
export function workspaceFileJsonSchema(): Record<string, unknown> {
  const { $schema, ...profile } = z.toJSONSchema(profileSchema(), { io: 'input', target: 'draft-07' });
  return {
    $schema,
    title: 'Auth Flow Explorer environments',
    description: 'Environment profiles shared with the workspace. Never put secrets here: set them from the Environments view (they go to the OS keychain).',
    type: 'array',
    items: profile,
  };
}

/** Parses `.vscode/auth-flows.json`: an array of profiles, no secrets. Problems never throw. */
export function parseWorkspaceFile(text: string, file: string): Omit<ReadResult, 'writable' | 'invalid'> {
  let value: unknown;
  try {
    value = JSON.parse(stripJsonComments(text));
  } catch (error) {
    return { profiles: [], problems: [`${file} is not valid JSON: ${problemText(error)}`] };
  }
  if (!Array.isArray(value)) {
    return { profiles: [], problems: [`${file} must contain an array of environment profiles.`] };
  }
  const { profiles, problems } = parseEntries(value, file);
  return { profiles, problems };
}

/**
 * User profiles first, then workspace profiles. A workspace profile whose id is already taken is left
 * out and reported, so the ids the tree and the secret store rely on stay unique.
 */
export function mergeProfiles(
  user: readonly Profile[],
  workspace: ReadonlyArray<{ file: string; profiles: readonly Profile[] }>,
): { profiles: SourcedProfile[]; problems: string[] } {
  const profiles: SourcedProfile[] = user.map((profile) => ({ source: 'user', profile }));
  const problems: string[] = [];
  const ids = new Set(user.map((p) => p.id));
  for (const { file, profiles: fromFile } of workspace) {
    for (const profile of fromFile) {
      if (ids.has(profile.id) || isReservedId(profile.id)) {
        problems.push(`${file}: the id "${profile.id}" is already used by another environment; "${profile.name}" is not listed.`);
        continue;
      }
      ids.add(profile.id);
      profiles.push({ source: 'workspace', profile, file });
    }
  }
  return { profiles, problems };
}

/** Ids starting with `sandbox` belong to the built-in local sandbox. */
export function isReservedId(id: string): boolean {
  return id.startsWith('sandbox');
}

export function newProfileId(): string {
  return randomUUID();
}

/** A copy with a fresh id and a name not yet taken ("Staging (copy)", "Staging (copy 2)"…). */
export function duplicateProfile(profile: Profile, takenNames: readonly string[]): Profile {
  const taken = new Set(takenNames);
  let name = `${profile.name} (copy)`;
  for (let n = 2; taken.has(name); n++) name = `${profile.name} (copy ${n})`;
  return { ...profile, id: newProfileId(), name };
}
