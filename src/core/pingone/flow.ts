/**
 * Steps 2 and 3 — the flows API (PingOne "Flows", docs/pingone.md §2). GET reads the flow's status; POST
 * performs the action named by the vendor media type `application/vnd.pingidentity.<action>+json`.
 * The flow's `_links` name the actions available now. Flow calls carry the session cookies, not a
 * bearer token, and send an Accept allowing any media type, as PingOne's sample apps do:
 * `Accept: application/json` can answer 406.
 *
 * The flow resource is the server's word, read as untrusted input: it is validated against the shape
 * this client reads before anything uses it, and its links may not send the sign-on (passwords,
 * one-time codes, the session cookie) anywhere but the configured server.
 */
import { Codes } from '../codes';
import * as z from 'zod/mini';
import { FlowError } from '../errors';
import type { HttpRequest } from '../http';
import type { Exchange, RecordedResponse, SecretMark } from '../model';
import type { PingOneEndpoints } from './endpoints';
import { isLoopback } from '../origin';
import { expectJsonObject, failureFrom, quote, responseOf } from '../oauth/responses';
import { isPlatformError } from './errors';

/** In a `u` regex a range of surrogates matches only unpaired ones, which `encodeURIComponent` refuses. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A HAL link (`{"href": …}`); other link fields are kept as sent. */
const link = z.looseObject({ href: z.optional(z.string()) });
const text = z.optional(z.string());

/**
 * The flow resource, as deep as this client reads it; every other field is kept as sent, since the
 * timeline shows the flow whole.
 */
const flowSchema = z.looseObject({
  id: z.string().check(
    z.minLength(1),
    z.refine((id) => !LONE_SURROGATE.test(id), 'the id holds a lone UTF-16 surrogate, so it cannot go into a URL'),
  ),
  status: z.string().check(z.minLength(1)),
  session: z.optional(z.looseObject({ id: text })),
  _links: z.optional(z.record(z.string(), link)),
  _embedded: z.optional(
    z.looseObject({
      user: z.optional(z.looseObject({ id: text, username: text })),
      devices: z.optional(
        z.array(z.looseObject({ id: z.string().check(z.minLength(1)), type: text, email: text, phone: text, nickname: text })),
      ),
    }),
  ),
});

export type Flow = z.infer<typeof flowSchema>;

/** Actions this client knows how to perform, with the JSON body each takes (docs/pingone.md §2). */
export const FLOW_ACTIONS = [
  'usernamePassword.check',
  'user.lookup',
  'otp.check',
  'device.select',
  'session.reset',
  'password.forgot',
  'password.reset',
  'user.register',
] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

/** The actions the flow offers now, from its `_links` (self, signOnPage and the like excluded). */
export function offeredActions(flow: Flow): string[] {
  const nonActions = new Set(['self', 'signOnPage', 'session']);
  return Object.keys(flow._links ?? {}).filter((name) => !nonActions.has(name));
}

/** The devices a DEVICE_SELECTION_REQUIRED flow offers, each with a label a person can pick by. */
export function flowDevices(flow: Flow): { id: string; label: string }[] {
  return (flow._embedded?.devices ?? []).map((d) => ({ id: d.id, label: [d.type, d.nickname ?? d.email ?? d.phone].filter(Boolean).join(' ') || d.id }));
}

/** What a step shows about the flow it read. */
export function flowFacts(flow: Flow): Record<string, string> {
  const actions = offeredActions(flow);
  const username = flow._embedded?.user?.username;
  return {
    flowId: flow.id,
    flow_status: flow.status,
    ...(actions.length ? { next_actions: actions.join(', ') } : {}),
    ...(username ? { user: username } : {}),
    ...(flow.session?.id ? { session: flow.session.id } : {}),
  };
}

function flowUrl(endpoints: PingOneEndpoints, flowId: string): string {
  if (LONE_SURROGATE.test(flowId)) {
    throw new FlowError(Codes.INVALID_FLOW_ID, `The flow id ${quote(flowId)} holds a lone UTF-16 surrogate, so it cannot go into a URL.`, 'Check where the flow id came from: the authorize redirect or the flow resource.');
  }
  return `${endpoints.flows}/${encodeURIComponent(flowId)}`;
}

/** Any media type: the flow comes back as application/hal+json (docs/pingone.md §2). */
const ACCEPT_ANY: [string, string] = ['accept', '*/*'];

export function buildFlowStatusRequest(endpoints: PingOneEndpoints, flowId: string): HttpRequest {
  return { method: 'GET', url: flowUrl(endpoints, flowId), headers: [ACCEPT_ANY] };
}

export function buildFlowActionRequest(
  endpoints: PingOneEndpoints,
  flow: Flow,
  action: FlowAction,
  body: Record<string, unknown>,
  secrets: SecretMark[] = [],
): HttpRequest {
  return {
    method: 'POST',
    url: actionUrl(endpoints, flow, action),
    headers: [['content-type', `application/vnd.pingidentity.${action}+json`], ACCEPT_ANY],
    body: JSON.stringify(body),
    secrets,
  };
}

/** The sign-on actions this client performs itself, asking the person for what each needs. */
export type SignOnAction = 'usernamePassword.check' | 'user.lookup' | 'device.select' | 'otp.check' | 'password.reset';

/**
 * The action that moves the flow on from its status, among those its `_links` offer now
 * (docs/pingone.md §2), or undefined when this client cannot complete the status on its own
 * (external IdP, push confirmation, profile data…).
 */
export function nextAction(flow: Flow): SignOnAction | undefined {
  const offered = new Set(offeredActions(flow));
  if (offered.has('usernamePassword.check') && ['USERNAME_PASSWORD_REQUIRED', 'PASSWORD_REQUIRED', 'SIGN_ON_REQUIRED'].includes(flow.status)) {
    return 'usernamePassword.check';
  }
  if (offered.has('user.lookup')) return 'user.lookup';
  if (offered.has('device.select') && flow.status === 'DEVICE_SELECTION_REQUIRED') return 'device.select';
  if (offered.has('otp.check')) return 'otp.check';
  if (offered.has('password.reset') && ['MUST_CHANGE_PASSWORD', 'PASSWORD_EXPIRED'].includes(flow.status)) return 'password.reset';
  return undefined;
}

/**
 * Where an action goes: the flow's own link for it (HAL; the flow URL itself on PingOne), or the flow
 * URL when there is none. An action carries the password, a one-time code and the `ST` cookie, so a
 * link naming another origin — another host or port, or plain http in place of https — fails the
 * step instead of being followed, and so does plain http to anything but this machine.
 */
export function actionUrl(endpoints: PingOneEndpoints, flow: Flow, action: FlowAction): string {
  const own = flowUrl(endpoints, flow.id);
  const href = flow._links && Object.hasOwn(flow._links, action) ? flow._links[action].href : undefined;
  const expected = new URL(own).origin;
  const url = href === undefined ? new URL(own) : URL.parse(href, own);
  if (url?.origin !== expected) {
    const named = !url
      ? `${quote(href ?? '')}, which is not a URL`
      : url.protocol === 'http:' && expected.startsWith('https:')
        ? `${url.origin}, downgrading the configured https to plain http`
        : url.origin;
    throw new FlowError(
      Codes.FLOW_LINK_ELSEWHERE,
      `The flow's ${action} link points at ${named}; this client sends the action only to the configured server, ${expected}.`,
      'The flow asked for the credentials to go elsewhere, and nothing was sent. Check the auth path, and any proxy that rewrites the flow\'s links.',
      { detail: { link: action, href, expectedOrigin: expected } },
    );
  }
  if (url.protocol === 'http:' && !isLoopback(url)) {
    throw new FlowError(
      Codes.CREDENTIALS_OVER_HTTP,
      `The ${action} action would send credentials over plain http to ${url.host}, which is not this machine; this client sends them over https only.`,
      'Use the server\'s https URL as the auth path. Plain http is only for a server on this machine (loopback), such as the local sandbox.',
      { detail: { link: action, url: url.href } },
    );
  }
  return url.href;
}

/** The flow from a flows API answer, or why there is none (the platform error, or the shape that was wrong). */
export function readFlowResponse(exchange: Exchange): Flow {
  const response = responseOf(exchange);
  if (response.status < 200 || response.status >= 300) throw flowFailure(response, 'the flow');
  return parseFlow(expectJsonObject(response, 'the flow'), 'the flows API answer');
}

/** Validates a flow resource; `what` names where it came from for the message. */
export function parseFlow(json: Record<string, unknown>, what: string): Flow {
  const parsed = flowSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join('.') || 'the resource';
  throw new FlowError(
    Codes.INVALID_FLOW,
    `The flow in ${what} is not in a shape this client can read: ${field}: ${issue.message}.`,
    'Check that the server speaks the PingOne flows API; the flow is in the response below.',
    { detail: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) } },
  );
}

/**
 * A failed answer about a flow (the flows API, or resume naming the flow). There a platform NOT_FOUND
 * means the flow is gone: flows expire 15 minutes after the last interaction (docs/pingone.md §2).
 */
export function flowFailure(response: RecordedResponse, what: string): FlowError {
  if (isPlatformError(response.json) && response.json.code === Codes.NOT_FOUND) {
    return new FlowError(
      Codes.FLOW_NOT_FOUND,
      `The flow was not found (${response.status}): flows expire 15 minutes after the last interaction.`,
      'Start a new run; check the environment ID if this happens at once.',
      { detail: response.json },
    );
  }
  return failureFrom(response, what, 'Check the request against the flow\'s _links and the PingOne API docs for this action.');
}
