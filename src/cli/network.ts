/** The CLI's corporate network: the proxy from the environment, and the CAs from --ca-file and NODE_EXTRA_CA_CERTS. */
import { pemCertificates, proxyFromEnvironment, type NetworkOptions } from '../core/network';
import { UsageError } from './usage';

/**
 * `read` reads a file named on the command line or in the environment. NODE_EXTRA_CA_CERTS is read
 * here too, though Node already trusts it: a run with --ca-file sets its own CA list, which would
 * otherwise leave it out.
 */
export function cliNetwork(
  env: Readonly<Record<string, string | undefined>>,
  caFile: string | undefined,
  read: (path: string, what: string) => string,
): Pick<NetworkOptions, 'proxy' | 'ca'> {
  const ca = [
    ...(caFile === undefined ? [] : caCertificates(read(caFile, 'CA file'), `--ca-file ${caFile}`)),
    ...(env.NODE_EXTRA_CA_CERTS ? caCertificates(read(env.NODE_EXTRA_CA_CERTS, 'CA file named by NODE_EXTRA_CA_CERTS'), `NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS}`) : []),
  ];
  const proxy = proxyFromEnvironment(env);
  return { ...(proxy ? { proxy } : {}), ...(ca.length ? { ca } : {}) };
}

function caCertificates(text: string, where: string): string[] {
  const certificates = pemCertificates(text);
  if (!certificates.length) throw new UsageError(`${where} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  return certificates;
}
