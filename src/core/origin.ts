/**
 * Whether a run reaches its server safely: over https, or over plain http only to this machine — the
 * loopback addresses (RFC 6890: 127.0.0.0/8 and ::1) and `localhost` (RFC 6761 §6.3), where nothing
 * crosses a network. The embedded sandbox runs on loopback over http.
 */
import { BlockList, isIP } from 'node:net';
import type { Endpoints } from './oauth/discovery';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for a URL on this machine. IPv4-mapped IPv6 (`[::ffff:127.0.0.1]`) counts, as BlockList maps it. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** The warning every step of a run carries when its server is plain http and not this machine. */
export function plainHttpWarnings(endpoints: Endpoints): string[] {
  const server = URL.parse(endpoints.issuer);
  if (!server || server.protocol !== 'http:' || isLoopback(server)) return [];
  return [`Requests go over plain http to ${server.host}: passwords, one-time codes, session cookies and tokens cross the network unencrypted.`];
}
