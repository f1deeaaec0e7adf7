/**
 * `npm run bench`: every benchmark, each figure a ratio against a baseline measured in the same run
 * (or, for the heap, bytes per run), then a summary of them all next to their targets. A few minutes
 * on a two-core machine; speed is measured here, never asserted in tests.
 */
import { benchActivation } from './activation';
import { benchCli } from './cli';
import { benchFlow } from './flow';
import { benchHeap } from './heap';
import { benchJwt } from './jwt';
import { benchRender } from './render';
import { printSummary, type BenchResult } from './result';

async function main(): Promise<void> {
  const results: BenchResult[] = [];
  for (const bench of [benchActivation, benchJwt, benchCli, benchFlow, benchHeap, benchRender]) {
    results.push(...(await bench()));
    console.log('');
  }
  printSummary(results);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
