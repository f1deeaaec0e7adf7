// Bundles the three programs this package ships:
//   dist/cli.js        the headless CLI (Node)
//   dist/extension.js  the VS Code extension host entry (Node, `vscode` external)
//   dist/engine.js     what the extension loads on first use: runner, sandbox, redaction, cURL, JWT
//   dist/webview/      the timeline webview (browser), loaded only when the panel opens
// `node esbuild.mjs --watch` rebuilds on change; `--dev` keeps bundles unminified with source maps.
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
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20.18',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    // `engine` (runner, sandbox, jose, undici) is a separate bundle the extension `require`s on first
    // use, so activation loads only the small `extension` entry.
    entryPoints: { extension: 'src/extension.ts', engine: 'src/extension/engine.ts' },
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
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
