/**
 * Prints a recorded request as a cURL command a person can paste into a POSIX shell: exact method,
 * URL, headers and body, every argument single-quoted, and nothing curl would add on its own. Secrets
 * are left as `"$VARIABLE"` references (with a comment listing what to set) unless the caller asks to
 * include them.
 */
import { Codes } from './codes';
import { FlowError } from './errors';
import type { RecordedRequest, SecretMark } from './model';
import { distinctMarks } from './redact';

/** Headers curl writes itself from the URL and body; repeating them would only risk disagreeing. */
const DERIVED_HEADERS = new Set(['host', 'content-length', 'connection']);

export interface CurlOptions {
  includeSecrets?: boolean;
  /** Add `--insecure` (the environment skips TLS verification). */
  insecure?: boolean;
}

export interface CurlCommand {
  /** The command, after a `# Set first:` comment line when it reads variables. */
  text: string;
  /** The shell variables the command reads, in the order the comment names them; empty with secrets included. */
  variables: string[];
}

/** The command as text; {@link curlCommand} also says which variables it reads. */
export function toCurl(request: RecordedRequest, options: CurlOptions = {}): string {
  return curlCommand(request, options).text;
}

/**
 * Throws a `CURL_NUL_BYTE` FlowError when the request holds a NUL byte: a shell argument ends at NUL,
 * so no command could carry it (and RFC 9110 §5.5 forbids it in a header anyway).
 */
export function curlCommand(request: RecordedRequest, options: CurlOptions = {}): CurlCommand {
  const marks = options.includeSecrets ? [] : distinctMarks(request.secrets);
  for (const mark of marks) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(mark.variable)) throw new Error(`${JSON.stringify(mark.variable)} is not a shell variable name.`);
  }
  const used = new Set<SecretMark>();
  const arg = (value: string) => quote(value, marks, used);
  const sent = request.headers.filter(([name]) => !DERIVED_HEADERS.has(name.toLowerCase()));
  const has = (header: string) => sent.some(([name]) => name.toLowerCase() === header);

  // A plain method reads better bare; anything else is quoted like every other argument.
  const method = /^[A-Z]+$/.test(request.method) ? request.method : arg(request.method);
  // curl expands `[a-b]` and `{a,b}` in a URL into several requests unless told not to.
  const lines = [`curl -i${options.insecure ? ' --insecure' : ''}${/[[\]{}]/.test(request.url) ? ' --globoff' : ''} -X ${method} ${arg(request.url)}`];
  // `-H 'Name:'` would remove the header; `Name;` is curl's way to send it empty.
  for (const [name, value] of sent) lines.push(`-H ${arg(value.trim() === '' ? `${name};` : `${name}: ${value}`)}`);
  // curl adds `Accept: */*` and, with a body, a form Content-Type of its own; an empty value removes them.
  if (!has('accept')) lines.push(`-H 'Accept:'`);
  if (request.body !== undefined && !has('content-type')) lines.push(`-H 'Content-Type:'`);
  if (request.body !== undefined) lines.push(`--data-raw ${arg(request.body)}`);
  const command = lines.join(' \\\n  ');

  const read = marks.filter((m) => used.has(m));
  if (!read.length) return { text: command, variables: [] };
  const needs = read.map((m) => (m.describe ? `${m.variable} (${commentText(m.describe)})` : m.variable)).join(', ');
  return { text: `# Set first: ${needs}\n${command}`, variables: read.map((m) => m.variable) };
}

/**
 * Single-quotes `value` for a POSIX shell; each secret inside it becomes `'"$NAME"'` so the shell
 * expands the variable there and nowhere else. The marks it printed go into `used`, when given.
 */
export function quote(value: string, marks: SecretMark[], used?: Set<SecretMark>): string {
  if (value.includes('\0')) {
    throw new FlowError(
      Codes.CURL_NUL_BYTE,
      'This request contains a NUL byte, which a shell command cannot carry, so it has no cURL form.',
      'Look for a \\0 character in the profile values this request sends.',
    );
  }
  const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  let pieces: (string | SecretMark)[] = [value];
  for (const mark of marks) {
    pieces = pieces.flatMap((piece) => {
      if (typeof piece !== 'string' || !piece.includes(mark.value)) return [piece];
      // Whole code points only (the `u` flag): a secret that is half a surrogate pair must not split
      // the character, whose UTF-8 bytes hold no trace of that half.
      const pattern = new RegExp(mark.value.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'u');
      return piece.split(pattern).flatMap((part, i) => (i === 0 ? [part] : [mark, part]));
    });
  }
  return pieces
    .filter((piece) => piece !== '')
    .map((piece) => {
      if (typeof piece === 'string') return single(piece);
      used?.add(piece);
      return `"$${piece.variable}"`;
    })
    .join('') || "''";
}

/**
 * Text from a server or a profile (a cookie's name) made safe for a `#` comment: every control,
 * format, line or paragraph separator and lone surrogate is written as `\u{…}`, so nothing can end
 * the comment line for the shell (newline) or for the eye (CR, NEL, U+2028, escape sequences, bidi
 * overrides that reorder what the terminal shows).
 */
function commentText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
