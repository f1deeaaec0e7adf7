// Test-only extension for code-server, which rejects --extensionTestsPath: it plays that role. The
// harness copies this folder into a fresh extensions dir and writes runner-config.json beside this
// file (or sets AFE_VSCODE_TEST_CONFIG); on startup the suite runs once and the results land in the
// file the harness polls for. Without a config it does nothing, so it is harmless if left installed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { CONFIG_ENV, readConfig, runSuite } = require('./run-suite.js');

function activate() {
  const configPath = process.env[CONFIG_ENV] || path.join(__dirname, 'runner-config.json');
  if (!fs.existsSync(configPath)) return;
  const config = readConfig(configPath);
  // A window reload re-activates extensions; the suite must run exactly once per harness run.
  if (fs.existsSync(config.resultsPath)) return;
  // Not awaited: activation should finish quickly; the harness waits on the results file instead.
  void runSuite(config);
}

function deactivate() {}

module.exports = { activate, deactivate };
