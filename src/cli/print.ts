/**
 * The timeline as terminal text: one block per step, its cURL, and the decoded ID token. Takes the
 * unredacted run and prints its redacted form (the same `redactRun` as `--json`), unless
 * `includeSecrets` is set. cURL commands are made from the unredacted requests, so their secrets
 * become `"$CLIENT_SECRET"`-style references a shell expands.
 */
import { styleText } from 'node:util';
import { toCurl } from '../core/curl';
import type { DecodedToken, Run, TokenDiff } from '../core/model';
import { redactRun, runMarks, secretReplacer } from '../core/redact';

type Style = Parameters<typeof styleText>[0];

/** Said first whenever `--include-secrets` prints a run. */
export const SECRETS_SHOWN = 'Secrets are shown in clear (--include-secrets): do not share this output.';

export function printRun(run: Run, options: { insecure?: boolean; color?: boolean; includeSecrets?: boolean } = {}): string {
  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const paint = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const shown = options.includeSecrets ? run : redactRun(run);
  // A secret marked on another step, or sent in a shape its request did not mark, must not show in a
  // command either: it is written as $VARIABLE there too (inside quotes, so the shell leaves it be).
  const redact = options.includeSecrets ? (text: string) => text : secretReplacer(runMarks(run));
  const out: string[] = [];
  if (options.includeSecrets) out.push(paint('yellow', `⚠ ${SECRETS_SHOWN}`));
  out.push(paint('bold', `${shown.profile.name}`) + paint('dim', `  issuer ${shown.profile.issuer}  client ${shown.profile.clientId}`), '');

  shown.steps.forEach((step, index) => {
    const mark = step.status === 'succeeded' ? paint('green', '✔') : step.status === 'failed' ? paint('red', '✘') : '…';
    const request = step.exchange?.request;
    const status = step.exchange?.response?.status;
    out.push(
      `${mark} ${index + 1}. ${paint('bold', step.title)}` +
        (request ? `  ${request.method} ${request.url}` : '') +
        (status === undefined ? '' : `  ${paint(status >= 400 ? 'red' : 'cyan', String(status))}`) +
        (step.duration === undefined ? '' : paint('dim', `  ${step.duration} ms`)),
    );
    for (const [name, value] of Object.entries(step.facts)) out.push(paint('dim', `     ${name}: `) + value);
    for (const check of step.checks) out.push(`     ${check.status === 'passed' ? '✔' : check.status === 'failed' ? paint('red', '✘') : '–'} ${check.name}: ${check.detail}`);
    for (const warning of step.warnings) out.push(paint('yellow', `     ⚠ ${warning}`));
    for (const token of step.tokens) out.push(...printToken(token, paint));
    for (const diff of step.diffs ?? []) out.push(...printDiff(diff, paint));
    if (step.error) {
      out.push(paint('red', `     ${step.error.message}`), `     What to check: ${step.error.hint}`);
    }
    const sent = run.steps[index].exchange?.request;
    if (sent) out.push(indent(redact(toCurl(sent, { insecure: options.insecure, includeSecrets: options.includeSecrets })), '     ', paint));
    out.push('');
  });

  const total = shown.duration === undefined ? '' : ` in ${shown.duration} ms`;
  if (shown.status === 'succeeded') out.push(paint('green', `Flow completed${total}.`));
  else out.push(paint('red', `Flow ${shown.status}${total}: ${shown.error?.message ?? ''}`), shown.error ? `What to check: ${shown.error.hint}` : '');
  return `${out.join('\n')}\n`;
}

function printToken(token: DecodedToken, paint: (style: Style, text: string) => string): string[] {
  const verdict = token.verified === undefined ? 'decoded, not verified' : token.verified ? 'verified' : 'FAILED verification';
  const lines = [`     ${paint('bold', token.kind)} (${String(token.header.alg)}, kid ${String(token.header.kid ?? '-')}) — ${verdict}`];
  if (token.kind !== 'id_token' && token.verified !== false) return lines;
  const times = new Map(token.times.map((t) => [t.claim, `${t.iso} (${t.relative})`]));
  for (const [claim, value] of Object.entries(token.payload)) {
    lines.push(paint('dim', `       ${claim}: `) + (times.get(claim) ?? (typeof value === 'string' ? value : JSON.stringify(value))));
  }
  for (const check of token.checks.filter((c) => c.status === 'failed')) lines.push(paint('red', `       ✘ ${check.name}: ${check.detail}`));
  return lines;
}

/** The claims a refresh changed in one token: `~` changed, `+` added, `-` removed; time claims in words. */
function printDiff(diff: TokenDiff, paint: (style: Style, text: string) => string): string[] {
  const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const changed = diff.entries.filter((e) => e.change !== 'same');
  const lines = [`     ${paint('bold', `${diff.kind} claims:`)} ${changed.length} of ${diff.entries.length} ${changed.length === 1 ? 'differs' : 'differ'}`];
  for (const entry of changed) {
    const mark = { added: '+', removed: '-', changed: '~' }[entry.change as 'added' | 'removed' | 'changed'];
    const said = entry.change === 'changed' ? `${value(entry.before)} → ${value(entry.after)}` : value(entry.change === 'added' ? entry.after : entry.before);
    lines.push(`       ${mark} ${entry.words ?? `${entry.claim}: ${said}`}`);
  }
  return lines;
}

function indent(text: string, prefix: string, paint: (style: Style, text: string) => string): string {
  return text
    .split('\n')
    .map((line) => paint('dim', prefix + line))
    .join('\n');
}
