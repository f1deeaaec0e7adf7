/**
 * Steps 2 and 3 — the flows API (PingOne "Flows", PINGONE.md §2). GET reads the flow's status; POST
 * performs the action named by the vendor media type `application/vnd.pingidentity.<action>+json`.
 * The flow's `_links` name the actions available now. Flow calls carry the session cookies, not a
 * bearer token, and send no `Accept: application/json` (it can answer 406).
 */
import type { HttpRequest } from './http';
import type { Exchange, SecretMark } from './model';
import type { Endpoints } from './profile';
import { failureFrom, isObject, responseOf } from './responses';

export interface Flow {
  id: string;
  status: string;
  resumeUrl?: string;
  createdAt?: string;
  expiresAt?: string;
  session?: { id?: string };
  _links?: Record<string, { href?: string }>;
  _embedded?: {
    user?: { id?: string; username?: string; name?: { given?: string; family?: string } };
    application?: { name?: string };
    devices?: Array<{ id: string; type?: string; email?: string; phone?: string; nickname?: string }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export function isFlow(value: unknown): value is Flow {
  return isObject(value) && typeof value.id === 'string' && typeof value.status === 'string';
}

/** Actions this client knows how to perform, with the JSON body each takes (PINGONE.md §2). */
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

function flowUrl(endpoints: Endpoints, flowId: string): string {
  return `${endpoints.flows}/${encodeURIComponent(flowId)}`;
}

export function buildFlowStatusRequest(endpoints: Endpoints, flowId: string): HttpRequest {
  return { method: 'GET', url: flowUrl(endpoints, flowId) };
}

export function buildFlowActionRequest(
  endpoints: Endpoints,
  flow: Flow,
  action: FlowAction,
  body: Record<string, unknown>,
  secrets: SecretMark[] = [],
): HttpRequest {
  // Follow the flow's own link for the action when it gives one (HAL); it is the same URL on PingOne.
  const href = flow._links?.[action]?.href;
  return {
    method: 'POST',
    url: href && /^https?:\/\//.test(href) ? href : flowUrl(endpoints, flow.id),
    headers: [['content-type', `application/vnd.pingidentity.${action}+json`]],
    body: JSON.stringify(body),
    secrets,
  };
}

/** The flow from a flows API answer, or the platform error turned into a FlowError. */
export function readFlowResponse(exchange: Exchange): Flow {
  const response = responseOf(exchange);
  if (response.status >= 200 && response.status < 300 && isFlow(response.json)) return response.json;
  throw failureFrom(response, 'the flow');
}
