/**
 * The authorization-code grant (RFC 6749 §4.1, OIDC Core §3.1) as steps: the authorize parameters
 * pushed first when the profile asks for PAR (RFC 9126), the authorize request, the person signing
 * on — headless through PingOne's flows API, or in the browser with the redirect caught on the
 * redirect URI's loopback port — then the code exchanged at the token endpoint.
 */
import { decodeToken } from '../oauth/jwt';
import { authorizeRequestParameters, buildAuthorizeRequest } from '../oauth/authorize';
import { buildParRequest, readParResponse } from '../oauth/par';
import { createPkce, randomValue, type Pkce } from '../oauth/pkce';
import { buildTokenRequest } from '../oauth/token';
import { readAuthorizeResponse } from '../pingone/authorize';
import { buildFlowStatusRequest, readFlowResponse } from '../pingone/flow';
import { buildResumeRequest, readResumeResponse } from '../pingone/resume';
import { completeFlow, describeFlow } from '../pingone/signOn';
import { signOnOf } from '../profile';
import type { RunSession } from '../session';
import { tokenStep } from './tokens';

/** What the authorize request committed this run to: the values the answer must match. */
export interface AuthorizeState {
  state: string;
  nonce: string;
  pkce?: Pkce;
}

export async function authorizationCode(session: RunSession): Promise<void> {
  const { profile } = session;
  const sent: AuthorizeState = { state: randomValue(), nonce: randomValue(), pkce: profile.pkce ? createPkce() : undefined };
  session.nonce = sent.nonce;
  const code = signOnOf(profile) === 'browser' ? await browserSignOn(session, sent) : await headlessSignOn(session, sent);
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

/**
 * When the profile asks for PAR, the `par` step: this run's authorize parameters (the values of `sent`)
 * pushed with the client's authentication (RFC 9126 §2). Returns the request_uri the authorize request
 * is to carry instead of them (pass it to buildAuthorizeRequest as `requestUri`); undefined, and no step,
 * without PAR.
 */
export async function pushedAuthorizeRequest(session: RunSession, sent: AuthorizeState): Promise<string | undefined> {
  const { profile, secrets } = session;
  if (!profile.par) return undefined;
  const pushed = await session.step('par', `Pushed authorization request (${profile.clientAuthMethod})`, async (step) => {
    const endpoint = session.endpoint('par', 'pushed_authorization_request_endpoint');
    const { params, requestObject } = await authorizeRequestParameters({ profile, endpoints: session.endpoints, state: sent.state, nonce: sent.nonce, codeChallenge: sent.pkce?.challenge, secrets });
    if (requestObject) step.tokens.push(decodeToken(requestObject, 'request_object'));
    const auth = await session.authenticate(step, endpoint);
    const result = readParResponse(await session.send(step, buildParRequest(endpoint, params, auth)));
    Object.assign(step.facts, { request_uri: result.requestUri, expires_in: `${result.expiresIn} s` });
    return result;
  });
  return pushed.requestUri;
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

/** Sign-on in the system browser; see src/core/grants/browser.ts. */
async function browserSignOn(session: RunSession, sent: AuthorizeState): Promise<string> {
  const { signOnInBrowser } = await import('./browser');
  return signOnInBrowser(session, sent, authorizeFacts(sent, 'redirect (browser)'));
}
