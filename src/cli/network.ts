/** The CLI's corporate network: the proxy from the environment, and the CAs from --ca-file and NODE_EXTRA_CA_CERTS. */
import { pemCertificates, proxyFromEnvironment, type NetworkOptions } from '../core/network';
import { UsageError } from './usage';

/**
 * `read` reads a file named on the command line or in the environment. Without --ca-file the CA list
 * is left to Node, whose default store already holds what NODE_EXTRA_CA_CERTS names (read when this
 * process started): handing the transport a list of its own would make it copy every bundled root
 * certificate (tls.rootCertificates), the most expensive thing a plain run did. With --ca-file the run
 * sets its own list, so NODE_EXTRA_CA_CERTS is read again to stay in it.
 */
export function cliNetwork(
  env: Readonly<Record<string, string | undefined>>,
  caFile: string | undefined,
  read: (path: string, what: string) => string,
): Pick<NetworkOptions, 'proxy' | 'ca'> {
  const ca =
    caFile === undefined
      ? []
      : [
          ...caCertificates(read(caFile, 'CA file'), `--ca-file ${caFile}`),
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
