/**
 * Signs the JWTs a client sends: request objects (RFC 9101) and client assertions (RFC 7523 §2.2),
 * with jose. HMAC algorithms use the client secret; RSA/EC/PSS algorithms the client's private key,
 * given as PKCS#8 PEM or a private JWK.
 */
import { Codes } from '../codes';
import type { JWTPayload } from 'jose';
import { errorMessage, FlowError } from '../errors';
import type { Secrets } from '../profile';

export async function signJwt(claims: JWTPayload, alg: string, secrets: Secrets, typ?: string): Promise<string> {
  const key = await signingKey(alg, secrets);
  // Loaded when first signing: most flows sign nothing (a client secret in Basic, no request object).
  const { SignJWT } = await import('jose/jwt/sign');
  return new SignJWT(claims).setProtectedHeader({ alg, ...(typ ? { typ } : {}) }).sign(key);
}

async function signingKey(alg: string, secrets: Secrets): Promise<CryptoKey | Uint8Array> {
  if (alg.startsWith('HS')) {
    if (!secrets.clientSecret) {
      throw new FlowError(Codes.MISSING_SECRET, `${alg} signing needs the client secret, and none is set.`, 'Set the client secret for this environment.');
    }
    return new TextEncoder().encode(secrets.clientSecret);
  }
  const material = secrets.privateKey?.trim();
  if (!material) {
    throw new FlowError(Codes.MISSING_KEY, `${alg} signing needs the client's private key, and none is set.`, 'Set the private key (PKCS#8 PEM or private JWK) for this environment.');
  }
  const { importJWK, importPKCS8 } = await import('jose/key/import');
  try {
    if (material.startsWith('{')) return (await importJWK(JSON.parse(material), alg)) as CryptoKey;
    return await importPKCS8(material, alg);
  } catch (error) {
    throw new FlowError(
      Codes.BAD_KEY,
      `The private key could not be used for ${alg}: ${errorMessage(error)}.`,
      'Give a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") or a private JWK whose type fits the algorithm.',
      { cause: error },
    );
  }
}
