/**
 * A recorded run turned into a replay plan: the same requests in the same order, with every value
 * that changes from one run to the next (state, nonce, PKCE, flowId, code, tokens) and every secret
 * replaced by a named variable, and for each step what to read from its response for the next ones.
 * The shell, .http and Postman exporters render this plan; none of them looks at the run itself.
 *
 * Variable names are the ones PingOne's step-by-step Postman collections use (`authPath`, `envID`,
 * `appID`, `redirect_uri`, `flowID`, `authCode`), so an exported collection reads like theirs.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import { headerValue } from '../http';
import type { Run, SecretMark, Step, StepKind } from '../model';

export type VariableName =
  | 'authPath'
  | 'envID'
  | 'appID'
  | 'redirect_uri'
  | 'state'
  | 'nonce'
  | 'codeVerifier'
  | 'codeChallenge'
  | 'flowID'
  | 'authCode'
  | 'accessToken'
  | 'clientSecret'
  | 'username'
  | 'password'
  | 'otp';

/** What the person supplies (environment variables, a Postman environment); secrets unless told otherwise. */
export const INPUTS = ['clientSecret', 'username', 'password', 'otp'] as const satisfies readonly VariableName[];
export type Input = (typeof INPUTS)[number];

/** Made fresh by every replay: reusing a run's state or PKCE verifier would defeat them (RFC 7636 §7.1, RFC 6749 §10.12). */
export const GENERATED = ['state', 'nonce', 'codeVerifier', 'codeChallenge'] as const satisfies readonly VariableName[];

/** A variable inside a JSON string needs JSON escaping; elsewhere it is inserted as is. */
export type Piece = string | { variable: VariableName; json?: true };
export type Template = Piece[];

export interface ReplayRequest {
  method: string;
  /** Scheme, authority and path, without the query. */
  base: Template;
  /** Decoded query parameters; each tool encodes them itself. */
  query: [string, Template][];
  headers: [string, Template][];
  /** client_secret_basic (RFC 6749 §2.3.1): id and secret, which each tool encodes itself. */
  basic?: { username: Template; password: Template };
  body?: { kind: 'form'; fields: [string, Template][] } | { kind: 'json' | 'text'; text: Template };
}

/**
 * Where a later step's value comes from in this step's response; with `verify`, a value this replay
 * sent that must come back unchanged (the state, RFC 6749 §10.12).
 */
export type Capture = ({ from: 'location'; param: string } | { from: 'json'; path: string[] }) & { variable: VariableName; verify?: true };

export interface ReplayStep {
  /** Unique within the plan, usable as an identifier: `authorize`, `flow`, `signOn`, `signOn2`… */
  name: string;
  title: string;
  kind: StepKind;
  request: ReplayRequest;
  /** The status the run got; a replay that gets another stops there. Undefined when no response came. */
  status?: number;
  captures: Capture[];
}

export interface ReplayPlan {
  profileName: string;
  issuer: string;
  /** The run's values of the constants and inputs, for defaults and for exports with secrets. */
  values: Partial<Record<VariableName, string>>;
  /** The inputs the steps use, in INPUTS order. */
  inputs: Input[];
  /** The generated values the steps use, in GENERATED order. */
  generated: (typeof GENERATED)[number][];
  steps: ReplayStep[];
}

/** Headers the replaying tool writes itself (or, for cookies, its cookie jar). */
const TOOL_HEADERS = new Set(['host', 'content-length', 'connection', 'cookie', 'user-agent']);

export function replayPlan(run: Run): ReplayPlan {
  const steps = run.steps.filter((s): s is Step & { exchange: NonNullable<Step['exchange']> } => s.exchange !== undefined);
  const issuer = /^(.*)\/([^/?#]+)\/as$/.exec(run.profile.issuer);
  if (!issuer) {
    throw new FlowError(Codes.EXPORT_UNSUPPORTED, `The issuer ${run.profile.issuer} does not end in /{environment ID}/as.`, 'Export as HAR instead: replaying needs a PingOne-style issuer.');
  }
  const authorize = steps.find((s) => s.kind === 'authorize');
  const token = steps.find((s) => s.kind === 'token');
  const values: Partial<Record<VariableName, string>> = {
    authPath: issuer[1],
    envID: issuer[2],
    appID: run.profile.clientId,
    redirect_uri: authorize ? new URL(authorize.exchange.request.url).searchParams.get('redirect_uri') ?? formField(authorize, 'redirect_uri') : undefined,
    state: authorize?.facts.state,
    nonce: authorize?.facts.nonce,
    codeVerifier: token ? formField(token, 'code_verifier') : undefined,
    codeChallenge: authorize?.facts.code_challenge,
    flowID: authorize?.facts.flowId,
    authCode: steps.find((s) => s.kind === 'resume')?.facts.code,
    accessToken: jsonField(token, 'access_token'),
    username: steps.map((s) => jsonField(s, 'username', 'request')).find((u) => u !== undefined),
  };
  const marks = steps.flatMap((s) => s.exchange.request.secrets);
  const byMark: Record<string, Input> = { CLIENT_SECRET: 'clientSecret', PASSWORD: 'password', OTP: 'otp' };
  for (const mark of marks) if (byMark[mark.variable]) values[byMark[mark.variable]] ??= mark.value;

  const bindings = bindingsOf(values);
  const names = new Map<string, number>();
  const planned = steps.map((step): ReplayStep => {
    const count = (names.get(step.kind) ?? 0) + 1;
    names.set(step.kind, count);
    const request = replayRequest(step, bindings);
    assertNoSecretLeft(step, request, marks);
    return { name: count === 1 ? step.kind : `${step.kind}${count}`, title: step.title, kind: step.kind, request, status: step.exchange.response?.status, captures: capturesOf(step) };
  });

  const used = new Set(planned.flatMap((s) => variablesIn(s.request)));
  return {
    profileName: run.profile.name,
    issuer: run.profile.issuer,
    values,
    inputs: INPUTS.filter((name) => used.has(name)),
    generated: GENERATED.filter((name) => used.has(name)),
    steps: planned,
  };
}

type Binding = { value: string; piece: Exclude<Piece, string> };

/** Sign-on inputs travel only in the flows API's JSON bodies; matching a short username elsewhere would be a false hit. */
const JSON_ONLY = new Set<VariableName>(['username', 'password', 'otp']);

/** Each known value, raw and (for JSON bodies) JSON-escaped, longest first so a value inside another is not split by it. */
function bindingsOf(values: Partial<Record<VariableName, string>>): { raw: Binding[]; json: Binding[] } {
  const entries = (Object.entries(values) as [VariableName, string | undefined][]).filter((e): e is [VariableName, string] => !!e[1]);
  const sort = (list: Binding[]) => list.sort((a, b) => b.value.length - a.value.length);
  return {
    raw: sort(entries.filter(([variable]) => !JSON_ONLY.has(variable)).map(([variable, value]) => ({ value, piece: { variable } }))),
    json: sort(entries.map(([variable, value]) => ({ value: JSON.stringify(value).slice(1, -1), piece: { variable, json: true } }))),
  };
}

/** `text` with every bound value replaced by its variable. */
export function template(text: string, bindings: Binding[]): Template {
  let pieces: Piece[] = [text];
  for (const { value, piece: variable } of bindings) {
    pieces = pieces.flatMap((piece) => (typeof piece !== 'string' || !piece.includes(value) ? [piece] : piece.split(value).flatMap((part, i) => (i === 0 ? [part] : [variable, part]))));
  }
  return pieces.filter((piece) => piece !== '');
}

function replayRequest(step: Step & { exchange: NonNullable<Step['exchange']> }, bindings: { raw: Binding[]; json: Binding[] }): ReplayRequest {
  const recorded = step.exchange.request;
  const url = new URL(recorded.url);
  const raw = (text: string) => template(text, bindings.raw);
  const request: ReplayRequest = {
    method: recorded.method,
    base: raw(`${url.origin}${url.pathname}`),
    query: [...url.searchParams].map(([k, v]) => [k, raw(v)]),
    headers: [],
  };
  for (const [name, value] of recorded.headers) {
    if (TOOL_HEADERS.has(name.toLowerCase())) continue;
    const basic = name.toLowerCase() === 'authorization' && /^Basic\s+(\S+)$/i.exec(value);
    if (basic) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(/:(.*)/s, 2).map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
      request.basic = { username: raw(id), password: raw(secret ?? '') };
      continue;
    }
    request.headers.push([name, raw(value)]);
  }
  if (recorded.body !== undefined) {
    const contentType = headerValue(recorded.headers, 'content-type') ?? '';
    if (/application\/x-www-form-urlencoded/i.test(contentType)) {
      request.body = { kind: 'form', fields: [...new URLSearchParams(recorded.body)].map(([k, v]) => [k, raw(v)]) };
    } else if (/json/i.test(contentType)) {
      request.body = { kind: 'json', text: template(recorded.body, bindings.json) };
    } else {
      request.body = { kind: 'text', text: raw(recorded.body) };
    }
  }
  if (request.query.some(([k]) => k === 'request') || request.body?.kind === 'form' && request.body.fields.some(([k]) => k === 'client_assertion')) {
    throw new FlowError(
      Codes.EXPORT_UNSUPPORTED,
      `${step.title} sends a JWT signed for this run (a request object or client assertion), which a replay cannot sign again.`,
      'Export as HAR, or replay a profile that uses client_secret_basic, client_secret_post or none without a request object.',
    );
  }
  return request;
}

/** A secret still written out in a replayed request could not be turned into an input: refuse rather than leak it. */
function assertNoSecretLeft(step: Step, request: ReplayRequest, marks: SecretMark[]): void {
  const text = templatesOf(request).flat().filter((p): p is string => typeof p === 'string').join('\n');
  const left = marks.find((mark) => mark.value.length >= 4 && text.includes(mark.value));
  if (left) {
    throw new FlowError(Codes.EXPORT_UNSUPPORTED, `${step.title} sends a secret ($${left.variable}) that a replay cannot supply.`, 'Export as HAR instead; it keeps every request as it was sent, secrets redacted.');
  }
}

function capturesOf(step: Step & { exchange: NonNullable<Step['exchange']> }): Capture[] {
  const response = step.exchange.response;
  if (!response) return [];
  const redirect = response.status >= 300 && response.status < 400;
  switch (step.kind) {
    case 'authorize':
      return [redirect ? { variable: 'flowID', from: 'location', param: 'flowId' } : { variable: 'flowID', from: 'json', path: ['id'] }];
    case 'resume':
      return redirect
        ? [{ variable: 'authCode', from: 'location', param: 'code' }, { variable: 'state', from: 'location', param: 'state', verify: true }]
        : [{ variable: 'authCode', from: 'json', path: ['authorizeResponse', 'code'] }, { variable: 'state', from: 'json', path: ['authorizeResponse', 'state'], verify: true }];
    case 'token':
      return [{ variable: 'accessToken', from: 'json', path: ['access_token'] }];
    default:
      return [];
  }
}

/** Every template of a request, in order. */
export function templatesOf(request: ReplayRequest): Template[] {
  const templates = [request.base, ...request.query.map(([, v]) => v), ...request.headers.map(([, v]) => v), request.basic?.username ?? [], request.basic?.password ?? []];
  if (request.body) templates.push(request.body.kind === 'form' ? request.body.fields.flatMap(([, v]) => v) : request.body.text);
  return templates;
}

function variablesIn(request: ReplayRequest): VariableName[] {
  return templatesOf(request).flat().flatMap((p) => (typeof p === 'string' ? [] : [p.variable]));
}

function formField(step: Step, name: string): string | undefined {
  const body = step.exchange?.request.body;
  return body === undefined ? undefined : new URLSearchParams(body).get(name) ?? undefined;
}

function jsonField(step: Step | undefined, name: string, side: 'request' | 'response' = 'response'): string | undefined {
  const exchange = step?.exchange;
  let json: unknown = exchange?.response?.json;
  if (side === 'request') {
    try {
      json = JSON.parse(exchange?.request.body ?? 'null');
    } catch {
      return undefined;
    }
  }
  const value = json && typeof json === 'object' ? (json as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The pieces of a template joined, each variable written by `render`. */
export function renderTemplate(pieces: Template, render: (piece: Exclude<Piece, string>) => string, literal: (text: string) => string = (t) => t): string {
  return pieces.map((piece) => (typeof piece === 'string' ? literal(piece) : render(piece))).join('');
}

export interface ExportOptions {
  /** Write the run's secrets into the export (and say so at its top). Default: never. */
  includeSecrets?: boolean;
  /** Skip TLS verification in the replay (the profile's `insecureTls`). */
  insecure?: boolean;
  /** When the export was made, ISO 8601; defaults to now. */
  exportedAt?: string;
}

/** The first lines every export opens with: what it is, and whether it holds secrets. */
export function exportHeading(plan: { profileName: string; issuer: string }, options: ExportOptions): string[] {
  // These lines become comments: nothing from the profile may end the comment line.
  const oneLine = (text: string) => text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ');
  return [
    `Auth Flow Explorer: "${oneLine(plan.profileName)}" against ${oneLine(plan.issuer)}, exported ${options.exportedAt ?? new Date().toISOString()}.`,
    options.includeSecrets
      ? 'WARNING: this file contains secrets in clear text (exported with secrets included). Do not share or commit it.'
      : 'No secrets in this file: they are read from the environment.',
  ];
}
