/**
 * Every JWT operation goes through here, on jose: decoding for display, verifying against the
 * environment's JWKS, and the claim checks that bind a token to this run (OIDC Core §3.1.3.7).
 * Each check is reported by name so a failed token is still shown decoded, with what failed.
 */
import { createHash } from 'node:crypto';
import { base64url, compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { errorMessage, FlowError } from './errors';
import type { Check, DecodedToken, TimeClaim, TokenKind } from './model';

const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time'] as const;

/**
 * Finds a compact JWT in pasted or selected text: tolerates surrounding quotes, `Bearer `, whitespace,
 * and JSON around it (`"id_token": "eyJ…"`).
 */
export function extractJwt(text: string): string | undefined {
  const candidates = text.match(/[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g) ?? [];
  return candidates.find((c) => c.startsWith('eyJ')) ?? candidates[0];
}

/** Decodes without verifying. Throws FlowError `JWT_MALFORMED` saying what is wrong with the text. */
export function decodeToken(raw: string, kind: TokenKind = 'token', now: number = Date.now()): DecodedToken {
  const token = raw.trim();
  const parts = token.split('.');
  if (parts.length === 5) {
    throw malformed('This is an encrypted token (JWE, five parts); it cannot be read without the decryption key.');
  }
  if (parts.length !== 3) {
    throw malformed(`A JWT has three parts separated by dots; this text has ${parts.length}.`);
  }
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw malformed('The first part (header) is not base64url-encoded JSON.');
  }
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    throw malformed('The second part (payload) is not base64url-encoded JSON claims.');
  }
  return { kind, raw: token, header, payload, signature: parts[2], times: timeClaims(payload, now), checks: [] };
}

function malformed(message: string): FlowError {
  return new FlowError('JWT_MALFORMED', message, 'Select the whole token: three base64url parts starting with "eyJ".');
}

function timeClaims(payload: Record<string, unknown>, now: number): TimeClaim[] {
  return TIME_CLAIMS.filter((claim) => typeof payload[claim] === 'number').map((claim) => {
    const value = payload[claim] as number;
    return { claim, value, iso: new Date(value * 1000).toISOString(), relative: relativeTime(value * 1000 - now) };
  });
}

/** "in 59 min", "3 h ago", "just now". */
export function relativeTime(deltaMs: number): string {
  const seconds = Math.round(Math.abs(deltaMs) / 1000);
  if (seconds < 5) return 'just now';
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']];
  const [size, unit] = units.find(([s]) => seconds >= s) ?? units[3];
  const amount = Math.floor(seconds / size);
  return deltaMs > 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

export interface VerifyExpectations {
  jwks: JSONWebKeySet;
  /** Expected `iss`; the check is skipped when unknown (decoding a pasted token). */
  issuer?: string;
  /** Client id: the ID token's audience; the check is skipped when unknown. */
  clientId?: string;
  /** Allowed clock difference, seconds. */
  skewSec: number;
  /** This run's nonce, for the ID token. */
  nonce?: string;
  /** The access token issued with this ID token, for at_hash. */
  accessToken?: string;
  now?: number;
}

/**
 * Verifies a decoded token: signature against the JWKS, then the claims. Returns the token with its
 * checks filled in and `verified` set; never throws for a failed check.
 */
export async function verifyToken(token: DecodedToken, expect: VerifyExpectations): Promise<DecodedToken> {
  const now = expect.now ?? Date.now();
  const checks: Check[] = [await signatureCheck(token, expect.jwks)];
  const claims = token.payload;
  const pass = (name: string, detail: string): Check => ({ name, status: 'passed', detail });
  const fail = (name: string, detail: string): Check => ({ name, status: 'failed', detail });
  const skip = (name: string, detail: string): Check => ({ name, status: 'skipped', detail });

  if (expect.issuer === undefined) checks.push(skip('Issuer', `iss is ${JSON.stringify(claims.iss)}; no expected issuer given`));
  else {
    checks.push(
      claims.iss === expect.issuer
        ? pass('Issuer', `iss is ${expect.issuer}`)
        : fail('Issuer', `iss is ${JSON.stringify(claims.iss)}, expected ${expect.issuer}`),
    );
  }

  if (expect.clientId === undefined) checks.push(skip('Audience', `aud is ${JSON.stringify(claims.aud)}; no client id given`));
  else if (token.kind === 'id_token') {
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    checks.push(
      audience.includes(expect.clientId)
        ? pass('Audience', `aud includes the client id ${expect.clientId}`)
        : fail('Audience', `aud is ${JSON.stringify(claims.aud)}, expected the client id ${expect.clientId}`),
    );
  } else {
    checks.push(skip('Audience', `aud ${JSON.stringify(claims.aud)} names the resource; it is not the client's to check`));
  }

  const skewMs = expect.skewSec * 1000;
  const exp = claims.exp;
  if (typeof exp !== 'number') checks.push(token.kind === 'id_token' ? fail('Expiry', 'exp is missing') : skip('Expiry', 'no exp claim'));
  else if (exp * 1000 + skewMs <= now) checks.push(fail('Expiry', `expired ${relativeTime(exp * 1000 - now)}`));
  else checks.push(pass('Expiry', `expires ${relativeTime(exp * 1000 - now)}`));

  const nbf = claims.nbf;
  if (typeof nbf === 'number') {
    checks.push(nbf * 1000 - skewMs > now ? fail('Not before', `not valid until ${relativeTime(nbf * 1000 - now)}`) : pass('Not before', 'nbf has passed'));
  }
  const iat = claims.iat;
  if (typeof iat !== 'number') checks.push(token.kind === 'id_token' ? fail('Issued at', 'iat is missing') : skip('Issued at', 'no iat claim'));
  else if (iat * 1000 - skewMs > now) checks.push(fail('Issued at', `issued ${relativeTime(iat * 1000 - now)}: the issuer's clock is ahead of this machine's by more than ${expect.skewSec} s`));
  else checks.push(pass('Issued at', `issued ${relativeTime(iat * 1000 - now)}`));

  if (token.kind === 'id_token') {
    if (expect.nonce === undefined) checks.push(skip('Nonce', 'no nonce was sent'));
    else if (claims.nonce === expect.nonce) checks.push(pass('Nonce', 'nonce matches the one sent on authorize'));
    else checks.push(fail('Nonce', `nonce is ${JSON.stringify(claims.nonce)}, but authorize sent ${expect.nonce}`));

    if (expect.accessToken === undefined) checks.push(skip('at_hash', 'no access token to compare'));
    else if (typeof claims.at_hash !== 'string') checks.push(skip('at_hash', 'the ID token has no at_hash'));
    else {
      const expected = tokenHash(expect.accessToken, String(token.header.alg));
      checks.push(
        claims.at_hash === expected
          ? pass('at_hash', 'matches the access token')
          : fail('at_hash', `at_hash is ${claims.at_hash}, but the access token hashes to ${expected}`),
      );
    }
  }
  return { ...token, times: timeClaims(claims, now), checks, verified: checks.every((c) => c.status !== 'failed') };
}

/**
 * Key sets by JWKS content, so a key is imported once however many tokens and runs it verifies (the
 * import is the costly part of a verification). Keyed by content, not URL: a rotated JWKS is a new
 * entry. A handful of environments at a time is plenty; the oldest entry goes first.
 */
const keySets = new Map<string, ReturnType<typeof createLocalJWKSet>>();
const KEY_SETS_KEPT = 16;
function keySet(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  const content = JSON.stringify(jwks);
  let set = keySets.get(content);
  if (!set) {
    set = createLocalJWKSet(jwks);
    keySets.set(content, set);
    if (keySets.size > KEY_SETS_KEPT) keySets.delete(keySets.keys().next().value as string);
  }
  return set;
}

async function signatureCheck(token: DecodedToken, jwks: JSONWebKeySet): Promise<Check> {
  const name = 'Signature';
  const { alg, kid } = token.header;
  if (alg === 'none') return { name, status: 'failed', detail: 'alg is "none": the token is unsigned' };
  try {
    await compactVerify(token.raw, keySet(jwks));
    return { name, status: 'passed', detail: `${String(alg)} signature verified with key ${String(kid ?? '(no kid)')} from JWKS` };
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) {
      return { name, status: 'failed', detail: `no key in the JWKS matches kid ${String(kid)} and alg ${String(alg)}` };
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { name, status: 'failed', detail: `the ${String(alg)} signature does not verify with key ${String(kid)}: the token was altered or signed by another key` };
    }
    return { name, status: 'failed', detail: errorMessage(error) };
  }
}

/** OIDC Core §3.1.3.6: base64url of the left half of the hash (the alg's SHA size) of the ASCII token. */
export function tokenHash(value: string, alg: string): string {
  const bits = /(\d{3})$/.exec(alg)?.[1] ?? '256';
  const digest = createHash(`sha${bits}`).update(value, 'ascii').digest();
  return base64url.encode(digest.subarray(0, digest.length / 2));
}

/** Decodes and, when it looks like a JWT, returns it; opaque tokens (PingOne refresh tokens can be) give undefined. */
export function tryDecode(raw: string, kind: TokenKind, now?: number): DecodedToken | undefined {
  try {
    return decodeToken(raw, kind, now);
  } catch {
    return undefined;
  }
}
