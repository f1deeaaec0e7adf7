/**
 * The extension's RunHost (src/core/session.ts): what a run needs from VS Code while the person signs
 * on in their browser. The authorize URL opens with `env.openExternal`; the redirect URI goes through
 * `env.asExternalUri`, which forwards the listener's port when the extension host is remote (Remote
 * SSH, Codespaces, code-server) and may give the browser another address for it; and while the run
 * waits for the redirect, a quick pick says so, offering "Paste the URL instead" (the run then asks for
 * the URL) and Cancel. A quick pick rather than a notification: the extension cannot take a notification
 * with buttons down, so one would go on saying "Waiting…" after the run ended; the pick closes then.
 * The device grant's code is shown in a message offering Open in Browser and Copy Code.
 */
import * as vscode from 'vscode';
import type { RunHost } from '../../core/run';
import { showDeviceCode } from './deviceCode';
import { choose } from '../quickInput';

const WAITING_MESSAGE = 'Waiting for sign-on in the browser…';
const PASTE_INSTEAD = 'Paste the URL instead';

export function createRunHost(options: { profileName: string; cancel: () => void }): RunHost {
  return {
    // A string, not a Uri: Uri.parse would re-encode the query (state, code_challenge, a request object).
    // The device grant's page opens on request only, from the message that shows its code.
    openUrl: async (url, why) => {
      if (why === 'device') return;
      const opened = await vscode.env.openExternal(url as unknown as vscode.Uri);
      if (!opened) throw new Error('VS Code did not open it');
    },
    show: (message) => showDeviceCode(options.profileName, message),
    externalUri: async (uri) => (await vscode.env.asExternalUri(vscode.Uri.parse(uri))).toString(true),
    offerPaste: async ({ signal }) => {
      const choice = await choose({
        title: `Sign in to ${options.profileName}`,
        signal,
        placeholder: WAITING_MESSAGE,
        items: [
          { label: PASTE_INSTEAD, description: 'when the browser ended on a page this machine does not receive', value: 'paste' as const },
          { label: 'Cancel', description: 'stop the run', value: 'cancel' as const },
        ],
      });
      if (choice === 'paste') return;
      if (choice === 'cancel') options.cancel();
      // Cancelled, dismissed, or the wait is over: no URL will be pasted.
      return new Promise<void>(() => undefined);
    },
  };
}
