/**
 * The `auth-flow` executable's bundle (dist/cli.js loads it, see build/cli.cjs): runs `main` and leaves
 * the exit code for Node to use once nothing is pending, so everything written to stdout is flushed first.
 */
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
