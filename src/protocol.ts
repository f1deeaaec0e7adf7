/**
 * Messages between the extension host and the timeline webview, declared once and imported by both
 * sides. Every message is `{ method, params }` with a scoped method name; receivers check shape with
 * {@link parseHostMessage} / {@link parseWebviewMessage} and drop (and log) anything else.
 *
 * The host only ever sends redacted runs (see core/redact.ts): secrets never reach the webview. Copying
 * a cURL command with secrets is done by the host, which still holds the unredacted run.
 */
import type { DecodedToken, Run, Step } from './core/model';

export interface HostMessages {
  /** A run began; the webview adds it at the top and makes it current. */
  'timeline/run/started': { run: Run };
  /** A step was added or changed (started, finished, failed). */
  'timeline/step/updated': { runId: string; step: Step };
  /** The run ended; carries the final run (status, duration, error). */
  'timeline/run/finished': { run: Run };
  /** Show a token decoded on its own (Decode Selected Token). `source` says where it came from. */
  'timeline/token/show': { token: DecodedToken; source: string };
  /** Result of a copy request, so the webview can confirm on the button. */
  'timeline/curl/copied': { stepId: string; includeSecrets: boolean; ok: boolean; message: string };
}

export interface WebviewMessages {
  /** The webview script has loaded and listens; the host waits for this before posting. */
  'webview/ready': Record<string, never>;
  /** Copy the step's request as cURL; with secrets the host asks the user to confirm first. */
  'timeline/curl/copy': { runId: string; stepId: string; includeSecrets: boolean };
  /** Run the same profile again. */
  'timeline/run/again': { profileId: string };
  /** Export the run (Auth Flow: Export Run…): the host asks for the format, the file and whether to include secrets. */
  'timeline/run/export': { runId: string };
}

export type Message<M> = { [K in keyof M]: { method: K; params: M[K] } }[keyof M];
export type HostMessage = Message<HostMessages>;
export type WebviewMessage = Message<WebviewMessages>;

type Check = (params: Record<string, unknown>) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isRun = (value: unknown): boolean =>
  isObject(value) && isString(value.id) && isString(value.status) && Array.isArray(value.steps) && isObject(value.profile);
const isStep = (value: unknown): boolean =>
  isObject(value) && isString(value.id) && isString(value.kind) && isString(value.status) && isString(value.title);
const isToken = (value: unknown): boolean =>
  isObject(value) && isString(value.kind) && isObject(value.header) && isObject(value.payload) && Array.isArray(value.checks);

const hostChecks: { [K in keyof HostMessages]: Check } = {
  'timeline/run/started': (p) => isRun(p.run),
  'timeline/step/updated': (p) => isString(p.runId) && isStep(p.step),
  'timeline/run/finished': (p) => isRun(p.run),
  'timeline/token/show': (p) => isToken(p.token) && isString(p.source),
  'timeline/curl/copied': (p) =>
    isString(p.stepId) && typeof p.includeSecrets === 'boolean' && typeof p.ok === 'boolean' && isString(p.message),
};

const webviewChecks: { [K in keyof WebviewMessages]: Check } = {
  'webview/ready': () => true,
  'timeline/curl/copy': (p) => isString(p.runId) && isString(p.stepId) && typeof p.includeSecrets === 'boolean',
  'timeline/run/again': (p) => isString(p.profileId),
  'timeline/run/export': (p) => isString(p.runId),
};

function parseWith<T>(checks: Record<string, Check>, value: unknown): T | undefined {
  if (!isObject(value) || !isString(value.method) || !isObject(value.params)) return undefined;
  if (!Object.hasOwn(checks, value.method)) return undefined;
  return checks[value.method](value.params) ? (value as T) : undefined;
}

/** The message if it is a well-formed host → webview message, else undefined. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  return parseWith<HostMessage>(hostChecks, value);
}

/** The message if it is a well-formed webview → host message, else undefined. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  return parseWith<WebviewMessage>(webviewChecks, value);
}

/** What the webview persists with `setState` so a window reload restores the panel. */
export interface WebviewState {
  runs: Run[];
  tokens: Array<{ token: DecodedToken; source: string }>;
  currentRunId?: string;
  /**
   * How the timeline was being looked at, so a reload shows the same view: which step cards are open
   * and which tab each shows, keyed by `${runId}\n${stepId}`. Webview-only; the host never reads it.
   */
  view?: { expanded: Record<string, boolean>; tabs: Record<string, string> };
}
