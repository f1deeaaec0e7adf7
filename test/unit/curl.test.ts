/**
 * The cURL printer against a real bash (curl replaced by a function that writes its argv) and, for the
 * cookie variables, a real Transport against a loopback server that re-issues a cookie as PingOne does
 * with ST after sign-on.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CookieJar } from '../../src/core/cookies';
import { curlCommand, quote, toCurl } from '../../src/core/curl';
import { FlowError } from '../../src/core/errors';
import { Transport } from '../../src/core/http';
import type { Exchange, RecordedRequest, Run, SecretMark } from '../../src/core/model';
import { redactRun } from '../../src/core/redact';
import { expectedArgv, runInBash } from '../support/curl-argv';

const request = (fields: Partial<RecordedRequest>): RecordedRequest => ({
  method: 'GET',
  url: 'https://auth.example.com/env/as/userinfo',
  headers: [['host', 'auth.example.com'], ['accept', 'application/json']],
  secrets: [],
  ...fields,
});

const variablesOf = (marks: SecretMark[]) => Object.fromEntries(marks.map((m) => [m.variable, m.value]));

describe('cURL variables for cookies', () => {
  let exchanges: Exchange[];

  before(async () => {
    // authorize sets a provisional ST (and names that collapse alike); sign-on re-issues ST.
    const cookies: Record<string, string[]> = {
      '/env/as/authorize': ['ST=provisional; Path=/env', 'ST-NO-SS=provisional; Path=/env', 'ST_NO_SS=other; Path=/env', 'a-b=1; Path=/env', 'a_b=2; Path=/env', 'st=lower; Path=/env'],
      '/env/flows/1': ['ST=final; Path=/env'],
    };
    const server = createServer((req, res) => {
      res.setHeader('set-cookie', cookies[req.url ?? ''] ?? []);
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/env`;
    const transport = new Transport({ jar: new CookieJar() });
    try {
      exchanges = [];
      for (const path of ['/as/authorize', '/flows/1', '/as/resume']) exchanges.push(await transport.send({ method: 'GET', url: base + path }));
    } finally {
      await transport.close();
      server.close();
    }
  });

  const allMarks = () => exchanges.flatMap((e) => [...e.request.secrets, ...(e.response?.secrets ?? [])]);

  it('gives every cookie name and every value of a name its own variable, and one value one variable', () => {
    const byCookie = new Map<string, string>();
    const cookieOf = (mark: SecretMark) => `${mark.describe} = ${mark.value}`;
    for (const mark of allMarks()) {
      const seen = byCookie.get(cookieOf(mark));
      assert.ok(seen === undefined || seen === mark.variable, `${cookieOf(mark)} is both $${seen} and $${mark.variable}`);
      byCookie.set(cookieOf(mark), mark.variable);
    }
    assert.equal(byCookie.size, 7, 'six cookies set by authorize and ST re-issued');
    assert.equal(new Set(byCookie.values()).size, byCookie.size, `one variable for two cookies: ${JSON.stringify([...byCookie])}`);
    assert.equal(byCookie.get('the ST cookie = provisional'), 'COOKIE_ST');
    assert.notEqual(byCookie.get('the ST cookie = final'), 'COOKIE_ST');
  });

  it('says in a redacted run which ST value each step saw', () => {
    const run = { steps: exchanges.map((exchange) => ({ exchange, tokens: [] })) } as unknown as Run;
    const [authorize, signOn, resume] = redactRun(run).steps.map((s) => s.exchange!);
    const setST = (e: Exchange) => e.response!.headers.filter(([n, v]) => n === 'set-cookie' && v.startsWith('ST=')).map(([, v]) => v.split(';')[0]);
    assert.deepEqual(setST(authorize), ['ST=$COOKIE_ST']);
    const [reissued] = setST(signOn);
    assert.notEqual(reissued, 'ST=$COOKIE_ST');
    assert.ok(resume.request.headers.some(([n, v]) => n === 'cookie' && v.includes(reissued)), 'resume sends the re-issued ST under its new name');
  });

  it('prints a resume request whose variables, set from its marks, reproduce every cookie', () => {
    const resume = exchanges[2].request;
    const [result] = runInBash([{ command: toCurl(resume), variables: variablesOf(resume.secrets) }]);
    assert.deepEqual(result.calls, [expectedArgv(resume)]);
  });
});

describe('toCurl', () => {
  it('keeps text from a server or a profile on the comment line', () => {
    const terminators = ['\n', '\r', '\r\n', '\v', '\f', '\u0085', '\u2028', '\u2029', '\u001b[2K\r', '\u202e'];
    const secrets = terminators.map((t, i) => ({ variable: `SECRET_${i}`, value: `value${i}`, describe: `the a${t}echo INJECTED ${i}${t}#` }));
    const req = request({ url: `https://auth.example.com/x?${secrets.map((s) => s.value).join('&')}`, secrets });
    const text = toCurl(req);
    const [comment] = text.split('\n');
    assert.doesNotMatch(comment, /[\r\v\f\u0085\u2028\u2029\u001b\u202e]/u, 'no line terminator or terminal control in the comment');
    assert.match(comment, /^# Set first: SECRET_0 \(/);
    // What was there stays visible, written as code points; readable text is left as it is.
    assert.ok(comment.includes('SECRET_0 (the a\\u{a}echo INJECTED 0\\u{a}#), SECRET_1 (the a\\u{d}echo INJECTED 1\\u{d}#)'), comment);
    assert.ok(comment.includes('SECRET_8 (the a\\u{1b}[2K\\u{d}echo INJECTED 8\\u{1b}[2K\\u{d}#)'), comment);
    assert.ok(comment.includes('(the a\\u{202e}echo INJECTED 9\\u{202e}#)'), comment);
    const [result] = runInBash([{ command: text, variables: variablesOf(secrets) }]);
    assert.equal(result.stray, '');
    assert.deepEqual(result.calls, [expectedArgv(req)]);
  });

  it('names exactly the variables the command reads', () => {
    const req = request({
      headers: [['host', 'h'], ['authorization', 'Bearer tok']],
      body: 'a=pw',
      secrets: [
        { variable: 'ACCESS_TOKEN', value: 'tok' },
        { variable: 'PASSWORD', value: 'pw' },
        { variable: 'CLIENT_SECRET', value: 'not-sent' },
        { variable: 'ALSO_TOKEN', value: 'tok' },
      ],
    });
    assert.deepEqual(curlCommand(req).variables, ['ACCESS_TOKEN', 'PASSWORD']);
    assert.match(curlCommand(req).text, /^# Set first: ACCESS_TOKEN, PASSWORD\ncurl /);
    // Text that merely looks like a reference is quoted, not read.
    const lookalike = request({ body: `a="$CLIENT_SECRET"`, secrets: [{ variable: 'CLIENT_SECRET', value: 'unsent' }] });
    assert.deepEqual(curlCommand(lookalike).variables, []);
    assert.doesNotMatch(curlCommand(lookalike).text, /^# Set first/);
    assert.deepEqual(curlCommand(req, { includeSecrets: true }).variables, []);
    assert.deepEqual(curlCommand(request({})).variables, []);
  });

  it('sends what was recorded and nothing curl would add: no Accept or Content-Type of its own, empty headers kept, no URL globbing', () => {
    const cases = [
      request({ headers: [['host', 'h'], ['user-agent', 'afe']] }),
      request({ method: 'POST', headers: [['host', 'h']], body: 'raw' }),
      request({ headers: [['host', 'h'], ['accept', 'application/json'], ['x-empty', ''], ['x-blank', '  ']] }),
      request({ url: 'https://auth.example.com/x?a[0]={b}' }),
      request({ method: "GET';echo INJECTED;'" }),
      request({ method: 'x;echo INJECTED;GET' }),
      request({ method: 'get;echo injected' }),
      // Curl counts the body and manages the connection itself.
      request({ method: 'POST', headers: [['host', 'h'], ['Content-Length', '3'], ['Connection', 'keep-alive']], body: 'raw' }),
      request({ method: 'POST', headers: [['host', 'h'], ['content-type', 'application/x-www-form-urlencoded']], body: 'a=b' }),
      request({ method: 'POST', headers: [['host', 'h']], body: '' }),
    ];
    const results = runInBash(cases.map((c) => ({ command: toCurl(c) })));
    assert.equal(results.length, cases.length);
    results.forEach((result, i) => {
      assert.equal(result.stray, '', `case ${i}`);
      assert.deepEqual(result.calls, [expectedArgv(cases[i])], `case ${i}`);
    });
  });

  it('writes a plain method bare, as a person would type it', () => {
    assert.equal(toCurl(request({})).split('\n')[0], `curl -i -X GET 'https://auth.example.com/env/as/userinfo' \\`);
    assert.equal(toCurl(request({ method: 'PROPFIND' })).split('\n')[0], `curl -i -X PROPFIND 'https://auth.example.com/env/as/userinfo' \\`);
  });

  it('skips TLS verification only when the environment does', () => {
    const req = request({});
    const [insecure, verified] = runInBash([{ command: toCurl(req, { insecure: true }) }, { command: toCurl(req) }]);
    assert.deepEqual(insecure.calls, [expectedArgv(req, { insecure: true })]);
    assert.deepEqual(verified.calls, [expectedArgv(req)]);
  });

  it('quotes a secret as a variable reference for any caller, with or without a record of what it printed', () => {
    const mark = { variable: 'CLIENT_SECRET', value: 's3cr3t' };
    assert.equal(quote("id:s3cr3t's", [mark]), `'id:'"$CLIENT_SECRET"''\\''s'`);
    assert.equal(quote('', [mark]), "''");
  });

  it('never splits a character: a secret that is half a surrogate pair is not found inside the pair', () => {
    // U+5BA40 is \uD92E\uDE40; its UTF-8 bytes (what is sent) hold nothing of a lone \uDE40.
    const req = request({ url: 'https://h/x?\u{5BA40}&\uDE40', secrets: [{ variable: 'HALF', value: '\uDE40' }] });
    const [result] = runInBash([{ command: toCurl(req), variables: variablesOf(req.secrets) }]);
    assert.deepEqual(result.calls, [expectedArgv(req)]);
  });

  it('refuses a NUL byte, which no shell argument can carry', () => {
    for (const fields of [{ body: 'a\0b' }, { headers: [['x-a', 'a\0b']] as [string, string][] }, { url: 'https://h/\0' }]) {
      for (const includeSecrets of [true, false]) {
        assert.throws(() => toCurl(request(fields), { includeSecrets }), (e: unknown) => e instanceof FlowError && e.code === 'CURL_NUL_BYTE' && /NUL byte/.test(e.message) && /\\0/.test(e.hint));
      }
    }
  });

  it('refuses a variable name the shell would read as code', () => {
    for (const variable of ['X}$(echo INJECTED)', 'a;echo INJECTED;b', '1X']) {
      const req = request({ url: 'https://h/x?s', secrets: [{ variable, value: 's' }] });
      assert.throws(() => toCurl(req), /not a shell variable name/, variable);
    }
  });
});
