import * as vscode from 'vscode';
import { loadEngine } from '../engineLoader';
import type { RunController } from './runController';

/**
 * Auth Flow: Export Run… — the run (the one given, else the latest) as a shell script, an .http
 * file, HAR or a Postman collection, written where the person chooses. Secrets go in only after a
 * modal confirmation; the export then says so at its top.
 */
export async function exportRunCommand(runs: RunController, runId?: string): Promise<void> {
  const kept = runs.kept(runId);
  if (!kept) {
    void vscode.window.showInformationMessage(
      runId ? 'This run is no longer held by the extension (restored after a reload, or too old). Run the flow again to export it.' : 'Run a flow first: there is no run to export.',
    );
    return;
  }
  const { exportRun, EXPORT_FORMATS } = loadEngine();
  const format = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: f.label, description: `*${f.suffix}`, suffix: f.suffix })),
    { title: `Export "${kept.run.profile.name}"`, placeHolder: 'Format' },
  );
  if (!format) return;

  const secrets = await vscode.window.showQuickPick(
    [
      { label: 'Without secrets', detail: 'Client secret, username and password are read from the environment (AUTH_FLOW_CLIENT_SECRET…) or left empty.', include: false },
      { label: 'With secrets in clear text…', detail: 'Asks for confirmation first.', include: true },
    ],
    { title: 'Secrets', placeHolder: 'Include the secrets of this run?' },
  );
  if (!secrets) return;
  if (secrets.include) {
    const choice = await vscode.window.showWarningMessage(
      'Write this run\'s secrets into the export in clear text?',
      { modal: true, detail: 'The client secret, username and password (and, in a HAR, session cookies and tokens) will be readable by anyone who gets the file. Its first lines will say it contains secrets.' },
      'Include Secrets',
    );
    if (choice !== 'Include Secrets') return;
  }

  const slug = kept.run.profile.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'auth-flow-run';
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: `Export "${kept.run.profile.name}" as ${format.label}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${slug}${format.suffix}`) : undefined,
    filters: { [format.label]: [format.suffix.slice(1)] },
  });
  if (!target) return;
  // The format follows the name, as in the CLI; a name the dialog shortened gets the suffix back.
  const path = target.path.toLowerCase().endsWith(format.suffix) ? target.path : target.path.replace(/(\.[^./]*)?$/, format.suffix);

  const files = exportRun(kept.run, path, { includeSecrets: secrets.include, insecure: kept.insecure });
  for (const file of files) await vscode.workspace.fs.writeFile(target.with({ path: file.path }), new TextEncoder().encode(file.text));
  const written = target.with({ path: files[0].path });
  const names = files.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1)).join(' and ');
  const open = await vscode.window.showInformationMessage(`Exported ${names}${secrets.include ? ' (with secrets)' : ''}.`, 'Open');
  if (open) await vscode.window.showTextDocument(written);
}
