/**
 * Activation cost: load dist/extension.js and run activate() with a minimal stand-in for the `vscode`
 * module (a recording proxy: every API call returns something callable and disposable), fresh each
 * time, in a plain Node child (activation-child.cjs). The baseline, measured in the same child the same
 * way, is an extension that only registers the same number of commands: the floor any extension pays.
 * Also prints the bundle sizes.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './result';

const DIST = join(__dirname, '../../dist');

const kb = (file: string) => `${(statSync(file).size / 1024).toFixed(1)} KB`;

export function benchActivation(iterations = 200): BenchResult[] {
  const extension = join(DIST, 'extension.js');
  // A plain Node child, as the extension host loads the bundle: no TypeScript loader hooks in the way.
  const output = execFileSync(process.execPath, [join(__dirname, 'activation-child.cjs'), extension, String(iterations)], { encoding: 'utf8' });
  const { ours, floor, disposables, engineLoaded, mainLoaded } = JSON.parse(output) as { ours: number; floor: number; disposables: number; engineLoaded: boolean; mainLoaded: boolean };
  console.log(`activation (load dist/extension.js + activate, stand-in vscode), ${iterations} runs`);
  console.log(`  extension  median ${ours.toFixed(3)} ms  (target ≤ 2 ms)`);
  console.log(`  baseline   median ${floor.toFixed(3)} ms  (${disposables} registrations, nothing else)`);
  console.log(`  ratio      ${(ours / floor).toFixed(1)}×; loaded at activation: services bundle ${mainLoaded}, engine bundle ${engineLoaded}`);
  console.log('bundle sizes');
  console.log(`  dist/extension.js      ${kb(extension)}  (the activation shell)`);
  console.log(`  dist/main.js           ${kb(join(DIST, 'main.js'))}  (the services, loaded on first use)`);
  console.log(`  dist/engine.js         ${kb(join(DIST, 'engine.js'))}  (loaded on first run)`);
  console.log(`  dist/webview/main.js   ${kb(join(DIST, 'webview/main.js'))}  (loaded when the panel opens)`);
  console.log(`  dist/webview/main.css  ${kb(join(DIST, 'webview/main.css'))}`);
  console.log(`  dist/cli/bin.js        ${kb(join(DIST, 'cli/bin.js'))}  (the CLI, loaded through a V8 code cache by dist/cli.js)`);
  return [
    { name: 'activation / registrations only', value: ours / floor, unit: '×', target: `≤ 2 ms (${ours.toFixed(2)} ms)`, ok: ours <= 2 },
  ];
}
