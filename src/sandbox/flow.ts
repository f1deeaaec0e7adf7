/**
 * A sign-on flow: created by /as/authorize (consumed by /as/resume) or by the device verification
 * page (ending in the person's decision, RFC 8628 §3.3), advanced by flow actions. Its JSON resource
 * follows docs/pingone.md §2: `_links` names exactly the actions available now.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_POLICY,
  SIGN_ON_POLICIES,
  type AuthorizeRequest,
  type Flow,
  type FlowPurpose,
  type FlowStatus,
  type SandboxContext,
  type Session,
  type SignOnPolicy,
} from './context';
import { sessionForToken, signOn } from './session';
import type { SandboxApp, SandboxUser } from './seed';

export type FlowAction =
  | 'usernamePassword.check'
  | 'user.lookup'
  | 'otp.check'
  | 'device.select'
  | 'session.reset'
  | 'password.forgot'
  | 'password.reset'
  | 'password.recover'
  | 'user.register'
  | 'deviceAuthGrant.userCode.verify'
  | 'deviceAuthGrant.consent';

/** What each status offers. `password.recover` (after `password.forgot`) is inferred from PingOne's flows. */
export const ACTIONS_BY_STATUS: Record<FlowStatus, readonly FlowAction[]> = {
  USERNAME_PASSWORD_REQUIRED: ['usernamePassword.check', 'password.forgot', 'user.register'],
  SIGN_ON_REQUIRED: ['user.lookup', 'user.register'],
  PASSWORD_REQUIRED: ['usernamePassword.check', 'password.forgot', 'session.reset'],
  DEVICE_SELECTION_REQUIRED: ['device.select', 'session.reset'],
  OTP_REQUIRED: ['otp.check', 'device.select', 'session.reset'],
  MUST_CHANGE_PASSWORD: ['password.reset', 'session.reset'],
  RECOVERY_CODE_REQUIRED: ['password.recover', 'session.reset'],
  DAG_USER_CODE_REQUIRED: ['deviceAuthGrant.userCode.verify'],
  DAG_CONSENT_REQUIRED: ['deviceAuthGrant.consent'],
  COMPLETED: [],
  FAILED: [],
};

export const FLOW_ACTIONS: readonly FlowAction[] = [...new Set(Object.values(ACTIONS_BY_STATUS).flat())];

/**
 * Starts a flow in the given session. A session that already signed someone on, and that neither
 * `prompt=login` nor `max_age` rules out (OIDC Core §3.1.2.1), skips the sign-on.
 */
export function createFlow(ctx: SandboxContext, purpose: FlowPurpose, session: Session): Flow {
  const request = purpose.kind === 'authorize' ? purpose.request : undefined;
  const flow: Flow = {
    id: randomUUID(),
    purpose,
    status: SIGN_ON_POLICIES[policyOf(purpose)],
    sessionToken: session.token,
    createdAt: ctx.now(),
    amr: [],
  };
  if (session.user && sessionSatisfies(ctx, session, request)) {
    flow.status = statusAfterSignOn(purpose);
    flow.user = session.user;
    flow.amr = session.amr;
  } else if (request?.policy === 'Identifier_First' && request.loginHint) {
    // The identifier is already known, so identifier-first skips straight to the password.
    flow.status = 'PASSWORD_REQUIRED';
    flow.identifier = request.loginHint;
  }
  ctx.state.flows.set(flow.id, flow, ctx.flowTtlMs);
  return flow;
}

/** Whether the session's sign-on serves the request; without one (a device flow), any sign-on does. */
export function sessionSatisfies(ctx: SandboxContext, session: Session, request?: AuthorizeRequest): boolean {
  if (!session.user || session.authTime === undefined || request?.prompt.has('login')) return false;
  return request?.maxAge === undefined || ctx.now() - session.authTime <= request.maxAge * 1000;
}

/** The sign-on policy: the one acr_values named, or the default for a device flow. */
function policyOf(purpose: FlowPurpose): SignOnPolicy {
  return purpose.kind === 'authorize' ? purpose.request.policy : DEFAULT_POLICY;
}

/** An authorize flow is done once someone signs on; a device flow then asks for the user code. */
function statusAfterSignOn(purpose: FlowPurpose): FlowStatus {
  return purpose.kind === 'authorize' ? 'COMPLETED' : 'DAG_USER_CODE_REQUIRED';
}

/** The live flow, its expiry pushed back: flows expire after the last interaction (docs/pingone.md §2). */
export function touchFlow(ctx: SandboxContext, flowId: string): Flow | undefined {
  const flow = ctx.state.flows.get(flowId);
  if (flow) ctx.state.flows.set(flow.id, flow, ctx.flowTtlMs);
  return flow;
}

/** Signs the user on in the flow's session and moves past sign-on (COMPLETED, or a device flow's user code). */
export function completeSignOn(ctx: SandboxContext, flow: Flow, user: SandboxUser, amr: string[]): void {
  flow.status = statusAfterSignOn(flow.purpose);
  flow.user = user;
  flow.amr = amr;
  flow.selectedDevice = undefined;
  signOn(ctx, sessionForToken(ctx, flow.sessionToken), user, amr, policyOf(flow.purpose));
}

/** Back to the policy's first step, forgetting who was being signed on. */
export function resetFlow(flow: Flow): void {
  flow.status = SIGN_ON_POLICIES[policyOf(flow.purpose)];
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

/** The application a flow signs on to; a device flow learns it from the user code. */
export function flowApp(flow: Flow): SandboxApp | undefined {
  return flow.purpose.kind === 'authorize' ? flow.purpose.request.app : flow.purpose.authorization?.app;
}

/** Statuses reached with the user known, whose resource shows `_embedded.user`. */
const USER_KNOWN: ReadonlySet<FlowStatus> = new Set([
  'COMPLETED',
  'MUST_CHANGE_PASSWORD',
  'DEVICE_SELECTION_REQUIRED',
  'OTP_REQUIRED',
  'DAG_USER_CODE_REQUIRED',
  'DAG_CONSENT_REQUIRED',
]);

/** The flow resource as GET /flows/{flowId} and every action answer it (docs/pingone.md §1 and §2). */
export function flowResource(ctx: SandboxContext, flow: Flow): Record<string, unknown> {
  const self = { href: flowUrl(ctx, flow) };
  const links: Record<string, { href: string }> = { self };
  for (const action of ACTIONS_BY_STATUS[flow.status]) links[action] = self;
  links.signOnPage = { href: signOnPageUrl(ctx, flow) };

  const app = flowApp(flow);
  const embedded: Record<string, unknown> = app ? { application: { name: app.name } } : {};
  if (flow.user && USER_KNOWN.has(flow.status)) {
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
    // A device flow ends with the person's decision; there is nothing to resume.
    ...(flow.purpose.kind === 'authorize' ? { resumeUrl: resumeUrl(ctx, flow) } : {}),
    status: flow.status,
    createdAt: new Date(flow.createdAt).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}
