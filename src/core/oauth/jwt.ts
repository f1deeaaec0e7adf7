/**
 * Every JWT operation goes through here, on jose: decoding for display, verifying against the
 * environment's JWKS, and the claim checks that bind a token to this run (OIDC Core §3.1.3.7).
 * Each check is reported by name so a failed token is still shown decoded, with what failed.
 */
import { createHash } from 'node:crypto';
import { base64url, compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { errorMessage, FlowError } from '../errors';
import { jwtSpans, MAX_TOKEN_TEXT } from './jwtScan';
import { CHECK_LABELS, CheckCodes, Codes, type CheckCode } from '../codes';
import type { Check, DecodedToken, TimeClaim, TokenKind } from '../model';

export { MAX_TOKEN_TEXT };

const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time'] as const;

/**
 * ECMAScript dates reach 8.64e15 ms either side of 1970 (ECMA-262 §21.4.1.1); a NumericDate beyond
 * that (RFC 7519 §2 sets no bound) names no real time and cannot be shown as one.
 */
const MAX_NUMERIC_DATE = 8.64e12;

/**
 * Finds a compact JWT in pasted or selected text: tolerates surrounding quotes, `Bearer `, whitespace,
 * and JSON around it (`"id_token": "eyJ…"`). Throws FlowError `TOKEN_TEXT_TOO_LONG` past {@link MAX_TOKEN_TEXT}.
 */
export function extractJwt(text: string): string | undefined {
  if (text.length > MAX_TOKEN_TEXT) {
    throw new FlowError(
      Codes.TOKEN_TEXT_TOO_LONG,
      `The text is ${text.length} characters long; a token is looked for in at most ${MAX_TOKEN_TEXT}.`,
      'Select or paste just the token, or the line that holds it.',
    );
  }
  for (const span of jwtSpans(text)) return span.text;
  return undefined;
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
  return new FlowError(Codes.JWT_MALFORMED, message, 'Select the whole token: three base64url parts starting with "eyJ".');
}

function timeClaims(payload: Record<string, unknown>, now: number): TimeClaim[] {
  return TIME_CLAIMS.filter((claim) => typeof payload[claim] === 'number').map((claim) => {
    const value = payload[claim] as number;
    if (!isDate(value)) return { claim, value, iso: 'not a date', relative: 'out of range' };
    return { claim, value, iso: new Date(value * 1000).toISOString(), relative: relativeTime(value * 1000 - now) };
  });
}

function isDate(seconds: number): boolean {
  return Number.isFinite(seconds) && Math.abs(seconds) <= MAX_NUMERIC_DATE;
}

/** Why a present time claim is not a usable NumericDate (RFC 7519 §2), or undefined when it is one. */
function timeProblem(claim: string, value: unknown): string | undefined {
  if (typeof value !== 'number') return `${claim} is ${JSON.stringify(value)}, not a number of seconds`;
  if (!isDate(value)) return `${claim} is ${value}, out of range for a date (at most ${MAX_NUMERIC_DATE} s from 1970)`;
  return undefined;
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
  const result = (status: Check['status']) => (code: CheckCode, detail: string, name: string = CHECK_LABELS[code]): Check => ({ code, name, status, detail });
  const [pass, fail, skip] = [result('passed'), result('failed'), result('skipped')];

  if (expect.issuer === undefined) checks.push(skip(CheckCodes.ISSUER, `iss is ${JSON.stringify(claims.iss)}; no expected issuer given`));
  else {
    checks.push(
      claims.iss === expect.issuer
        ? pass(CheckCodes.ISSUER, `iss is ${expect.issuer}`)
        : fail(CheckCodes.ISSUER, `iss is ${JSON.stringify(claims.iss)}, expected ${expect.issuer}`),
    );
  }

  if (expect.clientId === undefined) checks.push(skip(CheckCodes.AUDIENCE, `aud is ${JSON.stringify(claims.aud)}; no client id given`));
  else if (token.kind === 'id_token') {
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    checks.push(
      audience.includes(expect.clientId)
        ? pass(CheckCodes.AUDIENCE, `aud includes the client id ${expect.clientId}`)
        : fail(CheckCodes.AUDIENCE, `aud is ${JSON.stringify(claims.aud)}, expected the client id ${expect.clientId}`),
    );
  } else {
    checks.push(skip(CheckCodes.AUDIENCE, `aud ${JSON.stringify(claims.aud)} names the resource; it is not the client's to check`));
  }

  // A time claim that is not a date fails under its own name and is not compared with the clock.
  const ms: Partial<Record<(typeof TIME_CLAIMS)[number], number>> = {};
  for (const claim of TIME_CLAIMS.filter((c) => claims[c] !== undefined)) {
    const problem = timeProblem(claim, claims[claim]);
    if (problem) checks.push(fail(CheckCodes.TIME_CLAIM, problem, claim));
    else ms[claim] = (claims[claim] as number) * 1000;
  }
  const skewMs = expect.skewSec * 1000;
  if (ms.exp !== undefined) {
    checks.push(ms.exp + skewMs <= now ? fail(CheckCodes.EXPIRY, `expired ${relativeTime(ms.exp - now)}`) : pass(CheckCodes.EXPIRY, `expires ${relativeTime(ms.exp - now)}`));
  } else if (claims.exp === undefined) checks.push(token.kind === 'id_token' ? fail(CheckCodes.EXPIRY, 'exp is missing') : skip(CheckCodes.EXPIRY, 'no exp claim'));
  if (ms.nbf !== undefined) {
    checks.push(ms.nbf - skewMs > now ? fail(CheckCodes.NOT_BEFORE, `not valid until ${relativeTime(ms.nbf - now)}`) : pass(CheckCodes.NOT_BEFORE, 'nbf has passed'));
  }
  if (ms.iat !== undefined) {
    checks.push(
      ms.iat - skewMs > now
        ? fail(CheckCodes.ISSUED_AT, `issued ${relativeTime(ms.iat - now)}: the issuer's clock is ahead of this machine's by more than ${expect.skewSec} s`)
        : pass(CheckCodes.ISSUED_AT, `issued ${relativeTime(ms.iat - now)}`),
    );
  } else if (claims.iat === undefined) checks.push(token.kind === 'id_token' ? fail(CheckCodes.ISSUED_AT, 'iat is missing') : skip(CheckCodes.ISSUED_AT, 'no iat claim'));

  if (token.kind === 'id_token') {
    if (expect.nonce === undefined) checks.push(skip(CheckCodes.NONCE, 'no nonce was sent'));
    else if (claims.nonce === expect.nonce) checks.push(pass(CheckCodes.NONCE, 'nonce matches the one sent on authorize'));
    else checks.push(fail(CheckCodes.NONCE, `nonce is ${JSON.stringify(claims.nonce)}, but authorize sent ${expect.nonce}`));

    if (expect.accessToken === undefined) checks.push(skip(CheckCodes.AT_HASH, 'no access token to compare'));
    else if (typeof claims.at_hash !== 'string') checks.push(skip(CheckCodes.AT_HASH, 'the ID token has no at_hash'));
    else {
      const expected = tokenHash(expect.accessToken, token.header.alg);
      if (expected === undefined) checks.push(fail(CheckCodes.AT_HASH, `alg ${JSON.stringify(token.header.alg)} is not supported, so at_hash cannot be computed`));
      else if (claims.at_hash === expected) checks.push(pass(CheckCodes.AT_HASH, 'matches the access token'));
      else checks.push(fail(CheckCodes.AT_HASH, `at_hash is ${claims.at_hash}, but the access token hashes to ${expected}`));
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
  const code = CheckCodes.SIGNATURE;
  const name = CHECK_LABELS[code];
  const { alg, kid } = token.header;
  if (alg === 'none') return { code, name, status: 'failed', detail: 'alg is "none": the token is unsigned' };
  try {
    await compactVerify(token.raw, keySet(jwks));
    return { code, name, status: 'passed', detail: `${String(alg)} signature verified with key ${String(kid ?? '(no kid)')} from JWKS` };
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey) {
      return { code, name, status: 'failed', detail: `no key in the JWKS matches kid ${String(kid)} and alg ${String(alg)}` };
    }
    if (error instanceof errors.JOSENotSupported) {
      return { code, name, status: 'failed', detail: `alg ${JSON.stringify(alg)} is not supported for a signature checked with keys from a JWKS` };
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { code, name, status: 'failed', detail: `the ${String(alg)} signature does not verify with key ${String(kid)}: the token was altered or signed by another key` };
    }
    return { code, name, status: 'failed', detail: errorMessage(error) };
  }
}

/**
 * OIDC Core §3.1.3.6: base64url of the left half of the hash of the ASCII token, the hash being the
 * alg's SHA size (SHA-512 for EdDSA on Ed25519). undefined for an alg with no known hash.
 */
export function tokenHash(value: string, alg: unknown): string | undefined {
  const bits = alg === 'EdDSA' || alg === 'Ed25519' ? '512' : /^(?:HS|RS|PS|ES)(256|384|512)$/.exec(String(alg))?.[1];
  if (bits === undefined) return undefined;
  const digest = createHash(`sha${bits}`).update(value, 'ascii').digest();
  return base64url.encode(digest.subarray(0, digest.length / 2));
}

/** Decodes and, when it looks like a JWT, returns it; opaque tokens (PingOne refresh tokens can be) give undefined. */
export function tryDecode(raw: string, kind: TokenKind, now?: number): DecodedToken | undefined {
  // Not three parts is what decodeToken refuses first; said here, an opaque token costs no error and stack.
  if (raw.split('.').length !== 3) return undefined;
  try {
    return decodeToken(raw, kind, now);
  } catch {
    return undefined;
  }
}
