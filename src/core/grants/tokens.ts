/**
 * A token request as a step: send it, read the RFC 6749 §5.1 response, decode every token, verify the
 * JWTs against the issuer's keys, and keep them on the session for the steps that follow. Every grant
 * and the refresh follow-up end here.
 */
import { CheckCodes, CHECK_LABELS } from '../codes';
import { errorMessage } from '../errors';
import type { HttpRequest } from '../http';
import type { DecodedToken, Step, StepKind, TokenKind } from '../model';
import { bindingCheck } from '../oauth/dpop';
import { decodeToken, tryDecode, verifyToken } from '../oauth/jwt';
import { hasJwsShape } from '../oauth/jwtScan';
import { readTokenResponse, type TokenSet } from '../oauth/token';
import { DEFAULT_CLOCK_SKEW_SEC, type RunSession } from '../session';

export interface TokenExpectations {
  /** The nonce the ID token must carry (an authorization-code run's); refreshed ID tokens carry none to check. */
  nonce?: string;
  /** The scope asked for includes openid, so an ID token must come back. */
  idTokenRequired: boolean;
}

/** Reads a token response already received on `step`, decodes and verifies its tokens, and holds them. */
export async function receiveTokens(session: RunSession, step: Step, tokens: TokenSet, expect: TokenExpectations): Promise<TokenSet> {
  Object.assign(step.facts, {
    token_type: tokens.token_type,
    ...(tokens.scope ? { scope: tokens.scope } : {}),
    ...(tokens.expires_in ? { expires_in: `${tokens.expires_in} s` } : {}),
  });
  // An ID token is a JWT (OIDC Core §2), and so is an access token shaped like one: either fails the
  // step when it cannot be read. Other access tokens, and refresh tokens, may be opaque.
  const read = (kind: TokenKind, raw: string | undefined, isJwt: boolean): DecodedToken | undefined => {
    if (raw === undefined) return undefined;
    if (!isJwt) return tryDecode(raw, kind);
    try {
      return decodeToken(String(raw), kind); // String: the response is JSON, whatever its type says
    } catch (error) {
      step.checks.push({ code: CheckCodes.DECODE, name: `${kind}: ${CHECK_LABELS[CheckCodes.DECODE]}`, status: 'failed', detail: errorMessage(error) });
      return undefined;
    }
  };
  const decoded = [
    read('id_token', tokens.id_token, true),
    read('access_token', tokens.access_token, hasJwsShape(tokens.access_token)),
    read('refresh_token', tokens.refresh_token, false),
  ].filter((t): t is DecodedToken => t !== undefined);
  // Keys are fetched only when there is a JWT the run can check against them.
  const jwks = decoded.some((t) => t.kind !== 'refresh_token') ? await session.jwks() : undefined;
  const expectations = {
    issuer: session.endpoints.issuer,
    clientId: session.profile.clientId,
    skewSec: session.options.clockSkewSec ?? DEFAULT_CLOCK_SKEW_SEC,
    nonce: expect.nonce,
    accessToken: tokens.access_token,
  };
  // Refresh tokens are the server's own business: decoded for display, never verified.
  const verified = await Promise.all(decoded.map((t) => (t.kind === 'refresh_token' || !jwks ? t : verifyToken(t, { ...expectations, jwks }))));
  session.recordTokens(step, session.profile.dpop ? await dpopBound(session, step, tokens, verified) : verified);
  if (expect.idTokenRequired && !tokens.id_token) {
    step.checks.push({ code: CheckCodes.ID_TOKEN_PRESENT, name: CHECK_LABELS[CheckCodes.ID_TOKEN_PRESENT], status: 'failed', detail: 'scope includes openid but the response has no id_token' });
  }
  session.hold(tokens);
  return tokens;
}

/**
 * With dpop on: a JWT access token must name the run's key in cnf.jkt (RFC 9449 §6.1), a check on the
 * token; a Bearer token means the server did not bind it, which the step warns about.
 */
async function dpopBound(session: RunSession, step: Step, tokens: TokenSet, decoded: DecodedToken[]): Promise<DecodedToken[]> {
  if (tokens.token_type.toLowerCase() !== 'dpop') {
    step.warnings.push(`The profile sends DPoP proofs, but the server issued a ${tokens.token_type} token: it is not bound to this run's key (RFC 9449 §5).`);
    return decoded;
  }
  const { thumbprint } = await session.dpopKey();
  return decoded.map((token) => {
    const check = token.kind === 'access_token' ? bindingCheck(token, thumbprint) : undefined;
    if (!check) return token;
    const checks = [...token.checks, check];
    return { ...token, checks, verified: checks.every((c) => c.status !== 'failed') };
  });
}

/**
 * One token request as a step of its own: sent, read, its tokens verified and held. `received`, when
 * given, adds to the step what it makes of the tokens (a refresh's diff) before the step ends.
 */
export function tokenStep(
  session: RunSession,
  kind: StepKind,
  title: string,
  build: (step: Step) => Promise<HttpRequest>,
  expect: TokenExpectations,
  received?: (step: Step, tokens: TokenSet) => void,
): Promise<TokenSet> {
  return session.step(kind, title, async (step) => {
    const request = await build(step);
    const tokens = await receiveTokens(session, step, readTokenResponse(await session.send(step, request), { dpop: session.profile.dpop }), expect);
    received?.(step, tokens);
    return tokens;
  });
}
