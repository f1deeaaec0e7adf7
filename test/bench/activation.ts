/**
 * Activation cost: load dist/extension.js and run activate() with a minimal stand-in for the `vscode`
 * module (a recording proxy: every API call returns something callable and disposable), fresh each
 * time. The baseline, measured in the same process the same way, is an extension that only registers
 * the same number of commands: the floor any extension pays. Also prints the bundle sizes.
 */
import { statSync, writeFileSync, mkdtempSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './result';

const DIST = join(__dirname, '../../dist');

/** Anything: callable, constructible, with any property, disposable. Enough for activate() to run. */
function standIn(): unknown {
  const target = function () {} as unknown as Record<string | symbol, unknown>;
  return new Proxy(target, {
    get: (_t, key) => {
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => undefined;
      return standIn();
    },
    apply: () => standIn(),
    construct: () => standIn() as object,
  });
}

/** The API's top-level names: bundlers copy a CommonJS module's own keys, so they must be real keys. */
const VSCODE_NAMES = [
  'window', 'commands', 'workspace', 'env', 'languages', 'extensions', 'l10n', 'Uri', 'EventEmitter', 'Disposable',
  'TreeItem', 'TreeItemCollapsibleState', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'Hover', 'Range', 'Position',
  'Selection', 'ViewColumn', 'ProgressLocation', 'ConfigurationTarget', 'QuickPickItemKind', 'QuickInputButtons',
  'RelativePattern', 'LogLevel', 'CancellationTokenSource', 'StatusBarAlignment', 'FileType',
];

function withStandIn<T>(fn: () => T): T {
  const moduleApi = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = moduleApi._load;
  const vscode = Object.fromEntries(VSCODE_NAMES.map((name) => [name, standIn()]));
  moduleApi._load = (request, ...rest) => (request === 'vscode' ? vscode : load(request, ...rest));
  try {
    return fn();
  } finally {
    moduleApi._load = load;
  }
}

function context() {
  return { subscriptions: [] as unknown[], extensionUri: standIn(), globalState: standIn(), secrets: standIn(), extensionPath: DIST };
}

function activateOnce(file: string): { ms: number; disposables: number } {
  delete require.cache[require.resolve(file)];
  return withStandIn(() => {
    const ctx = context();
    const start = performance.now();
    const extension = require(file) as { activate: (c: unknown) => void };
    extension.activate(ctx);
    return { ms: performance.now() - start, disposables: ctx.subscriptions.length };
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (file: string) => `${(statSync(file).size / 1024).toFixed(1)} KB`;

export function benchActivation(iterations = 200): BenchResult[] {
  const extension = join(DIST, 'extension.js');
  const { disposables } = activateOnce(extension);
  const baseline = join(mkdtempSync(join(tmpdir(), 'afe-bench-')), 'baseline.js');
  writeFileSync(
    baseline,
    `const vscode = require('vscode');
exports.activate = (context) => { for (let i = 0; i < ${disposables}; i++) context.subscriptions.push(vscode.commands.registerCommand('x' + i, () => undefined)); };`,
  );
  const ours: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < iterations; i++) {
    ours.push(activateOnce(extension).ms);
    floor.push(activateOnce(baseline).ms);
  }
  const engineLoaded = Object.keys(require.cache).some((k) => k.endsWith('engine.js'));
  console.log(`activation (load dist/extension.js + activate, stand-in vscode), ${iterations} runs`);
  console.log(`  extension  median ${median(ours).toFixed(3)} ms  (target ≤ 2 ms)`);
  console.log(`  baseline   median ${median(floor).toFixed(3)} ms  (${disposables} registrations, nothing else)`);
  console.log(`  ratio      ${(median(ours) / median(floor)).toFixed(1)}×; engine bundle loaded at activation: ${engineLoaded}`);
  console.log('bundle sizes');
  console.log(`  dist/extension.js      ${kb(extension)}  (target ≤ 150 KB)`);
  console.log(`  dist/engine.js         ${kb(join(DIST, 'engine.js'))}  (loaded on first run)`);
  console.log(`  dist/webview/main.js   ${kb(join(DIST, 'webview/main.js'))}  (loaded when the panel opens)`);
  console.log(`  dist/webview/main.css  ${kb(join(DIST, 'webview/main.css'))}`);
  console.log(`  dist/cli/bin.mjs       ${kb(join(DIST, 'cli/bin.mjs'))}  (the CLI's entry; each command loads its own chunks)`);
  return [
    { name: 'activation / registrations only', value: median(ours) / median(floor), unit: '×', target: `≤ 2 ms (${median(ours).toFixed(2)} ms)`, ok: median(ours) <= 2 },
  ];
}
