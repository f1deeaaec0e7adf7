import { CHECK_LABELS, CheckCodes } from '../../core/codes';
import * as vscode from 'vscode';
import type { DecodedToken } from '../../core/model';
import { loadEngine } from '../engineLoader';
import { findJwtAt, JWT_HOVER_LANGUAGES, tokenHoverMarkdown } from './jwtText';
import type { TimelinePanels } from './timelinePanel';
import type { Environments } from '../environments/environments';
import { issuerOf, type Profile } from '../../core/profile';
import type { WebviewMessages } from '../../protocol';
import { currentSettings } from '../run/runController';
import { errorMessage } from '../../core/errors';

/**
 * What the timeline receives for a token decoded on its own: the compact token is replaced by its
 * `$VARIABLE` placeholder as in redacted runs (webview state is persisted), and the signature is
 * reported as not verified until it is checked against its environment's JWKS or pasted keys.
 */
function forTimeline(token: DecodedToken, environment?: Profile): DecodedToken {
  const detail = environment ? `Verifying against the JWKS of "${environment.name}"…` : 'Not verified: no environment has this issuer. Use "Verify against…" with its keys.';
  const checks = token.checks.length ? token.checks : [{ code: CheckCodes.SIGNATURE, name: CHECK_LABELS[CheckCodes.SIGNATURE], status: 'skipped' as const, detail }];
  return { ...token, raw: `$${token.kind.toUpperCase()}`, checks };
}

/** Tokens decoded from editors the host keeps (in memory only) for "Verify against…"; the oldest go first. */
const KEPT_TOKENS = 20;

/**
 * Decode Selected Token and its "Verify against…": the host keeps each decoded token as issued under
 * a key the webview names it by; the webview only ever has the `$VARIABLE` form. A token whose `iss`
 * is the issuer of a known environment is verified against that environment's JWKS right away.
 */
export class DecodedTokens implements vscode.Disposable {
  private readonly raw = new Map<string, string>();
  private count = 0;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly panels: TimelinePanels,
    private readonly environments: Environments,
  ) {
    this.subscription = panels.onDidReceiveMessage((message) => {
      if (message.method === 'timeline/token/verify') void this.verify(message.params);
    });
  }

  /** Decode Selected Token: the selection, or the line at the cursor when nothing is selected. */
  async decodeSelection(): Promise<void> {
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
    const verifyKey = `token-${++this.count}`;
    this.raw.set(verifyKey, raw);
    for (const key of this.raw.keys()) {
      if (this.raw.size <= KEPT_TOKENS) break;
      this.raw.delete(key);
    }
    const source = `${vscode.workspace.asRelativePath(document.uri)}:${selection.start.line + 1}`;
    const environment = await this.environmentOf(token);
    this.panels.post({ method: 'timeline/token/show', params: { token: forTimeline(token, environment), source, verifyKey } });
    if (environment) await this.verify({ id: `auto-${verifyKey}`, verifyKey });
  }

  /** The environment whose issuer the token names, if any. */
  private async environmentOf(token: DecodedToken): Promise<Profile | undefined> {
    const iss = token.payload.iss;
    if (typeof iss !== 'string') return undefined;
    const entries = await this.environments.entries();
    return entries.flatMap((entry) => (entry.profile ? [entry.profile] : [])).find((profile) => issuerOf(profile) === iss);
  }

  /** Verifies a held token against pasted keys, or its environment's JWKS; answers on the request's id. */
  private async verify({ id, verifyKey, keys }: WebviewMessages['timeline/token/verify']): Promise<void> {
    const reply = (ok: boolean, message: string, token?: DecodedToken) =>
      this.panels.post({ method: 'timeline/token/verified', params: { id, verifyKey, ok, message, ...(token ? { token } : {}) } });
    const raw = this.raw.get(verifyKey);
    if (!raw) return reply(false, 'The extension no longer holds this token (the window reloaded, or it is too old). Decode it again.');
    const engine = loadEngine();
    const decoded = engine.decodeToken(raw);
    const { clockSkewSec, requestTimeoutMs } = currentSettings();
    try {
      if (keys?.trim()) {
        const alg = typeof decoded.header.alg === 'string' ? decoded.header.alg : 'RS256';
        const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
        const token = await engine.verifyRaw(raw, await engine.keySetFromText(keys, kid === undefined ? { alg } : { alg, kid }), { skewSec: clockSkewSec });
        return reply(token.verified === true, token.verified ? 'Verified against the pasted keys.' : 'Not verified against the pasted keys: see the failed checks.', forTimeline(token));
      }
      const environment = await this.environmentOf(decoded);
      if (!environment) return reply(false, `No environment has the issuer ${JSON.stringify(decoded.payload.iss)}: paste its keys (a JWK Set, a JWK or a PEM public key).`);
      const issuer = issuerOf(environment);
      const jwks = await engine.issuerKeySet(issuer, { timeoutMs: requestTimeoutMs, insecureTls: environment.insecureTls === true });
      const token = await engine.verifyRaw(raw, jwks, { issuer, skewSec: clockSkewSec });
      return reply(token.verified === true, `${token.verified ? 'Verified' : 'Not verified'} against the JWKS of "${environment.name}" (${issuer}).`, forTimeline(token));
    } catch (error) {
      return reply(false, errorMessage(error));
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.raw.clear();
  }
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
