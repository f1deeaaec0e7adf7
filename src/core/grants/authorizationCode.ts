/**
 * The authorization-code grant (RFC 6749 §4.1, OIDC Core §3.1) as steps: the authorize parameters
 * pushed first when the profile asks for PAR (RFC 9126), the authorize request, the person signing
 * on — headless through PingOne's flows API, or in the browser with the redirect caught on the
 * redirect URI's loopback port — then the code exchanged at the token endpoint.
 */
import { decodeToken } from '../oauth/jwt';
import { buildAuthorizeRequest } from '../oauth/authorize';
import { createPkce, randomValue } from '../oauth/pkce';
import { buildTokenRequest } from '../oauth/token';
import { readAuthorizeResponse } from '../pingone/authorize';
import { buildFlowStatusRequest, readFlowResponse } from '../pingone/flow';
import { buildResumeRequest, readResumeResponse } from '../pingone/resume';
import { completeFlow, describeFlow } from '../pingone/signOn';
import { signOnOf } from '../profile';
import type { RunSession } from '../session';
import { signOnInBrowser } from './browser';
import { pushedAuthorizeRequest, type AuthorizeState } from './pushed';
import { tokenStep } from './tokens';

export async function authorizationCode(session: RunSession): Promise<void> {
  const { profile } = session;
  const sent: AuthorizeState = { state: randomValue(), nonce: randomValue(), pkce: profile.pkce ? createPkce() : undefined };
  session.nonce = sent.nonce;
  const code = signOnOf(profile) === 'browser' ? await signOnInBrowser(session, sent, authorizeFacts(sent, 'redirect (browser)')) : await headlessSignOn(session, sent);
  await tokenStep(
    session,
    'token',
    `Token (authorization_code, ${profile.clientAuthMethod})`,
    async (step) => {
      const tokenEndpoint = session.endpoint('token', 'token_endpoint');
      const auth = await session.authenticate(step, tokenEndpoint);
      if (sent.pkce) step.facts.code_verifier = sent.pkce.verifier;
      return buildTokenRequest({ tokenEndpoint, code, redirectUri: profile.redirectUri || undefined, codeVerifier: sent.pkce?.verifier, auth });
    },
    { nonce: sent.nonce, idTokenRequired: profile.scopes.includes('openid') },
  );
}

/** The facts every authorize step shows: what the answer will be checked against. */
function authorizeFacts(sent: AuthorizeState, responseMode: string): Record<string, string> {
  // The verifier stays out of sight until the token step sends it (and marks it as a secret there).
  return {
    state: sent.state,
    nonce: sent.nonce,
    response_mode: responseMode,
    ...(sent.pkce ? { code_challenge: sent.pkce.challenge, code_challenge_method: sent.pkce.method } : {}),
  };
}

/** PingOne's steps (docs/pingone.md §1–3): authorize, the flow, sign-on actions, resume read without following it. */
async function headlessSignOn(session: RunSession, sent: AuthorizeState): Promise<string> {
  const { profile, secrets } = session;
  const endpoints = session.pingOne;
  const requestUri = await pushedAuthorizeRequest(session, sent);
  const authorized = await session.step('authorize', `Authorize (${profile.authorizeMethod}, ${profile.responseMode}${requestUri ? ', pushed' : ''})`, async (step) => {
    Object.assign(step.facts, authorizeFacts(sent, profile.responseMode === 'pi.flow' ? 'pi.flow' : 'redirect (302)'), requestUri ? { request_uri: requestUri } : {});
    const { request, requestObject } = await buildAuthorizeRequest({ profile, endpoints, state: sent.state, nonce: sent.nonce, codeChallenge: sent.pkce?.challenge, secrets, requestUri });
    if (requestObject) step.tokens.push(decodeToken(requestObject, 'request_object'));
    const result = readAuthorizeResponse(await session.send(step, request), profile);
    step.facts.flowId = result.flowId;
    if (result.flow) step.facts.flow_status = result.flow.status;
    return result;
  });

  const first =
    authorized.flow ??
    (await session.step('flow', 'Flow status', async (step) => {
      const result = readFlowResponse(await session.send(step, buildFlowStatusRequest(endpoints, authorized.flowId)));
      describeFlow(step, result);
      return result;
    }));
  const flow = await completeFlow(session, first);

  const resumed = await session.step('resume', 'Resume (read the redirect, do not follow it)', async (step) => {
    step.facts.flowId = flow.id;
    const result = readResumeResponse(await session.send(step, buildResumeRequest(endpoints, flow.id)), { state: sent.state, redirectUri: profile.redirectUri, issuer: endpoints.issuer });
    step.checks.push(...result.checks);
    step.facts.code = result.code;
    if (result.location) step.facts.location = result.location;
    return result;
  });
  return resumed.code;
}

