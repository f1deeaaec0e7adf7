/**
 * The HTML document the host loads into the timeline webview. No `vscode` import: the extension calls
 * it with `webview.cspSource`, a nonce from `crypto.randomBytes` and the `asWebviewUri` of the bundle.
 *
 * The policy allows nothing inline without the per-load nonce. Scripts run only with the nonce; styles
 * come from the extension's own resources. The toolkit components style themselves through constructable
 * stylesheets (`adoptedStyleSheets`) and CSSOM `style.setProperty` for design tokens, which CSP
 * `style-src` does not govern. One thing needs more: FAST's `canUseFocusVisible()` probes support for
 * `:focus-visible` by inserting a `<style>` element, and gives it the nonce it reads from
 * `<meta property="csp-nonce">`. So `style-src` also carries the script nonce (no `'unsafe-inline'`):
 * without it the probe is blocked (a CSP violation on every load) and the toolkit falls back to `:focus`
 * rings on mouse clicks. The webview's own code only sets styles through CSSOM.
 * https://code.visualstudio.com/api/extension-guides/webview#content-security-policy
 */

export interface TimelineHtmlOptions {
  /** `webview.cspSource`: the origin the webview's local resources are served from. */
  cspSource: string;
  /** Fresh per load, base64 or hex (e.g. `crypto.randomBytes(16).toString('base64')`). */
  nonce: string;
  /** `asWebviewUri` of dist/webview/main.js. */
  scriptUri: string;
  /** `asWebviewUri` of dist/webview/main.css. */
  styleUri: string;
  title?: string;
}

/** The Content-Security-Policy the timeline runs under; exported so tests load the page with exactly it. */
export function timelineCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderTimelineHtml(options: TimelineHtmlOptions): string {
  const { cspSource, nonce, scriptUri, styleUri } = options;
  // A nonce or source with quotes, semicolons or spaces would rewrite the policy itself.
  if (!/^[A-Za-z0-9+/_=-]{16,}$/.test(nonce)) throw new Error('renderTimelineHtml: the nonce must be at least 16 base64 or hex characters');
  const sources = cspSource.trim().split(/ +/);
  if (cspSource.trim() === '' || !sources.every((source) => /^('[a-z-]+'|[A-Za-z0-9*+.:/_\[\]-]+)$/.test(source))) {
    throw new Error(`renderTimelineHtml: ${JSON.stringify(cspSource)} is not a list of CSP source expressions`);
  }
  const title = options.title ?? 'Auth Flow Timeline';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(timelineCsp(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${escapeHtml(nonce)}">
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-live="off"></main>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
