/**
 * What a URL pasted into the Add Environment wizard says about the environment, so nobody has to pick
 * the region and copy the environment ID by hand. The shapes read (docs/pingone.md: everything hangs
 * off `{{authPath}}/{{envID}}`; the console and management API addresses are as they appear in a
 * browser's address bar):
 *
 * - issuer, endpoint or discovery: `https://auth.pingone.<tld>/<envId>/as[/token|/.well-known/openid-configuration|…]`
 *   (any `*.pingone.<tld>` host with the environment first, such as `apps.pingone.<tld>/<envId>/myaccount`);
 * - authorize: the same with `/as/authorize?client_id=…&redirect_uri=…&scope=…[&response_mode=pi.flow]`,
 *   which also gives the client, redirect URI, scopes and response mode;
 * - console: `https://console.pingone.<tld>/[index.html]?env=<envId>#/…`, the `env` parameter also
 *   inside the fragment (`#/…?env=<envId>`), and an application's page
 *   (`#/applications/<appId>/…`, `#/connections/applications/<appId>`) giving its ID, which is the client ID;
 * - management API: `https://api.pingone.<tld>/v1/environments/<envId>[/applications/<appId>]`;
 * - another server whose path has the `/<envId>/as` shape: region `custom`, the auth path before it;
 * - any other server: an OpenID provider named by its issuer. A discovery URL gives the issuer exactly
 *   (`{issuer}/.well-known/openid-configuration`, or RFC 8414's `/.well-known/oauth-authorization-server{path}`);
 *   any other URL is taken as the issuer itself, without query or fragment, for the person to check.
 *
 * The region is the host's PingOne domain (`pingone.eu` is EU, `pingone.com.au` AU…). No `vscode` import.
 */
import { REGIONS, type Region, type ResponseMode } from '../../core/profile';
import { parseScopes, validateEnvId } from './profileValidators';

export type PastedKind = 'issuer' | 'endpoint' | 'discovery' | 'authorize' | 'console' | 'api';

/** A PingOne environment (region and envId), or any OpenID provider (issuer). */
export interface PastedFields {
  region?: Region | 'custom';
  authPath?: string;
  envId?: string;
  issuer?: string;
  clientId?: string;
  redirectUri?: string;
  scopes?: string[];
  responseMode?: ResponseMode;
}

export type Pasted = { kind: PastedKind; fields: PastedFields } | { problem: string };

/** `pingone.eu` → EU…, from the regions' auth hosts. */
const REGION_DOMAINS = Object.entries(REGIONS).map(([region, { authPath }]) => ({ region: region as Region, domain: new URL(authPath).hostname.replace(/^auth\./, '') }));

/** The environment (and what else it names) in a pasted URL, or why there is none. */
export function readPastedUrl(text: string): Pasted {
  const url = URL.parse(text.trim());
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
    return { problem: 'This is not a URL: paste an issuer, authorize, discovery or PingOne console URL, such as https://auth.pingone.eu/<environment ID>/as.' };
  }
  const segments = url.pathname.split('/').filter(Boolean).map(decodeSegment);
  const region = REGION_DOMAINS.find(({ domain }) => url.hostname === domain || url.hostname.endsWith(`.${domain}`))?.region;
  if (!region) return otherServer(url, segments);
  if (url.protocol !== 'https:') return { problem: `PingOne answers over https only; this URL is ${url.protocol.slice(0, -1)}.` };

  const host = url.hostname.split('.')[0];
  if (host === 'console') return consoleUrl(url, region);
  if (host === 'api') {
    const at = segments.indexOf('environments');
    return located('api', region, at === -1 ? undefined : segments[at + 1], { clientId: applicationIn(segments.slice(at + 2)) });
  }
  const [envId, ...rest] = segments;
  return located(kindOf(rest), region, envId, rest[0] === 'as' && rest[1] === 'authorize' ? authorizeFields(url.searchParams) : {});
}

/**
 * A console address keeps the environment in `env`, in the query or in the fragment's own query
 * (the console is a single-page app routing on the fragment).
 */
function consoleUrl(url: URL, region: Region): Pasted {
  const [route, query = ''] = url.hash.replace(/^#/, '').split('?', 2);
  const envId = url.searchParams.get('env') ?? new URLSearchParams(query).get('env') ?? undefined;
  const segments = [...url.pathname.split('/'), ...route.split('/')].filter(Boolean).map(decodeSegment);
  return located('console', region, envId, { clientId: applicationIn(segments) });
}

/** Not a PingOne host: a custom auth path when the path ends `/<envId>/as[/…]`, else an OpenID provider's issuer. */
function otherServer(url: URL, segments: string[]): Pasted {
  const as = segments.indexOf('as', 1);
  if (as === -1) return { kind: url.pathname.includes('/.well-known/') ? 'discovery' : 'issuer', fields: { issuer: issuerIn(url) } };
  const rawSegments = url.pathname.split('/').filter(Boolean);
  const authPath = `${url.origin}${rawSegments.slice(0, as - 1).map((s) => `/${s}`).join('')}`;
  const rest = segments.slice(as);
  return located(kindOf(rest), 'custom', segments[as - 1], { authPath, ...(rest[1] === 'authorize' ? authorizeFields(url.searchParams) : {}) });
}

/** The issuer a discovery URL is for (OIDC Discovery §4, RFC 8414 §3.1), or the URL as an issuer. */
function issuerIn(url: URL): string {
  const path = url.pathname;
  const openid = path.indexOf('/.well-known/openid-configuration');
  if (openid !== -1) return `${url.origin}${path.slice(0, openid)}`;
  const rfc8414 = '/.well-known/oauth-authorization-server';
  if (path.startsWith(rfc8414)) return `${url.origin}${path.slice(rfc8414.length)}`;
  return `${url.origin}${path.replace(/\/+$/, '')}`;
}

/** What follows the environment ID: `as`, `as/authorize`, `as/.well-known/openid-configuration`… */
function kindOf(rest: string[]): PastedKind {
  if (rest[0] !== 'as') return 'endpoint';
  if (rest.length === 1) return 'issuer';
  if (rest[1] === 'authorize') return 'authorize';
  return rest[1] === '.well-known' ? 'discovery' : 'endpoint';
}

/** RFC 6749 §4.1.1 parameters of an authorize URL that a profile holds. */
function authorizeFields(params: URLSearchParams): Omit<PastedFields, 'region' | 'envId'> {
  const clientId = params.get('client_id') || undefined;
  const redirectUri = params.get('redirect_uri') || undefined;
  const scopes = parseScopes(params.get('scope') ?? '');
  return {
    ...(clientId ? { clientId } : {}),
    ...(redirectUri ? { redirectUri } : {}),
    ...(scopes.length ? { scopes } : {}),
    ...(params.get('response_mode') === 'pi.flow' ? { responseMode: 'pi.flow' as const } : {}),
  };
}

/** The ID after `applications/` (a PingOne application's ID is its client ID). */
function applicationIn(segments: string[]): string | undefined {
  const at = segments.indexOf('applications');
  const id = at === -1 ? undefined : segments[at + 1];
  return id && validateEnvId(id, { region: 'NA' }) === undefined ? id : undefined;
}

function located(kind: PastedKind, region: Region | 'custom', envId: string | undefined, more: Omit<PastedFields, 'region' | 'envId'>): Pasted {
  const what = `This ${kind === 'api' ? 'API' : kind} URL`;
  if (envId === undefined) return { problem: `${what} names no environment ID.` };
  const problem = validateEnvId(envId, { region, authPath: more.authPath });
  if (problem) return { problem: `${what} has no environment ID where one belongs: ${problem}` };
  const defined = Object.fromEntries(Object.entries(more).filter(([, value]) => value !== undefined));
  return { kind, fields: { region, ...defined, envId } };
}

/** A path segment as typed; one that does not decode stays as sent (the rules then refuse it). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
