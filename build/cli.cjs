#!/usr/bin/env node
// The `auth-flow` executable (esbuild.mjs copies this file to dist/cli.js): loads the CLI bundle
// dist/cli/bin.js with a V8 code cache, as Node 22's module.enableCompileCache() does, but on every
// Node this package supports. Without a cache, compiling the bundle's JavaScript is the largest part
// of a run's own work; with it, V8 reads the compiled functions back instead. The cache is written
// once, when the process exits after a run that found none, so it holds every function that run
// compiled, and is used only when its file is this user's own. NODE_DISABLE_COMPILE_CACHE=1
// turns it off.
'use strict';

const { setFlagsFromString } = require('node:v8');

// undici parses HTTP with llhttp compiled to WebAssembly. V8 recompiles its hot functions with its
// optimising tier on background threads, and Node waits for those jobs before exiting: 100 ms or more
// after the run was printed, 300-600 ms on a busy two-core machine. The baseline tier parses the few kilobytes of a
// flow just as well, so a short-lived process stays on it. The flag is set when that module is
// compiled, not before: V8 accepts a code cache only under the flags it was made with, and Node's own
// modules (http, tls, crypto…, loaded with the engine) come with caches made under the default ones.
const { Module: WasmModule } = WebAssembly;
WebAssembly.Module = function Module(bytes) {
  setFlagsFromString('--liftoff-only');
  WebAssembly.Module = WasmModule;
  return new WasmModule(bytes);
};

const { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { basename, dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'cli', 'bin.js');
const source = readFileSync(file, 'utf8');
const cacheFile = cachePath();
const cachedData = cacheFile && readOwn(cacheFile);
const script = new Script(Module.wrap(source), { filename: file, cachedData });
// Written only where there is none: one V8 rejects (other V8 flags given to this run) would be again.
if (cacheFile && !cachedData) process.once('exit', () => writeCache(cacheFile, script));

const bin = new Module(file, module);
bin.filename = file;
bin.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext().call(bin.exports, bin.exports, Module.createRequire(file), bin, file, join(__dirname, 'cli'));

/** One file per Node version and bundle build, in a directory of this user's; undefined: no cache. */
function cachePath() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const { size, mtimeMs } = statSync(file);
    const uid = process.getuid?.() ?? '';
    const dir = join(tmpdir(), `auth-flow-explorer-compile-cache${uid === '' ? '' : `-${uid}`}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownedByMe(dir)) return undefined;
    return join(dir, `cli-${process.version}-${process.arch}-${size}-${Math.round(mtimeMs)}.cache`);
  } catch {
    return undefined;
  }
}

/** Another user's file (or a link another user made) in a shared temporary directory is never fed to V8. */
function ownedByMe(path) {
  const uid = process.getuid?.();
  return uid === undefined || lstatSync(path).uid === uid;
}

function readOwn(path) {
  try {
    return ownedByMe(path) ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Written aside and renamed, so a concurrent run reads either no cache or a whole one; the caches of
 * earlier builds and Node versions go.
 */
function writeCache(path, compiled) {
  try {
    const dir = dirname(path);
    for (const name of readdirSync(dir)) if (/^cli-.*\.cache$/.test(name) && name !== basename(path)) rmSync(join(dir, name), { force: true });
    const partial = `${path}.${process.pid}`;
    // Made under the flags the next run compiles the bundle with: V8's defaults, undoing what
    // --liftoff-only implies as well.
    setFlagsFromString('--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering');
    writeFileSync(partial, compiled.createCachedData(), { mode: 0o600 });
    renameSync(partial, path);
  } catch {
    // A cache that cannot be written costs the next run its compile time, nothing else.
  }
}
