/**
 * Where a run's proxy and CAs come from: VS Code's http.* settings and authFlow.tls.caFile (mapped
 * without VS Code), the environment as curl reads it, a profile's own proxy, and NO_PROXY matching.
 */
import assert from 'node:assert/strict';
import { NO_PROXY, proxyForProfile, proxyFromEnvironment, proxyRouteFor, type ProxyOptions } from '../../src/core/network';
import { parseProfile, validateProfile } from '../../src/core/profile';
import { networkOptions, readHttpSettings, readSettings, type NetworkSources } from '../../src/extension/settings';
import { sampleProfile } from '../fixtures/profiles';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBcorp\n-----END CERTIFICATE-----';
const OTHER_CA = '-----BEGIN CERTIFICATE-----\nMIIBother\n-----END CERTIFICATE-----';

/** Settings as `WorkspaceConfiguration.get` would answer them; missing keys read as undefined. */
const http = (values: Record<string, unknown> = {}) => readHttpSettings((key) => values[key]);
const sources = (env: Record<string, string> = {}, files: Record<string, string> = {}, system?: string[]): NetworkSources => ({
  env,
  readFile: (path) => {
    if (!Object.hasOwn(files, path)) throw new Error(`ENOENT: no such file, open '${path}'`);
    return files[path]!;
  },
  systemCertificates: () => system,
});

describe('network settings', () => {
  describe('VS Code settings to the engine options', () => {
    it('http.proxy takes http and https, with http.noProxy, http.proxyAuthorization and http.proxyStrictSSL', () => {
      const options = networkOptions(
        readSettings(() => undefined),
        http({ proxy: 'proxy.corp:8080', noProxy: ['intranet.corp', '', 7], proxyAuthorization: 'Basic YTpi', proxyStrictSSL: false }),
        sources({ HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: 'env.corp' }),
      );
      const route = { url: 'http://proxy.corp:8080', source: 'the setting http.proxy' };
      assert.deepEqual(options.proxy, { http: route, https: route, noProxy: 'intranet.corp', authorization: 'Basic YTpi', strictSSL: false });
    });

    it('without http.proxy, the environment\'s proxy and NO_PROXY, as VS Code falls back to them', () => {
      const options = networkOptions(readSettings(() => undefined), http(), sources({ https_proxy: 'http://env-proxy:3128', NO_PROXY: 'env.corp' }));
      assert.deepEqual(options.proxy, { https: { url: 'http://env-proxy:3128', source: 'https_proxy' }, noProxy: 'env.corp', strictSSL: true });
    });

    it('http.proxySupport "off" sends everything directly', () => {
      const options = networkOptions(readSettings(() => undefined), http({ proxy: 'http://proxy.corp:8080', proxySupport: 'off' }), sources({ HTTPS_PROXY: 'http://env-proxy:3128' }));
      assert.equal(options.proxy, undefined);
    });

    it('no proxy anywhere: no proxy options at all', () => {
      assert.deepEqual(networkOptions(readSettings(() => undefined), http(), sources()), {});
    });

    it('trusts authFlow.tls.caFile, NODE_EXTRA_CA_CERTS (read again: the extension host may have started without it) and the system store', () => {
      const settings = readSettings((key) => (key === 'tls.caFile' ? ' /etc/corp-ca.pem ' : undefined));
      const options = networkOptions(settings, http(), sources({ NODE_EXTRA_CA_CERTS: '/etc/extra.pem' }, { '/etc/corp-ca.pem': `${CA}\n${OTHER_CA}\n`, '/etc/extra.pem': OTHER_CA }, ['SYSTEM']));
      assert.deepEqual(options.ca, [CA, OTHER_CA, OTHER_CA, 'SYSTEM']);
    });

    it('leaves the system store out when http.systemCertificates is false, or this Node cannot read it', () => {
      assert.equal(networkOptions(readSettings(() => undefined), http({ systemCertificates: false }), sources({}, {}, ['SYSTEM'])).ca, undefined);
      assert.equal(networkOptions(readSettings(() => undefined), http(), sources({}, {}, undefined)).ca, undefined);
    });

    it('names the setting when its CA file cannot be read or holds no certificate', () => {
      const settings = readSettings((key) => (key === 'tls.caFile' ? '/missing.pem' : undefined));
      assert.throws(() => networkOptions(settings, http(), sources()), /^Error: The CA file \/missing\.pem named by the setting authFlow\.tls\.caFile cannot be read: ENOENT/);
      assert.throws(
        () => networkOptions(readSettings(() => undefined), http(), sources({ NODE_EXTRA_CA_CERTS: '/key.pem' }, { '/key.pem': '-----BEGIN PRIVATE KEY-----' })),
        /The CA file \/key\.pem named by NODE_EXTRA_CA_CERTS holds no PEM certificate/,
      );
    });
  });

  describe('the environment', () => {
    it('reads lower case before upper case, adds http:// to a bare host:port, and ignores blank values', () => {
      assert.deepEqual(proxyFromEnvironment({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'lower:2', HTTP_PROXY: ' ', no_proxy: '.corp' }), {
        https: { url: 'http://lower:2', source: 'https_proxy' },
        noProxy: '.corp',
      });
      assert.equal(proxyFromEnvironment({ NO_PROXY: '*' }), undefined);
    });
  });

  describe('which requests take the proxy', () => {
    const route = { url: 'http://proxy:3128', source: 'HTTPS_PROXY' };
    const proxy: ProxyOptions = { http: route, https: route, noProxy: 'corp.example, .internal:8443 localhost' };
    const via = (url: string, options: ProxyOptions | undefined = proxy) => proxyRouteFor(new URL(url), options)?.url;

    it('NO_PROXY names a host and its sub-domains, optionally on one port', () => {
      assert.equal(via('https://corp.example/as'), undefined);
      assert.equal(via('https://auth.corp.example/as'), undefined);
      assert.equal(via('https://notcorp.example/as'), 'http://proxy:3128');
      assert.equal(via('https://a.internal:8443/'), undefined);
      assert.equal(via('https://a.internal/'), 'http://proxy:3128', 'another port goes through the proxy');
      assert.equal(via('http://localhost:3000/'), undefined);
      assert.equal(via('https://auth.pingone.com/x', { ...proxy, noProxy: '*' }), undefined);
    });

    it('each scheme takes its own proxy, or none', () => {
      assert.equal(via('http://auth.pingone.com/', { https: route }), undefined);
      assert.equal(via('https://auth.pingone.com/', { https: route }), 'http://proxy:3128');
    });

    it('a profile\'s proxy wins over the host\'s, keeping its credentials; "none" goes directly', () => {
      const host: ProxyOptions = { https: route, noProxy: 'auth.pingone.com', authorization: 'Basic YTpi', strictSSL: false };
      const own = proxyForProfile('http://profile-proxy:8080', host)!;
      assert.equal(proxyRouteFor(new URL('https://auth.pingone.com/'), own)?.url, 'http://profile-proxy:8080', 'noProxy is the host\'s, not the profile\'s');
      assert.deepEqual([own.authorization, own.strictSSL, own.https?.source], ['Basic YTpi', false, "the environment's proxy field"]);
      assert.equal(proxyForProfile(NO_PROXY, host), undefined);
      assert.equal(proxyForProfile(undefined, host), host);
    });
  });

  describe('the profile fields', () => {
    it('proxy is an http(s) URL or "none", and never carries credentials', () => {
      assert.equal(parseProfile({ ...sampleProfile(), proxy: 'http://proxy.corp:8080' }).proxy, 'http://proxy.corp:8080');
      assert.equal(parseProfile({ ...sampleProfile(), proxy: 'none' }).proxy, 'none');
      for (const proxy of ['http://alice:secret@proxy.corp:8080', 'socks5://proxy:1080', 'off', 42]) {
        const problems = validateProfile({ ...sampleProfile(), proxy });
        assert.equal(problems[0]?.field, 'proxy', String(proxy));
      }
    });

    it('clientKey is refused in a profile as the other secrets are', () => {
      assert.match(validateProfile({ ...sampleProfile(), clientKey: '-----BEGIN PRIVATE KEY-----' })[0]!.message, /Profiles never hold secrets: remove "clientKey"/);
    });
  });
});
