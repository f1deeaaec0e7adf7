/**
 * The pure parts of Measure Environment (measureEnvironment.ts): which profiles can be measured, the
 * count and concurrency as typed, the progress line and the Output line. No `vscode` import, so the
 * unit tests check them as they are.
 */
import type { RepeatReport } from '../../core/repeat';
import { grantOf, signOnOf, type Profile } from '../../core/profile';
import { countOf, countRule } from '../../core/repeatLimits';

/** What the inputs offer: a sample large enough for a p95, one run at a time so as not to trip rate limits. */
export const DEFAULT_REPEAT = 20;
export const DEFAULT_CONCURRENCY = 1;

/**
 * Why the profile's flow cannot be run N times unattended, or undefined when it can: the runs of a
 * measurement ask nobody, so a person approving a device or signing on in a browser cannot take part.
 */
export function unattendedProblem(profile: Profile): string | undefined {
  const grant = grantOf(profile);
  if (grant === 'device_code') return `"${profile.name}" uses the device-code grant: every run waits for a person to approve it on another device, so it cannot be measured. Measure a client-credentials or headless sign-on environment.`;
  if (grant === 'authorization_code' && signOnOf(profile) === 'browser') return `"${profile.name}" signs on in the browser: every run needs a person, so it cannot be measured. Measure it with signOn "headless" (PingOne), or a client-credentials environment.`;
  return undefined;
}

/** Whether the flow signs a person on with a username and password (asked once, before the runs). */
export function needsCredentials(profile: Profile): boolean {
  return grantOf(profile) === 'authorization_code';
}

/** The message under the input, or undefined for a whole number from 1 to `max`. */
export function validateCount(text: string, max: number): string | undefined {
  return countOf(text, max) === undefined ? `Enter ${countRule(max)}.` : undefined;
}

/** "12/20 runs, 1 failed". */
export function progressMessage(done: { runs: number; failed: number }, repeat: number): string {
  return `${done.runs}/${repeat} runs, ${done.failed} failed`;
}

/** The Output channel line of a measurement. */
export function measuredLine(report: RepeatReport): string {
  const what = report.interrupted ? `Cancelled measuring "${report.profile}" after ${report.runs} of ${report.repeat} runs` : `Measured ${report.runs} runs of "${report.profile}"`;
  const run = report.run.p50 === undefined ? '' : `; whole run p50 ${report.run.p50} ms, p95 ${report.run.p95} ms, max ${report.run.max} ms`;
  return `${what}, ${report.concurrency} at a time, in ${report.elapsedMs} ms: ${report.succeeded} succeeded, ${report.failed} failed${run}.`;
}
