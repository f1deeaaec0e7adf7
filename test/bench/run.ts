/** `npm run bench`: every benchmark, each reporting ratios against a baseline measured in the same run. */
import { benchFlow } from './flow';

async function main(): Promise<void> {
  await benchFlow();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
