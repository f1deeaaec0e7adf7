// Runs a mocha suite INSIDE a VS Code extension host, with the real `vscode` API, and returns its
// results. Two routes, one suite:
//   - a VS Code executable is given (`vscodeExecutable`, e.g. a developer's local VS Code): the
//     standard @vscode/test-electron runTests() with extensionTestsPath = vscode-runner/run-suite.js;
//   - otherwise (CI, and anywhere VS Code cannot be downloaded): code-server. It rejects
//     --extensionTestsPath, so the test-only extension in vscode-runner/ is installed next to the
//     extension under test; on startup it loads the suite and writes JSON results, which this
//     file polls for. The extension host only starts once a workbench connects, so Chromium opens it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import {
  ARTIFACTS_DIR,
  makeTempDir,
  removeTempDir,
  REPO_ROOT,
  startSession,
  waitFor,
  type ExtensionSource,
  type Session,
} from './harness';

export const RUNNER_EXTENSION_DIR = path.join(__dirname, 'vscode-runner');
const RUN_SUITE = path.join(RUNNER_EXTENSION_DIR, 'run-suite.js');
const CONFIG_ENV = 'AFE_VSCODE_TEST_CONFIG';

export interface VsCodeSuiteOptions {
  /** The extension(s) under test. */
  readonly extensions: readonly ExtensionSource[];
  /** Test files, or folders searched for `*.test.ts` / `*.test.js`. */
  readonly tests: readonly string[];
  /** A VS Code executable: use @vscode/test-electron instead of code-server. */
  readonly vscodeExecutable?: string;
  /** Settings for the run (both routes). */
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly grep?: string;
  /** Per-test timeout inside the extension host. */
  readonly testTimeoutMs?: number;
  /** Whole run, from start to results. */
  readonly timeoutMs?: number;
  /** Called with each progress line the runner writes (`passed: …`, `failed: …`). */
  readonly onProgress?: (line: string) => void;
}

export interface TestResult {
  readonly title: string;
  readonly fullTitle: string;
  readonly file?: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs?: number;
  readonly error?: { readonly message: string; readonly stack?: string };
}

export interface SuiteResults {
  readonly stats: {
    readonly tests: number;
    readonly passes: number;
    readonly failures: number;
    readonly pending: number;
    readonly durationMs: number;
  };
  readonly tests: readonly TestResult[];
  /** Set when the suite could not load at all (syntax error, missing module). */
  readonly error?: { readonly message: string; readonly stack?: string };
  /** Node version of the extension host that ran the suite. */
  readonly node: string;
}

interface RunnerConfig {
  readonly files: string[];
  readonly resultsPath: string;
  readonly mocha: string;
  readonly tsx: string;
  readonly timeout?: number;
  readonly grep?: string;
}

/** Expands folders into their `*.test.ts` / `*.test.js` files, sorted; files are kept as given. */
export function findTestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    const full = path.resolve(given);
    if (!fs.existsSync(full)) throw new Error(`no test file or folder at ${full}`);
    if (fs.statSync(full).isFile()) {
      files.push(full);
      continue;
    }
    const found = (fs.readdirSync(full, { recursive: true }) as string[])
      .filter((name) => /\.test\.[cm]?[jt]s$/.test(name) && !name.split(path.sep).includes('node_modules'))
      .map((name) => path.join(full, name))
      .sort();
    files.push(...found);
  }
  return files;
}

function runnerConfig(files: string[], resultsPath: string, options: VsCodeSuiteOptions): RunnerConfig {
  // The suite's mocha and tsx are the repo's own, loaded by absolute path inside the extension host.
  const repoRequire = createRequire(path.join(REPO_ROOT, 'package.json'));
  return {
    files,
    resultsPath,
    mocha: repoRequire.resolve('mocha'),
    tsx: repoRequire.resolve('tsx/cjs/api'),
    timeout: options.testTimeoutMs,
    grep: options.grep,
  };
}

/** Runs the suite and returns its results (failures are results, not exceptions). */
export async function runVsCodeSuite(options: VsCodeSuiteOptions): Promise<SuiteResults> {
  const files = findTestFiles(options.tests);
  if (files.length === 0) throw new Error(`no *.test.ts / *.test.js files under ${options.tests.join(', ')}`);
  const workDir = makeTempDir('afe-vscode-tests-');
  try {
    const config = runnerConfig(files, path.join(workDir, 'results.json'), options);
    const results = options.vscodeExecutable
      ? await runWithTestElectron(options.vscodeExecutable, config, workDir, options)
      : await runInCodeServer(config, options);
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS_DIR, 'vscode-results.json'), JSON.stringify(results, null, 2));
    return results;
  } finally {
    removeTempDir(workDir);
  }
}

async function runInCodeServer(config: RunnerConfig, options: VsCodeSuiteOptions): Promise<SuiteResults> {
  const logPath = `${config.resultsPath}.log`;
  let session: Session | undefined;
  let reported = 0;
  const report = () => {
    if (!options.onProgress || !fs.existsSync(logPath)) return;
    const lines = fs.readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(reported)) options.onProgress(line);
    reported = lines.length;
  };
  try {
    session = await startSession({
      name: 'vscode-tests',
      settings: options.settings,
      extensions: [
        ...options.extensions,
        { folder: RUNNER_EXTENSION_DIR, extraFiles: { 'runner-config.json': JSON.stringify(config, null, 2) } },
      ],
    });
    const server = session.server;
    await waitFor(
      'the in-extension-host test run to write its results',
      () => {
        report();
        return fs.existsSync(config.resultsPath);
      },
      {
        timeoutMs: options.timeoutMs ?? 10 * 60_000,
        intervalMs: 250,
        describe: () => {
          const progress = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8') : '(the runner never started: was the extension host up?)';
          const hostLogs = server.logFiles().filter((file) => /exthost\.log$/i.test(file));
          const hostLog = hostLogs.map((file) => fs.readFileSync(file, 'utf8')).join('\n').split('\n').slice(-20).join('\n');
          return `runner log:\n${progress}\nextension host log (tail):\n${hostLog}`;
        },
      },
    );
    report();
    return JSON.parse(fs.readFileSync(config.resultsPath, 'utf8')) as SuiteResults;
  } catch (error) {
    if (session) await session.saveFailureArtifacts('vscode-tests').catch(() => undefined);
    throw error;
  } finally {
    await session?.dispose();
  }
}

async function runWithTestElectron(
  vscodeExecutable: string,
  config: RunnerConfig,
  workDir: string,
  options: VsCodeSuiteOptions,
): Promise<SuiteResults> {
  const { runTests, resolveCliArgsFromVSCodeExecutablePath } = await import('@vscode/test-electron');
  const configPath = path.join(workDir, 'runner-config.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const userDataDir = path.join(workDir, 'user-data');
  const extensionsDir = path.join(workDir, 'extensions');
  const workspace = path.join(workDir, 'workspace');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', ...options.settings }),
  );
  const folders: string[] = [];
  for (const source of options.extensions) {
    if ('folder' in source) {
      folders.push(path.resolve(source.folder));
      continue;
    }
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutable);
    const installed = spawnSync(cli!, [...cliArgs, '--extensions-dir', extensionsDir, '--install-extension', source.vsix], {
      encoding: 'utf8',
    });
    if (installed.status !== 0) throw new Error(`installing ${source.vsix} failed:\n${installed.stdout}\n${installed.stderr}`);
  }
  // test-electron needs one development path; the runner folder serves when only .vsix files are tested.
  const extensionDevelopmentPath = folders.length > 0 ? folders : [RUNNER_EXTENSION_DIR];
  try {
    await runTests({
      vscodeExecutablePath: vscodeExecutable,
      extensionDevelopmentPath,
      extensionTestsPath: RUN_SUITE,
      extensionTestsEnv: { [CONFIG_ENV]: configPath },
      launchArgs: [workspace, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      timeout: options.timeoutMs,
    });
  } catch (error) {
    // runTests rejects on any failing test; the results file says which. Without one, VS Code itself failed.
    if (!fs.existsSync(config.resultsPath)) throw error;
  }
  const results = JSON.parse(fs.readFileSync(config.resultsPath, 'utf8')) as SuiteResults;
  if (options.onProgress) for (const test of results.tests) options.onProgress(`${test.state}: ${test.fullTitle}`);
  return results;
}

/** Mocha-like report lines for a terminal, ending with the `N passed, N failed` line CI reads. */
export function formatResults(results: SuiteResults): string {
  const lines: string[] = [];
  for (const test of results.tests) {
    const mark = test.state === 'passed' ? '✔' : test.state === 'failed' ? '✘' : '-';
    lines.push(`  ${mark} ${test.fullTitle}${test.durationMs !== undefined ? ` (${test.durationMs} ms)` : ''}`);
    if (test.error) lines.push(`      ${test.error.message.split('\n').join('\n      ')}`);
  }
  if (results.error) lines.push(`  suite did not load: ${results.error.stack ?? results.error.message}`);
  const { passes, pending } = results.stats;
  const failures = results.stats.failures + (results.error ? 1 : 0);
  // mocha's own summary lines too, so a script that sums mocha runs (like .ci/run) counts these.
  lines.push('', `  ${passes} passing (${results.stats.durationMs} ms, extension host Node ${results.node})`);
  if (pending) lines.push(`  ${pending} pending`);
  if (failures) lines.push(`  ${failures} failing`);
  lines.push('', `${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
  return lines.join('\n');
}
