/**
 * Heap growth per run over 1,000 runs in one process, as the extension host or `run --repeat` runs
 * flows back to back: a child process with --expose-gc runs the engine against the sandbox (in its own
 * process) 200 times to warm up, collects garbage, then 1,000 more. What stays is retained per run.
 * The figure held to the target is the data (the heap less V8's code space); the code space is shown
 * beside it: V8 goes on optimising functions as they get hot, a few hundred bytes of code per run over
 * the first thousand, which is no run's data. HEAP_FLAGS="--no-opt --no-sparkplug --no-maglev" runs the
 * child without the optimising tiers: the code space then stays flat too.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { BenchResult } from './result';

export async function benchHeap(runs = Number(process.env.BENCH_HEAP_RUNS ?? 1000)): Promise<BenchResult[]> {
  const sandbox = fork(require.resolve('./sandbox-process.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const [target] = await once(sandbox, 'message');
    const child = fork(require.resolve('./heap-child.ts'), [String(runs)], { execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.HEAP_FLAGS ? process.env.HEAP_FLAGS.split(' ') : [])], stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    child.send(target);
    type Heap = { used: number; code: number };
    const [{ before, after }] = (await once(child, 'message')) as [{ before: Heap; after: Heap }];
    await once(child, 'exit');
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
    const perRun = (from: number, to: number) => (to - from) / runs;
    const data = perRun(before.used - before.code, after.used - after.code);
    const code = perRun(before.code, after.code);
    console.log(`heap over ${runs} runs in one process (after 200 to warm up, --expose-gc)`);
    console.log(`  heap used ${mb(before.used)} → ${mb(after.used)}: ${perRun(before.used, after.used).toFixed(0)} bytes per run`);
    console.log(`    data (heap less code space) ${mb(before.used - before.code)} → ${mb(after.used - after.code)}: ${data.toFixed(0)} bytes per run`);
    console.log(`    code space ${mb(before.code)} → ${mb(after.code)}: ${code.toFixed(0)} bytes per run (V8's optimised code)`);
    const used = perRun(before.used, after.used);
    return [
      { name: `heap growth per run (${runs} runs)`, value: used, unit: 'B/run', target: '≤ 512 B/run', ok: used <= 512 },
      { name: `heap data growth per run (${runs} runs)`, value: data, unit: 'B/run', target: '≤ 64 B/run', ok: data <= 64 },
    ];
  } finally {
    sandbox.disconnect();
    await once(sandbox, 'exit');
  }
}
