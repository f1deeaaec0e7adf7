// Not matched by `*.test.ts`: only the harness's own e2e test loads it, to prove that a failure
// inside the extension host comes back with its message (and that a passing neighbour still counts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('deliberately failing suite', () => {
  it('passes next to a failure', () => {
    assert.equal(typeof vscode.version, 'string');
  });

  it('fails on purpose', () => {
    assert.equal(vscode.env.appName, 'not the app name', 'this failure is expected');
  });
});
