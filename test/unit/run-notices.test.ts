/**
 * What the extension says about a run in notifications and the Output channel: built from the
 * redacted run, so a secret a server quoted back into an error never reaches either.
 */
import assert from 'node:assert/strict';
import type { Run, Step } from '../../src/core/model';
import { failureNotice, outcomeLine, unexpectedErrorMessage } from '../../src/extension/run/runNotices';

const PASSWORD = 'Pa"ss\\wörd 1!(x)';
const CLIENT_SECRET = 's3cr+t~secret';
const ACCESS_TOKEN = 'at-0123456789abcdef';

function failedRun(): Run {
  const error = {
    code: 'INVALID_DATA',
    message: `The password ${PASSWORD} is not accepted (INVALID_DATA, 400).`,
    hint: `Try another than ${JSON.stringify(PASSWORD).slice(1, -1)}.`,
  };
  const signOn: Step = {
    id: 's2',
    kind: 'signOn',
    title: 'Sign on (usernamePassword.check)',
    status: 'failed',
    startedAt: '2026-01-01T00:00:00.000Z',
    facts: {},
    checks: [],
    tokens: [],
    warnings: [],
    exchange: {
      request: { method: 'POST', url: 'https://auth.example/env/flows/f', headers: [], body: JSON.stringify({ username: 'u', password: PASSWORD }), secrets: [{ variable: 'PASSWORD', value: PASSWORD }] },
      timing: { total: 1 },
      cookies: { sent: [], set: [] },
    },
    error,
  };
  return { id: 'r1', profile: { id: 'p', name: 'Echo', issuer: 'https://auth.example/env/as', clientId: 'app' }, status: 'failed', startedAt: signOn.startedAt, duration: 412, steps: [signOn], error };
}

describe('run notices', () => {
  it('the failure notification says where and why, with the secret as $PASSWORD', () => {
    const notice = failureNotice('Echo', failedRun());
    assert.equal(notice, '"Echo" failed at "Sign on (usernamePassword.check)": The password $PASSWORD is not accepted (INVALID_DATA, 400).');
  });

  it('the Output channel line says the outcome, why and what to check, redacted', () => {
    const line = outcomeLine('Echo', failedRun());
    assert.ok(!line.includes(PASSWORD) && !line.includes(JSON.stringify(PASSWORD).slice(1, -1)), line);
    assert.match(line, /^Run of "Echo" failed in 412 ms at "Sign on \(usernamePassword\.check\)": The password \$PASSWORD is not accepted .* What to check: Try another than \$PASSWORD\.$/);
    const succeeded: Run = { ...failedRun(), status: 'succeeded', error: undefined };
    assert.equal(outcomeLine('Echo', succeeded), 'Run of "Echo" succeeded in 412 ms.');
  });

  it('names the step that stopped the run, not an earlier try that was asked again', () => {
    const run = failedRun();
    const refused: Step = { ...run.steps[0], id: 's1', error: { code: 'INVALID_CREDENTIALS', message: 'The username or password is incorrect (400); asking again (attempt 2 of 3).', hint: '' } };
    const token: Step = { ...run.steps[0], id: 's3', kind: 'token', title: 'Token (authorization_code, client_secret_basic)' };
    run.steps = [refused, { ...run.steps[0], status: 'succeeded', error: undefined }, token];
    assert.match(failureNotice('Echo', run), /failed at "Token \(authorization_code, client_secret_basic\)"/);
    assert.match(outcomeLine('Echo', run), /failed in 412 ms at "Token /);
  });

  it('an unexpected error is redacted with the secrets the run was given and the ones it marked', () => {
    const run = failedRun();
    run.steps[0].tokens.push({ kind: 'access_token', raw: ACCESS_TOKEN, header: {}, payload: {}, signature: '', times: [], checks: [] });
    const error = new Error(`boom: client_secret=${encodeURIComponent(CLIENT_SECRET)} password=${PASSWORD} token=${ACCESS_TOKEN}`);
    const message = unexpectedErrorMessage(error, { secrets: { clientSecret: CLIENT_SECRET }, run });
    assert.equal(message, 'boom: client_secret=$CLIENT_SECRET password=$PASSWORD token=$ACCESS_TOKEN');
    assert.equal(unexpectedErrorMessage('plain', { secrets: {} }), 'plain');
  });
});
