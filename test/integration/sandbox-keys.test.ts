/**
 * The sandbox's key cache (src/sandbox/key-cache.ts) over real loopback sandboxes: sandboxes started
 * with one cache directory serve the same signing key and give the private_key_jwt app the same key
 * pair, so a profile from an earlier start still signs on; `keyCache: false` gives every sandbox keys
 * of its own; a cache file that is corrupt, open to other users or a symlink is replaced, never used.
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { runFlow } from '../../src/core/run';
import { defaultKeyCacheDir } from '../../src/sandbox/key-cache';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index';

const FILE = 'sandbox-keys.json';
const posix = process.platform !== 'win32';

describe('sandbox key cache', function () {
  // Most tests here generate RSA keys more than once, which on a loaded two-core machine takes seconds.
  this.timeout(60_000);
  const started: Sandbox[] = [];
  const start = async (options: SandboxOptions) => {
    const sandbox = await startSandbox(options);
    started.push(sandbox);
    return sandbox;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
  });

  const cacheDir = () => join(mkdtempSync(join(tmpdir(), 'afe-keys-')), 'cache');
  const servedKey = async (sandbox: Sandbox): Promise<JWK> => {
    const response = await fetch(`${sandbox.issuer}/jwks`);
    const { keys } = (await response.json()) as { keys: JWK[] };
    assert.equal(keys.length, 1);
    return keys[0];
  };
  const clientPem = (sandbox: Sandbox) => {
    const pem = sandbox.apps.find((app) => app.tokenEndpointAuthMethod === 'private_key_jwt')?.keyPair?.privateKeyPem;
    assert.ok(pem, 'the private_key_jwt app has a key pair');
    return pem;
  };
  const cachedSigningModulus = (dir: string) => (JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as { signing: JWK }).signing.n;

  it('shares the keys between sandboxes started with one cache directory, in a file only this user can read', async () => {
    const dir = cacheDir();
    const first = await start({ keyCache: dir });
    const second = await start({ keyCache: dir });
    const key = await servedKey(first);
    assert.ok(key.kid);
    assert.deepEqual(await servedKey(second), key);
    assert.equal(clientPem(second), clientPem(first));
    assert.equal(cachedSigningModulus(dir), key.n);
    if (posix) {
      assert.equal(statSync(join(dir, FILE)).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
    }
  });

  it('lets a private_key_jwt profile from an earlier start sign on at the next', async () => {
    const dir = cacheDir();
    const earlier = await start({ keyCache: dir });
    const entry = (await start({ keyCache: dir })).profiles().find((p) => p.profile.clientAuthMethod === 'private_key_jwt');
    assert.ok(entry);
    const run = await runFlow({ profile: entry.profile, secrets: { ...entry.secrets, privateKey: clientPem(earlier), ...earlier.demoUser } });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
  });

  it('gives each sandbox keys of its own with keyCache false', async () => {
    const [a, b] = await Promise.all([start({ keyCache: false }), start({ keyCache: false })]);
    assert.notEqual((await servedKey(a)).kid, (await servedKey(b)).kid);
    assert.notEqual(clientPem(a), clientPem(b));
  });

  it('replaces a cache file that is not two RSA private keys', async () => {
    const dir = cacheDir();
    await start({ keyCache: dir });
    for (const text of ['not json', JSON.stringify({ signing: { kty: 'RSA' }, client: {} }), '{"signing":{"kty":"RSA","n":"AQAB","e":"AQAB","d":"x","p":"x","q":"x","dp":"x","dq":"x","qi":"x"},"client":{"kty":"RSA","n":"AQAB","e":"AQAB","d":"x","p":"x","q":"x","dp":"x","dq":"x","qi":"x"}}']) {
      writeFileSync(join(dir, FILE), text, { mode: 0o600 });
      const sandbox = await start({ keyCache: dir });
      assert.equal(cachedSigningModulus(dir), (await servedKey(sandbox)).n, `after ${text.slice(0, 20)}`);
    }
  });

  (posix ? it : it.skip)('never uses a cache file other users can read, or a symlink, and replaces either', async () => {
    const dir = cacheDir();
    const original = await servedKey(await start({ keyCache: dir }));
    const file = join(dir, FILE);
    const kept = readFileSync(file, 'utf8');

    chmodSync(file, 0o644);
    const afterOpen = await servedKey(await start({ keyCache: dir }));
    assert.notEqual(afterOpen.kid, original.kid);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(cachedSigningModulus(dir), afterOpen.n);

    const elsewhere = join(mkdtempSync(join(tmpdir(), 'afe-keys-link-')), FILE);
    writeFileSync(elsewhere, kept, { mode: 0o600 });
    rmSync(file);
    symlinkSync(elsewhere, file);
    const afterLink = await servedKey(await start({ keyCache: dir }));
    assert.notEqual(afterLink.kid, original.kid);
    assert.ok(lstatSync(file).isFile(), 'the link is replaced by a file');
    assert.equal(readFileSync(elsewhere, 'utf8'), kept, 'the link target is left alone');
  });

  it('defaults to $XDG_CACHE_HOME/auth-flow-explorer, ignoring a relative XDG_CACHE_HOME', () => {
    const saved = process.env.XDG_CACHE_HOME;
    try {
      process.env.XDG_CACHE_HOME = join(tmpdir(), 'xdg');
      assert.equal(defaultKeyCacheDir(), join(tmpdir(), 'xdg', 'auth-flow-explorer'));
      process.env.XDG_CACHE_HOME = 'relative/cache';
      assert.ok(!defaultKeyCacheDir().includes('relative'));
      assert.ok(defaultKeyCacheDir().endsWith(join('.cache', 'auth-flow-explorer')));
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
