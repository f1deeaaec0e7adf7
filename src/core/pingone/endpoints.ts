/**
 * Where a PingOne environment lives: its region's auth host and the documented paths under
 * `{authPath}/{envId}` (docs/pingone.md "Paths"). A PingOne run reads the environment's discovery document
 * too; these paths are what it falls back on, and the flows API and resume are only here (discovery
 * documents do not list them).
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { Endpoints } from '../oauth/discovery';

/** PingOne regions and their auth hosts (PingOne API docs, "Regions"). */
export const REGIONS = {
  NA: { label: 'North America', authPath: 'https://auth.pingone.com' },
  EU: { label: 'EU', authPath: 'https://auth.pingone.eu' },
  CA: { label: 'Canada', authPath: 'https://auth.pingone.ca' },
  AU: { label: 'Australia', authPath: 'https://auth.pingone.com.au' },
  SG: { label: 'Singapore', authPath: 'https://auth.pingone.sg' },
  AP: { label: 'Asia-Pacific (legacy)', authPath: 'https://auth.pingone.asia' },
} as const;

export type Region = keyof typeof REGIONS;

/** What names a PingOne environment: a region (or "custom" with its auth path) and the environment ID. */
export interface PingOneLocation {
  region: Region | 'custom';
  authPath?: string;
  envId: string;
}

/** The OAuth endpoints, all present, and PingOne's own: the flows API and resume. */
export interface PingOneEndpoints extends Required<Endpoints> {
  resume: string;
  /** Flows API base: append `/{flowId}`. */
  flows: string;
}

/** Normalises an authPath: no trailing slash, no trailing `/v1` (some docs write it; real URLs have none). */
export function normalizeAuthPath(authPath: string): string {
  return authPath.trim().replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, '');
}

/** A location as a profile holds it: its fields are absent on a profile that names an issuer instead. */
type MaybeLocation = Partial<PingOneLocation>;

const noEnvironment = () =>
  new FlowError(Codes.INVALID_PROFILE, 'This profile names no PingOne environment (region and environment ID).', 'Give the profile a region and an environment ID, or use its issuer.');

export function authPathOf(location: Pick<MaybeLocation, 'region' | 'authPath'>): string {
  const { region } = location;
  if (region === undefined) throw noEnvironment();
  return region === 'custom' ? normalizeAuthPath(location.authPath ?? '') : REGIONS[region].authPath;
}

/** The environment's endpoints, per docs/pingone.md "Paths": everything hangs off `{{authPath}}/{{envID}}`. */
export function pingOneEndpoints(location: MaybeLocation): PingOneEndpoints {
  if (location.envId === undefined) throw noEnvironment();
  const base = `${authPathOf(location)}/${encodeURIComponent(location.envId)}`;
  const as = `${base}/as`;
  return {
    issuer: as,
    discovery: `${as}/.well-known/openid-configuration`,
    authorize: `${as}/authorize`,
    resume: `${as}/resume`,
    token: `${as}/token`,
    userinfo: `${as}/userinfo`,
    jwks: `${as}/jwks`,
    introspect: `${as}/introspect`,
    revoke: `${as}/revoke`,
    endSession: `${as}/signoff`,
    par: `${as}/par`,
    deviceAuthorization: `${as}/device_authorization`,
    flows: `${base}/flows`,
  };
}
