// Throw-away extension for the e2e harness's own smoke test. It exercises each thing a real scenario
// needs: a palette command, a quick pick and an input box, a webview with text and a button, the
// clipboard, and globalState (which the harness reads back).
'use strict';
const vscode = require('vscode');
const crypto = require('node:crypto');

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('afeFixture.showHello', () => showHello(context)),
    vscode.commands.registerCommand('afeFixture.askName', () => askName(context)),
  );
}

/** @param {vscode.ExtensionContext} context */
function showHello(context) {
  const panel = vscode.window.createWebviewPanel('afeFixture.hello', 'AFE Fixture', vscode.ViewColumn.One, {
    enableScripts: true,
    localResourceRoots: [],
  });
  const greeting = vscode.workspace.getConfiguration('afeFixture').get('greeting', '');
  const nonce = crypto.randomBytes(16).toString('base64');
  panel.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${panel.webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">body { font-family: sans-serif; } #status { color: var(--vscode-descriptionForeground); }</style>
</head><body>
<h1 id="greeting">${escapeHtml(greeting)}</h1>
<button id="copy">Copy token</button>
<p id="status">idle</p>
<script nonce="${nonce}">
  const vscodeApi = acquireVsCodeApi();
  document.getElementById('copy').addEventListener('click', () => vscodeApi.postMessage({ type: 'copy' }));
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'copied') document.getElementById('status').textContent = 'copied ' + event.data.length + ' chars';
  });
</script>
</body></html>`;
  panel.webview.onDidReceiveMessage(
    async (message) => {
      if (!message || message.type !== 'copy') return;
      const token = 'fixture-token-' + crypto.randomBytes(4).toString('hex');
      await vscode.env.clipboard.writeText(token);
      await context.globalState.update('afeFixture.lastCopied', token);
      await panel.webview.postMessage({ type: 'copied', length: token.length });
    },
    undefined,
    context.subscriptions,
  );
}

/** @param {vscode.ExtensionContext} context */
async function askName(context) {
  const flavour = await vscode.window.showQuickPick(['Authorization code', 'Client credentials', 'Device code'], {
    title: 'Which flow?',
  });
  if (!flavour) return;
  const name = await vscode.window.showInputBox({ title: 'Profile name', prompt: 'Name this profile' });
  if (!name) return;
  await context.globalState.update('afeFixture.lastProfile', { flavour, name });
  const doc = await vscode.workspace.openTextDocument({ content: `${name}: ${flavour}\n`, language: 'plaintext' });
  await vscode.window.showTextDocument(doc);
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function deactivate() {}

module.exports = { activate, deactivate };
