/**
 * Discovery: an issuer's metadata document (OpenID Connect Discovery 1.0 §4, RFC 8414 §3), which names
 * every endpoint a run calls. The OpenID form appends `/.well-known/openid-configuration` to the issuer;
 * RFC 8414 §3.1 inserts `/.well-known/oauth-authorization-server` between the host and the issuer's path.
 * The document's `issuer` must be exactly the issuer asked about (OIDC Discovery §4.3, RFC 8414 §3.3):
 * anything else is another server's document, and none of its endpoints may be used.
 */
import { FlowError } from '../errors';
import { Codes } from '../codes';
import type { HttpRequest } from '../http';
import type { Exchange } from '../model';
import { expectJsonObject, failureFrom, quote, responseOf } from './responses';

/** The endpoints a run may call. Only the issuer, the token endpoint and the document's own URL are always known. */
export interface Endpoints {
  issuer: string;
  /** Where the metadata was (or would be) read. */
  discovery: string;
  token: string;
  authorize?: string;
  jwks?: string;
  userinfo?: string;
  introspect?: string;
  revoke?: string;
  endSession?: string;
  par?: string;
  deviceAuthorization?: string;
}

/** The metadata fields a run uses, by the endpoint each fills. */
const ENDPOINT_FIELDS = {
  authorize: 'authorization_endpoint',
  token: 'token_endpoint',
  jwks: 'jwks_uri',
  userinfo: 'userinfo_endpoint',
  introspect: 'introspection_endpoint',
  revoke: 'revocation_endpoint',
  endSession: 'end_session_endpoint',
  par: 'pushed_authorization_request_endpoint',
  deviceAuthorization: 'device_authorization_endpoint',
} as const satisfies Record<Exclude<keyof Endpoints, 'issuer' | 'discovery'>, string>;

export type DiscoveryForm = 'openid' | 'rfc8414';

/** The metadata URL of an issuer in either form. A trailing slash on the issuer is not doubled. */
export function discoveryUrl(issuer: string, form: DiscoveryForm): string {
  if (form === 'openid') return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

export function buildDiscoveryRequest(issuer: string, form: DiscoveryForm = 'openid'): HttpRequest {
  return { method: 'GET', url: discoveryUrl(issuer, form), headers: [['accept', 'application/json']] };
}

export interface Discovered {
  endpoints: Endpoints;
  /** The whole document, for the lists a step reads (grant types, auth methods, DPoP algorithms…). */
  metadata: Record<string, unknown>;
}

/**
 * Reads a metadata document. A URL field that is not an absolute http(s) URL is left out, as if absent,
 * and listed in `ignored` so the step can say so.
 */
export function readDiscoveryResponse(exchange: Exchange, issuer: string): Discovered & { ignored: string[] } {
  const response = responseOf(exchange);
  if (response.status !== 200) throw failureFrom(response, 'the discovery document', 'Check the issuer URL: its metadata should be at this address.');
  const metadata = expectJsonObject(response, 'the discovery document');
  if (metadata.issuer !== issuer) {
    throw new FlowError(
      Codes.DISCOVERY_ISSUER_MISMATCH,
      `The discovery document names issuer ${typeof metadata.issuer === 'string' ? quote(metadata.issuer) : 'nothing'}, not ${quote(issuer)}.`,
      'Use the issuer exactly as the document names it (scheme, host, path, trailing slash): a document for another issuer must not be trusted (OIDC Discovery §4.3).',
      { detail: { issuer: metadata.issuer } },
    );
  }
  const endpoints: Endpoints = { issuer, discovery: exchange.request.url, token: '' };
  const ignored: string[] = [];
  for (const [key, field] of Object.entries(ENDPOINT_FIELDS) as [keyof typeof ENDPOINT_FIELDS, string][]) {
    const value = metadata[field];
    if (value === undefined) continue;
    if (typeof value === 'string' && /^https?:\/\//i.test(value) && URL.canParse(value)) endpoints[key] = value;
    else ignored.push(field);
  }
  if (!endpoints.token) {
    throw new FlowError(
      Codes.DISCOVERY_INCOMPLETE,
      'The discovery document has no usable token_endpoint.',
      'Every grant ends at the token endpoint; check the issuer\'s metadata.',
      { detail: metadata },
    );
  }
  return { endpoints, metadata, ignored };
}

/** A metadata list (grant_types_supported, …) as strings, or undefined when the document does not say. */
export function supported(metadata: Record<string, unknown> | undefined, field: string): string[] | undefined {
  const value = metadata?.[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}
