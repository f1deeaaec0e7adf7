/**
 * Client authentication at the token endpoint, checked against the rules it implements rather than
 * against its own output: RFC 6749 §2.3.1 (Basic credentials, both halves form-encoded; or client_id
 * and client_secret in the body), RFC 7523 §2.2 / §3 and OIDC Core §9 (a client assertion whose
 * iss and sub are the client id, aud the token endpoint, with a short expiry and a unique jti, signed
 * with the client secret or the private key). Assertions are verified with jose.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { clientAuthentication } from '../../src/core/oauth/clientAuth';
import { FlowError } from '../../src/core/errors';
import type { Profile, Secrets } from '../../src/core/profile';
import { sampleProfile } from '../fixtures/profiles';

const TOKEN_ENDPOINT = 'https://auth.example.com/env/as/token';
const NOW = 1_767_225_600;
const SECRET = 'a secret/with+form~chars';

const profile = (clientAuthMethod: Profile['clientAuthMethod'], fields: Partial<Profile> = {}): Profile =>
  sampleProfile({ region: 'custom', authPath: 'https://auth.example.com', envId: 'env', clientId: 'app:1 é', clientAuthMethod, ...fields });

const authenticate = (method: Profile['clientAuthMethod'], secrets: Secrets, fields: Partial<Profile> = {}) =>
  clientAuthentication(profile(method, fields), secrets, TOKEN_ENDPOINT, NOW);

/** Decodes Basic credentials the way an authorization server does (RFC 6749 §2.3.1, RFC 7617). */
function decodeBasic(header: string): [string, string] {
  const [scheme, credentials] = header.split(' ');
  assert.equal(scheme, 'Basic');
  const text = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const formDecode = (part: string) => new URLSearchParams(`v=${part}`).get('v')!;
  return [formDecode(text.slice(0, colon)), formDecode(text.slice(colon + 1))];
}

describe('client authentication', () => {
  it('client_secret_basic: the id and secret travel only in the Authorization header, each form-encoded', async () => {
    const auth = await authenticate('client_secret_basic', { clientSecret: SECRET });
    assert.deepEqual(auth.params, []);
    assert.equal(auth.headers.length, 1);
    const [name, value] = auth.headers[0];
    assert.equal(name, 'authorization');
    assert.deepEqual(decodeBasic(value), ['app:1 é', SECRET]);
    // A colon in the client id must not end it: it is percent-encoded before base64.
    assert.ok(!Buffer.from(value.slice('Basic '.length), 'base64').toString('utf8').startsWith('app:1'));
    // Both what is sent and the secret itself are marked, so redaction and cURL find either.
    const marked = new Map(auth.secrets.map((m) => [m.value, m.variable]));
    assert.equal(marked.get(value.slice('Basic '.length)), 'BASIC_CREDENTIALS');
    assert.equal(marked.get(SECRET), 'CLIENT_SECRET');
    assert.ok(auth.secrets.every((m) => m.describe), 'every mark says what it is, for the cURL comment');
    assert.equal(auth.assertion, undefined);
  });

  it('client_secret_post: client_id and client_secret in the body, with the form-encoded secret marked when it differs', async () => {
    const auth = await authenticate('client_secret_post', { clientSecret: SECRET });
    assert.deepEqual(auth.headers, []);
    assert.deepEqual(auth.params, [['client_id', 'app:1 é'], ['client_secret', SECRET]]);
    const formEncoded = new URLSearchParams([['client_secret', SECRET]]).toString().slice('client_secret='.length);
    assert.deepEqual(auth.secrets.map((m) => [m.variable, m.value]), [['CLIENT_SECRET', SECRET], ['CLIENT_SECRET_FORM', formEncoded]]);
    assert.ok(auth.secrets.every((m) => m.describe));

    // A secret the form leaves as it is needs one variable only.
    const plain = await authenticate('client_secret_post', { clientSecret: 'Plain-Secret_1.' });
    assert.deepEqual(plain.secrets.map((m) => m.variable), ['CLIENT_SECRET']);
  });

  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`${method}: without a client secret it fails saying which method needs it`, async () => {
      for (const clientSecret of [undefined, '']) {
        await assert.rejects(authenticate(method, { clientSecret }), (e: unknown) => {
          assert.ok(e instanceof FlowError);
          assert.equal(e.code, 'MISSING_SECRET');
          assert.match(e.message, new RegExp(`^${method} needs the client secret`));
          assert.match(e.hint, /client secret/);
          return true;
        });
      }
    });
  }

  it('client_secret_jwt: an HS256 assertion signed with the secret, with the RFC 7523 §3 claims', async () => {
    const auth = await authenticate('client_secret_jwt', { clientSecret: SECRET });
    assert.deepEqual(auth.headers, []);
    assert.equal(auth.params.length, 3);
    assert.deepEqual(auth.params.slice(0, 2), [['client_id', 'app:1 é'], ['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer']]);
    assert.deepEqual(auth.params[2], ['client_assertion', auth.assertion]);
    assert.equal(decodeProtectedHeader(auth.assertion!).alg, 'HS256');
    const { payload } = await jwtVerify(auth.assertion!, new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
      issuer: 'app:1 é',
      subject: 'app:1 é',
      audience: TOKEN_ENDPOINT,
      currentDate: new Date(NOW * 1000),
    });
    assert.equal(payload.iat, NOW);
    assert.equal(payload.exp, NOW + 300, 'a short expiry');
    assert.match(String(payload.jti), /^[A-Za-z0-9_-]{16,}$/);
    assert.deepEqual(auth.secrets.map((m) => [m.variable, m.value]), [['CLIENT_ASSERTION', auth.assertion]]);
    assert.match(auth.secrets[0].describe ?? '', /HS256/);

    const again = await authenticate('client_secret_jwt', { clientSecret: SECRET });
    const jti = async (jwt: string) => (await jwtVerify(jwt, new TextEncoder().encode(SECRET), { currentDate: new Date(NOW * 1000) })).payload.jti;
    assert.notEqual(await jti(again.assertion!), payload.jti, 'a jti is never reused (RFC 7523 §3)');
  });

  it('client_secret_jwt: by default the assertion is issued now, in seconds (RFC 7519 §2 NumericDate)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const auth = await clientAuthentication(profile('client_secret_jwt'), { clientSecret: SECRET }, TOKEN_ENDPOINT);
    const { payload } = await jwtVerify(auth.assertion!, new TextEncoder().encode(SECRET), { audience: TOKEN_ENDPOINT });
    assert.ok(payload.iat! >= before && payload.iat! <= Math.floor(Date.now() / 1000), `iat ${payload.iat} is not now (${before})`);
  });

  it('client_secret_jwt: the profile may name the HMAC algorithm', async () => {
    const auth = await authenticate('client_secret_jwt', { clientSecret: SECRET }, { assertionAlg: 'HS512' });
    assert.equal(decodeProtectedHeader(auth.assertion!).alg, 'HS512');
    await jwtVerify(auth.assertion!, new TextEncoder().encode(SECRET), { algorithms: ['HS512'], currentDate: new Date(NOW * 1000) });
  });

  it('private_key_jwt: an RS256 assertion the public key verifies, with the RFC 7523 §3 claims', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const auth = await authenticate('private_key_jwt', { privateKey: pem });
    assert.equal(decodeProtectedHeader(auth.assertion!).alg, 'RS256');
    const key = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'RS256');
    const { payload } = await jwtVerify(auth.assertion!, key, { issuer: 'app:1 é', subject: 'app:1 é', audience: TOKEN_ENDPOINT, currentDate: new Date(NOW * 1000) });
    assert.equal(payload.exp, NOW + 300);
    assert.deepEqual(auth.params.map(([n]) => n), ['client_id', 'client_assertion_type', 'client_assertion']);
    assert.ok(!auth.params.some(([n]) => n === 'client_secret'), 'no client secret beside an assertion');
    assert.deepEqual(auth.secrets.map((m) => m.variable), ['CLIENT_ASSERTION']);
  });

  for (const method of ['tls_client_auth', 'self_signed_tls_client_auth'] as const) {
    it(`${method}: the certificate authenticates, so the body names the client and nothing else (RFC 8705 §2)`, async () => {
      assert.deepEqual(await authenticate(method, { clientSecret: SECRET }), { headers: [], params: [['client_id', 'app:1 é']], secrets: [] });
    });
  }

  it('none: a public client sends its client_id and nothing secret', async () => {
    const auth = await authenticate('none', { clientSecret: SECRET });
    assert.deepEqual(auth, { headers: [], params: [['client_id', 'app:1 é']], secrets: [] });
  });
});
