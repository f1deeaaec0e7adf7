/**
 * The measuring side of heap.ts: runs flows and reports, after warm-up and after `argv[2]` more runs,
 * the heap used and, within it, V8's code space (compiled and optimised code, not data).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import type { Profile, Secrets } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('heap-child needs --expose-gc');

function heap(): { used: number; code: number } {
  gc!();
  gc!();
  const code = getHeapSpaceStatistics()
    .filter((space) => space.space_name.startsWith('code_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
  return { used: process.memoryUsage().heapUsed, code };
}

process.once('message', async ({ profile, secrets }: { profile: Profile; secrets: Secrets }) => {
  const flow = async () => {
    const run = await runFlow({ profile, secrets });
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${run.error?.message}`);
  };
  for (let i = 0; i < 200; i++) await flow();
  const before = heap();
  for (let i = 0, runs = Number(process.argv[2]); i < runs; i++) await flow();
  process.send?.({ before, after: heap() }, () => process.disconnect());
});
