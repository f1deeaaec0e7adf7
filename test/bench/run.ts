/** `npm run bench`: every benchmark, each reporting ratios against a baseline measured in the same run. */
import { benchActivation } from './activation';
import { benchFlow } from './flow';
import { benchJwt } from './jwt';

async function main(): Promise<void> {
  benchActivation();
  console.log('');
  benchJwt();
  console.log('');
  await benchFlow();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
