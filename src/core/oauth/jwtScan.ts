/**
 * Finding compact JWTs in text (pasted, selected, hovered) in one pass with no backtracking, so a long
 * run of base64url characters costs its length and nothing more. It imports nothing: the editor hover
 * calls it on every mouse move without loading the engine.
 */

/** Text longer than this is not searched. Large tokens (many groups) run to tens of KB; 1 MiB leaves room. */
export const MAX_TOKEN_TEXT = 1024 * 1024;

/** A compact JWT in text: three parts (JWS, RFC 7515 §7.1) or five (JWE, RFC 7516 §7.1). */
export interface JwtSpan {
  start: number;
  end: number;
  text: string;
  parts: 3 | 5;
}

const DOT = 0x2e;

/** base64url's alphabet (RFC 4648 §5): A–Z, a–z, 0–9, `-` and `_`. */
function isBase64url(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}

/**
 * The JWTs in `text`, in order: each a maximal run of base64url characters and dots, starting `eyJ`
 * (base64url of `{"`, how every JOSE header begins), with three or five parts. A dot that ends a
 * run otherwise one part too long is read as punctuation ("the token is eyJ….eyJ….sig.").
 */
export function* jwtSpans(text: string): Generator<JwtSpan> {
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && inRun(text.charCodeAt(i))) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const span = spanOf(text, start, i);
      if (span) yield span;
      start = -1;
    }
  }
}

/**
 * The JWT whose run of base64url characters and dots holds `index` or ends there (a cursor just past
 * a token), reading no further than {@link MAX_TOKEN_TEXT} characters: what a hover over a huge line needs.
 */
export function jwtAt(text: string, index: number): JwtSpan | undefined {
  let start = Math.min(index, text.length);
  let end = start;
  while (start > 0 && inRun(text.charCodeAt(start - 1))) if (end - --start > MAX_TOKEN_TEXT) return undefined;
  while (end < text.length && inRun(text.charCodeAt(end))) if (++end - start > MAX_TOKEN_TEXT) return undefined;
  return spanOf(text, start, end);
}

function inRun(c: number): boolean {
  return c === DOT || isBase64url(c);
}

function spanOf(text: string, start: number, end: number): JwtSpan | undefined {
  if (!text.startsWith('eyJ', start)) return undefined;
  const dots: number[] = [];
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === DOT) dots.push(i);
  if ((dots.length === 3 || dots.length === 5) && dots[dots.length - 1] === end - 1) {
    dots.pop();
    end--;
  }
  // A JWS payload cannot be empty (a JWT's claims are a JSON object); a JWE's encrypted key can (RFC 7516 §4.1.1 "dir").
  if (dots.length === 2 && dots[1] > dots[0] + 1) return { start, end, text: text.slice(start, end), parts: 3 };
  if (dots.length === 4) return { start, end, text: text.slice(start, end), parts: 5 };
  return undefined;
}

/** True when the whole of `text` is one JWS: what a token endpoint's JWT access token looks like. */
export function hasJwsShape(text: string): boolean {
  for (const span of jwtSpans(text)) return span.parts === 3 && span.start === 0 && span.end === text.length;
  return false;
}
