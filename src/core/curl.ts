/**
 * Prints a recorded request as a cURL command a person can paste into a POSIX shell: exact method,
 * URL, headers and body, every argument single-quoted. Secrets are left as `"$VARIABLE"` references
 * (with a comment listing what to set) unless the caller asks to include them.
 */
import type { RecordedRequest, SecretMark } from './model';
import { distinctMarks } from './redact';

/** Headers curl writes itself from the URL and body; repeating them would only risk disagreeing. */
const DERIVED_HEADERS = new Set(['host', 'content-length', 'connection']);

export interface CurlOptions {
  includeSecrets?: boolean;
  /** Add `--insecure` (the environment skips TLS verification). */
  insecure?: boolean;
}

export function toCurl(request: RecordedRequest, options: CurlOptions = {}): string {
  const marks = options.includeSecrets ? [] : distinctMarks(request.secrets);
  const arg = (value: string) => quote(value, marks);
  const lines = [`curl -i${options.insecure ? ' --insecure' : ''} -X ${request.method} ${arg(request.url)}`];
  for (const [name, value] of request.headers) {
    if (!DERIVED_HEADERS.has(name.toLowerCase())) lines.push(`-H ${arg(`${name}: ${value}`)}`);
  }
  if (request.body !== undefined) lines.push(`--data-raw ${arg(request.body)}`);
  const command = lines.join(' \\\n  ');

  const used = marks.filter((m) => command.includes(`"$${m.variable}"`));
  if (!used.length) return command;
  const needs = used.map((m) => (m.describe ? `${m.variable} (${m.describe})` : m.variable)).join(', ');
  return `# Set first: ${needs}\n${command}`;
}

/**
 * Single-quotes `value` for a POSIX shell; each secret inside it becomes `'"$NAME"'` so the shell
 * expands the variable there and nowhere else.
 */
function quote(value: string, marks: SecretMark[]): string {
  const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  let pieces: (string | SecretMark)[] = [value];
  for (const mark of marks) {
    pieces = pieces.flatMap((piece) => {
      if (typeof piece !== 'string' || !piece.includes(mark.value)) return [piece];
      const parts = piece.split(mark.value);
      return parts.flatMap((part, i) => (i === 0 ? [part] : [mark, part]));
    });
  }
  return pieces
    .filter((piece) => piece !== '')
    .map((piece) => (typeof piece === 'string' ? single(piece) : `"$${piece.variable}"`))
    .join('') || "''";
}
