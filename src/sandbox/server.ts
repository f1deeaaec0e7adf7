/**
 * Routing on node:http. Reads each request in full (capped), hands it to the endpoint's handler and
 * writes the {@link Reply}. A request-target that is not a URL is a 400, a body over the cap a 413;
 * whatever a handler throws becomes a 500 platform error: bad input never takes the sandbox down.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { handleAuthorize } from './authorize';
import type { SandboxContext } from './context';
import { handleDeviceAuthorization } from './device-authorization';
import { handleDeviceStart } from './device-verification';
import { handleDiscovery, handleJwks } from './discovery';
import { platformError } from './errors';
import { handleFlow } from './flows-api';
import { BodyTooLargeError, parseCookies, readBody, type ClientCertificate, type Reply, type SandboxRequest } from './http';
import { handleIntrospect, handleRevoke } from './introspection';
import { handleCallbackPage, handleSignOnPage } from './pages';
import { handlePar } from './par';
import { CALLBACK_PATH, ENV_PATHS, FLOW_PATH, type EnvRoute } from './paths';
import { handleResume } from './resume';
import { handleSignoff } from './signoff';
import { handleToken } from './token';
import { handleUserinfo } from './userinfo';

type Handler = (ctx: SandboxContext, req: SandboxRequest) => Reply | Promise<Reply>;
type Methods = Partial<Record<'GET' | 'POST', Handler>>;

const both = (handler: Handler): Methods => ({ GET: handler, POST: handler });

/** What each route of the path table answers, by method. */
const HANDLERS: Record<EnvRoute, Methods> = {
  authorize: both(handleAuthorize),
  resume: { GET: handleResume },
  token: { POST: handleToken },
  userinfo: both(handleUserinfo),
  introspect: { POST: handleIntrospect },
  revoke: { POST: handleRevoke },
  signoff: both(handleSignoff),
  jwks: { GET: handleJwks },
  par: { POST: handlePar },
  deviceAuthorization: { POST: handleDeviceAuthorization },
  discovery: { GET: handleDiscovery },
  deviceVerification: { GET: handleDeviceStart },
  signOnPage: both(handleSignOnPage),
};
/** Path under `/{{envID}}/` → its methods. */
const ENV_ROUTES = new Map<string, Methods>(Object.entries(ENV_PATHS).map(([route, path]) => [path, HANDLERS[route as EnvRoute]]));

/** How long a connection being closed after an early answer keeps reading what the client still sends. */
const LINGER_MS = 5_000;

export function requestListener(ctx: SandboxContext): RequestListener {
  return (req, res) => {
    void answer(ctx, req).then(
      (reply) => write(req, res, reply),
      () => write(req, res, platformError(500, 'UNEXPECTED_ERROR', 'The sandbox failed to handle the request.')),
    );
  };
}

async function answer(ctx: SandboxContext, req: IncomingMessage): Promise<Reply> {
  const target = req.url ?? '/';
  // Origin-form or absolute-form (RFC 9112 §3.2); routing uses only the path of either.
  if (!URL.canParse(target, ctx.url)) {
    return platformError(400, 'INVALID_REQUEST', `The request-target ${JSON.stringify(target)} is not a valid URL.`);
  }
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return platformError(413, 'INVALID_REQUEST', error.message, undefined, { Connection: 'close' });
    }
    throw error;
  }
  const request: SandboxRequest = {
    method: req.method ?? 'GET',
    url: new URL(target, ctx.url),
    headers: req.headers,
    body,
    cookies: parseCookies(req.headers.cookie),
  };
  const certificate = clientCertificate(req.socket as Partial<TLSSocket>);
  if (certificate) request.clientCertificate = certificate;
  return route(ctx, request);
}

/** The certificate the client presented on a TLS connection, if any. */
function clientCertificate(socket: Partial<TLSSocket>): ClientCertificate | undefined {
  const raw = socket.getPeerCertificate?.(false)?.raw;
  if (!raw) return undefined;
  const x509 = new X509Certificate(raw);
  // X509Certificate lists the RDNs root first, one a line; RFC 4514 writes them most specific first.
  return { authorized: socket.authorized === true, subjectDn: x509.subject.split('\n').reverse().join(','), fingerprint256: x509.fingerprint256 };
}

function route(ctx: SandboxContext, req: SandboxRequest): Reply | Promise<Reply> {
  const path = req.url.pathname;
  if (path === CALLBACK_PATH) return dispatch(ctx, req, both((_ctx, request) => handleCallbackPage(request)));
  const prefix = `/${ctx.envId}/`;
  if (path.startsWith(prefix)) {
    const rest = path.slice(prefix.length);
    const methods = ENV_ROUTES.get(rest);
    if (methods) return dispatch(ctx, req, methods);
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

function write(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
  if (req.complete || reply.headers.Connection !== 'close') res.end(reply.body);
  else lingeringClose(req, res, reply.body);
}

/**
 * Closing a socket that still has unread input makes the kernel send a reset, which can destroy the
 * answer before the client reads it. So, as RFC 9112 §9.6 advises, the whole answer goes out now and
 * the connection closes once the client has finished sending (its input discarded), or after
 * {@link LINGER_MS} for a client that never stops.
 */
function lingeringClose(req: IncomingMessage, res: ServerResponse, body: string): void {
  res.write(body);
  const close = () => {
    clearTimeout(timer);
    req.off('end', close).off('close', close);
    res.end();
  };
  const timer = setTimeout(close, LINGER_MS);
  req.once('end', close).once('close', close).resume();
}
