/**
 * The `auth-flow` executable (dist/cli.js loads this): runs `main` and leaves the exit code for Node to
 * use once nothing is pending, so everything written to stdout is flushed first.
 */
import { setFlagsFromString } from 'node:v8';
import { main } from './main';

// undici parses HTTP with llhttp compiled to WebAssembly. V8 recompiles its hot functions with its
// optimising tier on background threads, and Node waits for those jobs before exiting: 100 ms or more
// after the run was printed, longer on a busy machine. The baseline tier parses the few kilobytes of a
// flow just as well, so a short-lived process stays on it. The flag must be set before the first request.
setFlagsFromString('--liftoff-only');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
