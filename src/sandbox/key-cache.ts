/**
 * The sandbox's key pairs kept between starts, in `sandbox-keys.json` in the user's cache directory
 * ($XDG_CACHE_HOME/auth-flow-explorer, else ~/.cache/auth-flow-explorer).
 *
 * Why a cache: generating an RSA-2048 key pair means searching for primes, 50 ms to over 500 ms of CPU
 * each, and a start needs two; that was most of what `auth-flow demo` spent. A faster key type is not
 * an option: PingOne signs tokens RS256 and publishes RSA JWKs (docs/pingone.md §4, §5), and the
 * sandbox must look to the engine as PingOne does. Generating them lazily would not help either: the
 * first run needs the signing key for its tokens and every profile list carries the client key. These
 * keys sign only the tokens of a loopback test server, so a file only this user can read (0600, in a
 * 0700 directory) protects them enough, and keeping them also lets the private_key_jwt profile survive
 * a restart, as the other apps' fixed client secrets do.
 *
 * A file that is missing, unreadable, not a regular file, not this user's own, open to other users,
 * or not two RSA private JWKs is replaced by new keys. It is written aside and renamed into place, so
 * sandboxes starting together read either the old file or a whole new one. A cache that cannot be
 * written costs the next start its key generation, nothing else.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod/mini';
import { generateKeyJwks, sandboxKeys, type SandboxKeyJwks, type SandboxKeys } from './keys';

const FILE = 'sandbox-keys.json';

const rsaPrivateJwk = z.object({
  kty: z.literal('RSA'),
  n: z.string(),
  e: z.string(),
  d: z.string(),
  p: z.string(),
  q: z.string(),
  dp: z.string(),
  dq: z.string(),
  qi: z.string(),
});
const keyFile = z.object({ signing: rsaPrivateJwk, client: rsaPrivateJwk });

/** $XDG_CACHE_HOME/auth-flow-explorer, else ~/.cache/auth-flow-explorer (a relative XDG path is ignored, as the spec says). */
export function defaultKeyCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'auth-flow-explorer');
}

/** The keys kept in `dir`, or new ones saved there; `false`: new keys, nothing read or written. */
export async function loadSandboxKeys(dir: string | false): Promise<SandboxKeys> {
  if (dir === false) return sandboxKeys(await generateKeyJwks());
  const file = join(dir, FILE);
  const kept = readOwn(file);
  if (kept) {
    try {
      return await sandboxKeys(kept);
    } catch {
      // Well-formed JSON but not a usable key: replaced below.
    }
  }
  const jwks = await generateKeyJwks();
  save(dir, file, jwks);
  return sandboxKeys(jwks);
}

/** The file's keys when it is this user's own regular file that no one else can read or write. */
function readOwn(file: string): SandboxKeyJwks | undefined {
  let fd: number | undefined;
  try {
    // No symlink followed; the checks and the read are of the one file opened.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const uid = process.getuid?.();
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) return undefined;
    const parsed = keyFile.safeParse(JSON.parse(readFileSync(fd, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function save(dir: string, file: string, jwks: SandboxKeyJwks): void {
  const partial = `${file}.${process.pid}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(partial, JSON.stringify(jwks), { mode: 0o600, flag: 'wx' });
    renameSync(partial, file);
  } catch {
    rmSync(partial, { force: true });
  }
}
