/**
 * The CLI as a whole process, as users run it: `auth-flow run` against a sandbox started separately
 * (in its own process, as a real server would be elsewhere) and `auth-flow demo`, each against a bare
 * `node -e ''` (the floor any Node program pays), and against newman running the same steps: the
 * Postman collection the exporter writes from a run of the same profile. Interleaved, so all see the
 * same machine state; medians of wall-clock time from spawn to exit. The first round, not counted,
 * warms the file cache and writes the CLI's code cache (build/cli.cjs), as any earlier run would have.
 * Also the time from the run's last output to the process's exit: nothing (a kept-alive socket, a
 * timer, V8 background work) may hold the process once the run is printed.
 */
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRun } from '../../src/core/export/index';
import type { Profile, Secrets } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';
import type { BenchResult } from './result';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const NEWMAN = join(ROOT, 'node_modules/newman/bin/newman.js');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Wall-clock ms from spawning `node args` to its exit, and from its last output on stdout to its exit;
 * a non-zero exit fails the benchmark.
 */
function timed(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; tailMs: number }> {
  const started = performance.now();
  let lastOutput = started;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) => {
      const ended = performance.now();
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve({ ms: ended - started, tailMs: ended - lastOutput });
    });
    child.stdout?.on('data', () => (lastOutput = performance.now()));
  });
}

export async function benchCli(iterations = Number(process.env.BENCH_CLI_ITERATIONS ?? 9)): Promise<BenchResult[]> {
  const child = fork(require.resolve('./sandbox-process.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const [{ profile, secrets }] = (await once(child, 'message')) as [{ profile: Profile; secrets: Secrets }];
    const dir = mkdtempSync(join(tmpdir(), 'afe-bench-cli-'));
    const { id: _id, name: _name, ...file } = profile;
    const profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(file));
    // newman's steps: the collection exported from a run of the same profile, signing on again.
    const run = await runFlow({ profile, secrets });
    for (const exported of exportRun(run, join(dir, 'flow.postman_collection.json'))) writeFileSync(exported.path, exported.text);

    const env = { ...process.env, NO_COLOR: '1', AUTH_FLOW_CLIENT_SECRET: secrets.clientSecret, AUTH_FLOW_USERNAME: secrets.username, AUTH_FLOW_PASSWORD: secrets.password };
    const commands: Record<string, string[]> = {
      node: ['-e', ''],
      // Node's own teardown after printing: the floor for the run's last output → exit.
      print: ['-e', 'process.stdout.write(".")'],
      run: [CLI, 'run', '--profile', profileFile],
      demo: [CLI, 'demo'],
      newman: [
        NEWMAN, 'run', join(dir, 'flow.postman_collection.json'), '-e', join(dir, 'flow.postman_environment.json'),
        '--env-var', `clientSecret=${secrets.clientSecret}`, '--env-var', `username=${secrets.username}`, '--env-var', `password=${secrets.password}`,
        '--silent',
      ],
    };
    const names = Object.keys(commands);
    const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    const tails: Record<string, number[]> = { run: [], print: [] };
    for (const name of names) await timed(commands[name], env); // warm the file cache and the CLI's code cache
    for (let i = 0; i < iterations; i++) {
      // Rotate the order, so no command always follows the same one.
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        const { ms, tailMs } = await timed(commands[name], env);
        times[name].push(ms);
        tails[name]?.push(tailMs);
      }
    }
    const ms = Object.fromEntries(names.map((name) => [name, median(times[name])]));
    console.log(`CLI as a whole process (spawn to exit), ${iterations} interleaved rounds, medians`);
    for (const name of names) console.log(`  ${name.padEnd(7)} ${ms[name].toFixed(1)} ms  (node ${commands[name].map((a) => (a.startsWith(ROOT) ? a.slice(ROOT.length + 1) : a)).slice(0, 3).join(' ')}…)`);
    const tail = median(tails.run);
    const floor = median(tails.print);
    console.log(`  last output → exit: run ${tail.toFixed(1)} ms, node printing one byte ${floor.toFixed(1)} ms (medians)`);
    return [
      { name: 'CLI run / bare node', value: ms.run / ms.node, unit: '×', target: '≤ 2×', ok: ms.run / ms.node <= 2 },
      { name: 'CLI demo / bare node', value: ms.demo / ms.node, unit: '×', target: '≤ 2×', ok: ms.demo / ms.node <= 2 },
      { name: 'newman / CLI run (same steps)', value: ms.newman / ms.run, unit: '×', target: '≥ 5×', ok: ms.newman / ms.run >= 5 },
      { name: 'CLI run: last output → exit', value: tail, unit: 'ms', target: `≤ node's + 20 ms (${Math.round(floor + 20)})`, ok: tail <= floor + 20 },
    ];
  } finally {
    child.disconnect();
    await once(child, 'exit');
  }
}
