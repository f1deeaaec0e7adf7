/**
 * Opens a URL in the system browser, as `auth-flow run --browser` does for the authorize URL: the
 * platform's opener (`open` on macOS, `cmd /c start` on Windows, `xdg-open` elsewhere) started detached,
 * so the CLI neither waits for the browser nor keeps it tied to its terminal.
 */
import { spawn } from 'node:child_process';

/** The command that opens `url` on `platform`. */
export function openerFor(platform: NodeJS.Platform, url: string): { command: string; args: string[]; verbatim?: boolean } {
  // A URL serialised by the URL class has no quote or space, so quoting it for cmd is enough.
  const href = new URL(url).href;
  if (platform === 'darwin') return { command: 'open', args: [href] };
  if (platform === 'win32') return { command: 'cmd', args: ['/d', '/s', '/c', `start "" "${href}"`], verbatim: true };
  return { command: 'xdg-open', args: [href] };
}

/** Resolves once the opener started; rejects with why it could not (no xdg-open, say), never leaving it attached. */
export function openInSystemBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const { command, args, verbatim } = openerFor(platform, url);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsVerbatimArguments: verbatim });
    child.once('error', (error: NodeJS.ErrnoException) => reject(new Error(error.code === 'ENOENT' ? `${command} is not installed` : error.message)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
