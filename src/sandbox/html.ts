/**
 * Minimal HTML for the few pages a browser sees (sign-on, callback, form_post, sign-off). Every
 * dynamic value goes through {@link escapeHtml}; the CSP allows no inline script except one carrying
 * the page's nonce, the same policy the timeline webview uses (src/panel/html.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Reply } from './http';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

const STYLE = 'body{font:15px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}' +
  'label{display:block;margin:.6rem 0}input{display:block;width:100%;padding:.4rem;box-sizing:border-box}' +
  'button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}code,pre{background:#f3f3f3;padding:.1rem .3rem;overflow-wrap:anywhere;white-space:pre-wrap}';

/**
 * @param body already-escaped markup
 * @param script inline script text (trusted, built by the sandbox), run under a per-page nonce
 */
export function htmlPage(status: number, title: string, body: string, script?: string): Reply {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; form-action *; base-uri 'none'; frame-ancestors 'none'` +
    (script ? `; script-src 'nonce-${nonce}'` : '');
  const markup = '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>` +
    `<style nonce="${nonce}">${STYLE}</style></head><body><h1>${escapeHtml(title)}</h1>${body}` +
    (script ? `<script nonce="${nonce}">${script}</script>` : '') +
    '</body></html>';
  return {
    status,
    headers: { 'Content-Type': 'text/html;charset=UTF-8', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' },
    body: markup,
  };
}

export function hiddenInputs(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
}
