/**
 * Routing on node:http. Reads each request in full (capped), hands it to the endpoint's handler and
 * writes the {@link Reply}. Whatever a handler throws becomes a 500 platform error: bad input never
 * takes the sandbox down.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { handleAuthorize } from './authorize';
import type { SandboxContext } from './context';
import { handleDiscovery, handleJwks } from './discovery';
import { platformError } from './errors';
import { handleFlow } from './flows-api';
import { BodyTooLargeError, MAX_BODY_BYTES, parseCookies, readBody, type Reply, type SandboxRequest } from './http';
import { handleIntrospect, handleRevoke } from './introspection';
import { handleCallbackPage, handleSignOnPage } from './pages';
import { handlePar } from './par';
import { handleResume } from './resume';
import { handleSignoff } from './signoff';
import { handleToken } from './token';
import { handleUserinfo } from './userinfo';

type Handler = (ctx: SandboxContext, req: SandboxRequest) => Reply | Promise<Reply>;
type Methods = Partial<Record<'GET' | 'POST', Handler>>;

const both = (handler: Handler): Methods => ({ GET: handler, POST: handler });

/** Routes under `/{{envID}}/` (PINGONE.md "Paths"). */
const ENV_ROUTES: Record<string, Methods> = {
  'as/authorize': both(handleAuthorize),
  'as/resume': { GET: handleResume },
  'as/token': { POST: handleToken },
  'as/userinfo': both(handleUserinfo),
  'as/introspect': { POST: handleIntrospect },
  'as/revoke': { POST: handleRevoke },
  'as/signoff': both(handleSignoff),
  'as/jwks': { GET: handleJwks },
  'as/par': { POST: handlePar },
  'as/.well-known/openid-configuration': { GET: handleDiscovery },
  'signon/': both(handleSignOnPage),
};
const FLOW_PATH = /^flows\/([^/]+)$/;

export function requestListener(ctx: SandboxContext): RequestListener {
  return (req, res) => {
    void answer(ctx, req).then(
      (reply) => write(res, reply),
      () => write(res, platformError(500, 'UNEXPECTED_ERROR', 'The sandbox failed to handle the request.')),
    );
  };
}

async function answer(ctx: SandboxContext, req: IncomingMessage): Promise<Reply> {
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return platformError(413, 'INVALID_REQUEST', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, undefined, { Connection: 'close' });
    }
    throw error;
  }
  const request: SandboxRequest = {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', ctx.url),
    headers: req.headers,
    body,
    cookies: parseCookies(req.headers.cookie),
  };
  return route(ctx, request);
}

function route(ctx: SandboxContext, req: SandboxRequest): Reply | Promise<Reply> {
  const path = req.url.pathname;
  if (path === '/callback') return dispatch(ctx, req, both((_ctx, request) => handleCallbackPage(request)));
  const prefix = `/${ctx.envId}/`;
  if (path.startsWith(prefix)) {
    const rest = path.slice(prefix.length);
    if (Object.hasOwn(ENV_ROUTES, rest)) return dispatch(ctx, req, ENV_ROUTES[rest]!);
    const flowId = FLOW_PATH.exec(rest)?.[1];
    if (flowId !== undefined) return dispatch(ctx, req, both((c, r) => handleFlow(c, r, flowId)));
  }
  return platformError(404, 'NOT_FOUND', `No resource at ${path}.`);
}

function dispatch(ctx: SandboxContext, req: SandboxRequest, methods: Methods): Reply | Promise<Reply> {
  const handler = methods[req.method as keyof Methods];
  if (handler) return handler(ctx, req);
  const allow = Object.keys(methods).join(', ');
  return platformError(405, 'INVALID_REQUEST', `${req.method} is not allowed here; use ${allow}.`, undefined, { Allow: allow });
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}
