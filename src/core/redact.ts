/**
 * Produces the shareable form of a run: every value marked as a secret anywhere in it (client secret,
 * password, assertion, tokens, session cookies) replaced by `$VARIABLE`, and the marks emptied.
 * Only redacted runs go to the webview, logs and files; the host keeps the original for "copy with secrets".
 */
import type { Run, SecretMark } from './model';

export function redactRun(run: Run): Run {
  const marks: SecretMark[] = [];
  for (const step of run.steps) {
    marks.push(...(step.exchange?.request.secrets ?? []), ...(step.exchange?.response?.secrets ?? []));
    for (const token of step.tokens) marks.push({ variable: token.kind.toUpperCase(), value: token.raw });
  }
  const redact = secretReplacer(marks);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'secrets' ? [] : walk(v)]));
    }
    return value;
  };
  return walk(run) as Run;
}

/** A function replacing every marked value in a text by `$VARIABLE`, longest values first. */
export function secretReplacer(marks: SecretMark[]): (text: string) => string {
  const ordered = distinctMarks(marks);
  return (text) => ordered.reduce((out, m) => out.split(m.value).join(`$${m.variable}`), text);
}

/**
 * One mark per value, the first naming it (ST before ST-NO-SS when the server gives both one value),
 * longest first so a secret inside another (rare) is not split by it.
 */
export function distinctMarks(marks: SecretMark[]): SecretMark[] {
  const byValue = new Map<string, SecretMark>();
  for (const mark of marks) if (mark.value && !byValue.has(mark.value)) byValue.set(mark.value, mark);
  return [...byValue.values()].sort((a, b) => b.value.length - a.value.length);
}
