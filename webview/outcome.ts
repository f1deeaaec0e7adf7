/**
 * What a step came to, in a few words for its collapsed card: where a redirect points and with which
 * parameter (RFC 6749 §4.1.2: code or error; PingOne's sign-on page: flowId), the flow status and how
 * it moved, the endpoints discovered, the tokens issued, the check that failed. Pure: the card renders these as text.
 */
import type { Step, TokenKind } from '../src/core/model';
import { headerValue, tryJson } from './format';

/** The parameters that say how a redirect went, most telling first. */
const REDIRECT_PARAMETERS = ['error', 'code', 'flowId'] as const;

const ISSUED: Partial<Record<TokenKind, string>> = { id_token: 'ID token', access_token: 'access token', refresh_token: 'refresh token' };

/** Long ids and codes cut to a recognisable prefix; the full value is one click away. */
export function short(value: string): string {
  return value.length > 14 ? `${value.slice(0, 10)}…` : value;
}

/** The parameter that says how a redirect went and its value, from the query or the fragment. */
export function redirectParameter(url: URL): { name: (typeof REDIRECT_PARAMETERS)[number]; value: string } | undefined {
  const fragment = new URLSearchParams(url.hash.slice(1));
  const name = REDIRECT_PARAMETERS.find((p) => url.searchParams.has(p) || fragment.has(p));
  return name ? { name, value: url.searchParams.get(name) ?? fragment.get(name) ?? '' } : undefined;
}

/** "→ localhost:8765 code=SplxlOBeZ…", from a Location header (query or fragment). */
function redirectOutcome(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return `→ ${short(location)}`;
  }
  const parameter = redirectParameter(url);
  const where = url.host || url.protocol;
  if (!parameter) return `→ ${where}${url.pathname === '/' ? '' : url.pathname}`;
  return `→ ${where} ${parameter.name}=${short(parameter.value)}`;
}

/** pi.flow: the resume answers 200 JSON with the redirect's parameters in authorizeResponse. */
function authorizeResponseOutcome(step: Step): string | undefined {
  const response = step.exchange?.response;
  if (!response) return undefined;
  const json = response.json ?? tryJson(response.body);
  const inner = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).authorizeResponse : undefined;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const params = inner as Record<string, unknown>;
  const name = REDIRECT_PARAMETERS.find((p) => typeof params[p] === 'string');
  return name ? `${name}=${short(params[name] as string)}` : undefined;
}

export function stepOutcome(step: Step): string[] {
  const parts: string[] = [];
  const response = step.exchange?.response;
  const location = response && response.status >= 300 && response.status < 400 ? headerValue(response.headers, 'location') : undefined;
  if (location) parts.push(redirectOutcome(location));
  const inner = authorizeResponseOutcome(step);
  if (inner) parts.push(inner);

  const { facts } = step;
  const status = facts.flow_status ?? facts.status;
  if (facts.status_before && status && facts.status_before !== status) parts.push(`flow ${facts.status_before} → ${status}`);
  else if (status) parts.push(`flow ${status}`);

  // What the token response carried, opaque refresh tokens included; decoded tokens when there is no body.
  const json = response?.json ?? tryJson(response?.body);
  const body = (step.kind === 'token' || step.kind === 'refresh') && typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const kinds = new Set<TokenKind>([...step.tokens.map((t) => t.kind), ...(Object.keys(ISSUED) as TokenKind[]).filter((kind) => typeof body[kind] === 'string')]);
  const issued = (Object.keys(ISSUED) as TokenKind[]).filter((kind) => kinds.has(kind)).map((kind) => ISSUED[kind]);
  if (issued.length) parts.push(`issued ${issued.join(', ')}`);
  if (step.kind === 'jwks' && facts.keys) {
    const count = facts.keys.split(', ').length;
    parts.push(`${count} ${count === 1 ? 'key' : 'keys'}`);
  }
  if (step.kind === 'discovery' && facts.endpoints) {
    const count = facts.endpoints.split(', ').length;
    parts.push(`${count} ${count === 1 ? 'endpoint' : 'endpoints'}`);
  }
  if (step.kind === 'userinfo' && facts.sub) parts.push(`sub ${short(facts.sub)}`);
  // Introspection and revocation say which held token they were about (facts.token: access_token, refresh_token).
  const about = ISSUED[facts.token as TokenKind] ?? facts.token;
  if (step.kind === 'introspect' && facts.active) parts.push(`${about} ${facts.active === 'true' ? 'active' : 'not active'}`);
  if (step.kind === 'revoke' && step.status === 'succeeded' && facts.token) parts.push(`${about} revoked`);

  const failed = step.checks.find((c) => c.status === 'failed');
  if (failed) parts.push(`✕ ${failed.name} failed`);
  return parts;
}
