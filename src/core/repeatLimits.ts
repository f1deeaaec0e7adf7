/**
 * How many runs a measurement may make, and how many at a time, and how a count is read: the one rule
 * the engine (core/repeat.ts), the CLI's --repeat and --concurrency and the extension's inputs check.
 * No imports, so the extension's inputs use it without loading the engine.
 */

/** Enough for a soak test of a test environment; more is a load test, which is another tool's job. */
export const MAX_REPEAT = 10_000;
/** Runs in flight at once: each holds its own connections, and PingOne rate-limits per environment. */
export const MAX_CONCURRENCY = 32;

/** Whether `value` is a whole number from 1 to `max`. */
export function isCount(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= max;
}

/** `text` (digits, spaces around allowed) as a whole number from 1 to `max`, or undefined. */
export function countOf(text: string, max: number): number | undefined {
  const digits = text.trim();
  const value = Number(digits);
  return /^\d+$/.test(digits) && isCount(value, max) ? value : undefined;
}

/** What a count takes, for messages: "a whole number from 1 to 32". */
export function countRule(max: number): string {
  return `a whole number from 1 to ${max}`;
}
