/**
 * The run as a sequence diagram: who sent what to whom, in the order it happened. One model feeds the
 * panel's drawing (sequenceView.ts) and the "Copy as Mermaid" text, so both say the same thing.
 * Pure and DOM-free.
 *
 * Built from the redacted run the webview holds, and it shows less than the run: request paths without
 * their query, and of a redirect only the one parameter that says how it went (RFC 6749 §4.1.2 `code`,
 * §4.1.2.1 `error`; PingOne's sign-on page: `flowId`). No header, body or token reaches it.
 *
 * Browser sign-on has a lifeline of its own: this client hands the authorize URL to the browser, and
 * the browser brings the authorization response back to the loopback listener, which runs in VS Code
 * (RFC 8252 §7.3) — or the person pastes it, when no listener could take it.
 */
import type { Run, Step, StepKind } from '../src/core/model';
import { headerValue } from './format';
import { redirectParameter, short } from './outcome';

export type LifelineId = 'client' | 'browser' | 'server' | 'flows' | 'signOnPage' | 'redirectUri' | 'userinfo';

export interface Lifeline {
  id: LifelineId;
  label: string;
}

/**
 * `request`: this client to a server (or the browser to this client's loopback listener); `response`:
 * the answer back; `notFollowed`: where a redirect pointed, drawn but never sent; `handoff`: a URL
 * passed between this client and the browser (opened there, or pasted back); `note`: a step that
 * failed before sending anything.
 */
export type MessageKind = 'request' | 'response' | 'notFollowed' | 'handoff' | 'note';

export interface SequenceMessage {
  kind: MessageKind;
  from: LifelineId;
  to: LifelineId;
  /** The whole label, as Mermaid gets it: method and path, status, redirect parameter, error code. */
  label: string;
  /** The same, with long ids cut to a prefix, for drawing in a narrow panel. */
  text: string;
  stepId: string;
  /** Requests only: whether an answer came, none will (refused, timed out), or the step still runs. */
  answer?: 'answered' | 'none' | 'pending';
  /** Set on the step's last message when the step failed; the label ends in "✕ CODE". */
  failed: boolean;
  errorCode?: string;
}

export interface SequenceDiagram {
  /** Only the parties the run talked to, always in the same order, this client first. */
  lifelines: Lifeline[];
  messages: SequenceMessage[];
}

const LIFELINES: readonly Lifeline[] = [
  { id: 'client', label: 'VS Code' },
  { id: 'browser', label: 'Browser' },
  { id: 'server', label: 'Authorization server' },
  { id: 'flows', label: 'Flows API' },
  { id: 'signOnPage', label: 'Sign-on page' },
  { id: 'redirectUri', label: 'Redirect URI' },
  { id: 'userinfo', label: 'Userinfo' },
];

/**
 * Who answers each step: /as/authorize, /as/resume, /as/token and /as/jwks are the authorization
 * server's; /flows/{flowId} is PingOne's flows API; the browser's callback is answered by the loopback
 * listener in VS Code.
 */
const SERVER_OF: Record<StepKind, LifelineId> = {
  discovery: 'server',
  par: 'server',
  deviceAuthorization: 'server',
  browser: 'client',
  refresh: 'server',
  introspect: 'server',
  revoke: 'server',
  signoff: 'server',
  authorize: 'server',
  resume: 'server',
  token: 'server',
  jwks: 'server',
  flow: 'flows',
  signOn: 'flows',
  userinfo: 'userinfo',
  // A request edited and sent again: to whichever server its URL names, drawn as the authorization server's.
  resend: 'server',
};

export function sequenceOf(run: Run): SequenceDiagram {
  const messages = run.steps.flatMap((step) => stepMessages(run, step));
  const used = new Set<LifelineId>(['client', ...messages.flatMap((m) => [m.from, m.to])]);
  return { lifelines: LIFELINES.filter((l) => used.has(l.id)), messages };
}

function stepMessages(run: Run, step: Step): SequenceMessage[] {
  const exchange = step.exchange;
  const error = step.status === 'failed' ? (step.error?.code ?? 'FAILED') : undefined;
  const mark = (label: string): string => (error ? `${label} ✕ ${error}` : label);
  if (!exchange) {
    const opened = step.kind === 'authorize' ? step.facts.authorize_url : undefined;
    if (opened !== undefined) {
      const label = mark(`opens GET ${pathOf(opened, run.profile.issuer)}`);
      return [handoff(step, 'client', 'browser', label, label, error)];
    }
    if (!error) return [];
    const label = mark(step.title);
    return [{ kind: 'note', from: 'client', to: 'client', label, text: label, stepId: step.id, failed: true, errorCode: error }];
  }
  const server = SERVER_OF[step.kind] ?? 'server';
  const { method, url } = exchange.request;
  const path = pathOf(url, run.profile.issuer);
  const response = exchange.response;
  // The browser's callback names what it brought back, as the redirect it follows would.
  const brought = step.kind === 'browser' ? callbackParameter(url) : undefined;
  const suffix = brought ? ` · ${brought.name}=${brought.value}` : '';
  const shortSuffix = brought ? ` · ${brought.name}=${short(brought.value)}` : '';
  if (step.kind === 'browser' && !response) return [handoff(step, 'browser', 'client', mark(`pasted ${method} ${path}${suffix}`), mark(`pasted ${method} ${path}${shortSuffix}`), error)];
  const from: LifelineId = step.kind === 'browser' ? 'browser' : 'client';
  const request: SequenceMessage = {
    kind: 'request',
    from,
    to: server,
    label: `${method} ${path}${suffix}`,
    text: `${method} ${path.split('/').map(short).join('/')}${shortSuffix}`,
    stepId: step.id,
    answer: response ? 'answered' : step.status === 'running' ? 'pending' : 'none',
    failed: false,
  };
  if (!response) {
    if (error) Object.assign(request, { label: mark(request.label), text: mark(request.text), failed: true, errorCode: error });
    return [request];
  }
  const status = `${response.status} ${response.statusText}`.trim();
  const answer: SequenceMessage = { kind: 'response', from: server, to: from, label: mark(status), text: mark(status), stepId: step.id, failed: error !== undefined, errorCode: error };
  const redirect = notFollowed(step, response.status, headerValue(response.headers, 'location'));
  return redirect ? [request, answer, redirect] : [request, answer];
}

/** A URL passed between this client and the browser: opened there, or pasted back from its address bar. */
function handoff(step: Step, from: LifelineId, to: LifelineId, label: string, text: string, error: string | undefined): SequenceMessage {
  return { kind: 'handoff', from, to, label, text, stepId: step.id, failed: error !== undefined, ...(error ? { errorCode: error } : {}) };
}

/** The parameter of an authorization response that says how it went (`code` or `error`), if the URL is one. */
function callbackParameter(url: string): ReturnType<typeof redirectParameter> {
  try {
    return redirectParameter(new URL(url));
  } catch {
    return undefined;
  }
}

/**
 * The Location of a 3xx, which this client reads and never requests (the flow goes on through the
 * flows API and /as/resume): an authorization response goes to the redirect URI; PingOne's flowId to its sign-on page.
 */
function notFollowed(step: Step, status: number, location: string | undefined): SequenceMessage | undefined {
  if (status < 300 || status >= 400 || location === undefined) return undefined;
  const parameter = callbackParameter(location);
  const what = `${status} not followed`;
  return {
    kind: 'notFollowed',
    from: 'client',
    to: parameter?.name === 'flowId' ? 'signOnPage' : 'redirectUri',
    label: parameter ? `${what} · ${parameter.name}=${parameter.value}` : what,
    text: parameter ? `${what} · ${parameter.name}=${short(parameter.value)}` : what,
    stepId: step.id,
    failed: false,
  };
}

/**
 * The request's path without query or fragment. Under the run's own server it starts after the
 * environment (PingOne: https://auth.pingone.com/{envId}/as/token reads /as/token); another host keeps its name.
 */
export function pathOf(url: string, issuer: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/[?#][\s\S]*$/, '');
  }
  let base: URL | undefined;
  try {
    base = new URL(issuer);
  } catch {
    base = undefined;
  }
  if (!base || parsed.origin !== base.origin) return `${parsed.host}${parsed.pathname}`;
  const root = base.pathname.replace(/\/as\/?$/, '');
  return root !== '' && parsed.pathname.startsWith(`${root}/`) ? parsed.pathname.slice(root.length) : parsed.pathname;
}

/** Mermaid's arrows: solid there, dashed back, a cross for a request that got no answer, an open dashed arrow for where a redirect pointed. */
function arrowOf(message: SequenceMessage): string {
  if (message.kind === 'response') return '-->>';
  if (message.kind === 'notFollowed') return '--)';
  if (message.kind === 'handoff') return '-)';
  return message.answer === 'answered' ? '->>' : message.answer === 'pending' ? '-)' : '-x';
}

/**
 * Text for a Mermaid label. In a sequence diagram a message runs from `:` to the first `#`, `;` or
 * line break, `%%` starts a comment, and `<` `>` may be read as HTML; each becomes Mermaid's `#code;`
 * entity, which it decodes when drawing.
 */
export function mermaidText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[#;:%<>]/g, (c) => `#${c.charCodeAt(0)};`).trim();
}

/** The diagram as Mermaid `sequenceDiagram` text, for docs and bug reports. */
export function toMermaid(diagram: SequenceDiagram): string {
  const lines = ['sequenceDiagram'];
  for (const lifeline of diagram.lifelines) lines.push(`    participant ${lifeline.id} as ${lifeline.label}`);
  for (const message of diagram.messages) {
    lines.push(
      message.kind === 'note'
        ? `    Note over ${message.from}: ${mermaidText(message.label)}`
        : `    ${message.from}${arrowOf(message)}${message.to}: ${mermaidText(message.label)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
