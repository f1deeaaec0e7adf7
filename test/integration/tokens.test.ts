/**
 * The tokens a token endpoint returns, end to end: a small loopback authorization server answers the
 * PingOne paths the engine calls (authorize in pi.flow mode with a COMPLETED flow, resume, token, JWKS)
 * and returns whatever tokens a test hands it, so a run meets an ID token that is not a JWT, one with
 * an impossible time, one signed with an unknown alg. And `auth-flow decode` as a process: exit codes
 * and the size cap on what it reads (the built dist/cli.js, as cli.test.ts runs it: `npm run build` first).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JSONWebKeySet } from 'jose';
import { MAX_TOKEN_TEXT, tokenHash } from '../../src/core/oauth/jwt';
import type { Run, Step } from '../../src/core/model';
import type { Profile } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import { runCli } from '../support/cli';

const ENV_ID = '3f0c6a1e-2b4d-4e8f-9a7c-5d1e0b2c4a6f';
const CLIENT_ID = 'token-test-app';
const REDIRECT_URI = 'https://app.example.test/callback';

/** What the token endpoint answers, given the nonce the authorize request carried. */
type TokenAnswer = (nonce: string) => Promise<Record<string, unknown>>;

interface TokenServer {
  authPath: string;
  issuer: string;
  /** Signs claims as the server's RS256 key k1. */
  sign(claims: Record<string, unknown>): Promise<string>;
  answer: TokenAnswer;
  close(): Promise<void>;
}

async function startTokenServer(): Promise<TokenServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  let authorized = { state: '', nonce: '' };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    for await (const _chunk of req); // the token request's body is not looked at
    const path = url.pathname.replace(`/${ENV_ID}/as`, '');
    if (path === '/authorize') {
      authorized = { state: url.searchParams.get('state') ?? '', nonce: url.searchParams.get('nonce') ?? '' };
      json(200, { id: 'flow-1', status: 'COMPLETED' });
    } else if (path === '/resume') {
      res.writeHead(302, { location: `${REDIRECT_URI}?code=code-1&state=${authorized.state}` }).end();
    } else if (path === '/token') {
      json(200, { token_type: 'Bearer', expires_in: 3600, ...(await tokens.answer(authorized.nonce)) });
    } else if (path === '/jwks') {
      json(200, jwks);
    } else {
      json(404, { error: 'not_found' });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const authPath = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens: TokenServer = {
    authPath,
    issuer: `${authPath}/${ENV_ID}/as`,
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey as CryptoKey),
    answer: async () => ({ access_token: 'opaque-access-token' }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return tokens;
}

let server: TokenServer;
before(async () => {
  server = await startTokenServer();
});
after(() => server?.close());

const profile = (): Profile => ({
  id: 'tokens',
  name: 'Token endpoint under test',
  region: 'custom',
  authPath: server.authPath,
  envId: ENV_ID,
  clientId: CLIENT_ID,
  redirectUri: REDIRECT_URI,
  scopes: ['openid'],
  clientAuthMethod: 'none',
  authorizeMethod: 'GET',
  responseMode: 'pi.flow',
  pkce: true,
  userinfo: false,
});

function idClaims(nonce: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: server.issuer, aud: CLIENT_ID, sub: 'user-1', iat: now, exp: now + 3600, nonce, ...overrides };
}

function tokenStep(run: Run): Step {
  const step = run.steps.find((s) => s.kind === 'token');
  assert.ok(step, `a token step ran: ${JSON.stringify(run.steps.map((s) => s.error ?? s.kind))}`);
  return step;
}

/** Replaces the header of a signed token, keeping its payload and signature. */
function withHeader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
}

describe('token step: every token the endpoint returns is read, or the step says why not', () => {
  it('succeeds with a good ID token and opaque access and refresh tokens (the harness itself works)', async () => {
    server.answer = async (nonce) => ({ access_token: 'opaque-access-token', refresh_token: 'opaque.refresh', id_token: await server.sign(idClaims(nonce)) });
    const run = await runFlow({ profile: profile(), secrets: {} });
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.deepEqual(tokenStep(run).tokens.map((t) => [t.kind, t.verified]), [['id_token', true]]);
  });

  it('fails the step when the id_token is not a JWT, saying why it cannot be read', async () => {
    for (const idToken of ['not-a-jwt', 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', '']) {
      server.answer = async () => ({ access_token: 'opaque-access-token', id_token: idToken });
      const run = await runFlow({ profile: profile(), secrets: {} });
      const step = tokenStep(run);
      assert.equal(run.status, 'failed', `id_token ${JSON.stringify(idToken)}`);
      assert.equal(step.status, 'failed');
      assert.equal(step.error?.code, 'CHECK_FAILED');
      assert.match(step.error?.message ?? '', /^id_token: Decode check failed: .*(three parts|payload)/);
      assert.match(step.error?.hint ?? '', /not a JWT/);
      assert.deepEqual(step.tokens.map((t) => t.kind), [], 'nothing undecodable is shown as a token');
    }
  });

  it('fails the step on an ID token whose time is out of range, naming the claim and value', async () => {
    server.answer = async (nonce) => ({ access_token: 'opaque-access-token', id_token: await server.sign(idClaims(nonce, { exp: 1e13 })) });
    const run = await runFlow({ profile: profile(), secrets: {} });
    const step = tokenStep(run);
    assert.equal(step.status, 'failed');
    assert.match(step.error?.message ?? '', /^id_token: exp check failed: exp is 10000000000000, out of range for a date/);
    assert.match(step.error?.hint ?? '', /not a usable date/, 'not the clock-skew hint: no clock is that far off');
    const idToken = step.tokens.find((t) => t.kind === 'id_token');
    assert.equal(idToken?.payload.sub, 'user-1', 'still shown decoded');
    assert.deepEqual(idToken?.times.find((t) => t.claim === 'exp'), { claim: 'exp', value: 1e13, iso: 'not a date', relative: 'out of range' });
  });

  it('fails Signature and at_hash on an unknown alg instead of reporting a bug', async () => {
    const accessToken = 'opaque-access-token';
    server.answer = async (nonce) => {
      const signed = await server.sign(idClaims(nonce, { at_hash: tokenHash(accessToken, 'RS256') }));
      return { access_token: accessToken, id_token: withHeader(signed, { alg: 'RS999', kid: 'k1' }) };
    };
    const run = await runFlow({ profile: profile(), secrets: {} });
    const step = tokenStep(run);
    assert.equal(step.status, 'failed');
    assert.notEqual(step.error?.code, 'INTERNAL', step.error?.message);
    assert.match(step.error?.message ?? '', /^id_token: Signature check failed: alg "RS999" is not supported/);
    const failed = step.checks.filter((c) => c.status === 'failed').map((c) => c.name);
    assert.deepEqual(failed, ['id_token: Signature', 'id_token: at_hash']);
  });

  it('fails on an access token shaped like a JWT that does not decode; opaque and broken refresh tokens pass', async () => {
    server.answer = async (nonce) => ({ access_token: 'eyJub3Q.eyJub3Q.c2ln', id_token: await server.sign(idClaims(nonce)) });
    const run = await runFlow({ profile: profile(), secrets: {} });
    const step = tokenStep(run);
    assert.equal(step.status, 'failed');
    assert.match(step.error?.message ?? '', /^access_token: Decode check failed: .*header/);
    assert.equal(step.tokens.find((t) => t.kind === 'id_token')?.verified, true, 'the ID token is still verified and shown');

    // Refresh tokens are the server's own business: decoded when they can be, never a reason to fail.
    server.answer = async (nonce) => ({ access_token: 'opaque-access-token', refresh_token: 'eyJub3Q.eyJub3Q.c2ln', id_token: await server.sign(idClaims(nonce)) });
    const refreshed = await runFlow({ profile: profile(), secrets: {} });
    assert.equal(refreshed.status, 'succeeded', JSON.stringify(refreshed.error));
  });
});

describe('auth-flow decode, as a process', function () {
  this.timeout(60_000);
  const decode = (args: string[], stdin = '') => runCli(['decode', ...args], {}, stdin);

  it('exits 2 with a one-line reason when no token is given', async () => {
    for (const [args, reason] of [
      [[], /^decode needs a token/],
      [['   '], /^decode needs a token/],
      [['-'], /^decode read nothing from standard input/],
      [['eyJa.eyJb.c', 'eyJd.eyJe.f'], /^decode takes one token; got 2/],
    ] as const) {
      const { code, stderr } = await decode([...args]);
      assert.equal(code, 2, `${JSON.stringify(args)}: ${stderr}`);
      assert.match(stderr.split('\n')[0], reason);
      assert.match(stderr, /Usage:/);
    }
  });

  it('exits 1 for a JWKS it cannot fetch, and for input with no token', async () => {
    const token = await server.sign(idClaims('n'));
    const unreachable = await decode([token, '--jwks', 'http://127.0.0.1:9/jwks']);
    assert.equal(unreachable.code, 1, unreachable.stderr);
    const none = await decode(['not-a-token']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No JWT found/);
  });

  it('reads long base64url runs from standard input in one pass, and refuses input over the cap', async () => {
    // Quadratic for the old pattern: minutes at this size.
    const pathological = await decode(['-'], `eyJ${'a'.repeat(400_000)}`);
    assert.equal(pathological.code, 1);
    assert.match(pathological.stderr, /No JWT found/);

    const token = await server.sign(idClaims('n', { groups: 'g'.repeat(200_000) }));
    const large = await decode(['-'], `{"id_token": "${token}"}`);
    assert.equal(large.code, 0, large.stderr);
    assert.equal(JSON.parse(large.stdout).payload.groups.length, 200_000);

    const tooLong = await decode(['-'], `${token}${' '.repeat(MAX_TOKEN_TEXT)}`);
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, new RegExp(`^The text is ${MAX_TOKEN_TEXT + token.length} characters long; a token is looked for in at most ${MAX_TOKEN_TEXT}\\.`));
  });
});
