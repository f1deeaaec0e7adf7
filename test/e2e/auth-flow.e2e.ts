// The packaged extension (.vsix from `npm run package`) in a real VS Code (code-server) driven by
// Chromium: what a person sees when they open the Auth Flow view, add an environment, and run the
// local sandbox from the Command Palette. Each scenario starts its own code-server with fresh user
// data, so none depends on another.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SignJWT } from 'jose';
import { endSession, waitFor, type Session } from './harness';
import {
  DEMO_USER,
  EXTENSION_ID,
  activePickLabel,
  activityBarEntry,
  card,
  cardSummaries,
  clickDialogButton,
  idTokenClaim,
  inputValue,
  openAuthFlowView,
  runSandboxFromPalette,
  showTimelineOnly,
  startWithExtension,
  treeRows,
  typeInput,
  waitForQuickInput,
  waitForRunEnd,
  waitForTreeRow,
} from './extension';

const DARK = 'Default Dark Modern';
const LIGHT = 'Default Light Modern';

describe('Auth Flow Explorer in VS Code (code-server + Chromium)', function () {
  let session: Session | undefined;

  afterEach(async function () {
    await endSession(this.currentTest, session);
    session = undefined;
  });

  it('shows the Environments view in the activity bar, with the welcome view while empty', async function () {
    session = await startWithExtension('environments-view');
    assert.equal(await activityBarEntry(session).getAttribute('aria-label').then((label) => label?.startsWith('Auth Flow')), true);
    const pane = await openAuthFlowView(session);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible' });
    const text = await welcome.innerText();
    assert.match(text, /Run OAuth 2\.0 and OpenID Connect sign-on flows against PingOne/);
    for (const link of ['Add Environment', 'Try the Local Sandbox']) {
      assert.ok(await welcome.locator('.monaco-button', { hasText: link }).isVisible(), `the welcome view offers "${link}"`);
    }
    assert.deepEqual(await treeRows(session), [], 'no tree rows while there is no environment');
  });

  it('adds an environment from a pasted PingOne authorize URL; its client secret stays out of settings and globalState', async function () {
    session = await startWithExtension('add-environment');
    await openAuthFlowView(session);
    const name = 'Staging e2e';
    const envId = '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f';
    const clientId = '0b5e1a2c-3d4e-4f50-8a6b-7c8d9e0f1a2b';
    const redirectUri = 'https://localhost:3000/callback';
    const secret = `e2e-secret-${randomBytes(12).toString('hex')}`;

    await session.runCommand('Auth Flow: Add Environment');
    await waitForQuickInput(session, /Add Environment.*1\/15/s);
    // The issuer names the region and the environment; the note under the box says so before Enter.
    await typeInput(session, `https://auth.pingone.eu/${envId}/as`);
    await waitForQuickInput(session, `Read as an issuer URL: region EU, environment ${envId}. Press Enter to fill these in.`);
    // An authorize URL names the client, the redirect URI and the scopes too.
    const authorize = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid profile email' });
    await session.answerInput(`https://auth.pingone.eu/${envId}/as/authorize?${authorize}`);
    await waitForQuickInput(session, '2/15');
    await session.answerInput(name);
    await waitForQuickInput(session, '3/15');
    assert.equal(await activePickLabel(session), 'PingOne');
    await session.pickItem('PingOne');
    await waitForQuickInput(session, '4/15');
    assert.equal(await activePickLabel(session), 'EU', 'the region comes from the pasted URL');
    await session.page.keyboard.press('Enter');
    await waitForQuickInput(session, 'Environment ID');
    assert.equal(await inputValue(session), envId, 'the environment ID comes from the pasted URL');
    await session.answerInput(envId);
    await waitForQuickInput(session, 'Client ID');
    assert.equal(await inputValue(session), clientId, 'the client ID comes from the authorize URL');
    await session.answerInput(clientId);
    await waitForQuickInput(session, '7/15');
    await session.pickItem('authorization_code');
    await waitForQuickInput(session, '8/15');
    await session.pickItem('headless');
    await waitForQuickInput(session, '9/15');
    await session.pickItem('redirect');
    await waitForQuickInput(session, 'Redirect URI');
    assert.equal(await inputValue(session), redirectUri, 'the redirect URI comes from the authorize URL');
    await session.answerInput(redirectUri);
    await waitForQuickInput(session, 'Scopes');
    assert.equal(await inputValue(session), 'openid profile email', 'the scopes come from the authorize URL');
    await session.answerInput('openid profile email');
    await waitForQuickInput(session, '12/15');
    await session.pickItem('client_secret_basic');
    await waitForQuickInput(session, '13/15');
    await session.pickItem('GET');
    await waitForQuickInput(session, '14/15');
    await session.pickItem('Use PKCE (S256)');
    // The summary lists every field before anything is saved.
    await waitForQuickInput(session, '15/15');
    assert.ok((await session.quickPickLabels()).includes('Environment ID'));
    await session.pickItem('Save');
    await waitForQuickInput(session, `Client secret for ${name}`);
    await session.answerInput(secret);

    // The tree shows the environment, and its secret as stored (not as missing).
    await waitForTreeRow(session, name);
    const row = await waitForTreeRow(session, name, (r) => !r.includes('needs client secret'), 'with its client secret stored');
    assert.match(row, /EU/);

    const state = await session.waitForGlobalState(EXTENSION_ID, (s) => JSON.stringify(s).includes(envId));
    assert.deepEqual(storedProfiles(state).map((p) => pickFields(p, ['name', 'region', 'envId', 'clientId', 'redirectUri', 'scopes', 'clientAuthMethod', 'pkce'])), [
      { name, region: 'EU', envId, clientId, redirectUri, scopes: ['openid', 'profile', 'email'], clientAuthMethod: 'client_secret_basic', pkce: true },
    ]);
    const stored = JSON.stringify(state);
    assert.ok(!stored.includes(secret), 'the client secret is not in globalState');
    const settings = fs.readFileSync(path.join(session.server.userDataDir, 'User', 'settings.json'), 'utf8');
    assert.ok(!settings.includes(secret), 'the client secret is not in settings.json');
    assert.ok(!settings.includes(envId), 'profiles are not written to settings.json either');
    // Nor anywhere on disk under the user data folder (globalState, logs, the server's state.vscdb).
    const leaks = filesContaining(session.server.userDataDir, secret);
    assert.deepEqual(leaks, [], 'no file of the user data folder holds the secret');
  });

  it('adds an environment for any OpenID provider from its pasted discovery URL: the issuer is filled in', async function () {
    session = await startWithExtension('add-environment-issuer');
    await openAuthFlowView(session);
    const name = 'Keycloak dev e2e';
    const issuer = 'https://login.example.com/realms/dev';

    await session.runCommand('Auth Flow: Add Environment');
    await waitForQuickInput(session, /Add Environment.*1\/15/s);
    await typeInput(session, `${issuer}/.well-known/openid-configuration`);
    await waitForQuickInput(session, `Read as an OpenID provider: issuer ${issuer}`);
    await session.page.keyboard.press('Enter');
    // An issuer has no region, environment, sign-on, response mode or authorize method pages.
    await waitForQuickInput(session, '2/11');
    await session.answerInput(name);
    await waitForQuickInput(session, '3/11');
    assert.equal(await activePickLabel(session), 'Any OpenID provider', 'the provider follows from the pasted URL');
    await session.page.keyboard.press('Enter');
    await waitForQuickInput(session, 'Issuer URL');
    assert.equal(await inputValue(session), issuer, 'the issuer is the discovery URL without its well-known path');
    await session.answerInput(issuer);
    await waitForQuickInput(session, 'Client ID');
    assert.equal(await inputValue(session), '', 'a discovery URL names no client');
    await session.answerInput('e2e-public-client');
    await waitForQuickInput(session, '6/11');
    await session.pickItem('authorization_code');
    await waitForQuickInput(session, 'Redirect URI');
    await session.answerInput('http://127.0.0.1:53682/callback');
    await waitForQuickInput(session, 'Scopes');
    await session.answerInput('openid profile');
    await waitForQuickInput(session, '9/11');
    await session.pickItem('none');
    await waitForQuickInput(session, '10/11');
    await session.pickItem('Use PKCE (S256)');
    await waitForQuickInput(session, '11/11');
    const summary = await session.quickPickLabels();
    assert.ok(summary.includes('Issuer') && !summary.includes('Environment ID'), `the summary lists the issuer, no environment: ${JSON.stringify(summary)}`);
    await session.pickItem('Save');

    await waitForTreeRow(session, name);
    const state = await session.waitForGlobalState(EXTENSION_ID, (s) => JSON.stringify(s).includes(issuer));
    const [profile] = storedProfiles(state);
    assert.deepEqual(pickFields(profile!, ['name', 'issuer', 'clientId', 'clientAuthMethod', 'region', 'envId']), {
      name,
      issuer,
      clientId: 'e2e-public-client',
      clientAuthMethod: 'none',
    });
  });

  it('runs the Local sandbox from the Command Palette: every step, the decoded ID token, a verified signature', async function () {
    session = await startWithExtension('sandbox-run', { settings: { 'workbench.colorTheme': DARK } });
    await openAuthFlowView(session);
    await runSandboxFromPalette(session, DEMO_USER.password);
    const frame = await session.webview('Userinfo');
    assert.equal(await waitForRunEnd(session, frame), 'succeeded');
    const cards = await cardSummaries(frame);
    const expected: [RegExp, string][] = [
      [/^Discovery/, '200 OK'],
      [/^Authorize \(GET, redirect\)/, '302 Found'],
      [/^Flow status/, '200 OK'],
      [/^Sign on \(usernamePassword\.check\)/, '200 OK'],
      [/^Resume/, '302 Found'],
      [/^Token \(authorization_code/, '200 OK'],
      [/^Signing keys \(JWKS\)/, '200 OK'],
      [/^Userinfo/, '200 OK'],
    ];
    assert.equal(cards.length, expected.length, `cards: ${JSON.stringify(cards)}`);
    expected.forEach(([title, badge], i) => {
      const [shownTitle, shownBadge] = cards[i]!.split(' | ');
      assert.match(shownTitle!, title, `card ${i + 1}: ${cards[i]}`);
      assert.equal(shownBadge, badge, `card ${i + 1}: ${cards[i]}`);
    });
    const signature = card(frame, 'Token').locator('[data-token-kind="id_token"] .signature');
    assert.equal(await signature.getAttribute('data-signature'), 'verified');
    assert.match(await signature.innerText(), /Verified with key \S+ from JWKS \(RS256\)/);
    assert.match(await idTokenClaim(frame, 'sub'), /\S/, 'the ID token shows its sub');
    assert.equal(await idTokenClaim(frame, 'preferred_username'), DEMO_USER.username);
    // The tree now lists the running sandbox.
    await waitForTreeRow(session, 'Local PingOne sandbox', (row) => /port \d+/.test(row), 'with its port');

    // The theme follows a switch made while the panel is open (`npm run screenshots` makes the README's pictures).
    await showTimelineOnly(session, frame);
    await session.screenshot('timeline-dark');
    await setColorTheme(session, LIGHT, frame);
    await session.screenshot('timeline-light');
    await setColorTheme(session, DARK, frame);
  });

  it('copies the Userinfo request as cURL with secrets; real curl against the sandbox returns the demo user', async function () {
    session = await startWithExtension('copy-curl');
    await runSandboxFromPalette(session, DEMO_USER.password);
    const frame = await session.webview('Userinfo');
    assert.equal(await waitForRunEnd(session, frame), 'succeeded');
    const sub = await idTokenClaim(frame, 'sub');
    const userinfo = card(frame, 'Userinfo');
    const status = userinfo.locator('.copy-status');

    // Redacted first: the access token is a shell variable, not its value.
    await userinfo.locator('[data-copy="plain"]').click();
    await waitFor('the redacted copy to be confirmed', async () => (await status.innerText()).startsWith('Copied;'));
    const redacted = await session.readClipboard();
    assert.match(redacted, /^curl -i -X GET /m);
    assert.match(redacted, /\$ACCESS_TOKEN/);
    // The confirmation names exactly the variables the copied command reads.
    const read = [...new Set([...redacted.matchAll(/"\$([A-Z0-9_]+)"/g)].map((m) => m[1]))].sort();
    const named = [...(await status.innerText()).matchAll(/\$([A-Z0-9_]+)/g)].map((m) => m[1]).sort();
    assert.deepEqual(named, read);

    await userinfo.locator('[data-copy="secrets"]').click();
    const question = await clickDialogButton(session, 'Copy with Secrets');
    assert.match(question, /Copy this request with its secrets in clear text\?/);
    await waitFor('the copy with secrets to be confirmed', async () => /^Copied with .*\$ACCESS_TOKEN.* in clear text\.$/.test(await status.innerText()));
    const command = await session.readClipboard();
    assert.doesNotMatch(command, /\$ACCESS_TOKEN/);
    assert.match(command, /http:\/\/127\.0\.0\.1:\d+\/[^'\s]*\/as\/userinfo/, `a loopback userinfo URL in: ${command}`);

    // The copied command, as a person would paste it into a terminal.
    const curl = spawnSync('bash', ['-c', `${command} --silent --show-error --max-time 10`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(curl.status, 0, `curl failed: ${curl.stderr}`);
    const [head = '', body = ''] = curl.stdout.split(/\r?\n\r?\n/);
    assert.match(head, /^HTTP\/1\.1 200/, head);
    const claims = JSON.parse(body) as Record<string, unknown>;
    assert.equal(claims.preferred_username, DEMO_USER.username);
    assert.equal(claims.sub, sub, 'userinfo names the same subject as the ID token in the timeline');
  });

  it('asks again after a wrong password within the same flow; three wrong ones fail the run with the reason', async function () {
    const current = await startWithExtension('wrong-password');
    session = current;
    const retry = async (attempt: number, password: string) => {
      // The retry asks for the credentials again, saying why and which try this is.
      await waitForQuickInput(current, `try again (attempt ${attempt} of 3)`);
      await current.answerInput(DEMO_USER.username);
      await waitForQuickInput(current, new RegExp(`try again \\(attempt ${attempt} of 3\\)\\..* — Password for ${DEMO_USER.username}`));
      await current.answerInput(password);
    };

    await runSandboxFromPalette(current, 'not-the-password');
    await retry(2, DEMO_USER.password);
    const frame = await current.webview('Sign on');
    assert.equal(await waitForRunEnd(current, frame), 'succeeded');
    const refused = card(frame, 'Sign on (usernamePassword.check)');
    assert.equal(await refused.getAttribute('data-step-status'), 'failed');
    assert.equal(await refused.locator('.card-head .code-badge').innerText(), '400 Bad Request');
    const error = refused.locator('.error-box');
    assert.equal(await error.getAttribute('data-error-code'), 'INVALID_CREDENTIALS');
    assert.match(await error.locator('.error-message').innerText(), /The username or password is incorrect.*asking again \(attempt 2 of 3\)/);
    assert.equal(await card(frame, 'Sign on (usernamePassword.check, attempt 2)').getAttribute('data-step-status'), 'succeeded');
    assert.match(await idTokenClaim(frame, 'preferred_username'), /^demo$/);

    await runSandboxFromPalette(current, 'wrong-1');
    await retry(2, 'wrong-2');
    await retry(3, 'wrong-3');
    await waitFor('the second run to fail', async () => (await frame.locator('.run-header [data-run-status]').getAttribute('data-run-status')) === 'failed');
    assert.equal(await frame.locator('.run-select option').count(), 2, 'both runs are listed');
    assert.match(await frame.locator('.run-header .run-error').innerText(), /Failed at Sign on \(usernamePassword\.check, attempt 3\): The username or password is incorrect/);
    const toast = await current.waitForNotification('failed at "Sign on (usernamePassword.check, attempt 3)"');
    assert.match(toast, /The username or password is incorrect/);
    assert.ok(
      await current.page.locator('.notification-toast', { hasText: 'failed at "Sign on' }).locator('.monaco-button', { hasText: 'Show Timeline' }).isVisible(),
      'the notification offers Show Timeline',
    );
    assert.equal(await card(frame, 'Token').count(), 0, 'no token request after a failed sign-on');
  });

  it('decodes a JWT selected in an editor and shows its claims in the timeline panel', async function () {
    session = await startWithExtension('decode-selection');
    const key = new TextEncoder().encode('e2e-only-hmac-key-0123456789abcdef');
    const jwt = await new SignJWT({ name: 'Ada Lovelace', email: 'ada@example.com' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('e2e-user-42')
      .setIssuer('https://issuer.e2e.example')
      .setAudience('e2e-client')
      .setIssuedAt()
      .setExpirationTime('10 min')
      .sign(key);
    const file = path.join(session.server.workspace, 'token.txt');
    fs.writeFileSync(file, `${jwt}\n`);
    await session.openFile(file);
    await session.selectAll();
    await session.runCommand('Auth Flow: Decode Selected Token');
    const frame = await session.webview('e2e-user-42');
    const decoded = frame.locator('.token-card');
    assert.match(await decoded.locator('.token-source').innerText(), /Source: token\.txt:1/);
    const claim = async (name: string) => decoded.locator(`table.kv-claims tr[data-name="${name}"] td`).innerText();
    assert.equal(await claim('sub'), 'e2e-user-42');
    assert.equal(await claim('iss'), 'https://issuer.e2e.example');
    assert.equal(await claim('email'), 'ada@example.com');
    assert.match(await decoded.locator('.signature').innerText(), /not verified|not checked/i);
  });
});

/** Switches the colour theme from the Command Palette and waits for the workbench and the webview to repaint. */
async function setColorTheme(session: Session, theme: string, frame: import('playwright-core').Frame): Promise<void> {
  await session.runCommand('Preferences: Color Theme');
  // The picker lists the built-in themes without the "Default" of their setting value.
  await session.pickItem(theme.replace(/^Default /, ''));
  const dark = theme.includes('Dark');
  await session.page.locator(dark ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs:not(.vs-dark)').waitFor({ state: 'attached' });
  await waitFor(`the timeline webview to take the ${theme} theme`, () =>
    frame.evaluate((cls) => document.body.classList.contains(cls), dark ? 'vscode-dark' : 'vscode-light'),
  );
}

/** The profiles the extension saved in its globalState (`authFlow.profiles`). */
function storedProfiles(state: Record<string, unknown>): Record<string, unknown>[] {
  return (state['authFlow.profiles'] as { profiles: Record<string, unknown>[] }).profiles;
}

/** The fields of `object` named in `keys` that it has. */
function pickFields(object: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));
}

function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file).includes(text)) found.push(path.relative(dir, file));
  }
  return found;
}

