/**
 * What an authorize request commits a run to, and pushing its parameters first (RFC 9126 PAR): shared
 * by headless and browser sign-on, which then send only client_id and the request_uri.
 */
import { decodeToken } from '../oauth/jwt';
import { authorizeRequestParameters } from '../oauth/authorize';
import { buildParRequest, readParResponse } from '../oauth/par';
import type { Pkce } from '../oauth/pkce';
import type { RunSession } from '../session';

/** What the authorize request committed this run to: the values the answer must match. */
export interface AuthorizeState {
  state: string;
  nonce: string;
  pkce?: Pkce;
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
