/**
 * Finding a token in text: the worst input for a backtracking pattern (a long base64url run with no
 * dots) against a real token of the same length in JSON, through extractJwt (decode, Decode Selected
 * Token) and findJwtAt (the hover). A linear finder keeps the ratio near 1.
 */
import { extractJwt } from '../../src/core/oauth/jwt';
import { findJwtAt } from '../../src/extension/timeline/jwtText';
import type { BenchResult } from './result';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function time(fn: () => unknown, iterations = 21): number {
  const runs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    fn();
    runs.push(performance.now() - start);
  }
  return median(runs);
}

export function benchJwt(): BenchResult[] {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub: 'user-1', groups: 'g'.repeat(90_000) })}.${'s'.repeat(342)}`;
  const normal = `{"access_token": "${token}"}`;
  const pathological = `eyJ${'a'.repeat(normal.length - 3)}`;
  console.log(`token finder, ${normal.length} characters of text, median of 21`);
  const results: BenchResult[] = [];
  for (const [name, find] of [['extractJwt', extractJwt], ['findJwtAt', (text: string) => findJwtAt(text, text.length >> 1)]] as const) {
    const ours = time(() => find(normal));
    const worst = time(() => find(pathological));
    console.log(`  ${name.padEnd(10)} token ${ours.toFixed(3)} ms  no-dot run ${worst.toFixed(3)} ms  ratio ${(worst / ours).toFixed(1)}×`);
    // Linear: the worst text costs about what a real token of its size does (the old pattern: ~20 s).
    results.push({ name: `${name}: no-dot run / real token`, value: worst / ours, unit: '×', target: '≤ 3×', ok: worst / ours <= 3 });
  }
  return results;
}
