/**
 * Random values a run binds itself with: state (RFC 6749 §10.12), nonce (OIDC Core §3.1.2.1) and the
 * PKCE pair (RFC 7636 §4.1–4.2: a 43-character verifier, challenge = BASE64URL(SHA256(verifier))).
 */
import { createHash, randomBytes } from 'node:crypto';

export function randomValue(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

export function createPkce(): Pkce {
  const verifier = randomValue(32);
  return { verifier, challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url'), method: 'S256' };
}
