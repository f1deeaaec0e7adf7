// Browser sign-on in the packaged extension: a workspace profile names a generic OpenID Provider
// (oidc-provider, test/support/oidc-server.ts, started by this test on loopback) and signs on in the
// browser. The extension opens the authorize URL with vscode.env.openExternal, which in code-server is
// a new page of the same Chromium context: the test takes that page as the person's "system browser",
// signs on there, and the extension's loopback listener receives the redirect. The timeline then shows
// the run succeeded with its browser step.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { completeSignOnInBrowser } from '../support/browser-sign-on';
import { startOidcServer, type OidcServer } from '../support/oidc-server';
import { endSession, makeTempDir, waitFor, type Session } from './harness';
import { cardSummaries, openAuthFlowView, startWithExtension, waitForQuickInput, waitForRunEnd, waitForTreeRow } from './extension';

const PROFILE_NAME = 'Generic issuer (browser e2e)';

describe('Browser sign-on in VS Code (code-server + Chromium)', function () {
  let session: Session | undefined;
  let op: OidcServer | undefined;

  afterEach(async function () {
    await endSession(this.currentTest, session);
    session = undefined;
    await op?.close();
    op = undefined;
  });

  it('signs on in the browser page openExternal opens; the loopback listener catches the redirect', async function () {
    op = await startOidcServer();
    const workspace = makeTempDir('afe-e2e-browser-');
    fs.mkdirSync(path.join(workspace, '.vscode'));
    const profile = {
      id: 'oidc-browser-e2e',
      name: PROFILE_NAME,
      issuer: op.issuer,
      clientId: op.clients.none.clientId,
      redirectUri: op.redirectUri,
      scopes: ['openid', 'profile', 'email'],
      clientAuthMethod: 'none',
    };
    fs.writeFileSync(path.join(workspace, '.vscode', 'auth-flows.json'), JSON.stringify([profile], null, 2));

    session = await startWithExtension('browser-sign-on', { workspace });
    await openAuthFlowView(session);
    await waitForTreeRow(session, PROFILE_NAME);

    // The authorize request, whichever page makes it; then the page openExternal opened. code-server
    // tunnels a loopback URL opened externally through its port proxy (/proxy/<port>/…), as it would
    // for a server beside a remote extension host; this one is beside the test, so it is asked directly.
    let authorizeUrl: string | undefined;
    session.context.on('request', (request) => {
      const url = withoutPortProxy(request.url());
      if (url.startsWith(`${op!.issuer}/auth?`)) authorizeUrl ??= url;
    });
    const opened = session.context.waitForEvent('page', { timeout: session.timeoutMs });
    await session.runCommand('Auth Flow: Run Auth Flow');
    await waitForQuickInput(session, 'Environment to run');
    await session.pickItem(PROFILE_NAME);

    const browserPage: Page = await opened;
    // VS Code says it waits, offering to paste the URL instead.
    assert.match(await waitForQuickInput(session, 'Waiting for sign-on in the browser'), /Paste the URL instead/);
    const url = await waitFor('the opened page to request the authorize URL', async () => authorizeUrl, { timeoutMs: session.timeoutMs, describe: () => `the opened page is at ${browserPage.url()}` });
    // The person signs on in that page (oidc-provider starts a fresh interaction for the same authorize request).
    const outcome = await completeSignOnInBrowser(browserPage, url, op.user);
    assert.equal(outcome.outcome, 'redirected');
    assert.match(await browserPage.content(), /Signed in — you can close this tab/);

    const frame = await session.webview('Sign on in the browser');
    assert.equal(await waitForRunEnd(session, frame), 'succeeded');
    const titles = (await cardSummaries(frame)).map((summary) => summary.split(' | ')[0]);
    for (const title of [/^Discovery/, /^Authorize \(opened in the browser\)/, /^Sign on in the browser/, /^Token \(authorization_code/, /^Userinfo/]) {
      assert.ok(titles.some((shown) => title.test(shown ?? '')), `a card ${title} among ${JSON.stringify(titles)}`);
    }
    assert.equal(await session.page.locator('.quick-input-widget').isVisible(), false, 'the waiting pick closed with the wait');
    await session.screenshot('browser-sign-on');
  });
});

/** `http://host:8080/proxy/4000/path` (code-server's port proxy) as `http://127.0.0.1:4000/path`. */
function withoutPortProxy(url: string): string {
  const proxied = /^https?:\/\/[^/]+\/proxy\/(\d+)(\/.*)$/.exec(url);
  return proxied ? `http://127.0.0.1:${proxied[1]}${proxied[2]}` : url;
}
