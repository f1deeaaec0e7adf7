/**
 * What a run can do with the tokens it holds once its grant is done, each a step appended to the run:
 * userinfo (OIDC Core §5.3), refresh (RFC 6749 §6), introspect (RFC 7662), revoke (RFC 7009) and sign
 * off (OIDC RP-Initiated Logout 1.0; PingOne's /as/signoff).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import { buildUserinfoRequest, readUserinfoResponse } from '../oauth/userinfo';
import { decodeToken } from '../oauth/jwt';
import type { RunSession } from '../session';

export const FOLLOW_UPS = ['refresh', 'introspect', 'revoke', 'userinfo', 'signoff'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];

export async function followUp(session: RunSession, action: FollowUp): Promise<void> {
  switch (action) {
    case 'userinfo':
      return userinfo(session);
    default:
      throw new FlowError(Codes.UNSUPPORTED_GRANT, `${action} is not available yet.`, 'Choose another follow-up.');
  }
}

/** The access token the run holds, or a failed step saying there is none. */
export function heldAccessToken(session: RunSession): string {
  const token = session.tokens.access_token;
  if (!token) throw new FlowError(Codes.NO_TOKEN, 'This run holds no access token.', 'Run the flow to the token step first.');
  return token;
}

export async function userinfo(session: RunSession): Promise<void> {
  await session.step('userinfo', 'Userinfo', async (step) => {
    const accessToken = heldAccessToken(session);
    const idToken = session.tokens.id_token;
    const sub = idToken ? decodeToken(idToken, 'id_token').payload.sub : undefined;
    const { claims, checks } = readUserinfoResponse(
      await session.send(step, buildUserinfoRequest(session.endpoint('userinfo', 'userinfo_endpoint'), accessToken, session.tokens.token_type)),
      typeof sub === 'string' ? sub : undefined,
    );
    step.checks.push(...checks);
    if (typeof claims.sub === 'string') step.facts.sub = claims.sub;
  });
}
