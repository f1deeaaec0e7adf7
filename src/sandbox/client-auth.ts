/**
 * Client authentication at the token, introspection, revocation and PAR endpoints, by the method the
 * app is registered with (docs/pingone.md §4; RFC 6749 §2.3, RFC 7523 §2.2 and §3, OIDC Core §9).
 */
import { X509Certificate } from 'node:crypto';
import { decodeJwt, jwtVerify } from 'jose';
import type { ClientAuthMethod } from '../core/profile';
import { constantTimeEqual } from './compare';
import { findApp, type SandboxContext } from './context';
import { oauthError, oauthErrorReply } from './errors';
import type { ClientCertificate, Reply, SandboxRequest } from './http';
import { appAlgorithms, appVerificationKey } from './keys';
import type { SandboxApp } from './seed';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** docs/pingone.md §4: an assertion's exp is at most 1 h ahead (a little slack for the client's clock). */
const MAX_ASSERTION_LIFETIME_S = 3600 + 30;

export type ClientAuthResult = { ok: true; app: SandboxApp } | { ok: false; reply: Reply };

type Presented =
  | { kind: 'basic'; clientId: string; secret: string }
  | { kind: 'post'; clientId: string | undefined; secret: string }
  | { kind: 'jwt'; clientId: string | undefined; assertion: string; assertionType: string | undefined }
  | { kind: 'none'; clientId: string | undefined };

/**
 * Authenticates the client of a back-channel request.
 * @param endpoint this endpoint's URL, accepted as an assertion audience beside the token endpoint and issuer
 */
export async function authenticateClient(
  ctx: SandboxContext,
  req: SandboxRequest,
  params: ReadonlyMap<string, string>,
  endpoint: string,
): Promise<ClientAuthResult> {
  const presented = readCredentials(req, params);
  if (typeof presented === 'string') return { ok: false, reply: oauthErrorReply(400, oauthError('invalid_request', presented)) };
  // RFC 6749 §5.2: a failed Basic authentication answers 401 with a matching challenge.
  const challenge = presented.kind === 'basic' ? { 'WWW-Authenticate': `Basic realm="${ctx.endpoints.issuer}"` } : undefined;
  const deny = (description: string): ClientAuthResult => ({ ok: false, reply: oauthErrorReply(401, oauthError('invalid_client', description), challenge) });

  const clientId = presented.clientId ?? (presented.kind === 'jwt' ? assertionIssuer(presented.assertion) : undefined);
  if (clientId !== undefined && params.has('client_id') && params.get('client_id') !== clientId) {
    return { ok: false, reply: oauthErrorReply(400, oauthError('invalid_request', 'client_id in the body does not match the authenticated client.')) };
  }
  const app = findApp(ctx, clientId);
  if (!app) return deny(clientId === undefined ? 'No client authentication was sent.' : `No application has the client_id "${clientId}".`);

  const method = app.tokenEndpointAuthMethod;
  if (!methodMatches(presented.kind, method)) {
    return deny(`This application authenticates with ${method}, but the request used ${describe(presented.kind)}.`);
  }
  switch (presented.kind) {
    case 'basic':
    case 'post':
      return constantTimeEqual(presented.secret, app.clientSecret!) ? { ok: true, app } : deny('The client secret is wrong.');
    case 'jwt': {
      if (presented.assertionType !== JWT_BEARER) return deny(`client_assertion_type must be ${JWT_BEARER}.`);
      const problem = await verifyAssertion(ctx, app, presented.assertion, endpoint);
      return problem ? deny(problem) : { ok: true, app };
    }
    case 'none': {
      if (method === 'none') return { ok: true, app };
      const problem = certificateProblem(app, req.clientCertificate);
      return problem ? deny(problem) : { ok: true, app };
    }
  }
}

/**
 * RFC 8705 §2.1: a tls_client_auth certificate chains to a trusted CA and carries the registered
 * subject DN; §2.2: a self_signed_tls_client_auth certificate is the one the client registered.
 */
function certificateProblem(app: SandboxApp, certificate: ClientCertificate | undefined): string | undefined {
  if (!certificate) return `This application authenticates with ${app.tokenEndpointAuthMethod}, but no TLS client certificate was presented.`;
  if (app.tokenEndpointAuthMethod === 'self_signed_tls_client_auth') {
    const registered = app.tlsClientCertificate && new X509Certificate(app.tlsClientCertificate).fingerprint256;
    return registered === certificate.fingerprint256 ? undefined : 'The TLS client certificate is not the one registered for this application.';
  }
  if (!certificate.authorized) return 'The TLS client certificate is not issued by a CA this server trusts.';
  if (certificate.subjectDn !== app.tlsClientAuthSubjectDn) {
    return `The TLS client certificate's subject ${certificate.subjectDn} is not the registered ${app.tlsClientAuthSubjectDn}.`;
  }
  return undefined;
}

/** What the request presents, or why it is malformed (RFC 6749 §2.3: exactly one method). */
function readCredentials(req: SandboxRequest, params: ReadonlyMap<string, string>): Presented | string {
  const authorization = req.headers.authorization;
  const basic = authorization ? /^Basic\s+(\S+)\s*$/i.exec(authorization) : null;
  if (authorization && !basic) return 'The Authorization header must use the Basic scheme.';
  const assertion = params.get('client_assertion');
  const secret = params.get('client_secret');
  const methods = [basic, assertion, secret].filter((value) => value !== undefined && value !== null).length;
  if (methods > 1) return 'The request uses more than one client authentication method (RFC 6749 §2.3).';

  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'The Basic credentials must be client_id:client_secret.';
    // RFC 6749 §2.3.1: both halves are form-url-encoded before base64.
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (clientId === undefined || clientSecret === undefined) return 'The Basic credentials are not form-url-encoded.';
    return { kind: 'basic', clientId, secret: clientSecret };
  }
  const clientId = params.get('client_id');
  if (assertion !== undefined) return { kind: 'jwt', clientId, assertion, assertionType: params.get('client_assertion_type') };
  if (secret !== undefined) return { kind: 'post', clientId, secret };
  return { kind: 'none', clientId };
}

function methodMatches(kind: Presented['kind'], method: ClientAuthMethod): boolean {
  switch (kind) {
    case 'basic':
      return method === 'client_secret_basic';
    case 'post':
      return method === 'client_secret_post';
    case 'jwt':
      return method === 'client_secret_jwt' || method === 'private_key_jwt';
    // RFC 8705 §2: with mutual TLS the body carries client_id alone, as a public client's does.
    case 'none':
      return method === 'none' || method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
  }
}

function describe(kind: Presented['kind']): string {
  return { basic: 'client_secret_basic', post: 'client_secret_post', jwt: 'a client assertion', none: 'no client authentication' }[kind];
}

/**
 * RFC 7523 §3: iss = sub = client_id, aud names this server, exp present and not too far ahead, jti
 * never seen before. The app's method picks the keys: the secret (HS) or its public key (RS/PS).
 */
async function verifyAssertion(ctx: SandboxContext, app: SandboxApp, assertion: string, endpoint: string): Promise<string | undefined> {
  const now = ctx.now();
  const algorithms = appAlgorithms(app).filter((alg) => (app.tokenEndpointAuthMethod === 'client_secret_jwt') === alg.startsWith('HS'));
  let payload: { exp?: number; jti?: string };
  try {
    ({ payload } = await jwtVerify(assertion, (header) => appVerificationKey(app, header.alg), {
      issuer: app.id,
      subject: app.id,
      audience: [ctx.endpoints.token, ctx.endpoints.issuer, endpoint],
      algorithms,
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(now),
    }));
  } catch (error) {
    return `The client assertion failed verification: ${(error as Error).message}`;
  }
  const exp = payload.exp!;
  if (exp - now / 1000 > MAX_ASSERTION_LIFETIME_S) return 'The client assertion expires more than 1 hour from now.';
  const replayKey = `${app.id} ${payload.jti}`;
  if (ctx.state.assertionIds.get(replayKey)) return 'The client assertion jti was already used.';
  ctx.state.assertionIds.set(replayKey, true, exp * 1000 - now);
  return undefined;
}

function assertionIssuer(assertion: string): string | undefined {
  try {
    return decodeJwt(assertion).iss;
  } catch {
    return undefined;
  }
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
