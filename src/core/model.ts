/**
 * The run as data: what the runner returns, what the CLI prints, what the timeline shows.
 * Plain JSON-serialisable objects only (no class instances, no Dates), so a run can cross the
 * webview boundary, be written to a file, or be compared in a test.
 */
import type { CheckCode } from './codes';

/** A value in a request that must not be shown or exported unless the user asks. */
export interface SecretMark {
  /** Shell-style variable name used in place of the value, e.g. `CLIENT_SECRET`. */
  variable: string;
  value: string;
  /** What to put in the variable, when it is not obvious from the name. */
  describe?: string;
}

export interface RecordedRequest {
  method: string;
  url: string;
  /** Headers in the order sent, names as sent. Includes Host and Content-Length. */
  headers: [name: string, value: string][];
  /** Request body as text (forms and JSON only); undefined when there is none. */
  body?: string;
  /** The request head exactly as written to the socket (request line and headers), when captured. */
  rawHead?: string;
  /** Values inside url/headers/body that are secrets. Emptied by `redactRun`. */
  secrets: SecretMark[];
}

export interface RecordedResponse {
  status: number;
  statusText: string;
  headers: [name: string, value: string][];
  /** Body decoded as UTF-8 text; truncated responses are rejected before they get here. */
  body: string;
  /** Parsed body when the response is JSON (by content type or by shape). */
  json?: unknown;
  /** Size of the body in bytes. */
  size: number;
  /** Values in the headers or body that are secrets (tokens, session cookies). Emptied by `redactRun`. */
  secrets: SecretMark[];
}

/**
 * What the transport measured, in ms on a monotonic clock. A phase that did not happen is left out rather than recorded as
 * 0, so a refused connection does not read as a reused one.
 */
export interface Timing {
  /**
   * Time spent opening the connection (TCP and TLS); 0 when a kept-alive connection was reused;
   * absent when no connection was made (refused, timed out, or the request never left).
   */
  connect?: number;
  /** From sending the request until the response headers arrived; absent when none arrived. */
  ttfb?: number;
  /** From the start of the request until the body was read or the request failed. */
  total: number;
}

export interface CookieRecord {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: string;
}

export interface Exchange {
  request: RecordedRequest;
  /** Missing when no response arrived (timeout, reset, refused). */
  response?: RecordedResponse;
  timing: Timing;
  cookies: { sent: CookieRecord[]; set: CookieRecord[] };
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One named verification (state matches, signature verifies, `exp` is in the future…). */
export interface Check {
  /** What was checked, to branch on (src/core/codes.ts); `name` is its label. */
  code: CheckCode;
  name: string;
  status: CheckStatus;
  detail: string;
}

/** `request_object`, `client_assertion` and `dpop_proof` (RFC 9449) are JWTs this client signed and sent. */
export type TokenKind = 'id_token' | 'access_token' | 'refresh_token' | 'request_object' | 'client_assertion' | 'dpop_proof' | 'token';

export interface TimeClaim {
  claim: string;
  /** Seconds since the epoch, as in the token. */
  value: number;
  iso: string;
  /** "in 59 min", "3 h ago". Relative to when the token was decoded. */
  relative: string;
}

export interface DecodedToken {
  kind: TokenKind;
  /** The compact JWT. A secret: `redactRun` replaces it. */
  raw: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** base64url signature part, as in the token. */
  signature: string;
  times: TimeClaim[];
  /** Signature, issuer, audience, time and binding checks; empty when nothing could be checked. */
  checks: Check[];
  /** true when every check passed; false when one failed; undefined when none ran (opaque or decode-only). */
  verified?: boolean;
}

/** Every kind of step a run records, in the order a run may take them. */
export const STEP_KINDS = [
  'discovery',
  'par',
  'authorize',
  'flow',
  'signOn',
  'resume',
  'browser',
  'deviceAuthorization',
  'token',
  'jwks',
  'userinfo',
  'refresh',
  'introspect',
  'revoke',
  'signoff',
  'resend',
] as const;

/** What a run can do with its tokens once its grant is done (src/core/grants/followUps.ts), in the CLI's order. */
export const FOLLOW_UPS = ['refresh', 'introspect', 'revoke', 'userinfo', 'signoff'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];

/**
 * `browser` is the person signing on in the system browser, ending in the redirect the loopback
 * listener caught; `token` covers every grant's token request (the device grant's polls included).
 */
export type StepKind = (typeof STEP_KINDS)[number];

export type StepStatus = 'running' | 'succeeded' | 'failed';

/** Why a step failed, in words a person can act on. */
export interface StepError {
  /** Machine-readable code, e.g. `HTTP_TIMEOUT`, `STATE_MISMATCH`, `INVALID_CREDENTIALS`. */
  code: string;
  /** One plain sentence: what happened. */
  message: string;
  /** What to check or do next. */
  hint: string;
  /** Parsed error body (RFC 6749 §5.2 or the PingOne platform error), when the server sent one. */
  detail?: unknown;
}

export interface Step {
  /** Unique within the run, e.g. `s3`. */
  id: string;
  kind: StepKind;
  /** Short title for the card, e.g. "Sign on (usernamePassword.check)". */
  title: string;
  status: StepStatus;
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
  /** Total time of the step, ms. */
  duration?: number;
  exchange?: Exchange;
  /** Step-specific values worth showing: PKCE verifier/challenge, state, flowId, flow status, code. */
  facts: Record<string, string>;
  checks: Check[];
  tokens: DecodedToken[];
  /** Warnings that do not fail the step, e.g. TLS verification disabled. */
  warnings: string[];
  /** A refresh step's tokens compared with the ones they replaced, one entry per token kind that was a JWT on both sides. */
  diffs?: TokenDiff[];
  error?: StepError;
}

export type ClaimChangeKind = 'added' | 'removed' | 'changed' | 'same';

/** One claim of two tokens compared (src/core/tokenDiff.ts). */
export interface ClaimChange {
  claim: string;
  change: ClaimChangeKind;
  before?: unknown;
  after?: unknown;
  /** A time claim (exp, iat, nbf, auth_time) in words: "exp moved 1 h later: expires in 59 min". */
  words?: string;
}

/** The claims of a token kind before and after a step that replaced it. */
export interface TokenDiff {
  kind: TokenKind;
  entries: ClaimChange[];
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  profile: { id: string; name: string; issuer: string; clientId: string };
  status: RunStatus;
  startedAt: string;
  duration?: number;
  steps: Step[];
  /** Set when the run did not succeed: the failing step's error, or the cancellation. */
  error?: StepError;
}

export type RunEvent =
  | { type: 'run/started'; run: Run }
  | { type: 'step/started'; runId: string; step: Step }
  | { type: 'step/finished'; runId: string; step: Step }
  | { type: 'step/failed'; runId: string; step: Step }
  | { type: 'run/finished'; run: Run };
