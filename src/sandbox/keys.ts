/**
 * Key material: the sandbox's token signing key and the private_key_jwt app's key pair, made once per
 * start from two private RSA JWKs (key-cache.ts keeps those between starts; never per request: the
 * engine's benchmark runs thousands of flows against one sandbox). The signing key's `kid` is its
 * RFC 7638 JWK thumbprint. RSA because PingOne signs its tokens RS256 and publishes RSA JWKs
 * (docs/pingone.md §4, §5).
 */
import type { SandboxApp } from './seed';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as /as/jwks serves it (docs/pingone.md §5). */
  publicJwk: JWK;
}

export interface ClientKeyPair {
  /** PKCS#8 PEM, what a profile's `secrets.privateKey` carries. */
  privateKeyPem: string;
  publicJwk: JWK;
}

/** The private halves of the sandbox's two key pairs, as JWKs: what key-cache.ts stores. */
export interface SandboxKeyJwks {
  signing: JWK;
  client: JWK;
}

export interface SandboxKeys {
  signingKey: SigningKey;
  /** The key pair of the private_key_jwt app: the client signs with the PEM, the sandbox keeps the public JWK. */
  clientKeys: ClientKeyPair;
}

/** Two new RSA-2048 key pairs, generated concurrently (each takes WebCrypto's thread pool a while). */
export async function generateKeyJwks(): Promise<SandboxKeyJwks> {
  const [signing, client] = await Promise.all([generateRsaJwk(), generateRsaJwk()]);
  return { signing, client };
}

async function generateRsaJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return exportJWK(privateKey);
}

/** The keys the sandbox uses, from the private JWKs; throws when either is not a usable RSA private key. */
export async function sandboxKeys(jwks: SandboxKeyJwks): Promise<SandboxKeys> {
  const [signingKey, clientKeys] = await Promise.all([signingKeyOf(jwks.signing), clientKeyPairOf(jwks.client)]);
  return { signingKey, clientKeys };
}

/** The public half of a private RSA JWK: its modulus and exponent. */
const publicRsaJwk = (jwk: JWK): JWK => ({ kty: 'RSA', n: jwk.n, e: jwk.e });

async function signingKeyOf(privateJwk: JWK): Promise<SigningKey> {
  const jwk = publicRsaJwk(privateJwk);
  const [privateKey, publicKey, kid] = await Promise.all([
    importJWK(privateJwk, 'RS256') as Promise<CryptoKey>,
    importJWK(jwk, 'RS256') as Promise<CryptoKey>,
    calculateJwkThumbprint(jwk),
  ]);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } };
}

async function clientKeyPairOf(privateJwk: JWK): Promise<ClientKeyPair> {
  const jwk = publicRsaJwk(privateJwk);
  const privateKey = (await importJWK(privateJwk, 'RS256', { extractable: true })) as CryptoKey;
  const [privateKeyPem, kid] = await Promise.all([exportPKCS8(privateKey), calculateJwkThumbprint(jwk)]);
  return { privateKeyPem, publicJwk: { ...jwk, kid } };
}

/**
 * Imports a public RSA JWK once per algorithm. WebCrypto binds a key to one algorithm and hash, so
 * RS256, RS384 and PS256 each need their own import of the same JWK.
 */
function publicKeyResolver(jwk: JWK): (alg: string) => Promise<CryptoKey> {
  const imported = new Map<string, Promise<CryptoKey>>();
  return (alg) => {
    let key = imported.get(alg);
    if (!key) {
      key = importJWK(jwk, alg) as Promise<CryptoKey>;
      imported.set(alg, key);
    }
    return key;
  };
}

const HS_ALGS = ['HS256', 'HS384', 'HS512'];
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const resolvers = new WeakMap<SandboxApp, (alg: string) => Promise<CryptoKey>>();

/**
 * Algorithms an app's own JWTs (client assertions, request objects) may use: HS with its secret,
 * RS/PS with its registered public key (RFC 7523 §3, RFC 9101 §4). Never `none`.
 */
export function appAlgorithms(app: SandboxApp): string[] {
  return [...(app.clientSecret ? HS_ALGS : []), ...(app.keyPair ? RSA_ALGS : [])];
}

/** The key that verifies an app's JWT signed with `alg`; throws when the app holds none for it. */
export async function appVerificationKey(app: SandboxApp, alg: string | undefined): Promise<CryptoKey | Uint8Array> {
  if (alg && HS_ALGS.includes(alg) && app.clientSecret) return new TextEncoder().encode(app.clientSecret);
  if (alg && RSA_ALGS.includes(alg) && app.keyPair) {
    let resolve = resolvers.get(app);
    if (!resolve) {
      resolve = publicKeyResolver(app.keyPair.publicJwk);
      resolvers.set(app, resolve);
    }
    return resolve(alg);
  }
  throw new Error(`The application has no key for ${alg ?? 'an unsigned JWT'}; it accepts ${appAlgorithms(app).join(', ')}.`);
}
