/**
 * What a run can do with the tokens it holds once its grant is done, each a step appended to the run:
 * userinfo (OIDC Core §5.3), refresh (RFC 6749 §6; OIDC Core §12), introspect (RFC 7662), revoke
 * (RFC 7009) and sign off (OIDC RP-Initiated Logout 1.0; PingOne's /as/signoff, docs/pingone.md §5).
 * Each finds its endpoint through the session, so a provider without one fails the step with NO_ENDPOINT.
 */
import { CheckCodes, Codes } from '../codes';
import { FlowError } from '../errors';
import { FOLLOW_UPS, type FollowUp, type Step, type TokenDiff } from '../model';
import { buildEndSessionRequest, readEndSessionResponse } from '../oauth/endSession';
import { buildIntrospectionRequest, readIntrospectionResponse, type TokenTypeHint } from '../oauth/introspect';
import { decodeToken, tryDecode } from '../oauth/jwt';
import { randomValue } from '../oauth/pkce';
import { buildRevocationRequest, readRevocationResponse } from '../oauth/revoke';
import { buildRefreshRequest } from '../oauth/token';
import { buildUserinfoRequest, readUserinfoResponse } from '../oauth/userinfo';
import type { Endpoints } from '../oauth/discovery';
import type { HeldTokens, RunSession } from '../session';
import { diffClaims, summarizeDiff } from '../tokenDiff';
import { tokenStep } from './tokens';

export { FOLLOW_UPS, type FollowUp } from '../model';

export async function followUp(session: RunSession, action: FollowUp): Promise<void> {
  switch (action) {
    case 'userinfo':
      return userinfo(session);
    case 'refresh':
      return refresh(session);
    case 'introspect':
      return introspect(session);
    case 'revoke':
      return revoke(session);
    case 'signoff':
      return signoff(session);
  }
}

/** What each follow-up needs: a token the run holds (the first it finds, in order) and an endpoint. */
const NEEDS: Record<FollowUp, { tokens: readonly TokenTypeHint[] | undefined; endpoint: Exclude<keyof Endpoints, 'issuer' | 'discovery'>; field: string }> = {
  refresh: { tokens: ['refresh_token'], endpoint: 'token', field: 'token_endpoint' },
  introspect: { tokens: ['access_token', 'refresh_token'], endpoint: 'introspect', field: 'introspection_endpoint' },
  revoke: { tokens: ['refresh_token', 'access_token'], endpoint: 'revoke', field: 'revocation_endpoint' },
  userinfo: { tokens: ['access_token'], endpoint: 'userinfo', field: 'userinfo_endpoint' },
  signoff: { tokens: undefined, endpoint: 'endSession', field: 'end_session_endpoint' },
};

/**
 * Why each follow-up cannot run on this session now (no such token held, no such endpoint), or
 * undefined when it can: what the timeline's buttons say when disabled.
 */
export function followUpsAvailable(session: RunSession): Record<FollowUp, string | undefined> {
  const reason = (action: FollowUp): string | undefined => {
    const need = NEEDS[action];
    if (need.tokens && !need.tokens.some((kind) => session.tokens[kind])) return `This run holds no ${need.tokens.map((k) => k.replace('_', ' ')).join(' or ')}.`;
    if (!session.endpoints[need.endpoint]) return `${session.endpoints.issuer} names no ${need.field}.`;
    return undefined;
  };
  return Object.fromEntries(FOLLOW_UPS.map((action) => [action, reason(action)])) as Record<FollowUp, string | undefined>;
}

/** The first of `kinds` the run holds, with its value; undefined when it holds none. */
function heldToken(tokens: HeldTokens, kinds: readonly TokenTypeHint[]): { kind: TokenTypeHint; value: string } | undefined {
  for (const kind of kinds) {
    const value = tokens[kind];
    if (value) return { kind, value };
  }
  return undefined;
}

function noToken(kinds: readonly TokenTypeHint[]): FlowError {
  return new FlowError(Codes.NO_TOKEN, `This run holds no ${kinds.map((k) => k.replace('_', ' ')).join(' or ')}.`, 'Run the flow to the token step first; a refresh token comes only when the application is allowed the refresh_token grant.');
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

/**
 * RFC 6749 §6: new tokens for the refresh token; they replace the held ones. The step shows what changed
 * in each JWT (the diff), whether the refresh token was rotated, and that a new ID token still names the
 * same person (OIDC Core §12.2).
 */
async function refresh(session: RunSession): Promise<void> {
  const { profile } = session;
  const old = { ...session.tokens };
  await tokenStep(
    session,
    'refresh',
    `Refresh (${profile.clientAuthMethod})`,
    async (step) => {
      const held = heldToken(old, NEEDS.refresh.tokens!);
      if (!held) throw noToken(NEEDS.refresh.tokens!);
      const tokenEndpoint = session.endpoint('token', 'token_endpoint');
      return buildRefreshRequest(tokenEndpoint, held.value, await session.authenticate(step, tokenEndpoint));
    },
    // OIDC Core §12.2: the refreshed ID token carries no nonce to check; it may not come at all.
    { idTokenRequired: false },
    (step, tokens) => {
      step.facts.refresh_token = !tokens.refresh_token ? 'kept (none in the response: the old one stays in use)' : tokens.refresh_token === old.refresh_token ? 'the same one came back' : 'rotated (a new one replaces the old)';
      step.diffs = refreshDiffs(step, old, session.tokens);
    },
  );
}

/** The diff of each JWT the refresh replaced, its summary as a fact, and the ID token's subject check. */
function refreshDiffs(step: Step, old: HeldTokens, now: HeldTokens): TokenDiff[] {
  const diffs: TokenDiff[] = [];
  for (const kind of ['access_token', 'id_token'] as const) {
    if (!old[kind] || !now[kind]) continue;
    if (old[kind] === now[kind]) {
      step.facts[`${kind} diff`] = 'the same token came back';
      continue;
    }
    const before = tryDecode(old[kind], kind);
    const after = tryDecode(now[kind], kind);
    if (!before || !after) {
      step.facts[`${kind} diff`] = 'replaced (opaque: no claims to compare)';
      continue;
    }
    const entries = diffClaims(before.payload, after.payload);
    diffs.push({ kind, entries });
    step.facts[`${kind} diff`] = summarizeDiff(entries);
    if (kind === 'id_token') {
      const sub = entries.find((e) => e.claim === 'sub');
      step.checks.push(
        sub?.change === 'same'
          ? { code: CheckCodes.SUBJECT, name: 'Subject', status: 'passed', detail: 'the new ID token names the same sub (OIDC Core §12.2)' }
          : { code: CheckCodes.SUBJECT, name: 'Subject', status: 'failed', detail: `the new ID token's sub is ${JSON.stringify(sub?.after)}, not ${JSON.stringify(sub?.before)} (OIDC Core §12.2)` },
      );
    }
  }
  return diffs;
}

/** RFC 7662: the held access token, else the refresh token. `active: false` is a finding, not a failure. */
async function introspect(session: RunSession): Promise<void> {
  const kinds = NEEDS.introspect.tokens!;
  const held = heldToken(session.tokens, kinds);
  await session.step('introspect', `Introspect (${held?.kind ?? 'no token'})`, async (step) => {
    if (!held) throw noToken(kinds);
    const endpoint = session.endpoint('introspect', 'introspection_endpoint');
    const auth = await session.authenticate(step, endpoint);
    const { active, claims } = readIntrospectionResponse(await session.send(step, buildIntrospectionRequest({ endpoint, token: held.value, tokenTypeHint: held.kind, auth })));
    step.facts.token = held.kind;
    step.facts.active = String(active);
    for (const [claim, value] of Object.entries(claims)) {
      step.facts[claim] = (claim === 'exp' || claim === 'iat' || claim === 'nbf') && typeof value === 'number' ? new Date(value * 1000).toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
    }
    if (!active) step.warnings.push(`The server says the ${held.kind.replace('_', ' ')} is not active: expired, revoked, or not this client's (RFC 7662 §2.2).`);
  });
}

/** RFC 7009: the held refresh token (which ends its access tokens too, §2.1), else the access token. */
async function revoke(session: RunSession): Promise<void> {
  const kinds = NEEDS.revoke.tokens!;
  const held = heldToken(session.tokens, kinds);
  await session.step('revoke', `Revoke (${held?.kind ?? 'no token'})`, async (step) => {
    if (!held) throw noToken(kinds);
    const endpoint = session.endpoint('revoke', 'revocation_endpoint');
    const auth = await session.authenticate(step, endpoint);
    readRevocationResponse(await session.send(step, buildRevocationRequest({ endpoint, token: held.value, tokenTypeHint: held.kind, auth })));
    step.facts.token = held.kind;
    // Kept, so an introspection after this shows the server's view of it.
    step.facts.revoked = `the ${held.kind.replace('_', ' ')} (the run still holds it, to introspect)`;
  });
}

/** OIDC RP-Initiated Logout §2: the provider's session ends; the run's tokens are left as they are. */
async function signoff(session: RunSession): Promise<void> {
  const { profile } = session;
  await session.step('signoff', 'Sign off (RP-Initiated Logout)', async (step) => {
    const endpoint = session.endpoint('endSession', 'end_session_endpoint');
    const postLogoutRedirectUri = profile.postLogoutRedirectUri;
    const state = postLogoutRedirectUri ? randomValue() : undefined;
    const idTokenHint = session.tokens.id_token;
    if (state) step.facts.state = state;
    step.facts.id_token_hint = idTokenHint ? 'sent (the ID token the run holds)' : 'none (the run holds no ID token)';
    const result = readEndSessionResponse(
      await session.send(step, buildEndSessionRequest({ endpoint, clientId: profile.clientId, idTokenHint, postLogoutRedirectUri, state })),
      { postLogoutRedirectUri, state },
    );
    if (result.outcome === 'redirected') {
      step.facts.location = result.location;
      step.checks.push(...result.checks);
      return;
    }
    if (result.title) step.facts.page = result.title;
    if (result.confirm) {
      step.warnings.push('The provider asks the person to confirm the sign-off in a browser (a form, not a redirect): this run did not end the provider\'s session; open the end-session URL in a browser to finish.');
    }
  });
}
