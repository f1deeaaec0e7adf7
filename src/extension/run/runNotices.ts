/**
 * What the extension tells a person about a run, in notifications and the Output channel. Built from
 * the redacted run, as the timeline is, so a secret a server quoted back into an error message or hint
 * shows as `$PASSWORD` here too. No `vscode` import: the run controller only shows these texts.
 */
import { errorMessage } from '../../core/errors';
import type { Run } from '../../core/model';
import type { Secrets } from '../../core/profile';
import { inputMarks, redactRun, runMarks, secretReplacer } from '../../core/redact';

/** The error notification for a failed run: at which step, and why. */
export function failureNotice(profileName: string, run: Run): string {
  const shown = redactRun(run);
  return `"${profileName}" failed${failedAt(shown)}: ${shown.error?.message ?? 'see the timeline for details.'}`;
}

/** The Output channel line for a finished run; a failure also says why and what to check. */
export function outcomeLine(profileName: string, run: Run): string {
  const shown = redactRun(run);
  const outcome = `Run of "${profileName}" ${shown.status}${shown.duration === undefined ? '' : ` in ${Math.round(shown.duration)} ms`}`;
  if (!shown.error || shown.status === 'succeeded') return `${outcome}.`;
  return `${outcome}${failedAt(shown)}: ${shown.error.message} What to check: ${shown.error.hint}`;
}

/**
 * The message of an error that stopped a run outside its steps, with every secret replaced: those the
 * run was given, and those it had marked by then.
 */
export function unexpectedErrorMessage(error: unknown, known: { secrets: Secrets; run?: Run }): string {
  return secretReplacer([...(known.run ? runMarks(known.run) : []), ...inputMarks(known.secrets)])(errorMessage(error));
}

function failedAt(run: Run): string {
  // The last failed step stopped the run; earlier ones were tries asked again (a wrong password).
  const failed = run.steps.findLast((step) => step.status === 'failed');
  return failed ? ` at "${failed.title}"` : '';
}
