/**
 * `/{{envID}}/flows/{{flowID}}`: GET reads the flow, POST performs the action named by the media
 * type `application/vnd.pingidentity.<action>+json` (docs/pingone.md §2). Calls are authenticated by the
 * flow's `ST` session cookie, not by a bearer token.
 */
import type { Flow, SandboxContext } from './context';
import { constantTimeEqual } from './compare';
import { platformError } from './errors';
import { ACTIONS_BY_STATUS, FLOW_ACTIONS, flowResource, touchFlow } from './flow';
import { performAction, type ActionBody } from './flow-actions';
import { mediaType, withCookies, type Reply, type SandboxRequest } from './http';
import { SESSION_COOKIE, SESSION_COOKIE_NO_SAMESITE, sessionCookies, sessionForToken } from './session';

const ACTION_MEDIA_TYPE = /^application\/vnd\.pingidentity\.([a-z.]+)\+json$/;

export function handleFlow(ctx: SandboxContext, req: SandboxRequest, flowId: string): Reply {
  const flow = ctx.state.flows.get(flowId);
  if (!flow) return platformError(404, 'NOT_FOUND', 'The flow does not exist or has expired.');
  // Mirrors the documented PingOne quirk: "Accept: application/json" on /flows can answer 406.
  if (mediaType(req.headers.accept) === 'application/json' && !req.headers.accept!.includes(',')) {
    return platformError(406, 'INVALID_REQUEST', 'Accept must allow application/hal+json (send */* or no Accept header).');
  }
  if (!carriesSessionCookie(req, flow)) {
    return platformError(403, 'ACCESS_FAILED', 'The request does not carry the ST cookie of the session this flow was started in.');
  }
  // Only a call its own browser makes counts as an interaction that keeps the flow alive.
  touchFlow(ctx, flow.id);
  if (req.method === 'GET') return flowReply(ctx, flow);

  // Media types compare case-insensitively (RFC 9110 §8.3.1); action names are camelCase.
  const requested = ACTION_MEDIA_TYPE.exec(mediaType(req.headers['content-type']))?.[1];
  const actionName = FLOW_ACTIONS.find((action) => action.toLowerCase() === requested);
  if (!actionName) {
    return platformError(415, 'INVALID_REQUEST', 'Content-Type must be application/vnd.pingidentity.<action>+json naming a flow action.');
  }
  if (!ACTIONS_BY_STATUS[flow.status].includes(actionName)) {
    const offered = ACTIONS_BY_STATUS[flow.status].join(', ') || 'none';
    return platformError(400, 'INVALID_REQUEST', `The action ${actionName} is not available in status ${flow.status} (available: ${offered}).`);
  }
  const body = parseJsonObject(req.body);
  if (!body) return platformError(400, 'INVALID_DATA', 'The request body must be a JSON object.');
  const failure = performAction(ctx, flow, actionName, body);
  if (failure) return failure;
  // docs/pingone.md §2: the sign-on that completes the flow sets the ST cookie bound to the user's session.
  return flow.status === 'COMPLETED' ? withCookies(flowReply(ctx, flow), sessionCookies(ctx, sessionForToken(ctx, flow.sessionToken))) : flowReply(ctx, flow);
}

/** The flow resource as HAL, the media type PingOne answers flows with. */
export function flowReply(ctx: SandboxContext, flow: Flow): Reply {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/hal+json;charset=UTF-8', 'Cache-Control': 'no-store' },
    body: JSON.stringify(flowResource(ctx, flow)),
  };
}

export function carriesSessionCookie(req: SandboxRequest, flow: Flow): boolean {
  const tokens = [req.cookies.get(SESSION_COOKIE), req.cookies.get(SESSION_COOKIE_NO_SAMESITE)];
  return tokens.some((token) => token !== undefined && constantTimeEqual(token, flow.sessionToken));
}

/** An empty body counts as `{}`: session.reset has nothing to send. */
function parseJsonObject(text: string): ActionBody | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ActionBody) : undefined;
  } catch {
    return undefined;
  }
}
