// The measuring side of activation.ts, in plain JavaScript: run under tsx, every require() of the
// bundle would go through tsx's loader hooks, which VS Code's extension host does not have.
// argv: the extension bundle and the number of runs. Prints medians as JSON.
'use strict';
const { mkdtempSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/** Anything: callable, constructible, with any property, disposable. Enough for activate() to run. */
function standIn() {
  const target = function () {};
  return new Proxy(target, {
    get: (_t, key) => {
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => undefined;
      return standIn();
    },
    apply: () => standIn(),
    construct: () => standIn(),
  });
}

/** The API's top-level names: bundlers copy a CommonJS module's own keys, so they must be real keys. */
const VSCODE_NAMES = [
  'window', 'commands', 'workspace', 'env', 'languages', 'extensions', 'l10n', 'Uri', 'EventEmitter', 'Disposable',
  'TreeItem', 'TreeItemCollapsibleState', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'Hover', 'Range', 'Position',
  'Selection', 'ViewColumn', 'ProgressLocation', 'ConfigurationTarget', 'QuickPickItemKind', 'QuickInputButtons',
  'RelativePattern', 'LogLevel', 'CancellationTokenSource', 'StatusBarAlignment', 'FileType',
];

function activateOnce(file) {
  delete require.cache[require.resolve(file)];
  const load = Module._load;
  const vscode = Object.fromEntries(VSCODE_NAMES.map((name) => [name, standIn()]));
  Module._load = (request, ...rest) => (request === 'vscode' ? vscode : load(request, ...rest));
  try {
    const context = { subscriptions: [], extensionUri: standIn(), globalState: standIn(), secrets: standIn(), extensionPath: __dirname };
    const start = performance.now();
    require(file).activate(context);
    return { ms: performance.now() - start, disposables: context.subscriptions.length };
  } finally {
    Module._load = load;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const [extension, runs] = process.argv.slice(2);
// The baseline registers as many commands as the extension hands VS Code disposables.
const { disposables } = activateOnce(extension);
const baseline = join(mkdtempSync(join(tmpdir(), 'afe-bench-')), 'baseline.js');
writeFileSync(
  baseline,
  `const vscode = require('vscode');
exports.activate = (context) => { for (let i = 0; i < ${disposables}; i++) context.subscriptions.push(vscode.commands.registerCommand('x' + i, () => undefined)); };`,
);
const ours = [];
const floor = [];
for (let i = 0; i < Number(runs); i++) {
  ours.push(activateOnce(extension).ms);
  floor.push(activateOnce(baseline).ms);
}
const loaded = (bundle) => Object.keys(require.cache).some((k) => k.endsWith(`/dist/${bundle}`));
process.stdout.write(JSON.stringify({ ours: median(ours), floor: median(floor), disposables, engineLoaded: loaded('engine.js'), mainLoaded: loaded('main.js') }));
