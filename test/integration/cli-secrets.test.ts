/**
 * Secrets stay out of every output, even when the server quotes them back. A small loopback server
 * plays a PingOne environment far enough to reach the failing call, then answers with an error that
 * echoes what it received: the token request's body and Authorization header (an RFC 6749 §5.2
 * `invalid_request`), or the password sent to the flow action (a platform error). The built CLI
 * (text and --json) and the engine's log must show none of the password, client secret,
 * base64(client:secret) or code_verifier, in any encoding they travelled in.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Run } from '../../src/core/model';
import type { ClientAuthMethod, Profile } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import { runCli, type CliResult } from '../support/cli';


const CLIENT_ID = 'echo-app';
const USERNAME = 'echo.user';
// Characters that JSON, form and percent encoding each write differently, so a secret is looked for
// in every shape it can take on the wire or in an echo.
const PASSWORD = 'Pa"ss\\wörd 1!(x)';
const CLIENT_SECRET = "s3cr+t/=!'(x) y~ü";
const SESSION = `st-${randomBytes(12).toString('base64url')}`;

type Mode = 'token' | 'flow';

interface EchoServer {
  url: string;
  /** What the client sent that the test cannot know in advance. */
  received: { codeChallenge?: string; codeVerifier?: string; authorization?: string };
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/**
 * Authorize (pi.flow) → usernamePassword.check → resume (302 with code and state) → token. In `flow`
 * mode the action fails with a platform error quoting the body and the password; in `token` mode the
 * token endpoint fails with an OAuth error quoting the body and the Authorization header.
 */
async function echoServer(mode: Mode): Promise<EchoServer> {
  const received: EchoServer['received'] = {};
  let state = '';
  let redirectUri = '';
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    };
    const base = `http://${req.headers.host}/env`;
    if (url.pathname === '/env/as/authorize') {
      state = url.searchParams.get('state') ?? '';
      received.codeChallenge = url.searchParams.get('code_challenge') ?? undefined;
      redirectUri = url.searchParams.get('redirect_uri') ?? '';
      // The session cookie also rides in the action's link, as servers with URL sessions (jsessionid) do.
      json(
        200,
        { id: 'flow-1', status: 'USERNAME_PASSWORD_REQUIRED', _links: { 'usernamePassword.check': { href: `${base}/flows/flow-1?st=${SESSION}` } } },
        { 'set-cookie': `ST=${SESSION}; Path=/env; HttpOnly` },
      );
    } else if (url.pathname === '/env/flows/flow-1' && req.method === 'POST') {
      if (mode === 'token') return json(200, { id: 'flow-1', status: 'COMPLETED', resumeUrl: `${base}/as/resume?flowId=flow-1` });
      const { password } = JSON.parse(body) as { password: string };
      json(400, {
        id: 'e-1',
        code: 'INVALID_DATA',
        message: `The request could not be completed. Received: ${body}`,
        details: [{ code: 'INVALID_VALUE', target: 'password', message: `The password ${password} is not accepted` }],
      });
    } else if (url.pathname === '/env/as/resume') {
      res.writeHead(302, { location: `${redirectUri}?code=code-1&state=${encodeURIComponent(state)}` }).end();
    } else if (url.pathname === '/env/as/token') {
      received.codeVerifier = new URLSearchParams(body).get('code_verifier') ?? undefined;
      received.authorization = req.headers.authorization;
      json(400, { error: 'invalid_request', error_description: `bad body: ${body}; Authorization: ${req.headers.authorization ?? 'none'}` });
    } else {
      json(404, { id: 'e-2', code: 'NOT_FOUND', message: `No route ${url.pathname}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function profileFor(server: EchoServer, clientAuthMethod: ClientAuthMethod): Omit<Profile, 'id' | 'name'> {
  return {
    region: 'custom',
    authPath: server.url,
    envId: 'env',
    clientId: CLIENT_ID,
    redirectUri: 'http://127.0.0.1/callback',
    scopes: ['openid'],
    clientAuthMethod,
    authorizeMethod: 'GET',
    responseMode: 'pi.flow',
    pkce: true,
  };
}

/** Every shape a value takes in JSON text, form bodies, query strings and Basic credentials. */
function shapes(value: string): string[] {
  const form = new URLSearchParams([['', value]]).toString().slice(1);
  return [value, JSON.stringify(value).slice(1, -1), form, encodeURIComponent(value)];
}

/** Fails naming the secret and the shape found, never printing the output around it (it would hold more). */
function assertNoSecrets(output: string, server: EchoServer, where: string): void {
  const basic = server.received.authorization?.replace(/^Basic /, '');
  const secrets: Record<string, string[]> = {
    password: shapes(PASSWORD),
    'client secret': shapes(CLIENT_SECRET),
    'base64(client:secret)': [Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'), ...(basic ? [basic] : [])],
    code_verifier: server.received.codeVerifier ? [server.received.codeVerifier] : [],
    'session cookie': [SESSION],
  };
  for (const [name, values] of Object.entries(secrets)) {
    for (const value of values) assert.ok(!output.includes(value), `${where} shows the ${name} (as ${JSON.stringify(value)})`);
  }
  // The verifier may show before the token request sends it (a run failing at sign-on): look for any
  // word whose S256 hash is the challenge the authorize request carried (RFC 7636 §4.2).
  const challenge = server.received.codeChallenge;
  assert.ok(challenge, 'the authorize request carried a code_challenge');
  for (const word of output.match(/[A-Za-z0-9._~-]{43,128}/g) ?? []) {
    assert.notEqual(createHash('sha256').update(word).digest('base64url'), challenge, `${where} shows the code_verifier`);
  }
}

/** Every string in a parsed JSON value, one per line, so JSON escaping does not hide a secret from the check. */
function strings(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(strings).join('\n');
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}\n${strings(v)}`).join('\n');
  return String(value);
}

function cli(server: EchoServer, method: ClientAuthMethod, flags: string[]): Promise<CliResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'afe-secrets-')), 'profile.json');
  writeFileSync(file, JSON.stringify(profileFor(server, method)));
  return runCli(['run', '--profile', file, ...flags], { AUTH_FLOW_CLIENT_SECRET: CLIENT_SECRET, AUTH_FLOW_USERNAME: USERNAME, AUTH_FLOW_PASSWORD: PASSWORD });
}

describe('secrets echoed back by the server', function () {
  this.timeout(30_000);

  const cases: { mode: Mode; method: ClientAuthMethod; failedStep: RegExp }[] = [
    { mode: 'token', method: 'client_secret_basic', failedStep: /✘ \d+\. Token/ },
    { mode: 'token', method: 'client_secret_post', failedStep: /✘ \d+\. Token/ },
    { mode: 'flow', method: 'client_secret_basic', failedStep: /✘ \d+\. Sign on \(usernamePassword\.check\)/ },
  ];

  for (const { mode, method, failedStep } of cases) {
    describe(`${mode === 'token' ? 'token endpoint quoting body and Authorization' : 'flow action quoting the password'} (${method})`, () => {
      let server: EchoServer;
      beforeEach(async () => {
        server = await echoServer(mode);
      });
      afterEach(() => server.close());

      it('text mode shows the failure with $VARIABLEs, and cURL with shell references', async () => {
        const { code, stdout, stderr } = await cli(server, method, []);
        assert.equal(code, 1);
        assert.match(stdout, failedStep);
        if (mode === 'token') {
          assert.ok(server.received.codeVerifier, 'the token request was made');
          assert.match(stdout, /invalid_request: bad body: .*code_verifier=\$CODE_VERIFIER/);
          assert.match(stdout, method === 'client_secret_basic' ? /Authorization: Basic \$BASIC_CREDENTIALS/ : /client_secret=\$CLIENT_SECRET/);
          assert.match(stdout, /code_verifier='"\$CODE_VERIFIER"/, 'cURL keeps a shell reference for the verifier');
        } else {
          assert.match(stdout, /The password \$PASSWORD is not accepted/);
        }
        assertNoSecrets(stdout, server, 'stdout');
        assertNoSecrets(stderr, server, 'stderr');
      });

      it('--json redacts the same run the same way', async () => {
        const { code, stdout, stderr } = await cli(server, method, ['--json']);
        assert.equal(code, 1);
        const run = JSON.parse(stdout) as Run;
        assert.equal(run.status, 'failed');
        assert.match(run.error?.message ?? '', mode === 'token' ? /\$CODE_VERIFIER/ : /\$PASSWORD/);
        assertNoSecrets(strings(run), server, '--json');
        assertNoSecrets(stderr, server, 'stderr');
      });
    });
  }

  it('--include-secrets shows them, and says so', async () => {
    const server = await echoServer('token');
    try {
      const text = await cli(server, 'client_secret_basic', ['--include-secrets']);
      assert.ok(server.received.codeVerifier && text.stdout.includes(server.received.codeVerifier), 'the verifier is shown');
      assert.ok(text.stdout.includes(server.received.authorization ?? '-'), 'the Basic credentials are shown');
      assert.match(text.stdout, /secrets .*in clear/i);
      const json = await cli(server, 'client_secret_basic', ['--json', '--include-secrets']);
      assert.ok(server.received.codeVerifier && strings(JSON.parse(json.stdout)).includes(server.received.codeVerifier));
      assert.match(json.stderr, /secrets .*in clear/i);
    } finally {
      await server.close();
    }
  });

  it("the engine's log lines (the extension's Output channel) carry no secret", async () => {
    for (const mode of ['token', 'flow'] as const) {
      const server = await echoServer(mode);
      try {
        const lines: string[] = [];
        const run = await runFlow({
          profile: { id: 'echo', name: 'Echo', ...profileFor(server, 'client_secret_post') },
          secrets: { clientSecret: CLIENT_SECRET, username: USERNAME, password: PASSWORD },
          log: (line) => lines.push(line),
        });
        assert.equal(run.status, 'failed');
        assert.match(lines.join('\n'), /^← 400 /m, `the failing answer is logged (${run.error?.code})`);
        assertNoSecrets(lines.join('\n'), server, `log (${mode})`);
      } finally {
        await server.close();
      }
    }
  });
});
