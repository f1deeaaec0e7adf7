/**
 * The CLI's system-browser opener (src/cli/open.ts): the platform's command, with the URL as one
 * argument it cannot break out of, and a missing opener reported as a rejection, not a crash.
 */
import assert from 'node:assert/strict';
import { openerFor, openInSystemBrowser } from '../../src/cli/open';

describe('CLI system-browser opener', () => {
  const url = 'http://127.0.0.1:9/as/authorize?client_id=a&scope=openid profile&state=x"y';

  it('uses open on macOS, xdg-open on Linux, cmd start on Windows, with the URL serialised', () => {
    const href = new URL(url).href;
    assert.ok(!/[ "]/.test(href), 'the serialised URL has no space or quote');
    assert.deepEqual(openerFor('darwin', url), { command: 'open', args: [href] });
    assert.deepEqual(openerFor('linux', url), { command: 'xdg-open', args: [href] });
    const windows = openerFor('win32', url);
    assert.equal(windows.command, 'cmd');
    // start's first quoted argument is the window title; the URL, with its &, stays inside quotes.
    assert.equal(windows.args.at(-1), `start "" "${href}"`);
    assert.equal(windows.verbatim, true);
  });

  it('rejects with a readable reason when the opener is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await assert.rejects(openInSystemBrowser(url, 'linux'), /xdg-open is not installed/);
    } finally {
      process.env.PATH = path;
    }
  });
});
