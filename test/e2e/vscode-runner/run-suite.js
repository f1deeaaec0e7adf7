// Runs a mocha suite inside a VS Code extension host and writes the results as JSON. Plain CommonJS
// because the extension host loads it directly, with no build step. Two routes use it:
//   code-server:            extension.js (the test-runner extension) calls runSuite() on startup;
//   @vscode/test-electron:  `extensionTestsPath` points here and VS Code calls run().
// Test files may be TypeScript: tsx's CommonJS hook is registered first, so `import * as vscode from
// 'vscode'` compiles to require('vscode'), which the extension host intercepts with the real API.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const CONFIG_ENV = 'AFE_VSCODE_TEST_CONFIG';

/**
 * @typedef {object} RunnerConfig
 * @property {string[]} files        absolute paths of the test files
 * @property {string} resultsPath    where the JSON results go (written atomically, once)
 * @property {string} mocha          absolute path of the mocha package to load
 * @property {string} [tsx]          absolute path of tsx's CommonJS API, when files are TypeScript
 * @property {number} [timeout]      per-test timeout in ms
 * @property {string} [grep]         only run tests whose full title matches
 */

/** @param {string | undefined} configPath @returns {RunnerConfig} */
function readConfig(configPath) {
  if (!configPath) throw new Error(`${CONFIG_ENV} is not set: it must name the runner's JSON config`);
  return JSON.parse(fs.readFileSync(configPath, 'utf8'));
}

/** @param {RunnerConfig} config */
async function runSuite(config) {
  const logPath = `${config.resultsPath}.log`;
  const log = (line) => fs.appendFileSync(logPath, `${line}\n`);
  const started = Date.now();
  /** @type {{ title: string, fullTitle: string, file?: string, state: string, durationMs?: number, error?: { message: string, stack?: string } }[]} */
  const tests = [];
  let error;
  let stats = { tests: 0, passes: 0, failures: 0, pending: 0 };
  try {
    log(`runner: node ${process.version}, ${config.files.length} file(s)`);
    if (config.tsx) require(config.tsx).register();
    const Mocha = require(config.mocha);
    const mocha = new Mocha({ ui: 'bdd', reporter: 'base', color: false, timeout: config.timeout ?? 20000 });
    if (config.grep) mocha.grep(config.grep);
    for (const file of config.files) mocha.addFile(file);
    await new Promise((resolve) => {
      const runner = mocha.run(() => resolve(undefined));
      const record = (test, state, err) => {
        tests.push({
          title: test.title,
          fullTitle: test.fullTitle(),
          file: test.file,
          state,
          durationMs: test.duration,
          error: err ? { message: String(err.message ?? err), stack: err.stack } : undefined,
        });
        log(`${state}: ${test.fullTitle()}${err ? ` — ${err.message ?? err}` : ''}`);
      };
      // 'start:' lines tell which test a hung run is stuck in.
      runner.on('test', (test) => log(`start: ${test.fullTitle()}`));
      runner.on('pass', (test) => record(test, 'passed'));
      runner.on('fail', (test, err) => record(test, 'failed', err));
      runner.on('pending', (test) => record(test, 'pending'));
      runner.on('end', () => {
        stats = {
          tests: tests.length,
          passes: tests.filter((t) => t.state === 'passed').length,
          failures: tests.filter((t) => t.state === 'failed').length,
          pending: tests.filter((t) => t.state === 'pending').length,
        };
      });
    });
  } catch (err) {
    // A suite that cannot even load (syntax error, missing module) must still produce a results
    // file, or the harness would only see a timeout.
    error = { message: String(err && err.message ? err.message : err), stack: err && err.stack };
    log(`error: ${error.stack ?? error.message}`);
  }
  const results = { stats: { ...stats, durationMs: Date.now() - started }, tests, error, node: process.version };
  const tmp = `${config.resultsPath}.tmp`;
  fs.mkdirSync(path.dirname(config.resultsPath), { recursive: true });
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, config.resultsPath);
  return results;
}

/** Entry point for @vscode/test-electron's `extensionTestsPath`. */
async function run() {
  const results = await runSuite(readConfig(process.env[CONFIG_ENV]));
  if (results.error) throw new Error(`test suite did not load: ${results.error.message}`);
  if (results.stats.failures > 0) throw new Error(`${results.stats.failures} test(s) failed`);
}

module.exports = { CONFIG_ENV, readConfig, runSuite, run };
