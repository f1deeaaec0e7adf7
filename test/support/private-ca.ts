/**
 * A private certificate authority made by openssl for one test run, as a company's gateway or
 * internal PKI has: a root CA, a server certificate for 127.0.0.1 (and any `serverNames`) it signs,
 * and a client certificate for mutual TLS. The files live in one temporary directory, removed by `remove()`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Pem {
  /** The file's path, for the CLI. */
  path: string;
  text: string;
}

export interface PrivateCa {
  dir: string;
  ca: Pem;
  server: { cert: Pem; key: Pem };
  client: { cert: Pem; key: Pem; subjectDn: string };
  /** A self-signed client certificate, issued by nobody. */
  selfSigned: { cert: Pem; key: Pem };
  remove(): void;
}

const openssl = (args: string[]) => promisify(execFile)('openssl', args);
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** `serverNames`: DNS names the server certificate also covers, e.g. an internal name only a proxy resolves. */
export async function createPrivateCa(options: { serverNames?: readonly string[] } = {}): Promise<PrivateCa> {
  const dir = mkdtempSync(join(tmpdir(), 'afe-ca-'));
  const file = (name: string) => join(dir, name);
  const pem = (name: string): Pem => ({ path: file(name), text: readFileSync(file(name), 'utf8') });

  await openssl(['req', '-x509', ...EC, '-days', '1', '-subj', '/O=Test Corp/CN=Test Corp Root CA', '-keyout', file('ca.key'), '-out', file('ca.pem')]);
  const issue = async (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), `${extensions}\n`);
    await openssl(['req', ...EC, '-subj', subject, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]);
    await openssl([
      'x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '1', '-out', file(`${name}.pem`), '-extfile', file(`${name}.ext`),
    ]);
  };
  const altNames = ['IP:127.0.0.1', ...(options.serverNames ?? []).map((name) => `DNS:${name}`)].join(',');
  await issue('server', '/CN=127.0.0.1', `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth`);
  await issue('client', '/O=Test Corp/CN=auth-flow-client', 'extendedKeyUsage=clientAuth');
  await openssl(['req', '-x509', ...EC, '-days', '1', '-subj', '/CN=self-signed-client', '-keyout', file('self.key'), '-out', file('self.pem')]);

  return {
    dir,
    ca: pem('ca.pem'),
    server: { cert: pem('server.pem'), key: pem('server.key') },
    client: { cert: pem('client.pem'), key: pem('client.key'), subjectDn: 'CN=auth-flow-client,O=Test Corp' },
    selfSigned: { cert: pem('self.pem'), key: pem('self.key') },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
