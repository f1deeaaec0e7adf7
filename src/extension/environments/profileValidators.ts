/**
 * Validation for the Add/Edit environment quick inputs. Each validator returns the message to show
 * under the input box, or undefined when the value is fine. Field rules come from the profile schema
 * (`validateProfile`), so the form, the workspace file and the CLI agree; this module only picks the
 * message for the field being typed, and adds what only a form asks (a name not taken, one scope).
 */
import { validateProfile, type Profile } from '../../core/profile';

export type Draft = Partial<Profile>;

/** The message `validateProfile` gives for `field` once `patch` is applied to `draft`. */
export function problemFor(draft: Draft, field: keyof Profile, patch: Draft): string | undefined {
  return validateProfile({ ...draft, ...patch }).find((problem) => problem.field === field)?.message;
}

/** Splits what the user typed (spaces or commas) into scopes. */
export function parseScopes(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function validateName(value: string, takenNames: readonly string[]): string | undefined {
  if (takenNames.includes(value.trim())) return `An environment named "${value.trim()}" already exists.`;
  return problemFor({}, 'name', { name: value });
}

export function validateAuthPath(value: string, draft: Draft): string | undefined {
  return problemFor(draft, 'authPath', { region: 'custom', authPath: value });
}

export function validateIssuer(value: string, draft: Draft): string | undefined {
  return problemFor(draft, 'issuer', { issuer: value.trim() });
}

export function validateEnvId(value: string, draft: Draft): string | undefined {
  return problemFor(draft, 'envId', { envId: value.trim() });
}

export function validateClientId(value: string, draft: Draft): string | undefined {
  return problemFor(draft, 'clientId', { clientId: value.trim() });
}

export function validateRedirectUri(value: string, draft: Draft): string | undefined {
  return problemFor(draft, 'redirectUri', { redirectUri: value.trim() });
}

export function validateScopes(value: string, draft: Draft): string | undefined {
  const scopes = parseScopes(value);
  if (scopes.length === 0) return 'Enter at least one scope, such as "openid".';
  return problemFor(draft, 'scopes', { scopes });
}

export function validateClientSecret(value: string): string | undefined {
  return value.trim() ? undefined : 'Paste the client secret from the application\'s Configuration tab.';
}

/** A PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a private JWK (JSON with `d`). */
export function validatePrivateKey(value: string): string | undefined {
  const text = value.trim();
  if (/^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----$/.test(text)) return undefined;
  if (/^-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(text)) {
    return 'This is a PKCS#1/SEC1 key; convert it to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt -in key.pem`.';
  }
  try {
    const jwk: unknown = JSON.parse(text);
    if (typeof jwk === 'object' && jwk !== null && 'kty' in jwk && 'd' in jwk) return undefined;
    return 'This JSON is not a private JWK: it needs "kty" and the private part "d".';
  } catch {
    return 'Paste a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or a private JWK as JSON.';
  }
}

/**
 * A pasted PEM arrives on one line (input boxes have no newlines); rebuild the 64-column body so the
 * key parses. JWKs are returned trimmed.
 */
export function normalizePrivateKey(value: string): string {
  const text = value.trim();
  const pem = /^-----BEGIN PRIVATE KEY-----([\s\S]+)-----END PRIVATE KEY-----$/.exec(text);
  if (!pem) return text;
  const body = pem[1].replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----'].join('\n');
}
