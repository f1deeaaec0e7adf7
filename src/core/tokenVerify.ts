/**
 * Verifying a JWT decoded on its own (Decode Selected Token), outside any run: against the keys of
 * its issuer, found by discovery (OIDC Discovery §4; RFC 8414 §3) and read from its jwks_uri (RFC
 * 7517 §5), or against keys a person pastes — a JWK Set, one JWK (RFC 7517 §4), or a PEM public key
 * or certificate. The checks are those of a run's tokens (oauth/jwt.ts verifyToken), minus the ones
 * only a run knows (nonce, audience, at_hash).
 */
import { exportJWK, importSPKI, importX509, type JSONWebKeySet, type JWK } from 'jose';
import { Codes } from './codes';
import { CookieJar } from './cookies';
import { FlowError } from './errors';
import { Transport } from './http';
import type { DecodedToken } from './model';
import type { NetworkOptions } from './network';
import { buildDiscoveryRequest, readDiscoveryResponse } from './oauth/discovery';
import { buildJwksRequest, readJwksResponse } from './oauth/jwks';
import { decodeToken, verifyToken } from './oauth/jwt';

/** Fields of a private or symmetric JWK: a pasted key is used only as the public key it holds. */
const PRIVATE_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * The key set in pasted text, for the token whose header is given: a PEM key is imported for its
 * `alg`, and one pasted key naming no `kid` is taken as the key the token names (a PEM has no kid).
 */
export async function keySetFromText(text: string, header: { alg: string; kid?: string }): Promise<JSONWebKeySet> {
  const jwks = await readKeys(text, header.alg);
  const [only] = jwks.keys;
  return jwks.keys.length === 1 && only.kid === undefined && header.kid !== undefined ? { keys: [{ ...only, kid: header.kid }] } : jwks;
}

async function readKeys(text: string, alg: string): Promise<JSONWebKeySet> {
  const trimmed = text.trim();
  const pem = /-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/.exec(trimmed);
  if (pem) {
    try {
      const key = pem[1] === 'CERTIFICATE' ? await importX509(trimmed, alg, { extractable: true }) : await importSPKI(trimmed, alg, { extractable: true });
      return { keys: [{ ...(await exportJWK(key)), alg }] };
    } catch (error) {
      throw new FlowError(Codes.INVALID_JWKS, `The pasted ${pem[1] === 'CERTIFICATE' ? 'certificate' : 'public key'} cannot be read for ${alg}: ${(error as Error).message}`, 'Paste the whole PEM block, BEGIN and END lines included, of a key of the token\'s algorithm.');
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new FlowError(Codes.INVALID_JWKS, 'The pasted keys are neither JSON nor a PEM block.', 'Paste a JWK Set ({"keys":[…]}), one JWK ({"kty":…}) or a PEM public key.');
  }
  const object = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const keys = Array.isArray(object.keys) ? object.keys : typeof object.kty === 'string' ? [object] : undefined;
  if (!keys?.length || !keys.every((k) => typeof k === 'object' && k !== null && typeof (k as JWK).kty === 'string')) {
    throw new FlowError(Codes.INVALID_JWKS, 'The pasted JSON is no JWK Set and no JWK.', 'A JWK Set is {"keys":[{"kty":"RSA",…}]}; a JWK is {"kty":"RSA","n":…,"e":…}.');
  }
  return { keys: (keys as JWK[]).map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_FIELDS.includes(name))) as JWK) };
}

/** The issuer's signing keys: its discovery document, then its jwks_uri. */
export async function issuerKeySet(issuer: string, options: { timeoutMs?: number; network?: NetworkOptions; insecureTls?: boolean } = {}): Promise<JSONWebKeySet> {
  const transport = new Transport({ jar: new CookieJar(), timeoutMs: options.timeoutMs, rejectUnauthorized: !options.insecureTls, network: options.network });
  try {
    const { endpoints } = readDiscoveryResponse(await transport.send(buildDiscoveryRequest(issuer)), issuer);
    if (!endpoints.jwks) throw new FlowError(Codes.INVALID_JWKS, `The discovery document of ${issuer} names no jwks_uri.`, 'Paste the issuer\'s keys instead.');
    return readJwksResponse(await transport.send(buildJwksRequest(endpoints.jwks)));
  } finally {
    await transport.close();
  }
}

/** The token decoded again from `raw` and verified against `jwks`, with `issuer` expected when known. */
export async function verifyRaw(raw: string, jwks: JSONWebKeySet, expect: { issuer?: string; skewSec: number }): Promise<DecodedToken> {
  return verifyToken(decodeToken(raw), { jwks, issuer: expect.issuer, skewSec: expect.skewSec });
}
