import { join } from 'node:path';
import type * as Engine from './engine';

/** The engine bundle's exports. */
export type EngineModule = typeof Engine;

let engine: EngineModule | undefined;

/**
 * Loads `dist/engine.js` (next to `dist/extension.js`) the first time a run, a decode or the sandbox
 * needs it. The path is computed so esbuild leaves the `require` alone instead of bundling the engine
 * into the extension entry.
 */
export function loadEngine(): EngineModule {
  engine ??= require(join(__dirname, 'engine.js')) as EngineModule;
  return engine;
}
