/**
 * DPoP (RFC 9449): a key pair of the run's own, and a proof JWT it signs for each request (§4.2) —
 * `typ` dpop+jwt, the public JWK in the header, `jti`, `htm`, `htu` (the URL without query and
 * fragment, §4.3), `iat`, the server's `nonce` once it gave one (§8), and for a resource request `ath`,
 * the hash of the access token it carries (§4.2, §7). Token requests carry a proof (§5); a token the
 * server bound to the key (`token_type` DPoP) is presented with the DPoP scheme (§7.1), and is checked
 * for the key's thumbprint in `cnf.jkt` when it is a JWT (§6.1). A server that wants a nonce answers
 * `use_dpop_nonce` with the nonce in a `DPoP-Nonce` header (§8, §9).
 *
 * The private key is made non-extractable: nothing can export or log it.
 */
import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { CHECK_LABELS, CheckCodes } from '../codes';
import type { HttpRequest } from '../http';
import { headerValue } from '../http';
import type { Check, DecodedToken, Exchange } from '../model';
import { randomValue } from './pkce';
import { isOAuthError } from './responses';

export const DPOP_ALG = 'ES256';

export interface ProofInput {
  /** The request's method. */
  htm: string;
  /** The request's URL; its query and fragment are left out of the proof. */
  htu: string;
  /** The server's latest DPoP-Nonce for this origin. */
  nonce?: string;
  /** The access token a resource request presents: the proof then carries its hash (`ath`). */
  accessToken?: string;
  /** Seconds since the epoch. */
  now?: number;
}

/** One run's DPoP key: a fresh ES256 pair, its public JWK and thumbprint (RFC 7638). */
export class DpopKey {
  readonly #privateKey: CryptoKey;

  private constructor(
    privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly thumbprint: string,
  ) {
    this.#privateKey = privateKey;
  }

  static async generate(): Promise<DpopKey> {
    // Loaded on first use: only a run with dpop on needs them.
    const [{ generateKeyPair }, { exportJWK }, { calculateJwkThumbprint }] = await Promise.all([
      import('jose/key/generate/keypair'),
      import('jose/key/export'),
      import('jose/jwk/thumbprint'),
    ]);
    const { privateKey, publicKey } = await generateKeyPair(DPOP_ALG, { extractable: false });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const publicJwk: JWK = { kty, crv, x, y };
    return new DpopKey(privateKey, publicJwk, await calculateJwkThumbprint(publicJwk, 'sha256'));
  }

  /** A proof for one request (RFC 9449 §4.2). */
  async proof(input: ProofInput): Promise<string> {
    const { SignJWT } = await import('jose/jwt/sign');
    const claims = {
      jti: randomValue(16),
      htm: input.htm,
      htu: htuOf(input.htu),
      iat: input.now ?? Math.floor(Date.now() / 1000),
      ...(input.nonce ? { nonce: input.nonce } : {}),
      ...(input.accessToken ? { ath: accessTokenHash(input.accessToken) } : {}),
    };
    return new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg: DPOP_ALG, jwk: this.publicJwk }).sign(this.#privateKey);
  }
}

/** RFC 9449 §4.2: `htu` is the target URI without query and fragment. */
export function htuOf(url: string): string {
  const target = new URL(url);
  target.search = '';
  target.hash = '';
  return target.href;
}

/** RFC 9449 §4.2: `ath` is base64url(SHA-256(the ASCII access token)). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** How a request presents an access token: `DPoP` for a DPoP-bound one (RFC 9449 §7.1), `Bearer` otherwise (RFC 6750 §2.1). */
export function authorizationHeader(accessToken: string, tokenType: string | undefined): [string, string] {
  return ['authorization', `${tokenType?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer'} ${accessToken}`];
}

/**
 * Which requests carry a proof: every token-endpoint request (RFC 9449 §5), and every request that
 * presents a DPoP-bound token (§7), whose proof then hashes it. undefined: no proof.
 */
export function proofTarget(request: HttpRequest, tokenEndpoint: string): { accessToken?: string } | undefined {
  const presented = /^DPoP\s+(\S+)$/i.exec(headerValue(request.headers ?? [], 'authorization') ?? '')?.[1];
  if (presented) return { accessToken: presented };
  return tokenEndpoint && htuOf(request.url) === htuOf(tokenEndpoint) ? {} : undefined;
}

/** The DPoP-Nonce a response carries (RFC 9449 §8.1), on an error or not. */
export function nonceOf(exchange: Exchange): string | undefined {
  return headerValue(exchange.response?.headers ?? [], 'dpop-nonce') || undefined;
}

/**
 * The nonce to retry with when the response asks for one: a 400 `use_dpop_nonce` from the token
 * endpoint (§8) or a 401 whose DPoP challenge says `error="use_dpop_nonce"` (§9). undefined when the
 * response is anything else, or names no nonce to use.
 */
export function nonceChallenge(exchange: Exchange): string | undefined {
  const response = exchange.response;
  if (!response) return undefined;
  const asked =
    (response.status === 400 && isOAuthError(response.json) && response.json.error === 'use_dpop_nonce') ||
    (response.status === 401 && /(?:^|,)\s*DPoP\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i.test(headerValue(response.headers, 'www-authenticate') ?? ''));
  return asked ? nonceOf(exchange) : undefined;
}

/**
 * RFC 9449 §6.1: a JWT access token bound to this run's key names the key's thumbprint in `cnf.jkt`.
 * undefined when there is nothing to check: the token is opaque (the server holds its binding).
 */
export function bindingCheck(accessToken: DecodedToken | undefined, thumbprint: string): Check | undefined {
  if (!accessToken) return undefined;
  const code = CheckCodes.DPOP_BINDING;
  const name = CHECK_LABELS[code];
  const cnf = accessToken.payload.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  if (jkt === thumbprint) return { code, name, status: 'passed', detail: `cnf.jkt is this run's DPoP key thumbprint (${thumbprint})` };
  return { code, name, status: 'failed', detail: jkt === undefined ? 'the access token has no cnf.jkt: it is not bound to this run\'s DPoP key' : `cnf.jkt is ${JSON.stringify(jkt)}, not this run's DPoP key thumbprint ${thumbprint}` };
}
