// Proves the in-extension-host route: a mocha suite runs inside code-server's extension host with
// the real `vscode` API, and both passes and failures come back with their titles and messages.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { FIXTURE_EXTENSION_DIR } from './harness';
import { runVsCodeSuite } from './vscode-tests';

describe('mocha inside the extension host (code-server route)', function () {
  it('runs the fixture suite and reports passes and failures', async function () {
    const results = await runVsCodeSuite({
      extensions: [{ folder: FIXTURE_EXTENSION_DIR }],
      tests: [path.join(__dirname, 'fixture-suite'), path.join(__dirname, 'fixture-suite', 'deliberately-failing.ts')],
      timeoutMs: 120_000,
    });
    assert.equal(results.error, undefined, `suite loaded: ${results.error?.message}`);
    assert.match(results.node, /^v2[2-9]\./, 'ran on the extension host Node, not the test process Node');
    const byTitle = new Map(results.tests.map((test) => [test.fullTitle, test]));
    for (const title of [
      'fixture extension inside the extension host registers its commands',
      'fixture extension inside the extension host reads its contributed setting default',
      'fixture extension inside the extension host opens its webview panel',
      'deliberately failing suite passes next to a failure',
    ]) {
      assert.equal(byTitle.get(title)?.state, 'passed', `${title}: ${byTitle.get(title)?.error?.message}`);
    }
    const failed = byTitle.get('deliberately failing suite fails on purpose');
    assert.equal(failed?.state, 'failed');
    assert.match(failed.error?.message ?? '', /this failure is expected/);
    assert.deepEqual(
      { passes: results.stats.passes, failures: results.stats.failures },
      { passes: 4, failures: 1 },
    );
  });
});
