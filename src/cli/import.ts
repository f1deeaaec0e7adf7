/**
 * `auth-flow import FILE`: a Postman environment export as a profile. The profile goes to stdout, ready
 * for `auth-flow run --profile`; what each variable became and why the others were left out goes to
 * stderr. A client secret in the file is never printed: stderr says it was found and how to pass it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FlowError } from '../core/errors';
import { importPostmanEnvironment, importReport } from '../core/postman-import';
import { UsageError } from './usage';

/** Exit code for a file that cannot be imported, as for any bad input. */
const BAD_INPUT = 2;

export function importCommand(args: string[]): number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('import needs one FILE: a Postman environment export (.json).');
  const [file] = positionals;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`Cannot read ${file}: ${(error as Error).message}\n`);
    return BAD_INPUT;
  }
  let result;
  try {
    // The id is the extension's concern; `run --profile` gives a file's profile one of its own.
    result = importPostmanEnvironment(text, 'cli');
  } catch (error) {
    if (!(error instanceof FlowError)) throw error;
    process.stderr.write(`${file}: ${error.message} ${error.hint}\n`);
    return BAD_INPUT;
  }
  const { id: _id, ...profile } = result.profile;
  process.stdout.write(`${JSON.stringify(profile, null, 2)}\n`);

  const secretVariable = result.mapped.find((m) => m.target === 'clientSecret')?.variable;
  process.stderr.write(
    [
      `Imported "${profile.name}" from ${file}.`,
      importReport(result),
      ...(secretVariable === undefined
        ? []
        : [`The file holds a client secret (${JSON.stringify(secretVariable)}); it is not printed. Pass it to run as AUTH_FLOW_CLIENT_SECRET (or --client-secret).`]),
      '',
    ].join('\n'),
  );
  return 0;
}
