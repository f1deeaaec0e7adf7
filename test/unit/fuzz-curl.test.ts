/**
 * Fuzzes the cURL printer through a real bash: requests with shell-hostile text everywhere (quotes,
 * `$`, backticks, `\`, `!`, newlines, CR, line separators, escapes, unicode, lone surrogates) and
 * secrets marked inside it, each printed with and without secrets. bash, with `curl` a function that
 * writes its argv, must hand curl exactly what the request says, and the variables set to the secret
 * values must reproduce them. All commands run in one bash process (see test/support/curl-argv.ts);
 * FUZZ_SEED replays a failure.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { curlCommand } from '../../src/core/curl';
import type { CurlCommand } from '../../src/core/curl';
import { FlowError } from '../../src/core/errors';
import type { RecordedRequest } from '../../src/core/model';
import { expectedArgv, runInBash } from '../support/curl-argv';
import type { ShellCase, ShellResult } from '../support/curl-argv';
import { fuzz, mutated } from '../support/fuzz';

const HOSTILE = ["'", '"', '$', '`', '\\', '!', '\n', '\r', '\r\n', '\t', ' ', '#', ';', '&', '|', '(', ')', '<', '>', '*', '?', '~', '[', ']', '{', '}', '$(', '${', "'\\''", '\u2028', '\u0085', '\u001b[2K', '\u202e', 'é', '😀', '\uD800', '\uDFFF', '-', '%', '='];

const hostile = fc.oneof(
  fc.string({ maxLength: 24, unit: fc.constantFrom(...HOSTILE, 'a', 'Z', '0') }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  mutated(['Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig', '{"username":"ann","password":"p@ss"}', "client_secret=s3cr'et $HOME `x`", 'ST=abc; ST-NO-SS=abc']),
).map((text) => text.replace(/\0/g, ''));

const header = fc.tuple(fc.oneof(fc.constantFrom('accept', 'Content-Type', 'host', 'Content-Length', 'cookie', 'authorization'), hostile), hostile);

/** A secret is a slice of the request's own text, so the printer must find it inside other text. */
const slice = fc.record({ field: fc.nat(), start: fc.nat(), length: fc.integer({ min: 1, max: 16 }), describe: fc.option(hostile, { nil: undefined }) });

const requests = fc
  .record({
    method: fc.oneof(fc.constantFrom('GET', 'POST'), hostile),
    path: hostile,
    headers: fc.array(header, { maxLength: 5 }),
    body: fc.option(hostile, { nil: undefined }),
    slices: fc.array(slice, { maxLength: 4 }),
    insecure: fc.boolean(),
    // One request in twenty carries a NUL somewhere; every other field is NUL-free.
    nul: fc.oneof({ arbitrary: fc.constant(undefined), weight: 19 }, { arbitrary: fc.constantFrom(0, 1, 2), weight: 1 }),
  })
  .map(({ method, path, headers, body, slices, insecure, nul }) => {
    const request: RecordedRequest = { method, url: `https://auth.example.com/${path}`, headers, body, secrets: [] };
    const texts = [request.url, ...headers.flat(), ...(body === undefined ? [] : [body])];
    request.secrets = slices.map(({ field, start, length, describe }, i) => {
      const text = texts[field % texts.length];
      const from = start % (text.length + 1);
      return { variable: `SECRET_${i}`, value: text.slice(from, from + length) || 'absent', describe };
    });
    if (nul === 0) request.url += '\0';
    else if (nul === 1) headers.push(['x-nul', 'a\0b']);
    else if (nul === 2) request.body = `${body ?? ''}\0`;
    return { request, insecure };
  });

type Sample = { request: RecordedRequest; insecure: boolean };

const hasNul = ({ request: { method, url, headers, body } }: Sample) => [method, url, ...headers.flat(), body ?? ''].some((text) => text.includes('\0'));
/** The two printings of a sample and what bash handed curl for each. */
type Outcome = { redacted: CurlCommand; clear: ShellResult; expanded: ShellResult };

const print = ({ request, insecure }: Sample) => ({ clear: curlCommand(request, { insecure, includeSecrets: true }), redacted: curlCommand(request, { insecure }) });
const shellCases = ({ request }: Sample, { clear, redacted }: ReturnType<typeof print>): ShellCase[] => [
  { command: clear.text },
  // Only the variables the command says it reads: one it reads unsaid would expand empty.
  { command: redacted.text, variables: Object.fromEntries(request.secrets.filter((m) => redacted.variables.includes(m.variable)).map((m) => [m.variable, m.value])) },
];

/** Prints and runs samples; all of them in one bash. */
function outcomes(samples: Sample[]): Map<string, Outcome> {
  const printed = samples.map(print);
  const results = runInBash(samples.flatMap((sample, i) => shellCases(sample, printed[i])));
  const byKey = new Map<string, Outcome>();
  samples.forEach((sample, i) => {
    if (results.length >= 2 * i + 2) byKey.set(JSON.stringify(sample), { redacted: printed[i].redacted, clear: results[2 * i], expanded: results[2 * i + 1] });
  });
  return byKey;
}

/** deepEqual's report, after a cheap comparison (this runs 20,000 times). */
const same = (actual: unknown, expected: unknown, message: string) => JSON.stringify(actual) === JSON.stringify(expected) || assert.deepEqual(actual, expected, message);

describe('toCurl fuzzed through bash', () => {
  it('hands curl exactly the request, with secrets in clear and as variables, and refuses NUL', function () {
    this.timeout(60_000);
    // First pass: the inputs, in the order the seed produces them; then one bash runs every command.
    const samples: Sample[] = [];
    fuzz(requests, (sample) => void samples.push(sample));
    const known = outcomes(samples.filter((s) => !hasNul(s)));

    // Second pass, same seed, same inputs: check each one. Inputs fast-check shrinks to after a failure
    // are new, so they run in a bash of their own.
    fuzz(requests, (sample) => {
      const { request, insecure } = sample;
      if (hasNul(sample)) {
        for (const includeSecrets of [true, false]) {
          assert.throws(() => curlCommand(request, { insecure, includeSecrets }), (e: unknown) => e instanceof FlowError && e.code === 'CURL_NUL_BYTE');
        }
        return;
      }
      const key = JSON.stringify(sample);
      const { redacted, clear, expanded } = known.get(key) ?? outcomes([sample]).get(key)!;
      const expected = { calls: [expectedArgv(request, { insecure })], stray: '' };
      same(clear, expected, 'with secrets included');
      same(expanded, expected, 'with secrets as variables');

      if (redacted.variables.length) assert.doesNotMatch(redacted.text.split('\n')[0], /[\r\v\f\u0085\u2028\u2029\p{Cc}\p{Cf}\p{Cs}]/u, 'the comment stays one plain line');
    });
  });
});
