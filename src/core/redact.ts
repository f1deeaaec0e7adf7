/**
 * Produces the shareable form of a run: every value marked as a secret anywhere in it (client secret,
 * password, assertion, code_verifier, tokens, session cookies) replaced by `$VARIABLE` wherever it
 * shows — bodies, facts, checks, error messages, hints and details, on any step — and the marks
 * emptied. Everything a person sees (the webview, the terminal, notifications, logs, files) comes from
 * this form; the unredacted run is kept only for "copy with secrets" and `--include-secrets`.
 */
import type { Exchange, Run, RunEvent, SecretMark } from './model';
import type { Secrets } from './profile';

export function redactRun(run: Run): Run {
  return redactValue(run, runMarks(run));
}

/**
 * The shareable form of an event of `run` (the run as it stands once the event is applied): redacted
 * with every secret the whole run marked, since a secret marked on one step may show in another's.
 */
export function redactEvent(event: RunEvent, run: Run): RunEvent {
  return redactValue(event, runMarks(run));
}

/** Every secret a run has marked so far: on each request and response, and each decoded token. */
export function runMarks(run: Run): SecretMark[] {
  return run.steps.flatMap((step) => [
    ...exchangeMarks(step.exchange),
    ...step.tokens.map((token) => ({ variable: token.kind.toUpperCase(), value: token.raw })),
  ]);
}

export function exchangeMarks(exchange: Exchange | undefined): SecretMark[] {
  return [...(exchange?.request.secrets ?? []), ...(exchange?.response?.secrets ?? [])];
}

/** The secrets a run is given, named as the requests that carry them name them. */
export function inputMarks(secrets: Secrets): SecretMark[] {
  const named: [string, string | undefined][] = [['CLIENT_SECRET', secrets.clientSecret], ['PRIVATE_KEY', secrets.privateKey], ['PASSWORD', secrets.password]];
  return named.flatMap(([variable, value]) => (value ? [{ variable, value }] : []));
}

/** A copy of `value` (any JSON-like data) with every string redacted, and every `secrets` list emptied. */
export function redactValue<T>(value: T, marks: SecretMark[]): T {
  const redact = secretReplacer(marks);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redact(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'secrets' ? [] : walk(v)]));
    }
    return node;
  };
  return walk(value) as T;
}

/**
 * A function replacing every marked value in a text by `$VARIABLE`, in each shape the value takes on
 * the wire or when a server quotes a request back: inside JSON text, in a form body or Basic
 * credentials (RFC 6749 §2.3.1, Appendix B), percent-encoded in a URL. One pass, longest value first
 * at each position, so a replacement is never searched again.
 */
export function secretReplacer(marks: SecretMark[]): (text: string) => string {
  // A run marks each token and cookie on every step that carries it: each value's shapes are worked
  // out once, for the first mark naming it, which is the one they would map to anyway.
  const seen = new Set<string>();
  const firsts = marks.filter((mark) => !seen.has(mark.value) && seen.add(mark.value));
  const ordered = distinctMarks(firsts.flatMap((mark) => encodings(mark.value).map((value) => ({ ...mark, value }))));
  if (!ordered.length) return (text) => text;
  const variables = new Map(ordered.map((m) => [m.value, m.variable]));
  // `u`: a value that is half of a surrogate pair must not match inside a whole character.
  const pattern = new RegExp(ordered.map((m) => m.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu');
  return (text) => text.replace(pattern, (value) => `$${variables.get(value)}`);
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

function encodings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const shapes = [
    value,
    json,
    // Escaped to ASCII, as many JSON encoders write non-ASCII text (Python's json.dumps, for one).
    json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    new URLSearchParams([['', value]]).toString().slice(1),
  ];
  try {
    shapes.push(encodeURIComponent(value));
  } catch {
    // A lone surrogate has no percent-encoding (URIError), so it cannot travel in that shape.
  }
  return shapes;
}
