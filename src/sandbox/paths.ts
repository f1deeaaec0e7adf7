/**
 * The sandbox's own table of paths: PingOne's, as docs/pingone.md "Paths" lists them, everything
 * under `/{{envID}}/`, plus the sandbox's pages. The router matches requests against this table and
 * every URL the sandbox writes (issuer, discovery, flow links, verification URIs) is built from it,
 * so what it serves and what it advertises cannot drift apart. The client keeps its own table.
 */

/** Routes under `/{{envID}}/`. */
export const ENV_PATHS = {
  authorize: 'as/authorize',
  resume: 'as/resume',
  token: 'as/token',
  userinfo: 'as/userinfo',
  introspect: 'as/introspect',
  revoke: 'as/revoke',
  signoff: 'as/signoff',
  jwks: 'as/jwks',
  par: 'as/par',
  deviceAuthorization: 'as/device_authorization',
  discovery: 'as/.well-known/openid-configuration',
  /** PingOne's device flow start (`/{{envID}}/device`), the sandbox's RFC 8628 verification URI. */
  deviceVerification: 'device',
  /** The hosted sign-on page; PingOne serves it from apps.pingone.<tld>, the sandbox from its own origin. */
  signOnPage: 'signon/',
} as const;

export type EnvRoute = keyof typeof ENV_PATHS;

/** The issuer is `{{authPath}}/{{envID}}/as` (docs/pingone.md "Paths"). */
const ISSUER_PATH = 'as';
/** The flows API: `/{{envID}}/flows/{{flowID}}`. */
const FLOWS_PATH = 'flows';
/** Matches a flow's path under `/{{envID}}/`; the first group is the flow id. */
export const FLOW_PATH = new RegExp(`^${FLOWS_PATH}/([^/]+)$`);
/** The sandbox's callback page, outside the environment: it plays the client's redirect_uri. */
export const CALLBACK_PATH = '/callback';

export type SandboxEndpoints = Record<EnvRoute, string> & {
  issuer: string;
  /** Flows API base: append `/{flowId}`. */
  flows: string;
  callback: string;
};

/** Every absolute URL of the environment `envId` served at `url` (the authPath, no trailing slash). */
export function sandboxEndpoints(url: string, envId: string): SandboxEndpoints {
  const base = `${url}/${envId}`;
  const routes = Object.fromEntries(Object.entries(ENV_PATHS).map(([route, path]) => [route, `${base}/${path}`])) as Record<EnvRoute, string>;
  return { ...routes, issuer: `${base}/${ISSUER_PATH}`, flows: `${base}/${FLOWS_PATH}`, callback: `${url}${CALLBACK_PATH}` };
}
