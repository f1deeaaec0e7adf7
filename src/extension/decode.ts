import { CHECK_LABELS, CheckCodes } from '../core/codes';
import * as vscode from 'vscode';
import type { DecodedToken } from '../core/model';
import { loadEngine } from './engineLoader';
import { findJwtAt, JWT_HOVER_LANGUAGES, tokenHoverMarkdown } from './jwtText';
import type { TimelinePanels } from './timelinePanel';
import { errorMessage } from '../core/errors';

/**
 * What the timeline receives for a token decoded on its own: the compact token is replaced by its
 * `$VARIABLE` placeholder as in redacted runs (webview state is persisted), and the signature is
 * reported as not verified since no JWKS is known for a token picked from a file.
 */
function forTimeline(token: DecodedToken): DecodedToken {
  const checks = token.checks.length
    ? token.checks
    : [{ code: CheckCodes.SIGNATURE, name: CHECK_LABELS[CheckCodes.SIGNATURE], status: 'skipped' as const, detail: 'Not verified: no JWKS is known for a token decoded from a file.' }];
  return { ...token, raw: `$${token.kind.toUpperCase()}`, checks };
}

/** Decode Selected Token: the selection, or the line at the cursor when nothing is selected. */
export function decodeSelection(panels: TimelinePanels): void {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showErrorMessage('Open a file and select a token to decode it.');
    return;
  }
  const { selection, document } = editor;
  const text = selection.isEmpty ? document.lineAt(selection.active.line).text : document.getText(selection);
  const { extractJwt, decodeToken } = loadEngine();
  const where = selection.isEmpty ? 'The line at the cursor' : 'The selection';
  let raw: string | undefined;
  try {
    raw = extractJwt(text);
  } catch (error) {
    // Past the size cap. The engine's FlowError is a class of another bundle: read its message, don't test instanceof.
    void vscode.window.showErrorMessage(`${where} is too long to look for a token in. ${errorMessage(error)}`);
    return;
  }
  if (!raw) {
    void vscode.window.showErrorMessage(`${where} contains no JWT: a JWT is three base64url parts separated by dots, starting with "eyJ".`);
    return;
  }
  let token: DecodedToken;
  try {
    token = decodeToken(raw);
  } catch (error) {
    void vscode.window.showErrorMessage(`Not a decodable JWT. ${errorMessage(error)}`);
    return;
  }
  const source = `${vscode.workspace.asRelativePath(document.uri)}:${selection.start.line + 1}`;
  panels.post({ method: 'timeline/token/show', params: { token: forTimeline(token), source } });
}

/** Shows the decoded header and payload when hovering a JWT in config, HTTP, env and log files. */
export function registerJwtHover(): vscode.Disposable {
  const selector = JWT_HOVER_LANGUAGES.map((language) => ({ language }));
  return vscode.languages.registerHoverProvider(selector, {
    provideHover(document, position) {
      const found = findJwtAt(document.lineAt(position.line).text, position.character);
      if (!found) return undefined;
      const range = new vscode.Range(position.line, found.start, position.line, found.end);
      try {
        const token = loadEngine().decodeToken(found.text);
        return new vscode.Hover(new vscode.MarkdownString(tokenHoverMarkdown(token)), range);
      } catch {
        return undefined; // Looks like a JWT but is not one: no hover rather than an error on every mouse move.
      }
    },
  });
}
