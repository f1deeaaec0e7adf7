/**
 * The extension's RunHost (src/core/session.ts): what a run needs from VS Code while the person signs
 * on in their browser. The authorize URL opens with `env.openExternal`; the redirect URI goes through
 * `env.asExternalUri`, which forwards the listener's port when the extension host is remote (Remote
 * SSH, Codespaces, code-server) and may give the browser another address for it; and a notification
 * says the run waits, with Cancel and "Paste the URL instead" (the run then asks for the URL).
 */
import * as vscode from 'vscode';
import type { RunHost } from '../core/run';

export const WAITING_MESSAGE = 'Waiting for sign-on in the browser…';
export const PASTE_INSTEAD = 'Paste the URL instead';

export function createRunHost(options: { profileName: string; cancel: () => void }): RunHost {
  return {
    // A string, not a Uri: Uri.parse would re-encode the query (state, code_challenge, a request object).
    openUrl: async (url) => {
      const opened = await vscode.env.openExternal(url as unknown as vscode.Uri);
      if (!opened) throw new Error('VS Code did not open it');
    },
    externalUri: async (uri) => (await vscode.env.asExternalUri(vscode.Uri.parse(uri))).toString(true),
    offerPaste: ({ signal }) =>
      new Promise<void>((resolve) => {
        void vscode.window.showInformationMessage(`${options.profileName}: ${WAITING_MESSAGE}`, PASTE_INSTEAD, 'Cancel').then((choice) => {
          // A choice made after the wait ended (the notification stays until dismissed) changes nothing.
          if (signal.aborted) return;
          if (choice === PASTE_INSTEAD) resolve();
          else if (choice === 'Cancel') options.cancel();
        });
      }),
  };
}
