// What the Auth Flow Explorer scenarios share: the packaged .vsix, a session with it installed, and
// the workbench and timeline parts a person looks at (the activity bar entry, the Environments view,
// the quick input's title and prompt, the timeline's step cards).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { makeTempDir, REPO_ROOT, startSession, waitFor, type Session, type SessionOptions } from './harness';

export const EXTENSION_ID = 'auth-flow-explorer.auth-flow-explorer';
export const DEMO_USER = { username: 'demo', password: 'Demo-Pass-1!' } as const;

let vsixCopy: string | undefined;

/**
 * The .vsix `npm run package` wrote at the repository root (AFE_E2E_VSIX overrides), checked once per
 * run and copied aside: another build in the same tree (a watcher, `npm test`) may repackage or touch
 * dist/ mid-run, and every scenario must install the same package. Warns when the .vsix is older than
 * dist/extension.js (run directly with mocha after an edit, without `npm run package`).
 */
export function packagedVsix(): string {
  if (vsixCopy) return vsixCopy;
  const { name, version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = process.env.AFE_E2E_VSIX ?? path.join(REPO_ROOT, `${name}-${version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}: run \`npm run build && npm run package\` (npm run test:e2e does)`);
  const bundle = path.join(REPO_ROOT, 'dist', 'extension.js');
  if (!process.env.AFE_E2E_VSIX && fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs > fs.statSync(vsix).mtimeMs) {
    // A warning, not a failure: in a shared tree another build touches dist/ between packaging and here.
    console.warn(`    [e2e] ${path.basename(vsix)} is older than dist/extension.js; \`npm run test:e2e\` packages it afresh`);
  }
  const copy = path.join(makeTempDir('afe-e2e-vsix-'), path.basename(vsix));
  fs.copyFileSync(vsix, copy);
  vsixCopy = copy;
  return copy;
}

/** code-server with the packaged extension installed, fresh user data, trust off, Chromium on its workbench. */
export function startWithExtension(name: string, options: Omit<SessionOptions, 'extensions' | 'name'> = {}): Promise<Session> {
  // The secondary side bar (chat) would take a third of the window from the timeline.
  const settings = { 'workbench.secondarySideBar.defaultVisibility': 'hidden', ...options.settings };
  return startSession({ ...options, settings, name, extensions: [{ vsix: packagedVsix() }] });
}

// --- workbench ---------------------------------------------------------------------------------

/** The "Auth Flow" entry of the activity bar. */
export function activityBarEntry(session: Session): Locator {
  return session.page.locator('.activitybar .action-item .action-label[aria-label^="Auth Flow"]');
}

/** Opens the Auth Flow side bar by its activity bar entry; returns the Environments pane. */
export async function openAuthFlowView(session: Session): Promise<Locator> {
  const entry = activityBarEntry(session);
  await entry.waitFor({ state: 'visible' });
  const pane = environmentsPane(session);
  if (!(await pane.isVisible())) await entry.click();
  await pane.waitFor({ state: 'visible' });
  return pane;
}

/** The Environments view (header and body) in the side bar. */
export function environmentsPane(session: Session): Locator {
  return session.page.locator('.sidebar .pane', { has: session.page.locator('.pane-header', { hasText: /Environments/i }) });
}

/** Labels of the Environments tree's rows as shown (label and description). */
export async function treeRows(session: Session): Promise<string[]> {
  return environmentsPane(session).locator('.monaco-list-row').allInnerTexts();
}

/** Waits until the Environments tree has a row whose text contains `text` (and passes `accept`). */
export async function waitForTreeRow(session: Session, text: string, accept: (row: string) => boolean = () => true, what = ''): Promise<string> {
  let rows: string[] = [];
  return waitFor(
    `a row "${text}"${what ? ` ${what}` : ''} in the Environments view`,
    async () => {
      rows = await treeRows(session);
      return rows.find((row) => row.includes(text) && accept(row));
    },
    { timeoutMs: session.timeoutMs, describe: () => JSON.stringify(rows) },
  );
}

/** Title, step count, placeholder, prompt and validation message of the open quick input, as one text. */
export async function quickInputText(session: Session): Promise<string> {
  const widget = session.page.locator('.quick-input-widget');
  const placeholder = (await widget.locator('.quick-input-box input').getAttribute('placeholder', { timeout: 1_000 }).catch(() => null)) ?? '';
  return `${placeholder}\n${await widget.innerText()}`;
}

/** Waits until the open quick input shows `text` (its title, step count, prompt or message). */
export async function waitForQuickInput(session: Session, text: string | RegExp): Promise<string> {
  let last = '';
  return waitFor(
    `the quick input to show ${String(text)}`,
    async () => {
      if (!(await session.page.locator('.quick-input-widget').isVisible())) return undefined;
      last = await quickInputText(session);
      return (typeof text === 'string' ? last.includes(text) : text.test(last)) ? last : undefined;
    },
    { timeoutMs: session.timeoutMs, describe: () => JSON.stringify(last) },
  );
}

/** Label of the quick pick's active row: the choice a page preselects from what is known already. */
export async function activePickLabel(session: Session): Promise<string> {
  const row = session.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name').first();
  return (await row.innerText()).trim();
}

/** Types into the open input box without accepting it, as a paste does: its note or validation message shows. */
export async function typeInput(session: Session, text: string): Promise<void> {
  await session.page.locator('.quick-input-widget .quick-input-box input').fill(text);
}

/** Value of the open input box (a prefilled username, the default scopes). */
export function inputValue(session: Session): Promise<string> {
  return session.page.locator('.quick-input-widget .quick-input-box input').inputValue();
}

/** Clicks a button of the open modal dialog by its label ("Copy with Secrets"). */
export async function clickDialogButton(session: Session, label: string): Promise<string> {
  const dialog = session.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible' });
  const message = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).click();
  await dialog.waitFor({ state: 'hidden' });
  return message;
}

// --- the timeline webview ----------------------------------------------------------------------

/** The timeline webview's frame, once it shows a run of `profileName` (or, without one, anything). */
export function timelineFrame(session: Session, text = 'Auth Flow Timeline'): Promise<Frame> {
  return session.webview(text);
}

/** The step card whose title starts with `title` ("Resume", "Token"); the newest run's. */
export function card(frame: Frame, title: string): Locator {
  return frame.locator('.timeline .card', { has: frame.locator('.card-title', { hasText: new RegExp(`^\\s*${escape(title)}`) }) });
}

/** Waits until the shown run is no longer running; returns its status (`succeeded`, `failed`…). */
export async function waitForRunEnd(session: Session, frame: Frame): Promise<string> {
  const pill = frame.locator('.run-header [data-run-status]');
  let last = '';
  return waitFor(
    'the run in the timeline to finish',
    async () => {
      last = (await pill.getAttribute('data-run-status', { timeout: 1_000 }).catch(() => null)) ?? '';
      return last && last !== 'running' ? last : undefined;
    },
    { timeoutMs: session.timeoutMs, describe: () => `run status ${JSON.stringify(last)}` },
  );
}

/** Card titles with their status badge, in order: `["Authorize (GET, redirect) | 302 Found", …]`. */
export async function cardSummaries(frame: Frame): Promise<string[]> {
  return frame.locator('.timeline .card').evaluateAll((cards) =>
    cards.map((c) => `${c.querySelector('.card-title')?.textContent?.trim() ?? ''} | ${c.querySelector('.code-badge')?.textContent?.trim() ?? ''}`),
  );
}

/** The text of one tab ('request', 'response'…) of a step card, unfolding the card and selecting the tab as a person would. */
export async function cardTab(step: Locator, tab: string): Promise<string> {
  const toggle = step.locator('.card-toggle').first();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await step.locator(`.card-body [data-tab="${tab}"]`).first().click();
  return step.locator(`.card-body [data-panel="${tab}"]`).first().innerText();
}

/** Opens the timeline's Run History (its button) and returns each listed run's name and status once the list is in. */
export async function openHistory(session: Session, frame: Frame): Promise<{ name: string; status: string }[]> {
  await frame.locator('.open-history').first().click();
  const entries = frame.locator('.history .history-entry');
  // Read field by field: innerText runs the fields together while VS Code has the webview's frame hidden.
  return waitFor('the run history to list runs', async () => {
    const listed = await entries.evaluateAll((items) => items.map((item) => ({
      name: item.querySelector('.history-name')?.textContent ?? '',
      status: item.querySelector('.history-status')?.textContent ?? '',
    })));
    return listed.length > 0 ? listed : undefined;
  }, { timeoutMs: session.timeoutMs, describe: async () => JSON.stringify(await frame.locator('.history').allTextContents()) });
}

/** A claim's value in the claims table of the ID token on the Token card. */
export function idTokenClaim(frame: Frame, claim: string): Promise<string> {
  return card(frame, 'Token').locator(`[data-token-kind="id_token"] table.kv-claims tr[data-name="${claim}"] td`).innerText();
}

/**
 * Runs the Local sandbox from the Command Palette the way a person does: pick it, keep the prefilled
 * demo username, type `password` where the prompt tells the demo password.
 */
export async function runSandboxFromPalette(session: Session, password: string): Promise<void> {
  await session.runCommand('Auth Flow: Run Auth Flow');
  await waitForQuickInput(session, 'Environment to run');
  await session.pickItem('Local sandbox');
  // The sandbox starts and the flow runs up to the sign-on step, which asks for the credentials.
  await waitForQuickInput(session, 'Sign in to Local sandbox');
  const username = await inputValue(session);
  if (username !== DEMO_USER.username) throw new Error(`the username is prefilled with ${JSON.stringify(username)}, not "${DEMO_USER.username}"`);
  await session.answerInput(username);
  await waitForQuickInput(session, `Password for ${DEMO_USER.username} — the demo password is "${DEMO_USER.password}"`);
  await session.answerInput(password);
}

/** Closes what would cover the timeline in a screenshot (the palette, notification toasts) and scrolls it to the run's header. */
export async function showTimelineOnly(session: Session, frame: Frame): Promise<void> {
  await session.page.keyboard.press('Escape');
  for (const close of await session.page.locator('.notification-toast .codicon-notifications-clear, .notification-toast .codicon-close').all()) {
    await close.click().catch(() => undefined);
  }
  await waitFor('notification toasts to close', async () => (await session.page.locator('.notification-toast').count()) === 0);
  // The timeline redraws as the host's last messages come in: scroll again if the header was replaced meanwhile.
  await waitFor("the run's header in view", () => frame.locator('.run-header').scrollIntoViewIfNeeded({ timeout: 5_000 }).then(() => true));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
