/**
 * A sign-on flow: created by /as/authorize, advanced by flow actions, consumed by /as/resume.
 * Its JSON resource follows docs/pingone.md §2: `_links` names exactly the actions available now.
 */
import { randomUUID } from 'node:crypto';
import { SIGN_ON_POLICIES, type AuthorizeRequest, type Flow, type FlowStatus, type SandboxContext, type Session } from './context';
import { sessionForToken, signOn } from './session';
import type { SandboxUser } from './seed';

export type FlowAction =
  | 'usernamePassword.check'
  | 'user.lookup'
  | 'otp.check'
  | 'device.select'
  | 'session.reset'
  | 'password.forgot'
  | 'password.reset'
  | 'password.recover'
  | 'user.register';

/** What each status offers. `password.recover` (after `password.forgot`) is inferred from PingOne's flows. */
export const ACTIONS_BY_STATUS: Record<FlowStatus, readonly FlowAction[]> = {
  USERNAME_PASSWORD_REQUIRED: ['usernamePassword.check', 'password.forgot', 'user.register'],
  SIGN_ON_REQUIRED: ['user.lookup', 'user.register'],
  PASSWORD_REQUIRED: ['usernamePassword.check', 'password.forgot', 'session.reset'],
  DEVICE_SELECTION_REQUIRED: ['device.select', 'session.reset'],
  OTP_REQUIRED: ['otp.check', 'device.select', 'session.reset'],
  MUST_CHANGE_PASSWORD: ['password.reset', 'session.reset'],
  RECOVERY_CODE_REQUIRED: ['password.recover', 'session.reset'],
  COMPLETED: [],
};

export const FLOW_ACTIONS: readonly FlowAction[] = [...new Set(Object.values(ACTIONS_BY_STATUS).flat())];

/**
 * Starts a flow in the given session. A session that already signed someone on, and that neither
 * `prompt=login` nor `max_age` rules out (OIDC Core §3.1.2.1), starts the flow COMPLETED.
 */
export function createFlow(ctx: SandboxContext, request: AuthorizeRequest, session: Session): Flow {
  const flow: Flow = {
    id: randomUUID(),
    request,
    status: SIGN_ON_POLICIES[request.policy],
    sessionToken: session.token,
    createdAt: ctx.now(),
    amr: [],
  };
  if (session.user && sessionSatisfies(ctx, session, request)) {
    flow.status = 'COMPLETED';
    flow.user = session.user;
    flow.amr = session.amr;
  } else if (request.policy === 'Identifier_First' && request.loginHint) {
    // The identifier is already known, so identifier-first skips straight to the password.
    flow.status = 'PASSWORD_REQUIRED';
    flow.identifier = request.loginHint;
  }
  ctx.state.flows.set(flow.id, flow, ctx.flowTtlMs);
  return flow;
}

export function sessionSatisfies(ctx: SandboxContext, session: Session, request: AuthorizeRequest): boolean {
  if (!session.user || session.authTime === undefined || request.prompt.has('login')) return false;
  return request.maxAge === undefined || ctx.now() - session.authTime <= request.maxAge * 1000;
}

/** The live flow, its expiry pushed back: flows expire after the last interaction (docs/pingone.md §2). */
export function touchFlow(ctx: SandboxContext, flowId: string): Flow | undefined {
  const flow = ctx.state.flows.get(flowId);
  if (flow) ctx.state.flows.set(flow.id, flow, ctx.flowTtlMs);
  return flow;
}

/** Marks the flow COMPLETED and signs the user on in the flow's session. */
export function completeFlow(ctx: SandboxContext, flow: Flow, user: SandboxUser, amr: string[]): void {
  flow.status = 'COMPLETED';
  flow.user = user;
  flow.amr = amr;
  flow.selectedDevice = undefined;
  signOn(ctx, sessionForToken(ctx, flow.sessionToken), user, amr, flow.request.policy);
}

/** Back to the policy's first step, forgetting who was being signed on. */
export function resetFlow(flow: Flow): void {
  flow.status = SIGN_ON_POLICIES[flow.request.policy];
  flow.user = undefined;
  flow.identifier = undefined;
  flow.selectedDevice = undefined;
  flow.amr = [];
}

export function flowUrl(ctx: SandboxContext, flow: Flow): string {
  return `${ctx.endpoints.flows}/${flow.id}`;
}

export function resumeUrl(ctx: SandboxContext, flow: Flow): string {
  return `${ctx.endpoints.resume}?flowId=${flow.id}`;
}

export function signOnPageUrl(ctx: SandboxContext, flow: Flow): string {
  return `${ctx.endpoints.signOnPage}?flowId=${flow.id}`;
}

/** The flow resource as GET /flows/{flowId} and every action answer it (docs/pingone.md §1 and §2). */
export function flowResource(ctx: SandboxContext, flow: Flow): Record<string, unknown> {
  const self = { href: flowUrl(ctx, flow) };
  const links: Record<string, { href: string }> = { self };
  for (const action of ACTIONS_BY_STATUS[flow.status]) links[action] = self;
  links.signOnPage = { href: signOnPageUrl(ctx, flow) };

  const embedded: Record<string, unknown> = { application: { name: flow.request.app.name } };
  if (flow.user && (flow.status === 'COMPLETED' || flow.status === 'MUST_CHANGE_PASSWORD' || flow.status === 'DEVICE_SELECTION_REQUIRED' || flow.status === 'OTP_REQUIRED')) {
    embedded.user = { id: flow.user.id, username: flow.user.username, name: { given: flow.user.givenName, family: flow.user.familyName } };
  }
  if (flow.status === 'DEVICE_SELECTION_REQUIRED' || flow.status === 'OTP_REQUIRED') {
    embedded.devices = flow.user!.devices.map((device) => ({ id: device.id, type: device.type, target: device.display }));
  }
  if (flow.status === 'OTP_REQUIRED') embedded.selectedDevice = { id: flow.selectedDevice!.id };

  const expiresAt = ctx.state.flows.expiresAt(flow.id) ?? ctx.now();
  return {
    _links: links,
    _embedded: embedded,
    id: flow.id,
    environment: { id: ctx.envId },
    ...(flow.status === 'COMPLETED' ? { session: { id: sessionForToken(ctx, flow.sessionToken).id } } : {}),
    resumeUrl: resumeUrl(ctx, flow),
    status: flow.status,
    createdAt: new Date(flow.createdAt).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}
