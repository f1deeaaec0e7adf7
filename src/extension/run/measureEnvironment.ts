/**
 * Auth Flow: Measure Environment (Repeat Run)…: runs a profile's flow N times, C at a time (the loop
 * is src/core/repeat.ts, shared with `auth-flow run --repeat`), under a cancellable progress
 * notification, and shows the latency report in the timeline (webview/measure.ts). The runs are not
 * shown, kept or saved in the history, and credentials asked for here live only as long as the
 * measurement: the report carries numbers, step titles and error codes and messages, nothing else.
 */
import * as vscode from 'vscode';
import type { Secrets } from '../../core/profile';
import type { RepeatReport } from '../../core/repeat';
import { MAX_CONCURRENCY, MAX_REPEAT } from '../../core/repeatLimits';
import type { ProfileTarget } from '../commandTable';
import { loadEngine } from '../engineLoader';
import type { Environments } from '../environments/environments';
import { BACK, input } from '../quickInput';
import type { TimelinePanels } from '../timeline/timelinePanel';
import { createAsk } from './ask';
import { DEFAULT_CONCURRENCY, DEFAULT_REPEAT, measuredLine, needsCredentials, progressMessage, unattendedProblem, validateCount } from './measurePlan';
import type { Prepared, RunController } from './runController';
import { unexpectedErrorMessage } from './runNotices';

export interface MeasureDeps {
  environments: Environments;
  runs: RunController;
  panels: TimelinePanels;
  log: vscode.LogOutputChannel;
}

/** Measures the environment picked (or given) and posts the report to the timeline; undefined when it did not run. */
export async function measureEnvironment({ environments, runs, panels, log }: MeasureDeps, target?: ProfileTarget): Promise<RepeatReport | undefined> {
  const entry = await environments.pick(target, 'Environment to measure');
  if (!entry) return undefined;
  const problem = entry.source === 'sandbox' ? undefined : unattendedProblem(entry.profile);
  if (problem) {
    void vscode.window.showErrorMessage(problem);
    return undefined;
  }
  const plan = await askPlan(entry.source === 'sandbox' ? 'Local sandbox' : entry.profile.name);
  if (!plan) return undefined;
  const prepared = await runs.prepare(entry);
  const secrets = prepared && (await withCredentials(prepared));
  if (!prepared || !secrets) return undefined;
  const { profile, settings, connection } = prepared;
  log.info(`Measuring "${profile.name}": ${plan.repeat} runs, ${plan.concurrency} at a time.`);
  let report: RepeatReport;
  try {
    report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Auth Flow: measuring ${profile.name}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        const cancellation = token.onCancellationRequested(() => abort.abort());
        return loadEngine()
          .repeatFlow(
            { profile, secrets, timeoutMs: settings.requestTimeoutMs, clockSkewSec: settings.clockSkewSec, ...connection },
            { ...plan, signal: abort.signal, onProgress: (done) => progress.report({ message: progressMessage(done, plan.repeat), increment: 100 / plan.repeat }) },
          )
          .finally(() => cancellation.dispose());
      },
    );
  } catch (error) {
    const message = unexpectedErrorMessage(error, { secrets });
    log.error(`Measuring "${profile.name}" stopped on an unexpected error: ${message}`);
    void vscode.window.showErrorMessage(`Auth Flow Explorer hit an unexpected error while measuring "${profile.name}": ${message}`);
    return undefined;
  }
  log.info(measuredLine(report));
  panels.post({ method: 'timeline/measure/reported', params: { profileId: profile.id, measuredAt: new Date().toISOString(), report } });
  return report;
}

/** How many runs and how many at a time, in two steps (Back returns to the count); undefined when dismissed. */
async function askPlan(name: string): Promise<{ repeat: number; concurrency: number } | undefined> {
  const title = `Measure ${name}`;
  let repeat = String(DEFAULT_REPEAT);
  for (;;) {
    const count = await input({ title, step: 1, totalSteps: 2, prompt: `How many runs (1 to ${MAX_REPEAT})`, value: repeat, validate: (v) => validateCount(v, MAX_REPEAT) });
    if (count === undefined || count === BACK) return undefined;
    repeat = count.trim();
    const max = Math.min(Number(repeat), MAX_CONCURRENCY);
    const concurrency = await input({
      title,
      step: 2,
      totalSteps: 2,
      prompt: `How many runs at a time (1 to ${max}); more than 1 may meet the server's rate limits`,
      value: String(Math.min(DEFAULT_CONCURRENCY, max)),
      validate: (v) => validateCount(v, max),
    });
    if (concurrency === undefined) return undefined;
    if (concurrency !== BACK) return { repeat: Number(repeat), concurrency: Number(concurrency.trim()) };
  }
}

/**
 * The secrets with a username and password when the flow signs a person on: the remembered ones, else
 * asked once here, for every run of this measurement only (never remembered from here).
 */
async function withCredentials({ profile, secrets, ask }: Prepared): Promise<Secrets | undefined> {
  if (!needsCredentials(profile) || (secrets.username && secrets.password)) return secrets;
  const answer = await createAsk({ ...ask, remember: undefined })({ kind: 'credentials', message: 'Every run of the measurement signs on with these credentials' });
  return answer && { ...secrets, ...answer };
}
