/**
 * The person's side of the device authorization grant (RFC 8628 §3.3), as PingOne runs it (docs/pingone.md §5): the
 * verification URI `/{{envID}}/device[?user_code=]` starts a flow and sends the browser to the sign-on
 * page; after sign-on the flow asks for the user code (DAG_USER_CODE_REQUIRED, pre-filled from
 * verification_uri_complete), then for consent (DAG_CONSENT_REQUIRED), which approves or denies.
 * The sandbox handle's approveDevice/denyDevice take the same decision without a browser.
 */
import { DEFAULT_POLICY, findUser, type Flow, type FlowPurpose, type SandboxContext } from './context';
import { decide, decisionProblem, pendingAuthorization, type DeviceAuthorization } from './device-authorization';
import { invalidValue } from './errors';
import { createFlow, signOnPageUrl } from './flow';
import { redirect, withCookies, type Reply, type SandboxRequest } from './http';
import { createSession, sessionCookies, sessionForToken, sessionOf, signOn } from './session';

type DevicePurpose = Extract<FlowPurpose, { kind: 'device' }>;

/** `GET /{{envID}}/device`: a device flow in the browser's session (a new one if it has none), then the sign-on page. */
export function handleDeviceStart(ctx: SandboxContext, req: SandboxRequest): Reply {
  const session = sessionOf(ctx, req) ?? createSession(ctx);
  const prefilled = req.url.searchParams.get('user_code');
  const flow = createFlow(ctx, { kind: 'device', ...(prefilled ? { prefilledUserCode: prefilled } : {}) }, session);
  return withCookies(redirect(signOnPageUrl(ctx, flow)), sessionCookies(ctx, session));
}

/** `deviceAuthGrant.userCode.verify`: binds the flow to the authorization the code names. */
export function verifyUserCode(ctx: SandboxContext, flow: Flow, userCode: string): Reply | undefined {
  const purpose = devicePurpose(flow);
  const found = pendingAuthorization(ctx, userCode);
  if (typeof found === 'string') return invalidValue('userCode', found);
  purpose.authorization = found;
  flow.status = 'DAG_CONSENT_REQUIRED';
  return undefined;
}

/** `deviceAuthGrant.consent`: approves as the flow's signed-on user (COMPLETED), or denies (FAILED). */
export function consentToDevice(ctx: SandboxContext, flow: Flow, accept: boolean): Reply | undefined {
  const authorization = devicePurpose(flow).authorization!;
  const problem = decisionProblem(ctx, authorization);
  if (problem) return invalidValue('userCode', problem);
  const session = sessionForToken(ctx, flow.sessionToken);
  decide(
    ctx,
    authorization,
    accept
      ? { approved: true, authentication: { user: flow.user!, sessionId: session.id, authTime: session.authTime!, amr: flow.amr, acr: session.acr ?? DEFAULT_POLICY } }
      : { approved: false },
  );
  flow.status = accept ? 'COMPLETED' : 'FAILED';
  return undefined;
}

/**
 * Approves without a browser: `username` signs on with a password in a session of its own, as on
 * the verification page. Throws when the user code names no pending authorization or the user is unknown.
 */
export function approveByUserCode(ctx: SandboxContext, userCode: string, username: string): void {
  const user = findUser(ctx, username);
  if (!user) throw new Error(`No sandbox user is called "${username}".`);
  const authorization = pendingOrThrow(ctx, userCode);
  const session = createSession(ctx);
  signOn(ctx, session, user, ['pwd'], DEFAULT_POLICY);
  decide(ctx, authorization, { approved: true, authentication: { user, sessionId: session.id, authTime: session.authTime!, amr: session.amr, acr: DEFAULT_POLICY } });
}

/** Denies without a browser. Throws when the user code names no pending authorization. */
export function denyByUserCode(ctx: SandboxContext, userCode: string): void {
  decide(ctx, pendingOrThrow(ctx, userCode), { approved: false });
}

function pendingOrThrow(ctx: SandboxContext, userCode: string): DeviceAuthorization {
  const found = pendingAuthorization(ctx, userCode);
  if (typeof found === 'string') throw new Error(`User code ${userCode}: ${found}`);
  return found;
}

/** The device actions are offered only in DAG_* statuses, which only device flows reach. */
function devicePurpose(flow: Flow): DevicePurpose {
  if (flow.purpose.kind !== 'device') throw new Error(`Flow ${flow.id} is not a device authorization flow.`);
  return flow.purpose;
}
