/**
 * The engine's full flow against the same requests made by a minimal raw undici sequence, against one
 * sandbox, interleaved in one process (alternating which goes first), so both see the same machine
 * state. The sandbox runs in a child process, as a real server would be elsewhere: otherwise its
 * work and the client's share one thread and the comparison measures the sandbox as much as the client.
 * Prints medians and the engine/raw ratio.
 *
 * The raw flow does what any correct OpenID Connect client must, and no more: the same eight requests
 * (discovery, authorize, flow status, sign-on, resume, token, JWKS, userinfo) on a fresh connection
 * pool, the cookies carried by hand, `state` checked on the redirect (RFC 6749 §10.12), and the ID
 * token verified with jose — signature against the JWKS, iss, aud, exp and nonce (OIDC Core §3.1.3.7),
 * the key set kept between flows as the engine keeps it. What the engine does on top is the product:
 * every exchange recorded with its raw head and timings, secrets marked for redaction, each token
 * decoded and every JWT (the access token too) checked claim by claim, the steps' facts and checks.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { Agent, request } from 'undici';
import { runFlow } from '../../src/core/run';
import { pingOneEndpoints } from '../../src/core/pingone/endpoints';
import type { Profile, Secrets } from '../../src/core/profile';
import { createPkce, randomValue } from '../../src/core/oauth/pkce';
import type { BenchResult } from './result';

/** The JWKS's key set, made again only when the JWKS changes (as src/core/oauth/jwt.ts keeps it). */
let keySet: { text: string; keys: ReturnType<typeof createLocalJWKSet> } | undefined;
function keysOf(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  const text = JSON.stringify(jwks);
  if (keySet?.text !== text) keySet = { text, keys: createLocalJWKSet(jwks) };
  return keySet.keys;
}

/** The flow with nothing but undici and jose: no recording, only the checks a client must make, cookies and parameters by hand. */
async function rawFlow(profile: Profile, secrets: Secrets, agent: Agent): Promise<void> {
  const e = pingOneEndpoints(profile);
  const state = randomValue();
  const nonce = randomValue();
  const pkce = createPkce();
  const query = new URLSearchParams({
    response_type: 'code', client_id: profile.clientId, redirect_uri: profile.redirectUri, scope: profile.scopes.join(' '),
    state, nonce, code_challenge: pkce.challenge, code_challenge_method: 'S256',
  });
  const cookies = new Map<string, string>();
  const keep = (headers: Record<string, string | string[] | undefined>) => {
    for (const c of [headers['set-cookie'] ?? []].flat()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');

  // Discovery first, as every engine run begins: the document read, not used (PingOne's paths are known).
  const discovery = await request(e.discovery, { dispatcher: agent, headers: { accept: 'application/json' } });
  await discovery.body.json();
  const authorize = await request(`${e.authorize}?${query}`, { dispatcher: agent });
  await authorize.body.dump();
  keep(authorize.headers);
  const flowId = new URL(String(authorize.headers.location)).searchParams.get('flowId') ?? '';
  const status = await request(`${e.flows}/${flowId}`, { dispatcher: agent, headers: { cookie: cookie() } });
  await status.body.json();
  const check = await request(`${e.flows}/${flowId}`, {
    dispatcher: agent, method: 'POST',
    headers: { cookie: cookie(), 'content-type': 'application/vnd.pingidentity.usernamePassword.check+json' },
    body: JSON.stringify({ username: secrets.username, password: secrets.password }),
  });
  await check.body.json();
  keep(check.headers);
  const resume = await request(`${e.resume}?flowId=${flowId}`, { dispatcher: agent, headers: { cookie: cookie() } });
  await resume.body.dump();
  const redirect = new URL(String(resume.headers.location)).searchParams;
  if (redirect.get('state') !== state) throw new Error('state does not match');
  const code = redirect.get('code') ?? '';
  const token = await request(e.token, {
    dispatcher: agent, method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${profile.clientId}:${secrets.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: profile.redirectUri, code_verifier: pkce.verifier }).toString(),
  });
  const tokens = (await token.body.json()) as { access_token: string; id_token: string };
  const jwks = await request(e.jwks, { dispatcher: agent });
  const { payload } = await jwtVerify(tokens.id_token, keysOf((await jwks.body.json()) as JSONWebKeySet), { issuer: e.issuer, audience: profile.clientId });
  if (payload.nonce !== nonce) throw new Error('nonce does not match');
  const userinfo = await request(e.userinfo, { dispatcher: agent, headers: { authorization: `Bearer ${tokens.access_token}` } });
  const claims = (await userinfo.body.json()) as { sub?: string };
  if (!claims.sub) throw new Error('raw flow did not complete');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export async function benchFlow(iterations = Number(process.env.BENCH_ITERATIONS ?? 100)): Promise<BenchResult[]> {
  const child = fork(require.resolve('./sandbox-process.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const [{ profile, secrets }] = (await once(child, 'message')) as [{ profile: Profile; secrets: Secrets }];
    const engine = async () => {
      const run = await runFlow({ profile, secrets });
      if (run.status !== 'succeeded') throw new Error(`engine run ${run.status}: ${run.error?.message}`);
    };
    // Each raw flow gets its own pool, as each engine run does: both pay for their connections.
    const raw = async () => {
      const agent = new Agent();
      try {
        await rawFlow(profile, secrets, agent);
      } finally {
        await agent.close();
      }
    };
    for (let i = 0; i < 20; i++) {
      await engine();
      await raw();
    }
    const times = { engine: [] as number[], raw: [] as number[] };
    for (let i = 0; i < iterations; i++) {
      const order: ['engine' | 'raw', () => Promise<void>][] = i % 2 ? [['engine', engine], ['raw', raw]] : [['raw', raw], ['engine', engine]];
      for (const [name, fn] of order) {
        const start = performance.now();
        await fn();
        times[name].push(performance.now() - start);
      }
    }
    const engineMs = median(times.engine);
    const rawMs = median(times.raw);
    console.log(`flow (discovery → authorize → flow → sign-on → resume → token → jwks → userinfo), ${iterations} interleaved pairs`);
    console.log(`  engine  median ${engineMs.toFixed(2)} ms`);
    console.log(`  raw     median ${rawMs.toFixed(2)} ms`);
    console.log(`  ratio   engine/raw = ${(engineMs / rawMs).toFixed(3)}×  (target ≤ 1.05×)`);
    return [{ name: 'engine / raw undici (one flow)', value: engineMs / rawMs, unit: '×', target: '≤ 1.05×', ok: engineMs / rawMs <= 1.05 }];
  } finally {
    child.disconnect();
    await once(child, 'exit');
  }
}
