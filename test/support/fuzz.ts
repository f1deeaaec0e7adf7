/**
 * Seeded fuzzing for the parsers: fast-check properties run 10,000 times from one seed, so a run is
 * repeatable and a failure prints the seed and the shrunk input that reproduces it. Inputs are either
 * random or mutated from valid samples (a character changed, inserted or dropped, a slice repeated),
 * which reaches the deep branches random text never gets past.
 *
 *   FUZZ_SEED=123 npx mocha test/unit/fuzz-….test.ts   replays one seed
 *   FUZZ_RUNS=100000 …                                  searches longer
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FlowError, toStepError } from '../../src/core/errors';

/** One seed for the whole suite unless FUZZ_SEED names another. */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261130;
export const FUZZ_RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 10_000;

/** Checks `property` on FUZZ_RUNS inputs; on failure the thrown error names the seed, the path and the input. */
export function fuzz<T>(input: fc.Arbitrary<T>, property: (value: T) => void): void {
  fc.assert(fc.property(input, property), { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true });
}

/** The async form of {@link fuzz}, for properties that await (signature verification, a server). */
export async function fuzzAsync<T>(input: fc.Arbitrary<T>, property: (value: T) => Promise<void>, numRuns = FUZZ_RUNS): Promise<void> {
  await fc.assert(fc.asyncProperty(input, property), { seed: FUZZ_SEED, numRuns, endOnFailure: true });
}

type Edit = { at: number; kind: 'replace' | 'insert' | 'delete' | 'repeat'; text: string; length: number };

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'insert', 'delete', 'repeat'),
  // Characters parsers trip on: delimiters, quotes, controls, surrogates (lone ones included), and plain text.
  text: fc.oneof(fc.string({ maxLength: 4, unit: 'binary' }), fc.constantFrom('.', '"', "'", '{', '}', '[', ']', '%', '\\', '\n', '\r', '\0', '\uD800', '\uDFFF', '=', '&', '?', '#', ':', '/', ';', '$', '`')),
  length: fc.integer({ min: 1, max: 8 }),
});

function applyEdit(text: string, { at, kind, text: piece, length }: Edit): string {
  const i = text.length ? at % (text.length + 1) : 0;
  switch (kind) {
    case 'replace':
      return text.slice(0, i) + piece + text.slice(i + piece.length);
    case 'insert':
      return text.slice(0, i) + piece + text.slice(i);
    case 'delete':
      return text.slice(0, i) + text.slice(i + length);
    case 'repeat':
      return text.slice(0, i) + text.slice(i, i + length).repeat(3) + text.slice(i);
  }
}

/** A valid sample with one to eight random edits applied. */
export function mutated(samples: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...samples), fc.array(edit, { minLength: 1, maxLength: 8 }))
    .map(([sample, edits]) => edits.reduce(applyEdit, sample));
}

/** Half random text (any code units, lone surrogates included), half mutated samples. */
export function textInputs(samples: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.string({ maxLength: 60, unit: fc.constantFrom(...'eyJ.-_=&?#%{}[]":,/') }), mutated(samples));
}

/** Any JSON value, or a valid JSON sample mutated at the value level (a field's type changed, removed or added). */
export function jsonInputs(samples: readonly unknown[]): fc.Arbitrary<unknown> {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const reshaped = fc.tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), anyJson, fc.boolean()), { minLength: 1, maxLength: 4 })).map(([sample, changes]) => {
    const copy = structuredClone(sample);
    for (const [index, value, remove] of changes) reshape(copy, index, value, remove);
    return copy;
  });
  return fc.oneof(anyJson, reshaped);
}

/** Replaces (or removes) the n-th field found walking the object, so nested fields get changed too. */
function reshape(root: unknown, index: number, value: unknown, remove: boolean): void {
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, i) => (slots.push([node, i]), walk(child)));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) slots.push([node as Record<string, unknown>, key]), walk(child);
  };
  walk(root);
  if (!slots.length) return;
  const [parent, key] = slots[index % slots.length];
  if (remove && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string | number, unknown>)[key] = value;
}

/** Runs `read`; a thrown value must be a FlowError whose step error is not INTERNAL. Returns what `read` returned. */
export function readsOrFailsClearly<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof FlowError)) throw error;
    assert.notEqual(toStepError(error).code, 'INTERNAL');
    return undefined;
  }
}
