import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { systemCertificates } from '../../core/network';
import type { Run, RunEvent, Step, TokenDiff } from '../../core/model';
import { usesMutualTls, type Profile, type Secrets } from '../../core/profile';
import type { FollowUp, RunOptions, RunSession } from '../../core/run';
import { redactEvent, redactRun } from '../../core/redact';
import { applyRunEvent, eventRunId } from '../../core/runStore';
import type { FollowUpAction, WebviewMessages } from '../../protocol';
import { createAsk, type AskContext } from './ask';
import type { ProfileTarget } from '../commandTable';
import { loadEngine } from '../engineLoader';
import type { Environments } from '../environments/environments';
import { createRunHost } from './runHost';
import { failureNotice, outcomeLine, unexpectedErrorMessage } from './runNotices';
import { compareRuns, type RunHistory } from './runHistory';
import { promptClientKey, promptClientSecret, promptPrivateKey } from '../environments/secretPrompts';
import { networkOptions, readHttpSettings, SETTINGS_SECTION, readSettings, settingId, type Settings } from '../settings';
import type { TimelinePanels, TimelineRequest } from '../timeline/timelinePanel';
import { secretNeeds, type TreeEntry } from '../environments/treeModel';

/** Finished runs whose session (and tokens) are kept for follow-ups; older ones offer none. Never persisted. */
const KEPT_SESSIONS = 10;

/** Said on every follow-up button of a run whose session the host no longer holds. */
const NOT_HELD = 'This run is no longer held by the extension (the panel was closed, the window reloaded, or it is too old). Run the flow again.';

export function currentSettings(): Settings {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readSettings((key) => configuration.get(key));
}

type Connection = Pick<RunOptions, 'network' | 'clientCert'>;

/** A run ready to start: the profile, its secrets, how to ask the person, the settings and the connection. */
export interface Prepared {
  profile: Profile;
  secrets: Secrets;
  ask: AskContext;
  settings: Settings;
  connection: Connection;
}

/** The proxy, CAs and client certificate of a profile's run, from VS Code's settings and the profile. */
function connectionFor(profile: Profile, settings: Settings): Connection {
  const http = vscode.workspace.getConfiguration('http');
  const network = networkOptions(settings, readHttpSettings((key) => http.get(key)), {
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    systemCertificates,
  });
  if (!profile.clientCertFile) return { network };
  // Relative to the workspace, like the auth-flows.json file that names it.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const path = isAbsolute(profile.clientCertFile) || !folder ? profile.clientCertFile : join(folder, profile.clientCertFile);
  try {
    return { network, clientCert: readFileSync(path, 'utf8') };
  } catch (error) {
    throw new Error(`The client certificate ${path} (clientCertFile of "${profile.name}") cannot be read: ${errorMessage(error)}`);
  }
}

/**
 * Runs flows for the Run Auth Flow command and the timeline's "Run again": resolves the profile and
 * its secrets, asks what the flow needs through quick inputs, shows progress (cancellable), and
 * streams redacted events to the timeline. The unredacted runs stay here, in memory, for copying a
 * request with its secrets.
 */
export class RunController implements vscode.Disposable {
  /** Unredacted runs, newest first (core/runStore.ts), for "Copy with secrets" and export; older ones can only be copied after a new run. */
  private runs: Run[] = [];
  /** Whether each held run's profile skips TLS verification (for `curl --insecure`), by run id. */
  private readonly insecure = new Map<string, boolean>();
  /** The sessions of finished runs, by run id, for the timeline's follow-up buttons; `busy` while one runs. */
  private readonly sessions = new Map<string, { session: RunSession; insecure: boolean; busy: boolean }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly environments: Environments,
    private readonly panels: TimelinePanels,
    private readonly log: vscode.LogOutputChannel,
    private readonly history: RunHistory,
  ) {
    this.subscriptions = [
      panels.onDidReceiveMessage((message) => {
        if (message.method === 'timeline/run/again') void this.run(message.params.profileId);
        else if (message.method === 'timeline/curl/copy') void this.copyCurl(message.params);
        else if (message.method === 'timeline/token/copy') void this.copyToken(message.params);
        else if (message.method === 'timeline/run/followUp') void this.followUp(message.params);
        else if (message.method === 'timeline/step/resend') void this.resend(message.params);
        else if (isHistoryRequest(message)) void this.answerHistory(message);
      }),
      // A reloaded webview knows its runs but not what the host can still do with them, nor the history.
      panels.onDidBecomeReady(() => {
        for (const runId of this.sessions.keys()) this.postFollowUps(runId);
        this.panels.post({ method: 'timeline/history/listed', params: { entries: this.history.entries() } });
      }),
      // The tokens live as long as the panel that offers to use them.
      panels.onDidClose(() => this.sessions.clear()),
    ];
  }

  async run(target?: ProfileTarget): Promise<Run | undefined> {
    const entry = await this.environments.pick(target, 'Environment to run');
    const prepared = entry && (await this.prepare(entry));
    return prepared && this.execute(prepared);
  }

  /**
   * What running the entry takes: the settings, the connection and the profile's secrets, asking for a
   * missing client secret or key first. Undefined, once the person was told why, when it cannot run.
   */
  async prepare(entry: TreeEntry): Promise<Prepared | undefined> {
    const settings = currentSettings();
    // Refused before asking for secrets: nothing should be typed for a run that will not start.
    if (entry.source !== 'sandbox' && entry.profile.insecureTls && !settings.allowInsecureTls) {
      const choice = await vscode.window.showErrorMessage(
        `"${entry.profile.name}" turns TLS certificate verification off, which the setting "Auth Flow: Allow Insecure TLS" does not allow. Enable the setting to run it anyway.`,
        'Open Settings',
      );
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', settingId('allowInsecureTls'));
      return undefined;
    }
    // The sandbox listens on this machine: its requests never go through a proxy.
    let connection: Connection = {};
    if (entry.source !== 'sandbox') {
      try {
        connection = connectionFor(entry.profile, settings);
      } catch (error) {
        void vscode.window.showErrorMessage(errorMessage(error));
        return undefined;
      }
    }
    const prepared = entry.source === 'sandbox' ? await this.prepareSandbox() : await this.prepareProfile(entry.profile);
    return prepared && { ...prepared, settings, connection };
  }

  private async prepareSandbox(): Promise<{ profile: Profile; secrets: Secrets; ask: AskContext } | undefined> {
    try {
      const { profile, secrets, demoUser } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Starting the local sandbox' },
        () => this.environments.sandbox.defaultProfile(),
      );
      // The demo user is prefilled, not passed: the sign-on step is part of what the sandbox shows.
      const { clientSecret, privateKey } = secrets;
      return {
        profile,
        secrets: { clientSecret, privateKey },
        ask: { profileName: 'Local sandbox', username: demoUser.username, passwordHint: `the demo password is "${demoUser.password}"` },
      };
    } catch (error) {
      void vscode.window.showErrorMessage(`The local sandbox could not start: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The profile's stored secrets, asking for a missing client secret or key first. */
  private async prepareProfile(profile: Profile): Promise<{ profile: Profile; secrets: Secrets; ask: AskContext } | undefined> {
    const store = this.environments.secrets;
    let secrets = await store.secrets(profile);
    const needs = secretNeeds(profile);
    if (needs.clientSecret && !secrets.clientSecret) {
      if (!(await promptClientSecret(store, profile))) return undefined;
      secrets = await store.secrets(profile);
    }
    if (needs.privateKey && !secrets.privateKey) {
      if (!(await promptPrivateKey(store, profile))) return undefined;
      secrets = await store.secrets(profile);
    }
    if (usesMutualTls(profile) && !secrets.clientKey) {
      if (!(await promptClientKey(store, profile))) return undefined;
      secrets = await store.secrets(profile);
    }
    // Offered mid-run, once the credentials worked: a keychain that refuses them must not fail the run.
    const save = async ({ username, password }: { username: string; password: string }) => {
      try {
        await store.set(profile, 'username', username);
        await store.set(profile, 'password', password);
      } catch (error) {
        void vscode.window.showWarningMessage(`The credentials for "${profile.name}" could not be remembered: ${errorMessage(error)}`);
      }
    };
    const remember = { stored: { username: secrets.username, password: secrets.password }, save };
    return { profile, secrets, ask: { profileName: profile.name, username: secrets.username, remember } };
  }

  private async execute({ profile, secrets, ask: askContext, settings, connection }: Prepared): Promise<Run | undefined> {
    const engine = loadEngine();
    const insecure = profile.insecureTls === true;
    this.log.info(`Running "${profile.name}" (${profile.clientAuthMethod}, ${profile.responseMode}).`);
    let session: RunSession;
    let runId: string | undefined;
    try {
      session = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Auth Flow: ${profile.name}`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          const cancellation = token.onCancellationRequested(() => abort.abort());
          return engine.startRun({
            profile,
            secrets,
            signal: abort.signal,
            ask: createAsk({ ...askContext, signal: abort.signal }),
            host: createRunHost({ profileName: profile.name, cancel: () => abort.abort() }),
            timeoutMs: settings.requestTimeoutMs,
            clockSkewSec: settings.clockSkewSec,
            ...connection,
            log: (line) => this.log.info(line),
            onEvent: (event) => {
              if (event.type === 'run/started') runId = event.run.id;
              this.onEvent(event, insecure, (step) => progress.report({ message: step.title }));
            },
          }).finally(() => cancellation.dispose());
        },
      );
    } catch (error) {
      const message = unexpectedErrorMessage(error, { secrets, run: runId === undefined ? undefined : this.kept(runId)?.run });
      this.log.error(`Run of "${profile.name}" stopped on an unexpected error: ${message}`);
      void vscode.window.showErrorMessage(`Auth Flow Explorer hit an unexpected error while running "${profile.name}": ${message}`);
      return undefined;
    }
    const run = session.run;
    this.keepSession(session, insecure);
    await this.remember(run);
    if (run.status === 'failed') this.log.warn(outcomeLine(profile.name, run));
    else this.log.info(outcomeLine(profile.name, run));
    this.announce(profile, run);
    return run;
  }

  /** Applies an engine event to the held runs and posts its redacted form to the timeline, which applies it to its own. */
  private onEvent(event: RunEvent, insecure: boolean, onStep: (step: Step) => void): void {
    this.runs = applyRunEvent(this.runs, event);
    const runId = eventRunId(event);
    this.insecure.set(runId, insecure);
    for (const id of this.insecure.keys()) if (!this.runs.some((run) => run.id === id)) this.insecure.delete(id);
    const run = this.kept(runId)?.run;
    if (!run) return; // A step of a run no longer held: the webview no longer holds it either.
    const shown = redactEvent(event, run);
    if (shown.type !== 'run/started' && shown.type !== 'run/finished') onStep(shown.step);
    this.panels.post({ method: 'timeline/run/event', params: { event: shown } });
  }

  /** Keeps a finished run's session for follow-ups, dropping the oldest past {@link KEPT_SESSIONS}, and tells the timeline. */
  private keepSession(session: RunSession, insecure: boolean): void {
    const runId = session.run.id;
    this.sessions.delete(runId);
    this.sessions.set(runId, { session, insecure, busy: false });
    for (const id of this.sessions.keys()) {
      if (this.sessions.size <= KEPT_SESSIONS) break;
      this.sessions.delete(id);
      this.postFollowUps(id);
    }
    this.postFollowUps(runId);
  }

  /** What the run's follow-up buttons offer now, with the reason on each one that is unavailable. */
  private postFollowUps(runId: string): void {
    const held = this.sessions.get(runId);
    const { FOLLOW_UPS, followUpsAvailable } = loadEngine();
    const reasons: Partial<Record<FollowUp, string>> = !held
      ? Object.fromEntries(FOLLOW_UPS.map((action) => [action, NOT_HELD]))
      : held.busy
        ? Object.fromEntries(FOLLOW_UPS.map((action) => [action, 'A follow-up of this run is running.']))
        : followUpsAvailable(held.session);
    const actions: FollowUpAction[] = FOLLOW_UPS.map((action) => {
      const reason = reasons[action];
      return reason ? { action, reason } : { action };
    });
    this.panels.post({ method: 'timeline/run/followUps', params: { runId, actions } });
  }

  /** Runs a follow-up on a held run; its steps stream to the timeline as the run's own. */
  private async followUp({ runId, action }: WebviewMessages['timeline/run/followUp']): Promise<void> {
    const held = this.sessions.get(runId);
    if (!held || held.busy) {
      this.postFollowUps(runId);
      return;
    }
    const { session, insecure } = held;
    const engine = loadEngine();
    held.busy = true;
    this.postFollowUps(runId);
    try {
      const run = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Auth Flow: ${action} (${session.profile.name})`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          const cancellation = token.onCancellationRequested(() => abort.abort());
          // The session was started under another progress notification: this follow-up reports to its own.
          session.options.signal = abort.signal;
          session.options.onEvent = (event) => this.onEvent(event, insecure, (step) => progress.report({ message: step.title }));
          return engine.runFollowUp(session, action).finally(() => cancellation.dispose());
        },
      );
      this.log.info(outcomeLine(`${session.profile.name} (${action})`, run));
      await this.remember(run);
      if (run.status === 'failed') void vscode.window.showErrorMessage(failureNotice(session.profile.name, run), 'Show Timeline').then((choice) => choice && this.panels.show());
    } catch (error) {
      const message = unexpectedErrorMessage(error, { secrets: session.secrets, run: session.run });
      this.log.error(`The ${action} follow-up of "${session.profile.name}" stopped on an unexpected error: ${message}`);
      void vscode.window.showErrorMessage(`Auth Flow Explorer hit an unexpected error during ${action}: ${message}`);
    } finally {
      held.busy = false;
      if (this.sessions.get(runId) === held) this.postFollowUps(runId);
    }
  }

  /** Sends a step's request again as edited, as a new step of the held run; answers on the request's id. */
  private async resend({ id, runId, request }: WebviewMessages['timeline/step/resend']): Promise<void> {
    const reply = (ok: boolean, message: string, held = true) => this.panels.post({ method: 'timeline/step/resent', params: { id, ok, held, message } });
    const held = this.sessions.get(runId);
    if (!held) return reply(false, NOT_HELD, false);
    if (held.busy) return reply(false, 'A follow-up of this run is running; send again when it is done.');
    const { session, insecure } = held;
    held.busy = true;
    this.postFollowUps(runId);
    try {
      const run = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Auth Flow: resend (${session.profile.name})`, cancellable: true },
        (progress, token) => {
          const abort = new AbortController();
          const cancellation = token.onCancellationRequested(() => abort.abort());
          session.options.signal = abort.signal;
          session.options.onEvent = (event) => this.onEvent(event, insecure, (step) => progress.report({ message: step.title }));
          return session.resend(request).finally(() => cancellation.dispose());
        },
      );
      await this.remember(run);
      const step = run.steps.at(-1);
      const response = step?.exchange?.response;
      reply(step?.status === 'succeeded', response ? `Answered ${response.status} ${response.statusText}`.trim() + '.' : (redactRun(run).error?.message ?? 'Not answered.'));
    } catch (error) {
      const message = unexpectedErrorMessage(error, { secrets: session.secrets, run: session.run });
      this.log.error(`Resending a request of "${session.profile.name}" stopped on an unexpected error: ${message}`);
      reply(false, message);
    } finally {
      held.busy = false;
      if (this.sessions.get(runId) === held) this.postFollowUps(runId);
    }
  }

  /** Stores the run (redacted) in the history and shows the new list; a storage failure is logged, the run still shown. */
  private async remember(run: Run): Promise<void> {
    try {
      await this.history.add(run);
    } catch (error) {
      this.log.warn(`The run could not be saved in the history: ${errorMessage(error)}`);
      return;
    }
    this.panels.post({ method: 'timeline/history/listed', params: { entries: this.history.entries() } });
  }

  /** Answers a history request on its id. */
  private async answerHistory(message: HistoryRequest): Promise<void> {
    const { id } = message.params;
    const listed = (text?: string, ok = true) =>
      this.panels.post({ method: 'timeline/history/listed', params: { id, entries: this.history.entries(), ok, ...(text ? { message: text } : {}) } });
    const gone = 'That run is no longer in the history (deleted, perhaps from another window).';
    try {
      switch (message.method) {
        case 'timeline/history/list':
          return listed();
        case 'timeline/history/rename': {
          const { runId, label } = message.params;
          return (await this.history.rename(runId, label)) ? listed(label.trim() ? 'Renamed.' : 'Name removed.') : listed(gone, false);
        }
        case 'timeline/history/delete':
          return (await this.history.delete(message.params.runId)) ? listed('Deleted.') : listed(gone, false);
        case 'timeline/history/compare': {
          const { runId, otherRunId } = message.params;
          const [before, after] = [this.history.run(runId), this.history.run(otherRunId)];
          const reply = (ok: boolean, text: string, diffs: TokenDiff[] = []) =>
            this.panels.post({ method: 'timeline/history/compared', params: { id, ok, message: text, diffs } });
          if (!before || !after) return reply(false, gone);
          const diffs = compareRuns(before, after);
          return reply(true, diffs.length ? `Compared ${diffs.map((d) => d.kind).join(', ')}.` : 'The two runs have no kind of token in common to compare.', diffs);
        }
      }
    } catch (error) {
      this.log.warn(`The run history could not be changed: ${errorMessage(error)}`);
      listed(`The history could not be changed: ${errorMessage(error)}`, false);
    }
  }

  /** The unredacted run with this id (else the latest), for exporting; undefined once no longer kept. */
  kept(runId?: string): { run: Run; insecure: boolean } | undefined {
    const run = runId === undefined ? this.runs[0] : this.runs.find((r) => r.id === runId);
    return run && { run, insecure: this.insecure.get(run.id) === true };
  }

  private announce(profile: Profile, run: Run): void {
    if (run.status === 'succeeded') {
      vscode.window.setStatusBarMessage(`$(pass) Auth Flow: signed in to ${profile.name}`, 5000);
    } else if (run.status === 'cancelled') {
      vscode.window.setStatusBarMessage(`$(circle-slash) Auth Flow: run of ${profile.name} cancelled`, 5000);
    } else {
      void vscode.window
        .showErrorMessage(failureNotice(profile.name, run), 'Show Timeline')
        .then((choice) => choice && this.panels.show());
    }
  }

  /** Copies a step's request as cURL; with secrets only after a modal confirmation. */
  private async copyCurl({ id, runId, stepId, includeSecrets }: WebviewMessages['timeline/curl/copy']): Promise<void> {
    const reply = (ok: boolean, message: string) => this.panels.post({ method: 'timeline/copied', params: { id, ok, message } });
    const kept = this.kept(runId);
    const request = kept?.run.steps.find((step) => step.id === stepId)?.exchange?.request;
    if (!kept || !request) {
      reply(false, 'This run is no longer held by the extension (it was restored after a reload or is too old). Run the flow again to copy its requests.');
      return;
    }
    const { curlCommand } = loadEngine();
    let redacted: { text: string; variables: string[] };
    try {
      redacted = curlCommand(request, { insecure: kept.insecure });
    } catch (error) {
      // A request no shell command can carry (a NUL byte): say so on the button, copy nothing.
      reply(false, errorMessage(error));
      return;
    }
    let withSecrets = (includeSecrets || currentSettings().curlIncludeSecretsByDefault) && redacted.variables.length > 0;
    if (withSecrets) {
      // The redacted copy comes first, so it is what Enter picks.
      const choice = await vscode.window.showWarningMessage(
        'Copy this request with its secrets in clear text?',
        { modal: true, detail: `The command will contain the values of ${shellVariables(redacted.variables)} in clear text. Anyone who sees your clipboard, terminal history or a pasted snippet can use them.` },
        'Copy Redacted',
        'Copy with Secrets',
      );
      if (!choice) {
        reply(false, 'Copy cancelled.');
        return;
      }
      withSecrets = choice === 'Copy with Secrets';
    }
    const text = withSecrets ? curlCommand(request, { includeSecrets: true, insecure: kept.insecure }).text : redacted.text;
    await vscode.env.clipboard.writeText(text);
    reply(
      true,
      withSecrets
        ? `Copied with ${shellVariables(redacted.variables)} in clear text.`
        : redacted.variables.length
          ? `Copied; set ${shellVariables(redacted.variables)} before running it.`
          : 'Copied.',
    );
  }

  /** Copies a run's token as issued, only after a modal confirmation: the webview never had it. */
  private async copyToken({ id, runId, stepId, tokenIndex }: WebviewMessages['timeline/token/copy']): Promise<void> {
    const reply = (ok: boolean, message: string) => this.panels.post({ method: 'timeline/copied', params: { id, ok, message } });
    const token = this.kept(runId)?.run.steps.find((step) => step.id === stepId)?.tokens[tokenIndex];
    if (!token) {
      reply(false, 'This run is no longer held by the extension (it was restored after a reload or is too old). Run the flow again to copy its tokens.');
      return;
    }
    const name = `$${token.kind.toUpperCase()}`;
    const choice = await vscode.window.showWarningMessage(
      `Copy ${name} in clear text?`,
      { modal: true, detail: 'Anyone who sees your clipboard, terminal history or a pasted snippet can use the token until it expires.' },
      'Copy with Secrets',
    );
    if (!choice) {
      reply(false, 'Copy cancelled.');
      return;
    }
    await vscode.env.clipboard.writeText(token.raw);
    reply(true, `Copied ${name} in clear text.`);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.runs = [];
    this.insecure.clear();
    this.sessions.clear();
  }
}

type HistoryRequest = Extract<TimelineRequest, { method: `timeline/history/${string}` }>;

function isHistoryRequest(message: TimelineRequest): message is HistoryRequest {
  return message.method.startsWith('timeline/history/');
}

/** `$A, $B and $C`. */
function shellVariables(variables: string[]): string {
  const names = variables.map((v) => `$${v}`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('');
}
