/**
 * The corporate network a run goes through: which proxy each request takes, and which certificate
 * authorities and client certificate its TLS connections use. The hosts (CLI, extension) read their
 * flags, settings and environment into these plain options; the transport applies them.
 */
import type * as Tls from 'node:tls';

/** node:tls, loaded when a CA list is first asked for: a run that needs none does not pay for loading it. */
const tls = (): typeof Tls => require('node:tls') as typeof Tls;

/** One proxy and where it was configured, so a failure can name the setting to change. */
export interface ProxyRoute {
  /** `http://host:port`, possibly with `user:password@` (a secret: never shown). */
  url: string;
  /** The setting or variable it came from, e.g. `HTTPS_PROXY` or `the setting http.proxy`. */
  source: string;
}

export interface ProxyOptions {
  /** The proxy for http:// URLs; absent to send them directly. */
  http?: ProxyRoute;
  /** The proxy for https:// URLs; absent to send them directly. */
  https?: ProxyRoute;
  /**
   * Hosts reached directly, as NO_PROXY writes them: comma or space separated, `example.com` also
   * covers its sub-domains, a leading `.` or `*.` is the same, `host:port` narrows to one port, `*`
   * means every host.
   */
  noProxy?: string;
  /** A Proxy-Authorization header value (VS Code's `http.proxyAuthorization`): a secret. */
  authorization?: string;
  /** false turns certificate verification off for the proxy and what is reached through it (VS Code's `http.proxyStrictSSL`). */
  strictSSL?: boolean;
}

export interface NetworkOptions {
  /** Absent: every request goes directly. */
  proxy?: ProxyOptions;
  /** CA certificates (PEM text) trusted beside Node's bundled ones. */
  ca?: string[];
  /** A TLS client certificate and its key (PEM), presented to servers that ask for one (RFC 8705). */
  clientCertificate?: { cert: string; key: string };
}

/** What a profile says about the proxy: a URL for every request of the profile, or `none` for no proxy. */
export const NO_PROXY = 'none';

/**
 * The proxy settings of a run: the profile's own choice wins over the host's (settings, environment).
 * A profile's proxy takes every request, whatever `noProxy` says; the host's credentials still apply.
 */
export function proxyForProfile(profileProxy: string | undefined, host: ProxyOptions | undefined): ProxyOptions | undefined {
  if (profileProxy === undefined) return host;
  if (profileProxy === NO_PROXY) return undefined;
  const route = { url: profileProxy, source: "the environment's proxy field" };
  return { http: route, https: route, authorization: host?.authorization, strictSSL: host?.strictSSL };
}

/**
 * The proxy variables as curl and most tools read them, lower case first: `https_proxy`, `http_proxy`,
 * `no_proxy`. `all_proxy` is left out: it usually names a SOCKS proxy.
 */
export function proxyFromEnvironment(env: Readonly<Record<string, string | undefined>>): ProxyOptions | undefined {
  const variable = (name: string) => {
    const found = [name.toLowerCase(), name.toUpperCase()].find((key) => env[key]?.trim());
    return found === undefined ? undefined : { url: withScheme(env[found]!.trim()), source: found };
  };
  const http = variable('http_proxy');
  const https = variable('https_proxy');
  if (!http && !https) return undefined;
  const noProxy = [env.no_proxy, env.NO_PROXY].find((value) => value?.trim());
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), ...(noProxy ? { noProxy } : {}) };
}

/** `proxy.corp:8080`, as people often write it, is `http://proxy.corp:8080`. */
export function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

/** The proxy a request to `url` goes through, or undefined to go directly. */
export function proxyRouteFor(url: URL, proxy: ProxyOptions | undefined): ProxyRoute | undefined {
  const route = url.protocol === 'https:' ? proxy?.https : proxy?.http;
  if (!route || bypassesProxy(url, proxy?.noProxy ?? '')) return undefined;
  return route;
}

/** NO_PROXY matching as undici's EnvHttpProxyAgent and curl do it: a host, its sub-domains, an optional port. */
function bypassesProxy(url: URL, noProxy: string): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [, host = entry, entryPort] = /^(.+?)(?::(\d+))?$/.exec(entry) ?? [];
      if (entryPort !== undefined && Number(entryPort) !== port) return false;
      const name = host.replace(/^\*?\./, '').toLowerCase();
      return hostname === name || hostname.endsWith(`.${name}`);
    });
}

/** A proxy as the timeline shows it: its origin, without the credentials a URL may carry. */
export function shownProxy(route: ProxyRoute): string {
  return URL.canParse(route.url) ? new URL(route.url).origin : '(an unreadable proxy URL)';
}

/** The Proxy-Authorization a proxy URL's `user:password@` turns into (undici's ProxyAgent does the same). */
export function proxyCredentials(route: ProxyRoute, authorization: string | undefined): string | undefined {
  if (authorization) return authorization;
  const url = URL.canParse(route.url) ? new URL(route.url) : undefined;
  if (!url?.username) return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
}

/**
 * The CA list for TLS connections: Node's bundled roots plus `extra`, or undefined to keep Node's
 * default (which already holds what NODE_EXTRA_CA_CERTS named when the process started).
 */
export function trustedCas(extra: readonly string[] | undefined): string[] | undefined {
  return extra?.length ? [...tls().rootCertificates, ...extra] : undefined;
}

/**
 * The operating system's trusted certificates (Node 22.15 and later, `tls.getCACertificates('system')`),
 * or undefined where this Node cannot read them.
 */
export function systemCertificates(): string[] | undefined {
  const read = (tls() as { getCACertificates?: (type: 'system') => string[] }).getCACertificates;
  if (typeof read !== 'function') return undefined;
  try {
    return read('system');
  } catch {
    return undefined;
  }
}

/** The PEM certificates in a text (a CA bundle holds several); none is a mistake worth naming. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
