/**
 * Finding and presenting JWTs in editor text, without VS Code. The hover provider matches this
 * pattern on the hovered range and decodes only then, so hovering costs nothing on other text.
 */
import type { DecodedToken } from '../core/model';

/**
 * A compact JWS: three base64url parts, the first starting `eyJ` (base64 of `{"`). The signature may be
 * empty (unsecured JWTs). Word boundaries keep it from matching inside longer base64 runs.
 */
export const JWT_PATTERN = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])/;

/**
 * The JWT under `character` in a line, or undefined. Scans the line itself rather than using
 * `getWordRangeAtPosition`, which only looks at a window around the cursor and misses long tokens.
 */
export function findJwtAt(line: string, character: number): { start: number; end: number; text: string } | undefined {
  for (const match of line.matchAll(new RegExp(JWT_PATTERN.source, 'g'))) {
    const start = match.index;
    const end = start + match[0].length;
    if (character >= start && character <= end) return { start, end, text: match[0] };
    if (start > character) return undefined;
  }
  return undefined;
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
