// Bundles the three programs this package ships:
//   dist/cli.js        the headless CLI (Node): build/cli.cjs, which loads the bundle dist/cli/bin.js
//                      through a V8 code cache
//   dist/extension.js  the VS Code extension host entry (Node, `vscode` external): registrations only
//   dist/main.js       the extension's services, loaded on first use
//   dist/engine.js     what the extension loads on first use: runner, sandbox, redaction, cURL, JWT
//   dist/webview/      the timeline webview (browser), loaded only when the panel opens
// `node esbuild.mjs --watch` rebuilds on change; `--dev` keeps bundles unminified with source maps.
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const dev = watch || process.argv.includes('--dev');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  logLevel: 'info',
  legalComments: 'none',
  plugins: [
    {
      // undici's index loads all of undici (see build/undici.cjs); the bundles take only what src uses.
      name: 'undici-used',
      setup(build) {
        const entry = fileURLToPath(new URL('build/undici.cjs', import.meta.url));
        build.onResolve({ filter: /^undici$/ }, (args) => (args.importer.includes('/node_modules/') ? undefined : { path: entry }));
        // Its Client loads the HTTP/2 client, and with it node:http2, which no run uses (build/undici-h2.cjs).
        const h2 = fileURLToPath(new URL('build/undici-h2.cjs', import.meta.url));
        build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) => (/undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/.test(args.importer) ? { path: h2 } : undefined));
      },
    },
  ],
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    // One CommonJS file: each command's modules are wrapped and run only when it loads them (each
    // `await import()` in src/cli), and build/cli.cjs compiles the file once per Node version through
    // a V8 code cache, so its size costs no parsing on later runs. Split ES module chunks cost the same
    // instructions uncached, cannot be cached on Node 20, and are each read through the thread pool.
    entryPoints: { bin: 'src/cli/bin.ts' },
    outdir: 'dist/cli',
    platform: 'node',
    target: 'node20.18',
    format: 'cjs',
  },
  {
    ...common,
    // Three bundles loaded one after the other: `extension`, the activation shell (registrations only);
    // `main`, the services, on the first command, view or restored panel; `engine` (runner, sandbox,
    // jose, undici) on the first run or decode.
    entryPoints: { extension: 'src/extension.ts', main: 'src/extension/main.ts', engine: 'src/extension/engine.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20.18',
    format: 'cjs',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { main: 'webview/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    loader: { '.css': 'css' },
    // V8's explicit compile hint (Chromium 136+): compile every function while the panel loads, not one
    // by one while the first run is drawn, nearly all of whose code that draw runs.
    banner: { js: '//# allFunctionsCalledOnLoad' },
  },
];

// Earlier builds left ES module chunks here.
rmSync('dist/cli', { recursive: true, force: true });
// The package's bin: CommonJS, so `node dist/cli.js` runs it without a package "type".
mkdirSync('dist', { recursive: true });
copyFileSync('build/cli.cjs', 'dist/cli.js');
chmodSync('dist/cli.js', 0o755);

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
