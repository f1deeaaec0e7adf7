/**
 * PingOne's answer to the authorize request (docs/pingone.md §1): with `response_mode=pi.flow` a 200
 * carrying the flow as JSON, otherwise a 302 to the sign-on page whose `flowId` parameter names the flow.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { Exchange } from '../model';
import type { Profile } from '../profile';
import { failureFrom, isObject, isOAuthError, locationOf, oauthFailure, quote, responseOf } from '../oauth/responses';
import { isPlatformError } from './errors';
import { parseFlow, type Flow } from './flow';

export type AuthorizeResult = { flowId: string; flow?: Flow; location?: string };

/**
 * Reads the authorize response: the flow id from a 302 `Location` (its `flowId` parameter), or the
 * flow resource from a 200 pi.flow answer. An error redirect or JSON error becomes a FlowError.
 */
export function readAuthorizeResponse(exchange: Exchange, profile: Profile): AuthorizeResult {
  const response = responseOf(exchange);
  if (response.status >= 300 && response.status < 400) {
    const { location, url } = locationOf(exchange, 'the authorize response');
    const params = new URLSearchParams(url.hash.startsWith('#') ? url.hash.slice(1) : url.search);
    const error = params.get('error') ?? url.searchParams.get('error');
    if (error) {
      throw forAuthorize(
        oauthFailure(
          { error, error_description: params.get('error_description') ?? url.searchParams.get('error_description') ?? undefined },
          `redirect ${response.status}`,
          { location },
        ),
      );
    }
    const flowId = url.searchParams.get('flowId') ?? params.get('flowId');
    if (!flowId) {
      throw new FlowError(
        Codes.NO_FLOW_ID,
        `The authorize redirect to ${quote(location)} does not carry a flowId.`,
        'PingOne redirects to its sign-on page with ?flowId=…; a custom login page URL must keep it. If the code came back directly, a session was reused.',
        { detail: { location } },
      );
    }
    return { flowId, location };
  }
  const json = response.json;
  if (response.status === 200 && isObject(json) && !isOAuthError(json) && !isPlatformError(json)) {
    const flow = parseFlow(json, 'the authorize response');
    return { flowId: flow.id, flow };
  }
  if (response.status === 200 && profile.responseMode === 'redirect') {
    throw new FlowError(
      Codes.UNEXPECTED_PAGE,
      'The authorize request answered 200 with a page instead of redirecting to the sign-on page.',
      'Check the auth path and environment ID; a 200 here usually means a proxy or a non-PingOne page answered.',
    );
  }
  throw forAuthorize(failureFrom(response, 'the authorize response', 'Check the authorize parameters against the application\'s configuration in PingOne; the error detail says what was refused.'));
}

/**
 * The client is identified at authorize, not authenticated (RFC 6749 §4.1.2.1: an unknown client_id is
 * not redirected back), so invalid_client here is about the client ID, not a secret or the token
 * endpoint's authentication method.
 */
function forAuthorize(error: FlowError): FlowError {
  if (error.code !== 'invalid_client') return error;
  return new FlowError(error.code, error.message, 'Check the client ID and the environment ID: no application in this environment has this client ID.', { detail: error.detail, cause: error });
}
