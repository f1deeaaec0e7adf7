/**
 * Messages between the extension host and the timeline webview, declared once and imported by both
 * sides. Every message is `{ method, params }` with a scoped method name; receivers check it with
 * {@link parseHostMessage} / {@link parseWebviewMessage} against zod schemas and drop (and log)
 * anything else. Host messages are checked all the way down (every run, step, exchange, token and
 * check has its required fields, of the right type), so the renderer never meets half a run.
 * A request that expects an answer carries an `id`, and its answer carries the same `id`.
 *
 * The host only ever sends redacted runs (see core/redact.ts): secrets never reach the webview. Copying
 * a cURL command with secrets is done by the host, which still holds the unredacted run.
 */
import * as z from 'zod/mini';
import { CheckCodes } from './core/codes';
import { FOLLOW_UPS, STEP_KINDS } from './core/model';
import type { RepeatReport } from './core/repeat';
import type { EditedRequest } from './core/resend';
import type {
  Check,
  ClaimChange,
  CookieRecord,
  DecodedToken,
  Exchange,
  FollowUp,
  RecordedRequest,
  RecordedResponse,
  Run,
  RunEvent,
  SecretMark,
  Step,
  StepError,
  TimeClaim,
  Timing,
  TokenDiff,
} from './core/model';

export interface HostMessages {
  /**
   * An engine event of a run, redacted, which the webview applies to its runs with the host's own
   * reducer (core/runStore.ts); a run that starts becomes the current one.
   */
  'timeline/run/event': { event: RunEvent };
  /**
   * Show a token decoded on its own (Decode Selected Token). `source` says where it came from;
   * `verifyKey` names the token the host holds (in memory) for "Verify against…".
   */
  'timeline/token/show': { token: DecodedToken; source: string; verifyKey?: string };
  /** The answer to `timeline/token/verify`: the token with its verification checks, or why there are none. */
  'timeline/token/verified': { id: string; verifyKey: string; ok: boolean; message: string; token?: DecodedToken };
  /**
   * The answer to a {@link CopyRequest} (cURL, diagram, token, value), on its `id`, so the webview can
   * confirm beside the button that asked. For a token, the host asked first: the token is a secret.
   */
  'timeline/copied': CopyAnswer;
  /**
   * The follow-ups the host can run on a finished run it still holds, each with why it cannot when it
   * cannot (no such token held, no such endpoint, a follow-up running, the run no longer held).
   */
  'timeline/run/followUps': { runId: string; actions: FollowUpAction[] };
  /**
   * The persisted run history, newest first. The answer to a history request carries its `id` (and
   * `message`: what the request did, or, with `ok` false, why it could not); pushed without `id` whenever a run is added.
   */
  'timeline/history/listed': { id?: string; entries: HistoryEntry[]; message?: string; ok?: boolean };
  /** The answer to `timeline/history/compare`: the claims of the two runs' tokens, kind by kind. */
  'timeline/history/compared': { id: string; ok: boolean; message: string; diffs: TokenDiff[] };
  /**
   * The answer to `timeline/step/resend`; the resend step itself streams in as the run's. `held` is
   * false when the host no longer holds the run's session (reloaded, closed, too old): Run again instead.
   */
  'timeline/step/resent': { id: string; ok: boolean; held: boolean; message: string };
  /**
   * A measurement of a profile (Measure Environment): the repeat report, numbers and error codes and
   * messages only, never a run or a token. The webview keeps the latest one per profile.
   */
  'timeline/measure/reported': Measurement;
}

/** One measurement as the timeline keeps it: whose, when, and the report (src/core/repeat.ts). */
export interface Measurement {
  profileId: string;
  /** When it finished, ISO 8601. */
  measuredAt: string;
  report: RepeatReport;
}

/** What a copy request did: copied, or why not (cancelled, no longer held, the clipboard refused). */
export interface CopyAnswer {
  id: string;
  ok: boolean;
  message: string;
}

/** One run of the history as the list shows it; the run itself stays with the host. */
export interface HistoryEntry {
  runId: string;
  profileId: string;
  profileName: string;
  /** The name the person gave the run (Rename). */
  label?: string;
  startedAt: string;
  status: Run['status'];
  duration?: number;
}

export interface FollowUpAction {
  action: FollowUp;
  /** Set when the action is unavailable: the button's tooltip. */
  reason?: string;
}

export interface WebviewMessages {
  /** The webview script has loaded and listens; the host waits for this before posting. */
  'webview/ready': Record<string, never>;
  /** Copy the step's request as cURL; with secrets the host asks the user to confirm first. Answered by `timeline/copied` on `id`. */
  'timeline/curl/copy': { id: string; runId: string; stepId: string; includeSecrets: boolean };
  /** Run the same profile again. */
  'timeline/run/again': { profileId: string };
  /** Export the run (Auth Flow: Export Run…): the host asks for the format, the file and whether to include secrets. */
  'timeline/run/export': { runId: string };
  /** Open a specification or documentation page an explanation cites, in the browser; only {@link DOC_LINK} URLs pass. */
  'timeline/link/open': { url: string };
  /**
   * Put the run's sequence diagram on the clipboard. The webview writes the Mermaid text from the
   * redacted run it holds; the host only copies it, so it can hold no secret the webview never had.
   * Answered by `timeline/copied` on `id`.
   */
  'timeline/diagram/copy': { id: string; text: string };
  /**
   * Copy a token of a run as issued. The webview only has it redacted (`$ID_TOKEN`): the host, which
   * still holds the unredacted run, copies it after the person confirms, as for cURL with secrets.
   * Answered by `timeline/copied` on `id`.
   */
  'timeline/token/copy': { id: string; runId: string; stepId: string; tokenIndex: number };
  /**
   * Put a value the webview wrote from its redacted data on the clipboard: a token's decoded header
   * or payload, a claim. JWT headers and payloads are base64url, not encrypted (RFC 7519 §3), so they
   * are no secret. Answered by `timeline/copied` on `id`.
   */
  'timeline/value/copy': { id: string; text: string };
  /** Start one of the commands the empty panel offers; only {@link PANEL_COMMANDS} pass. */
  'timeline/command/run': { command: PanelCommand };
  /** Run a follow-up (refresh, introspect, revoke, userinfo, sign off) on a finished run the host holds; its steps stream in as the run's. */
  'timeline/run/followUp': { runId: string; action: FollowUp };
  /** Ask for the run history; answered by `timeline/history/listed` with the same `id`. */
  'timeline/history/list': { id: string };
  /** Name a run of the history (an empty label removes the name); answered by `timeline/history/listed`. */
  'timeline/history/rename': { id: string; runId: string; label: string };
  /** Forget a run of the history; answered by `timeline/history/listed`. */
  'timeline/history/delete': { id: string; runId: string };
  /** Compare the tokens of two runs of the history; answered by `timeline/history/compared`. */
  'timeline/history/compare': { id: string; runId: string; otherRunId: string };
  /**
   * Send a step's request again as edited ("Edit and resend"): secrets stay `$VARIABLE`s, which the
   * host fills from the run's session (core/resend.ts). Answered by `timeline/step/resent` on `id`.
   */
  'timeline/step/resend': { id: string; runId: string; stepId: string; request: EditedRequest };
  /**
   * Verify a decoded token the host holds: against `keys` (a JWK Set, a JWK or a PEM public key,
   * pasted; public keys are no secret), else against the JWKS of the environment whose issuer is its
   * `iss`. Answered by `timeline/token/verified` on `id`.
   */
  'timeline/token/verify': { id: string; verifyKey: string; keys?: string };
}

export type Message<M> = { [K in keyof M]: { method: K; params: M[K] } }[keyof M];
export type HostMessage = Message<HostMessages>;
export type WebviewMessage = Message<WebviewMessages>;

/** The requests answered by a {@link CopyAnswer}. */
export type CopyRequest = Extract<WebviewMessage, { method: 'timeline/curl/copy' | 'timeline/diagram/copy' | 'timeline/token/copy' | 'timeline/value/copy' }>;

type Schemas<M> = { [K in keyof M]: z.ZodMiniType<M[K]> };

/** True when the two types are identical: the same fields, each as optional and of the same type. */
type Same<A, B> = (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false;

/**
 * `schema`, typed as a schema of the model type `T`. It compiles only when the schema's output and `T`
 * are assignable both ways, so a field added to core/model.ts fails to build here until it is checked.
 */
function of<T>() {
  return <S extends z.ZodMiniType>(schema: S & (Same<z.output<S>, T> extends true ? unknown : never)) => schema as z.ZodMiniType<T>;
}

/** The same for a table of message params: one schema per method, each exactly its params type. */
function table<M>() {
  return <T extends Schemas<M>>(schemas: T & { [K in keyof M]: Same<z.output<T[K]>, M[K]> extends true ? unknown : never }): Schemas<M> => schemas;
}

let hostSchemas: Schemas<HostMessages> | undefined;

/**
 * Built on first use: only the webview reads host messages, and the extension host bundle, which
 * imports this module for {@link parseWebviewMessage}, then carries none of these schemas.
 */
function hostMessageSchemas(): Schemas<HostMessages> {
  const secretMark = of<SecretMark>()(z.object({ variable: z.string(), value: z.string(), describe: z.optional(z.string()) }));
  // Headers are most of what a run holds: one predicate per list checks them several times faster than
  // a tuple schema per header, which zod runs without its compiled fast path under the webview's CSP.
  const headers = z.custom<[string, string][]>((value) => Array.isArray(value) && value.every(isHeader));
  const request = of<RecordedRequest>()(
    z.object({ method: z.string(), url: z.string(), headers, body: z.optional(z.string()), rawHead: z.optional(z.string()), secrets: z.array(secretMark) }),
  );
  const response = of<RecordedResponse>()(
    z.object({
      status: z.number(),
      statusText: z.string(),
      headers,
      body: z.string(),
      json: z.optional(z.unknown()),
      size: z.number(),
      secrets: z.array(secretMark),
    }),
  );
  const timing = of<Timing>()(z.object({ connect: z.optional(z.number()), ttfb: z.optional(z.number()), total: z.number() }));
  const cookie = of<CookieRecord>()(
    z.object({
      name: z.string(),
      value: z.string(),
      domain: z.optional(z.string()),
      path: z.optional(z.string()),
      expires: z.optional(z.string()),
      secure: z.optional(z.boolean()),
      httpOnly: z.optional(z.boolean()),
      sameSite: z.optional(z.string()),
    }),
  );
  const exchange = of<Exchange>()(
    z.object({ request, response: z.optional(response), timing, cookies: z.object({ sent: z.array(cookie), set: z.array(cookie) }) }),
  );
  const check = of<Check>()(z.object({ code: z.enum(Object.values(CheckCodes)), name: z.string(), status: z.enum(['passed', 'failed', 'skipped']), detail: z.string() }));
  const tokenKind = z.enum(['id_token', 'access_token', 'refresh_token', 'request_object', 'client_assertion', 'dpop_proof', 'token']);
  const timeClaim = of<TimeClaim>()(z.object({ claim: z.string(), value: z.number(), iso: z.string(), relative: z.string() }));
  const token = of<DecodedToken>()(
    z.object({
      kind: tokenKind,
      raw: z.string(),
      header: z.record(z.string(), z.unknown()),
      payload: z.record(z.string(), z.unknown()),
      signature: z.string(),
      times: z.array(timeClaim),
      checks: z.array(check),
      verified: z.optional(z.boolean()),
    }),
  );
  const claimChange = of<ClaimChange>()(
    z.object({
      claim: z.string(),
      change: z.enum(['added', 'removed', 'changed', 'same']),
      before: z.optional(z.unknown()),
      after: z.optional(z.unknown()),
      words: z.optional(z.string()),
    }),
  );
  const tokenDiff = of<TokenDiff>()(z.object({ kind: tokenKind, entries: z.array(claimChange) }));
  const stepError = of<StepError>()(z.object({ code: z.string(), message: z.string(), hint: z.string(), detail: z.optional(z.unknown()) }));
  const step = of<Step>()(
    z.object({
      id: z.string(),
      kind: z.enum(STEP_KINDS),
      title: z.string(),
      status: z.enum(['running', 'succeeded', 'failed']),
      startedAt: z.string(),
      duration: z.optional(z.number()),
      exchange: z.optional(exchange),
      facts: z.record(z.string(), z.string()),
      checks: z.array(check),
      tokens: z.array(token),
      warnings: z.array(z.string()),
      diffs: z.optional(z.array(tokenDiff)),
      error: z.optional(stepError),
    }),
  );
  const run = of<Run>()(
    z.object({
      id: z.string(),
      profile: z.object({ id: z.string(), name: z.string(), issuer: z.string(), clientId: z.string() }),
      status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
      startedAt: z.string(),
      duration: z.optional(z.number()),
      steps: z.array(step),
      error: z.optional(stepError),
    }),
  );
  const historyEntry = of<HistoryEntry>()(
    z.object({
      runId: z.string(),
      profileId: z.string(),
      profileName: z.string(),
      label: z.optional(z.string()),
      startedAt: z.string(),
      status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
      duration: z.optional(z.number()),
    }),
  );
  const measured = { count: z.number(), errors: z.number(), p50: z.optional(z.number()), p95: z.optional(z.number()), max: z.optional(z.number()) };
  const report = of<RepeatReport>()(
    z.object({
      profile: z.string(),
      repeat: z.number(),
      concurrency: z.number(),
      elapsedMs: z.number(),
      interrupted: z.boolean(),
      runs: z.number(),
      succeeded: z.number(),
      failed: z.number(),
      cancelled: z.number(),
      steps: z.array(z.object({ title: z.string(), kind: z.enum(STEP_KINDS), ...measured })),
      run: z.object(measured),
      errors: z.array(z.object({ code: z.string(), step: z.string(), count: z.number(), message: z.string() })),
    }),
  );
  const runEvent = of<RunEvent>()(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('run/started'), run }),
      z.object({ type: z.literal('step/started'), runId: z.string(), step }),
      z.object({ type: z.literal('step/finished'), runId: z.string(), step }),
      z.object({ type: z.literal('step/failed'), runId: z.string(), step }),
      z.object({ type: z.literal('run/finished'), run }),
    ]),
  );
  const copyAnswer = of<CopyAnswer>()(z.object({ id: z.string(), ok: z.boolean(), message: z.string() }));
  return table<HostMessages>()({
    'timeline/run/event': z.object({ event: runEvent }),
    'timeline/token/show': z.object({ token, source: z.string(), verifyKey: z.optional(z.string()) }),
    'timeline/token/verified': z.object({ id: z.string(), verifyKey: z.string(), ok: z.boolean(), message: z.string(), token: z.optional(token) }),
    'timeline/copied': copyAnswer,
    'timeline/run/followUps': z.object({ runId: z.string(), actions: z.array(z.object({ action: z.enum(FOLLOW_UPS), reason: z.optional(z.string()) })) }),
    'timeline/history/listed': z.object({ id: z.optional(z.string()), entries: z.array(historyEntry), message: z.optional(z.string()), ok: z.optional(z.boolean()) }),
    'timeline/history/compared': z.object({ id: z.string(), ok: z.boolean(), message: z.string(), diffs: z.array(tokenDiff) }),
    'timeline/step/resent': z.object({ id: z.string(), ok: z.boolean(), held: z.boolean(), message: z.string() }),
    'timeline/measure/reported': z.object({ profileId: z.string(), measuredAt: z.string(), report }),
  });
}

function isHeader(pair: unknown): pair is [string, string] {
  return Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string';
}

/**
 * The only pages the timeline may ask the host to open: HTTPS on the sites its explanations cite, so a
 * compromised webview cannot have the host open arbitrary URLs or schemes (command:, file:).
 */
export const DOC_LINK = z.url({ protocol: /^https$/, hostname: /^(www\.rfc-editor\.org|openid\.net|docs\.pingidentity\.com|apidocs\.pingidentity\.com)$/ });

/** Far above a run's diagram (a few dozen lines of at most a few hundred characters). */
export const MAX_DIAGRAM_TEXT = 256 * 1024;

/** Far above a token's payload; the clipboard takes no more than this from the webview. */
export const MAX_VALUE_TEXT = 64 * 1024;

/** The commands an empty timeline offers as buttons: the webview can start these and no other. */
export const PANEL_COMMANDS = ['authFlow.run', 'authFlow.trySandbox', 'authFlow.addEnvironment'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

/** The longest name a run of the history can be given. */
export const MAX_LABEL = 200;

/** The id a request carries so its answer can be matched to it. */
const requestId = z.string().check(z.minLength(1), z.maxLength(100));

const webviewSchemas = table<WebviewMessages>()({
  'webview/ready': z.object({}),
  'timeline/curl/copy': z.object({ id: requestId, runId: z.string(), stepId: z.string(), includeSecrets: z.boolean() }),
  'timeline/run/again': z.object({ profileId: z.string() }),
  'timeline/run/export': z.object({ runId: z.string() }),
  'timeline/link/open': z.object({ url: DOC_LINK }),
  // Only Mermaid sequence diagram text, and of a size a run's diagram has: the clipboard takes nothing else from the webview.
  'timeline/diagram/copy': z.object({ id: requestId, text: z.string().check(z.startsWith('sequenceDiagram\n'), z.maxLength(MAX_DIAGRAM_TEXT)) }),
  'timeline/token/copy': z.object({ id: requestId, runId: z.string(), stepId: z.string(), tokenIndex: z.int().check(z.gte(0)) }),
  'timeline/value/copy': z.object({ id: requestId, text: z.string().check(z.maxLength(MAX_VALUE_TEXT)) }),
  'timeline/command/run': z.object({ command: z.enum(PANEL_COMMANDS) }),
  'timeline/run/followUp': z.object({ runId: z.string(), action: z.enum(FOLLOW_UPS) }),
  'timeline/history/list': z.object({ id: requestId }),
  'timeline/history/rename': z.object({ id: requestId, runId: z.string(), label: z.string().check(z.maxLength(MAX_LABEL)) }),
  'timeline/history/delete': z.object({ id: requestId, runId: z.string() }),
  'timeline/history/compare': z.object({ id: requestId, runId: z.string(), otherRunId: z.string() }),
  'timeline/token/verify': z.object({ id: requestId, verifyKey: z.string().check(z.maxLength(100)), keys: z.optional(z.string().check(z.maxLength(MAX_VALUE_TEXT))) }),
  'timeline/step/resend': z.object({
    id: requestId,
    runId: z.string(),
    stepId: z.string(),
    request: of<EditedRequest>()(
      z.object({
        method: z.enum(['GET', 'POST']),
        url: z.url({ protocol: /^https?$/ }),
        headers: z.array(z.tuple([z.string().check(z.maxLength(200)), z.string().check(z.maxLength(MAX_VALUE_TEXT))])).check(z.maxLength(100)),
        body: z.optional(z.string().check(z.maxLength(MAX_VALUE_TEXT))),
      }),
    ),
  }),
});

/** The message with its params as the schema returned them (unknown fields dropped), or undefined. */
function parseWith<M>(schemas: Schemas<M>, value: unknown): Message<M> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { method, params } = value as { method?: unknown; params?: unknown };
  if (typeof method !== 'string' || !Object.hasOwn(schemas, method)) return undefined;
  const result = z.safeParse(schemas[method as keyof M], params);
  return result.success ? ({ method, params: result.data } as Message<M>) : undefined;
}

/** The message if it is a well-formed host → webview message, else undefined. Never throws. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  return parseWith(prepareHostSchemas(), value);
}

/** Builds the schemas of host messages now, if not yet: the webview does so while idle, before a run arrives. */
export function prepareHostSchemas(): Schemas<HostMessages> {
  hostSchemas ??= hostMessageSchemas();
  return hostSchemas;
}

/** The message if it is a well-formed webview → host message, else undefined. Never throws. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  return parseWith(webviewSchemas, value);
}

/** What the webview persists with `setState` so a window reload restores the panel. */
export interface WebviewState {
  runs: Run[];
  tokens: Array<{ token: DecodedToken; source: string; verifyKey?: string }>;
  currentRunId?: string;
  /**
   * How the timeline was being looked at, so a reload shows the same view: which step cards are open
   * and which tab each shows, keyed by `${runId}\n${stepId}`. Webview-only; the host never reads it.
   */
  view?: { expanded: Record<string, boolean>; tabs: Record<string, string> };
  /**
   * What the host said each run can follow up with, by run id. Not restored after a reload: the host
   * keeps its sessions only in memory, so a restored run offers no follow-ups until it says so again.
   */
  followUps?: Record<string, FollowUpAction[]>;
  /** The host's run history, as it last listed it. Not restored: the host sends it again on ready. */
  history?: HistoryEntry[];
  /** The latest measurement of each profile measured, newest first (bounded: webview/store.ts). */
  measurements?: Measurement[];
}
