/**
 * Redaction: every secret the run marks is replaced wherever it shows (messages, hints, details,
 * facts, bodies, other steps) and in every encoding it travels in; the marks each step makes cover
 * what it sends; the terminal printout shows the redacted run and keeps cURL's shell references.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { printRun } from '../../src/cli/print';
import { clientAuthentication } from '../../src/core/oauth/clientAuth';
import { toCurl } from '../../src/core/curl';
import { FlowError } from '../../src/core/errors';
import type { Exchange, RecordedRequest, Run, SecretMark, Step } from '../../src/core/model';
import type { Profile } from '../../src/core/profile';
import { inputMarks, redactEvent, redactRun, secretReplacer } from '../../src/core/redact';
import { buildTokenRequest, readTokenResponse } from '../../src/core/oauth/token';
import { fuzz, textInputs } from '../support/fuzz';
import { sampleProfile } from '../fixtures/profiles';

const PASSWORD = 'Pa"ss\\wörd 1!(x)';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

/** The shapes a value takes in JSON text, form bodies and query strings, computed here independently. */
function shapes(value: string): string[] {
  const form = new URLSearchParams([['', value]]).toString().slice(1);
  let uri: string[];
  try {
    uri = [encodeURIComponent(value)];
  } catch {
    uri = []; // a lone surrogate has no percent-encoding (URIError)
  }
  return [value, JSON.stringify(value).slice(1, -1), form, ...uri];
}

function exchange(request: Partial<RecordedRequest>, response?: { status: number; body: string }): Exchange {
  return {
    request: { method: 'POST', url: 'https://auth.example/as/token', headers: [], secrets: [], ...request },
    ...(response ? { response: { status: response.status, statusText: '', headers: [], body: response.body, json: JSON.parse(response.body), size: response.body.length, secrets: [] } } : {}),
    timing: { connect: 0, ttfb: 1, total: 1 },
    cookies: { sent: [], set: [] },
  };
}

function step(kind: Step['kind'], fields: Partial<Step>): Step {
  return { id: kind, kind, title: kind, status: 'succeeded', startedAt: '2026-01-01T00:00:00.000Z', facts: {}, checks: [], tokens: [], warnings: [], ...fields };
}

function run(steps: Step[], error?: Run['error']): Run {
  return {
    id: 'r1',
    profile: { id: 'p', name: 'Echo', issuer: 'https://auth.example/as', clientId: 'app' },
    status: error ? 'failed' : 'succeeded',
    startedAt: '2026-01-01T00:00:00.000Z',
    steps,
    ...(error ? { error } : {}),
  };
}

/** A run whose sign-on step marks the password and whose token step fails quoting it in every shape. */
function echoingRun(): Run {
  const quoted = shapes(PASSWORD).join(' | ');
  const body = JSON.stringify({ error: 'invalid_request', error_description: `got ${quoted}` });
  const error = { code: 'invalid_request', message: `The server answered invalid_request: got ${quoted} (400).`, hint: `Check ${PASSWORD}.`, detail: JSON.parse(body) };
  return run(
    [
      step('signOn', {
        exchange: exchange({ url: 'https://auth.example/flows/f', body: JSON.stringify({ username: 'u', password: PASSWORD }), secrets: [{ variable: 'PASSWORD', value: PASSWORD }] }),
      }),
      step('token', {
        status: 'failed',
        facts: { echoed: PASSWORD },
        checks: [{ code: 'subject', name: 'Echo', status: 'failed', detail: quoted }],
        exchange: exchange({ body: 'grant_type=authorization_code' }, { status: 400, body }),
        error,
      }),
    ],
    error,
  );
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

describe('redactRun', () => {
  it('replaces a marked secret in every encoding, in messages, hints, details, facts, checks and bodies of any step', () => {
    const redacted = redactRun(echoingRun());
    const text = allStrings(redacted).join('\n');
    for (const shape of shapes(PASSWORD)) assert.ok(!text.includes(shape), `shows the password as ${JSON.stringify(shape)}`);
    assert.equal(redacted.error?.message, 'The server answered invalid_request: got $PASSWORD | $PASSWORD | $PASSWORD | $PASSWORD (400).');
    assert.equal(redacted.error?.hint, 'Check $PASSWORD.');
    assert.equal(redacted.steps[1].facts.echoed, '$PASSWORD');
    assert.ok(redacted.steps.every((s) => s.exchange?.request.secrets.length === 0), 'marks are emptied');
  });

  it('finds a secret a server echoes in JSON escaped to ASCII, as Python\'s json.dumps writes it', () => {
    // json.dumps('Pa"ss\\wörd 1!(x)'): the quote and backslash escaped, ö as \u00f6.
    const echoed = '{"error_description": "bad password Pa\\"ss\\\\w\\u00f6rd 1!(x)"}';
    const replace = secretReplacer([{ variable: 'PASSWORD', value: PASSWORD }]);
    assert.equal(replace(echoed), '{"error_description": "bad password $PASSWORD"}');
    assert.equal(secretReplacer([{ variable: 'S', value: '€uro' }])('\\u20acuro'), '$S');
  });

  it('redacts a run whose steps sent nothing or got no answer, with the marks of what was sent', () => {
    const unanswered = exchange({ body: `password=${PASSWORD}`, secrets: [{ variable: 'PASSWORD', value: PASSWORD }] });
    const error = { code: 'NETWORK', message: `No answer to password=${PASSWORD}.`, hint: 'Check the network.' };
    const redacted = redactRun(run([step('authorize', {}), step('signOn', { status: 'failed', exchange: unanswered, error })], error));
    assert.equal(redacted.error?.message, 'No answer to password=$PASSWORD.');
    assert.equal(redacted.steps[1].exchange?.request.body, 'password=$PASSWORD');
    assert.equal(redacted.steps[1].exchange?.response, undefined);
  });

  it('never re-redacts a replacement: a secret inside a variable name stays out of the way', () => {
    const replace = secretReplacer([{ variable: 'PASSWORD', value: '%' }, { variable: 'X', value: 'PASS' }]);
    assert.equal(replace('a %25 b % c PASS'), 'a $PASSWORD b $PASSWORD c $X');
  });

  it('leaves no shape of any secret between the replacements (fuzzed)', () => {
    const input = fc.record({
      secret: textInputs([PASSWORD, VERIFIER, "s3cr+t/=!'(x) y~"]).filter((s) => s.length > 0),
      before: fc.string({ maxLength: 20 }),
      after: fc.string({ maxLength: 20 }),
      shape: fc.nat(3),
    });
    fuzz(input, ({ secret, before, after, shape }) => {
      const forms = shapes(secret);
      const replace = secretReplacer([{ variable: 'SECRET', value: secret }]);
      const pieces = replace(before + forms[shape % forms.length] + after).split('$SECRET');
      for (const form of forms) {
        assert.ok(!pieces.some((piece) => piece.includes(form)), `${JSON.stringify(form)} left in ${JSON.stringify(pieces)}`);
      }
    });
  });
});

const profile = (clientAuthMethod: Profile['clientAuthMethod']): Profile =>
  sampleProfile({ region: 'custom', authPath: 'https://auth.example', envId: 'env', clientId: 'app id', clientAuthMethod });

describe('redactEvent', () => {
  it('redacts a step event with the secrets every step of its run marked, not only its own', () => {
    const whole = echoingRun();
    const tokenStep = whole.steps[1];
    assert.deepEqual(tokenStep.exchange?.request.secrets, [], 'the failing step marks nothing itself');
    const event = redactEvent({ type: 'step/failed', runId: whole.id, step: tokenStep }, whole);
    assert.equal(event.type, 'step/failed');
    const text = allStrings(event).join('\n');
    for (const shape of shapes(PASSWORD)) assert.ok(!text.includes(shape), `shows the password as ${JSON.stringify(shape)}`);
    assert.equal(event.type === 'step/failed' && event.step.facts.echoed, '$PASSWORD');
  });

  it('redacts a run event as redactRun does', () => {
    const whole = echoingRun();
    assert.deepEqual(redactEvent({ type: 'run/finished', run: whole }, whole), { type: 'run/finished', run: redactRun(whole) });
  });
});

describe('what the token request marks', () => {
  const secret = "s3cr+t/=!'(x) y~ü";
  for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
    it(`${method}: no part of the request shows the secret or the code_verifier once its own marks are replaced`, async () => {
      const auth = await clientAuthentication(profile(method), { clientSecret: secret }, 'https://auth.example/as/token');
      const request = buildTokenRequest({ tokenEndpoint: 'https://auth.example/as/token', code: 'c', redirectUri: 'https://app.example/cb', codeVerifier: VERIFIER, auth });
      const replace = secretReplacer(request.secrets ?? []);
      const sent = [request.url, ...(request.headers ?? []).map(([n, v]) => `${n}: ${v}`), request.body ?? ''].map(replace).join('\n');
      assert.ok(!sent.includes(VERIFIER), 'code_verifier marked');
      assert.match(sent, /code_verifier=\$CODE_VERIFIER/);
      for (const shape of shapes(secret)) assert.ok(!sent.includes(shape), `secret shown as ${JSON.stringify(shape)}`);
      const basic = Buffer.from(`app+id:${new URLSearchParams([['', secret]]).toString().slice(1)}`).toString('base64');
      if (method === 'client_secret_basic') assert.ok(request.headers?.some(([n, v]) => n === 'authorization' && v === `Basic ${basic}`), 'RFC 6749 §2.3.1 form-encodes both halves');
      // cURL replaces exact values only: the marks must name the secret as the request carries it.
      const curl = toCurl({ method: request.method, url: request.url, headers: request.headers ?? [], body: request.body, secrets: request.secrets ?? [] });
      for (const shape of [...shapes(secret), basic, VERIFIER]) assert.ok(!curl.includes(shape), `cURL shows ${JSON.stringify(shape)}`);
    });
  }

  it('marks the tokens of a token response it rejects, so the error detail does not show them', () => {
    const body = JSON.stringify({ access_token: 'at-very-secret-value', id_token: 'eyJ.id.token', token_type: 'MAC' });
    const recorded = exchange({}, { status: 200, body });
    assert.throws(() => readTokenResponse(recorded), (error: unknown) => error instanceof FlowError && error.code === 'INVALID_TOKEN_TYPE');
    let error: FlowError | undefined;
    try {
      readTokenResponse(recorded);
    } catch (e) {
      error = e as FlowError;
    }
    const redacted = redactRun(run([step('token', { status: 'failed', exchange: recorded, error: error!.toStepError() })], error!.toStepError()));
    const text = allStrings(redacted).join('\n');
    assert.ok(!text.includes('at-very-secret-value') && !text.includes('eyJ.id.token'));
    assert.match(text, /\$ACCESS_TOKEN/);
  });
});

describe('printRun', () => {
  const marks: SecretMark[] = [{ variable: 'CLIENT_SECRET', value: 'top-secret-value' }, { variable: 'CODE_VERIFIER', value: VERIFIER }];
  const message = `bad body: code_verifier=${VERIFIER}&client_secret=top-secret-value`;
  const failed = (): Run => {
    const error = { code: 'invalid_request', message, hint: `Resend without ${PASSWORD}.`, detail: {} };
    return run(
      [
        step('signOn', { exchange: exchange({ url: 'https://auth.example/flows/f', body: '{}', secrets: [{ variable: 'PASSWORD', value: PASSWORD }] }) }),
        step('token', {
          status: 'failed',
          facts: { code_verifier: VERIFIER },
          exchange: exchange({ body: `code_verifier=${VERIFIER}&client_secret=top-secret-value`, secrets: marks }),
          error,
        }),
      ],
      error,
    );
  };

  it('prints the redacted run, with cURL still referring to shell variables', () => {
    const text = printRun(failed(), { color: false });
    for (const secret of [VERIFIER, 'top-secret-value', PASSWORD]) assert.ok(!text.includes(secret), `shows ${secret}`);
    assert.match(text, /code_verifier: \$CODE_VERIFIER/);
    assert.match(text, /bad body: code_verifier=\$CODE_VERIFIER&client_secret=\$CLIENT_SECRET/);
    assert.match(text, /Resend without \$PASSWORD\./, 'a secret marked on another step is redacted too');
    assert.match(text, /--data-raw 'code_verifier='"\$CODE_VERIFIER"'&client_secret='"\$CLIENT_SECRET"$/m);
  });

  it('with includeSecrets, shows everything and says so first', () => {
    const text = printRun(failed(), { color: false, includeSecrets: true });
    assert.ok(text.includes(VERIFIER) && text.includes(PASSWORD));
    assert.match(text.split('\n')[0], /secrets .*in clear/i);
  });
});

describe('inputMarks', () => {
  it('names each secret a run is given as the requests that carry it name it, and skips those not set', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----';
    assert.deepEqual(inputMarks({ clientSecret: 'cs', privateKey: key, username: 'alice', password: 'pw' }), [
      { variable: 'CLIENT_SECRET', value: 'cs' },
      { variable: 'PRIVATE_KEY', value: key },
      { variable: 'PASSWORD', value: 'pw' },
    ]);
    assert.deepEqual(inputMarks({ clientSecret: '', username: 'alice' }), []);
  });
});

describe('secretReplacer on characters outside the BMP', () => {
  it('never splits a character whose half equals a secret', () => {
    const replace = secretReplacer([{ variable: 'HALF', value: '\uD83D' }]);
    assert.equal(replace('smile 😀'), 'smile 😀');
    assert.equal(replace('lone \uD83D here'), 'lone $HALF here');
  });
});
