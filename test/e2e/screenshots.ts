// The README's screenshots (`npm run screenshots`): the packaged extension in code-server, one
// session per colour theme started with `workbench.colorTheme` set, the local sandbox run from the
// Command Palette, and the workbench with the timeline open written to media/screenshot-<name>.png
// at 1280x800. Each picture is taken only once the run succeeded and the timeline webview wears the
// theme, so a broken run or a theme that did not apply fails the script instead of making a picture.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, waitFor } from './harness';
import { DEMO_USER, openAuthFlowView, runSandboxFromPalette, showTimelineOnly, startWithExtension, waitForRunEnd } from './extension';

/** File name, the theme's setting value, and the class VS Code puts on a webview's body for that kind of theme. */
const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern', bodyClass: 'vscode-dark' },
  { name: 'light', theme: 'Default Light Modern', bodyClass: 'vscode-light' },
  { name: 'high-contrast', theme: 'Default High Contrast', bodyClass: 'vscode-high-contrast' },
] as const;

const VIEWPORT = { width: 1280, height: 800 };

async function screenshot({ name, theme, bodyClass }: (typeof THEMES)[number]): Promise<string> {
  const session = await startWithExtension(`screenshot-${name}`, { settings: { 'workbench.colorTheme': theme }, viewport: VIEWPORT, timeoutMs: 60_000 });
  try {
    await openAuthFlowView(session);
    await runSandboxFromPalette(session, DEMO_USER.password);
    const frame = await session.webview('Userinfo');
    const status = await waitForRunEnd(session, frame);
    if (status !== 'succeeded') throw new Error(`the sandbox run ${status}; no screenshot of a ${status} run`);
    await waitFor(`the timeline webview to wear ${theme}`, () => frame.evaluate((cls) => document.body.classList.contains(cls), bodyClass));
    await showTimelineOnly(session, frame);
    const file = path.join(REPO_ROOT, 'media', `screenshot-${name}.png`);
    await session.page.screenshot({ path: file });
    return file;
  } catch (error) {
    console.error(`    artifacts: ${await session.saveFailureArtifacts(`screenshot-${name}`)}`);
    throw error;
  } finally {
    await session.dispose();
  }
}

async function main(): Promise<void> {
  for (const theme of THEMES) {
    const file = await screenshot(theme);
    console.log(`${theme.theme}: ${path.relative(REPO_ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
