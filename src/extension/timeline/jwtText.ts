/**
 * Finding and presenting JWTs in editor text, without VS Code. The hover finds a token with the
 * engine's import-free scanner and decodes only then, so hovering costs nothing on other text.
 */
import { jwtAt } from '../../core/oauth/jwtScan';
import type { DecodedToken } from '../../core/model';

/**
 * The JWS under `character` in a line, or undefined. Reads outward from the cursor rather than using
 * `getWordRangeAtPosition`, which only looks at a window around it and misses long tokens; the scan
 * stops past the size cap, so a huge log line costs no more than one large token.
 */
export function findJwtAt(line: string, character: number): { start: number; end: number; text: string } | undefined {
  const span = jwtAt(line, character);
  return span?.parts === 3 ? { start: span.start, end: span.end, text: span.text } : undefined;
}

/** Languages whose files commonly hold tokens (config, HTTP files, logs). */
export const JWT_HOVER_LANGUAGES = ['json', 'jsonc', 'http', 'dotenv', 'plaintext', 'properties', 'log'] as const;

/** A JSON code block whose fence is longer than any backtick run inside, so claims cannot close it. */
function jsonBlock(value: unknown): string[] {
  const text = JSON.stringify(value, null, 2);
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}json`, text, fence];
}

/** Inline code for a short untrusted value. */
function code(value: string): string {
  return `\`${value.replace(/[`\r\n]/g, '')}\``;
}

/** Markdown for the hover: what the token is, its times, then header and payload as JSON blocks. */
export function tokenHoverMarkdown(token: DecodedToken): string {
  const alg = typeof token.header.alg === 'string' ? token.header.alg : 'unknown alg';
  const lines = [`**JWT** · ${code(alg)} · signature not verified (no JWKS)`, ''];
  for (const time of token.times) lines.push(`- ${code(time.claim)}: ${time.iso} (${time.relative})`);
  lines.push('', ...jsonBlock(token.header), '', ...jsonBlock(token.payload));
  return lines.join('\n');
}
