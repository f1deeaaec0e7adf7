/**
 * Pushed authorization requests (RFC 9126): the client authenticates, the parameters are validated
 * as at /as/authorize, and a one-use `request_uri` valid for 60 s stands for them.
 */
import { randomBytes } from 'node:crypto';
import { validateAuthorizeParams } from './authorize-request';
import { authenticateClient } from './client-auth';
import type { AuthorizeRequest, SandboxContext } from './context';
import { oauthError, oauthErrorReply, type OAuthError } from './errors';
import { json, parseForm, type Reply, type SandboxRequest } from './http';

export const PAR_TTL_S = 60;
const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

export async function handlePar(ctx: SandboxContext, req: SandboxRequest): Promise<Reply> {
  const form = parseForm(req);
  if (!form.ok) return oauthErrorReply(400, oauthError('invalid_request', form.description));
  const client = await authenticateClient(ctx, req, form.params, ctx.endpoints.par);
  if (!client.ok) return client.reply;
  const validation = await validateAuthorizeParams(ctx, form.params, client.app);
  // RFC 9126 §2.3: errors go back in the PAR response, never to a redirect_uri.
  if (!validation.ok) return oauthErrorReply(400, validation.error);
  const requestUri = REQUEST_URI_PREFIX + randomBytes(32).toString('base64url');
  ctx.state.pushedRequests.set(requestUri, validation.request, PAR_TTL_S * 1000);
  return json(201, { request_uri: requestUri, expires_in: PAR_TTL_S }, { 'Cache-Control': 'no-store' });
}

/** Redeems a request_uri at /as/authorize (one use); the pushed parameters replace the query (RFC 9126 §4). */
export function takePushedRequest(ctx: SandboxContext, requestUri: string, clientId: string | undefined): AuthorizeRequest | OAuthError {
  const request = ctx.state.pushedRequests.get(requestUri);
  if (!request) return oauthError('invalid_request_uri', 'request_uri is unknown, already used or expired (it lasts 60 s and works once).');
  ctx.state.pushedRequests.delete(requestUri);
  if (clientId !== request.app.id) return oauthError('invalid_request', 'client_id must be sent and match the client that pushed the request.');
  return request;
}
