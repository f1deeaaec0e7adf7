/**
 * Heap growth per run over 1,000 runs in one process, as the extension host or `run --repeat` runs
 * flows back to back: a child process with --expose-gc runs the engine against the sandbox (in its own
 * process) 200 times to warm up, collects garbage, then 1,000 more. What stays is retained per run.
 * Optimised code V8 keeps replacing after warm-up counts too: a few hundred bytes per run is that
 * churn, not data. HEAP_FLAGS="--no-opt --no-sparkplug --no-maglev" runs the child without the
 * optimising tiers to tell them apart: the heap then stays flat or shrinks.
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
    const [{ before, after }] = (await once(child, 'message')) as [{ before: number; after: number }];
    await once(child, 'exit');
    const perRun = (after - before) / runs;
    console.log(`heap over ${runs} runs in one process (after 200 to warm up, --expose-gc)`);
    console.log(`  heap used ${(before / 1024 / 1024).toFixed(2)} MB → ${(after / 1024 / 1024).toFixed(2)} MB: ${perRun.toFixed(0)} bytes per run`);
    return [{ name: `heap growth per run (${runs} runs)`, value: perRun, unit: 'B/run', target: '≤ 512 B/run', ok: perRun <= 512 }];
  } finally {
    sandbox.disconnect();
    await once(sandbox, 'exit');
  }
}
