/**
 * A suite that needs a tool this machine may lack (Chromium for the webview) skips itself when the
 * tool is missing. Mocha counts its tests as pending among any others, which is easy to miss, so the
 * run ends with one line naming each skipped suite and what enables it. `npm test` loads this file as
 * a root hook plugin (`--require`); the line is written when the process exits, after the reporter's
 * summary, so it is the last one.
 */

/** Suite → what enables it. */
const skipped = new Map<string, string>();

/** Skips the suite whose `before` hook `context` is, and remembers why for the closing line. */
export function skipSuite(context: Mocha.Context, suite: string, enable: string): never {
  skipped.set(suite, enable);
  context.skip();
}

/** The closing line, or undefined when nothing was skipped. */
export function skippedLine(): string | undefined {
  if (skipped.size === 0) return undefined;
  return `Skipped: ${[...skipped].map(([suite, enable]) => `${suite} — ${enable}`).join('; ')}`;
}

export const mochaHooks = {
  beforeAll(): void {
    process.once('exit', () => {
      const line = skippedLine();
      if (line) process.stdout.write(`${line}\n`);
    });
  },
};
