/**
 * The `authFlow.*` settings, and VS Code's own `http.*` network settings, read through getters so the
 * parsing and the mapping to the engine's options can be tested without VS Code. {@link SETTING_KEYS}
 * is the one table of the `authFlow.*` keys with the defaults and ranges package.json declares for them
 * (test/unit/contributes.test.ts holds the two to each other); out-of-range numbers fall back to the defaults.
 */
import { pemCertificates, proxyFromEnvironment, withScheme, type NetworkOptions, type ProxyOptions } from '../core/network';

export const SETTINGS_SECTION = 'authFlow';

/** Every `authFlow.*` setting, by its key below the section, with its default (and range) as package.json declares it. */
export const SETTING_KEYS = {
  requestTimeoutSeconds: { default: 30, minimum: 1, maximum: 600 },
  clockSkewSeconds: { default: 120, minimum: 0, maximum: 3600 },
  allowInsecureTls: { default: false },
  'tls.caFile': { default: '' },
  'curl.includeSecretsByDefault': { default: false },
} as const;

export type SettingKey = keyof typeof SETTING_KEYS;

/** The full id of a setting, as the Settings editor and messages name it: `authFlow.tls.caFile`. */
export function settingId(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}

export interface Settings {
  requestTimeoutMs: number;
  clockSkewSec: number;
  /** When false, profiles with `insecureTls` are refused before any request is sent. */
  allowInsecureTls: boolean;
  /** When true, "Copy as cURL" offers the command with secrets (still behind a confirmation). */
  curlIncludeSecretsByDefault: boolean;
  /** A PEM file of CA certificates to trust beside Node's own; '' for none. */
  caFile: string;
}

/** VS Code's network settings (section `http`), as the engine needs them. */
export interface HttpSettings {
  proxy: string;
  proxyStrictSSL: boolean;
  noProxy: string[];
  proxyAuthorization: string | undefined;
  /** `off` turns VS Code's proxy support off: requests go directly. */
  proxySupport: string;
  systemCertificates: boolean;
}

/** `get` reads one key below `authFlow.`, as `WorkspaceConfiguration.get` does; each value not of its type (or range) is its default. */
export function readSettings(get: (key: SettingKey) => unknown): Settings {
  const number = (key: 'requestTimeoutSeconds' | 'clockSkewSeconds'): number => {
    const value = get(key);
    const { default: fallback, minimum, maximum } = SETTING_KEYS[key];
    return typeof value === 'number' && Number.isFinite(value) && value >= minimum && value <= maximum ? value : fallback;
  };
  const flag = (key: 'allowInsecureTls' | 'curl.includeSecretsByDefault'): boolean => {
    const value = get(key);
    return typeof value === 'boolean' ? value : SETTING_KEYS[key].default;
  };
  const caFile = get('tls.caFile');
  return {
    requestTimeoutMs: number('requestTimeoutSeconds') * 1000,
    clockSkewSec: number('clockSkewSeconds'),
    allowInsecureTls: flag('allowInsecureTls'),
    curlIncludeSecretsByDefault: flag('curl.includeSecretsByDefault'),
    caFile: typeof caFile === 'string' ? caFile.trim() : SETTING_KEYS['tls.caFile'].default,
  };
}

/** `get` reads one key below `http.`; the defaults are VS Code's. */
export function readHttpSettings(get: (key: string) => unknown): HttpSettings {
  const text = (key: string) => {
    const value = get(key);
    return typeof value === 'string' ? value.trim() : '';
  };
  const noProxy = get('noProxy');
  return {
    proxy: text('proxy'),
    proxyStrictSSL: get('proxyStrictSSL') !== false,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((host): host is string => typeof host === 'string' && host.trim() !== '') : [],
    proxyAuthorization: text('proxyAuthorization') || undefined,
    proxySupport: text('proxySupport') || 'override',
    systemCertificates: get('systemCertificates') !== false,
  };
}

/** What the network options are read from besides the settings: files, the environment, the OS store. */
export interface NetworkSources {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
  /** The OS's trusted certificates, or undefined where this Node cannot read them. */
  systemCertificates(): string[] | undefined;
}

/**
 * The proxy and CAs for a run, as VS Code's settings say, falling back to the environment as VS Code
 * does: `http.proxy` first, else HTTPS_PROXY / HTTP_PROXY; `http.noProxy` first, else NO_PROXY.
 * NODE_EXTRA_CA_CERTS is read here because Node reads it only when a process starts, and the
 * extension host may have started without it. Throws, naming the setting, when a CA file is unusable.
 */
export function networkOptions(settings: Pick<Settings, 'caFile'>, http: HttpSettings, sources: NetworkSources): Pick<NetworkOptions, 'proxy' | 'ca'> {
  const ca = [
    ...caCertificates(settings.caFile, `the setting ${settingId('tls.caFile')}`, sources),
    ...caCertificates(sources.env.NODE_EXTRA_CA_CERTS?.trim() ?? '', 'NODE_EXTRA_CA_CERTS', sources),
    ...(http.systemCertificates ? (sources.systemCertificates() ?? []) : []),
  ];
  const proxy = proxyOptions(http, sources.env);
  return { ...(proxy ? { proxy } : {}), ...(ca.length ? { ca } : {}) };
}

function proxyOptions(http: HttpSettings, env: NetworkSources['env']): ProxyOptions | undefined {
  if (http.proxySupport === 'off') return undefined;
  const route = http.proxy ? { url: withScheme(http.proxy), source: 'the setting http.proxy' } : undefined;
  const fromEnv = route ? undefined : proxyFromEnvironment(env);
  if (!route && !fromEnv) return undefined;
  const noProxy = http.noProxy.length ? http.noProxy.join(',') : (env.no_proxy ?? env.NO_PROXY);
  return {
    ...(route ? { http: route, https: route } : fromEnv),
    ...(noProxy?.trim() ? { noProxy } : {}),
    ...(http.proxyAuthorization ? { authorization: http.proxyAuthorization } : {}),
    strictSSL: http.proxyStrictSSL,
  };
}

function caCertificates(path: string, where: string, sources: NetworkSources): string[] {
  if (!path) return [];
  let text: string;
  try {
    text = sources.readFile(path);
  } catch (error) {
    throw new Error(`The CA file ${path} named by ${where} cannot be read: ${(error as Error).message}`);
  }
  const certificates = pemCertificates(text);
  if (!certificates.length) throw new Error(`The CA file ${path} named by ${where} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  return certificates;
}
