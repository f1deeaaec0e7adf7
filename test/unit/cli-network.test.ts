/**
 * The CLI's CA list: left to Node (whose store already holds NODE_EXTRA_CA_CERTS) unless --ca-file
 * gives one, which then carries NODE_EXTRA_CA_CERTS's certificates too. Files are read through the
 * function main.ts passes; here a map stands in for the disk.
 */
import assert from 'node:assert/strict';
import { cliNetwork } from '../../src/cli/network';
import { UsageError } from '../../src/cli/usage';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBcorp\n-----END CERTIFICATE-----';
const EXTRA = '-----BEGIN CERTIFICATE-----\nMIIBextra\n-----END CERTIFICATE-----';
const FILES: Record<string, string> = { '/corp.pem': CA, '/extra.pem': EXTRA, '/key.pem': '-----BEGIN PRIVATE KEY-----' };

function reader(readPaths: string[]) {
  return (path: string) => {
    readPaths.push(path);
    if (!Object.hasOwn(FILES, path)) throw new UsageError(`Cannot read ${path}`);
    return FILES[path]!;
  };
}

describe('CLI network options', () => {
  it('without --ca-file gives no CA list and reads no file, NODE_EXTRA_CA_CERTS being Node\'s own', () => {
    const read: string[] = [];
    const options = cliNetwork({ NODE_EXTRA_CA_CERTS: '/extra.pem' }, undefined, reader(read));
    assert.equal(options.ca, undefined);
    assert.deepEqual(read, []);
  });

  it('with --ca-file trusts its certificates and NODE_EXTRA_CA_CERTS\'s', () => {
    const read: string[] = [];
    const options = cliNetwork({ NODE_EXTRA_CA_CERTS: '/extra.pem' }, '/corp.pem', reader(read));
    assert.deepEqual(options.ca, [CA, EXTRA]);
    assert.deepEqual(read, ['/corp.pem', '/extra.pem']);
  });

  it('refuses a --ca-file or NODE_EXTRA_CA_CERTS file with no certificate in it', () => {
    assert.throws(() => cliNetwork({}, '/key.pem', reader([])), /--ca-file \/key\.pem holds no PEM certificate/);
    assert.throws(() => cliNetwork({ NODE_EXTRA_CA_CERTS: '/key.pem' }, '/corp.pem', reader([])), /NODE_EXTRA_CA_CERTS=\/key\.pem holds no PEM certificate/);
  });
});
