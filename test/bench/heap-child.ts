/** The measuring side of heap.ts: runs flows and reports heap used after warm-up and after `argv[2]` more runs. */
import type { Profile, Secrets } from '../../src/core/profile';
import { runFlow } from '../../src/core/run';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('heap-child needs --expose-gc');

function heapUsed(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

process.once('message', async ({ profile, secrets }: { profile: Profile; secrets: Secrets }) => {
  const flow = async () => {
    const run = await runFlow({ profile, secrets });
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${run.error?.message}`);
  };
  for (let i = 0; i < 200; i++) await flow();
  const before = heapUsed();
  for (let i = 0, runs = Number(process.argv[2]); i < runs; i++) await flow();
  process.send?.({ before, after: heapUsed() }, () => process.disconnect());
});
