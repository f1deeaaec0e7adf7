/**
 * The built CLI's code cache (build/cli.cjs, copied to dist/cli.js): the first run writes one cache
 * file, private to this user, in the temporary directory; later runs read it and behave the same; a
 * damaged cache is only a slower start; NODE_DISABLE_COMPILE_CACHE=1 writes none.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../../src/core/model';
import { startSandbox, type Sandbox } from '../../src/sandbox/index';
import { runCli } from '../support/cli';

describe('CLI code cache', function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let profileFile: string;
  let secrets: Record<string, string>;

  before(async () => {
    sandbox = await startSandbox();
    const [demo] = sandbox.profiles();
    const { id: _id, name: _name, ...file } = demo.profile;
    profileFile = join(mkdtempSync(join(tmpdir(), 'afe-cli-cache-')), 'profile.json');
    writeFileSync(profileFile, JSON.stringify(file));
    secrets = { AUTH_FLOW_CLIENT_SECRET: demo.secrets.clientSecret ?? '', AUTH_FLOW_USERNAME: sandbox.demoUser.username, AUTH_FLOW_PASSWORD: sandbox.demoUser.password };
  });
  after(() => sandbox.close());

  /** A run with its own temporary directory (TMPDIR, which os.tmpdir() reads): the run and what it left there. */
  async function runIn(tmp: string, env: Record<string, string> = {}) {
    const result = await runCli(['run', '--profile', profileFile, '--json'], { ...secrets, TMPDIR: tmp, ...env });
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as Run).steps.map((step) => [step.kind, step.status]);
  }

  const cacheFiles = (tmp: string) =>
    readdirSync(tmp)
      .filter((name) => name.startsWith('auth-flow-explorer-compile-cache'))
      .flatMap((dir) => readdirSync(join(tmp, dir)).map((name) => join(tmp, dir, name)));

  it('writes one cache file only its user can read, and later runs do the same flow with it', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'afe-tmp-'));
    const first = await runIn(tmp);
    const [cache, ...others] = cacheFiles(tmp);
    assert.ok(cache, 'no cache file written');
    assert.deepEqual(others, []);
    assert.match(cache, /cli-v\d+\.\d+\.\d+-[a-z0-9]+-\d+-\d+\.cache$/);
    if (process.platform !== 'win32') {
      assert.equal(statSync(cache).mode & 0o777, 0o600);
      assert.equal(statSync(join(cache, '..')).mode & 0o777, 0o700);
    }
    const written = statSync(cache).mtimeMs;
    assert.deepEqual(await runIn(tmp), first);
    assert.deepEqual(cacheFiles(tmp), [cache]);
    assert.equal(statSync(cache).mtimeMs, written, 'a cache that was read is not written again');
  });

  it('runs as well on a damaged cache file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'afe-tmp-'));
    const first = await runIn(tmp);
    const [cache] = cacheFiles(tmp);
    writeFileSync(cache!, 'not a V8 code cache');
    assert.deepEqual(await runIn(tmp), first);
  });

  it('writes nothing with NODE_DISABLE_COMPILE_CACHE=1', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'afe-tmp-'));
    await runIn(tmp, { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.deepEqual(readdirSync(tmp), []);
  });
});
