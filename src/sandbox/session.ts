/**
 * Sessions and their `ST` cookies. PingOne sets `ST` (SameSite=None) and `ST-NO-SS` (no SameSite,
 * for browsers that reject SameSite=None) with `Path=/{{envID}}; Secure; HttpOnly` (docs/pingone.md §1).
 * The sandbox speaks plain-http loopback, so it leaves out `Secure` (a correct cookie jar would never
 * send a Secure cookie back over http) and uses SameSite=Lax, which browsers accept without Secure.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SandboxRequest } from './http';
import type { SandboxContext, Session, SignOnPolicy } from './context';
import type { SandboxUser } from './seed';

export const SESSION_COOKIE = 'ST';
export const SESSION_COOKIE_NO_SAMESITE = 'ST-NO-SS';

/** How long a signed-on session lasts (inferred; PingOne's default session lifetime is policy-defined). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A fresh, anonymous session: authorize starts one when the browser brings none. */
export function createSession(ctx: SandboxContext): Session {
  return storeSession(ctx, randomBytes(32).toString('base64url'));
}

/**
 * The session a flow was started in, recreated under the same token if it ended meanwhile (signed off
 * in another tab), so the `ST` cookie the client already holds stays the one that resumes the flow.
 */
export function sessionForToken(ctx: SandboxContext, token: string): Session {
  return ctx.state.sessions.get(token) ?? storeSession(ctx, token);
}

function storeSession(ctx: SandboxContext, token: string): Session {
  const session: Session = { id: randomUUID(), token, amr: [] };
  ctx.state.sessions.set(token, session, SESSION_TTL_MS);
  return session;
}

/** The live session named by the request's `ST` (or `ST-NO-SS`) cookie. */
export function sessionOf(ctx: SandboxContext, req: SandboxRequest): Session | undefined {
  const token = req.cookies.get(SESSION_COOKIE) ?? req.cookies.get(SESSION_COOKIE_NO_SAMESITE);
  return token ? ctx.state.sessions.get(token) : undefined;
}

/** Binds the user to the session (re-authentication replaces the previous user) and extends its life. */
export function signOn(ctx: SandboxContext, session: Session, user: SandboxUser, amr: string[], acr: SignOnPolicy): void {
  session.user = user;
  session.authTime = ctx.now();
  session.amr = amr;
  session.acr = acr;
  ctx.state.sessions.set(session.token, session, SESSION_TTL_MS);
}

export function endSession(ctx: SandboxContext, session: Session): void {
  ctx.state.sessions.delete(session.token);
}

export function sessionCookies(ctx: SandboxContext, session: Session): string[] {
  const attributes = `Path=/${ctx.envId}; HttpOnly`;
  return [`${SESSION_COOKIE}=${session.token}; ${attributes}; SameSite=Lax`, `${SESSION_COOKIE_NO_SAMESITE}=${session.token}; ${attributes}`];
}

/** Cookies that make a browser (or jar) forget the session: same name and path, expired (RFC 6265 §3.1). */
export function clearedSessionCookies(ctx: SandboxContext): string[] {
  const attributes = `Path=/${ctx.envId}; HttpOnly; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  return [`${SESSION_COOKIE}=; ${attributes}; SameSite=Lax`, `${SESSION_COOKIE_NO_SAMESITE}=; ${attributes}`];
}
