/**
 * Runs printed cURL commands through a real bash in which `curl` is a shell function writing its argv,
 * so a test sees exactly the arguments the shell would hand to curl: quoting, variable expansion and
 * line structure all come from bash itself. Many commands run in one bash process, because starting
 * bash once per command is too slow for fuzzing.
 *
 * Commands go into the script as printed, as a person would paste them. A command whose quoting is
 * broken swallows the ones after it, so its own result is the first to go wrong. Text that escapes its
 * quotes runs in a restricted bash (no output redirection, no `cd`) with an empty PATH: only builtins.
 * Each command's variables are set with `printf -v` from hex, which carries any byte but NUL and owes
 * nothing to the quoting under test, and unset after it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '../../src/core/model';

export interface ShellCase {
  command: string;
  /** Shell variables to set for this command only. */
  variables?: Record<string, string>;
}

export interface ShellResult {
  /** The argv of each `curl` call the command made, in order. */
  calls: string[][];
  /** Anything else the command wrote to stdout (nothing, unless text escaped a comment or a quote). */
  stray: string;
}

const hex = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');

// Records are NUL-terminated: `C` opens a command, `I n arg…` is one curl call with n arguments.
const PRELUDE = `curl() { printf 'I\\0%d\\0' "$#"; printf '%s\\0' "$@"; }\n`;

let bash: string | undefined;
const bashPath = () => (bash ??= spawnSync('bash', ['-c', 'printf %s "$BASH"'], { encoding: 'utf8' }).stdout);

/** One result per command, in order; fewer when a broken command swallowed the ones after it. */
export function runInBash(cases: readonly ShellCase[]): ShellResult[] {
  const script = [PRELUDE];
  for (const { command, variables = {} } of cases) {
    const names = Object.keys(variables);
    script.push(`printf 'C\\0'\n`);
    for (const name of names) script.push(`printf -v ${name} '${hex(variables[name])}'\n`);
    script.push(`${command}\n`);
    if (names.length) script.push(`unset ${names.join(' ')}\n`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'curl-argv-'));
  try {
    const file = join(dir, 'script.sh');
    writeFileSync(file, script.join(''));
    const shell = spawnSync(bashPath(), ['-r', file], { cwd: dir, env: { PATH: dir }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, encoding: 'utf8' });
    if (shell.error) throw shell.error;
    return parse(shell.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parse(stdout: string): ShellResult[] {
  const fields = stdout.split('\0');
  const results: ShellResult[] = [];
  let i = 0;
  while (i < fields.length) {
    const field = fields[i++];
    if (field === 'C') results.push({ calls: [], stray: '' });
    else if (field === 'I' && results.length) {
      const n = Number(fields[i++]);
      results[results.length - 1].calls.push(fields.slice(i, i + n));
      i += n;
    } else if (results.length) results[results.length - 1].stray += field;
    else if (field) throw new Error(`bash wrote before the first command: ${JSON.stringify(field)}`);
  }
  return results;
}

/**
 * The argv curl must receive to send `request` as recorded, written from curl's documented options
 * rather than from the printer: `Name;` sends an empty header (`Name:` would remove it), and an empty
 * `Accept:` / `Content-Type:` removes the value curl would otherwise add itself.
 */
export function expectedArgv(request: RecordedRequest, options: { insecure?: boolean } = {}): string[] {
  const argv = ['-i'];
  if (options.insecure) argv.push('--insecure');
  if (/[[\]{}]/.test(request.url)) argv.push('--globoff');
  argv.push('-X', request.method, request.url);
  const sent = request.headers.filter(([name]) => !['host', 'content-length', 'connection'].includes(name.toLowerCase()));
  for (const [name, value] of sent) argv.push('-H', value.trim() === '' ? `${name};` : `${name}: ${value}`);
  const has = (header: string) => sent.some(([name]) => name.toLowerCase() === header);
  if (!has('accept')) argv.push('-H', 'Accept:');
  if (request.body !== undefined && !has('content-type')) argv.push('-H', 'Content-Type:');
  if (request.body !== undefined) argv.push('--data-raw', request.body);
  // The shell sees UTF-8: a lone surrogate arrives as U+FFFD, as it does in the bytes undici sends.
  return argv.map((arg) => Buffer.from(arg, 'utf8').toString('utf8'));
}
