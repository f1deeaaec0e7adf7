/**
 * What the Add Environment wizard takes from a pasted URL (src/extension/environments/pastedUrl.ts, no VS Code):
 * the region and environment ID of every common PingOne URL shape, the client, redirect URI and scopes
 * an authorize URL carries, an auth path for a server that is not PingOne's, and a reason for junk.
 */
import { strict as assert } from 'node:assert';
import { REGIONS, validateProfile, type Region } from '../../src/core/profile';
import { readPastedUrl } from '../../src/extension/environments/pastedUrl';
import { fuzz, textInputs } from '../support/fuzz';

const ENV = '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f';
const APP = '2a9c6e1b-7d3f-4e8a-b5c0-9f1e2d3c4b5a';

function fields(text: string) {
  const pasted = readPastedUrl(text);
  assert.ok('fields' in pasted, `recognised ${text}: ${'problem' in pasted ? pasted.problem : ''}`);
  return pasted;
}

function problem(text: string): string {
  const pasted = readPastedUrl(text);
  assert.ok('problem' in pasted, `refused ${text}, got ${JSON.stringify(pasted)}`);
  return pasted.problem;
}

describe('a pasted URL in the environment wizard', () => {
  it('an issuer URL gives the region and environment ID, for every region', () => {
    const hosts: Record<Region, string> = { NA: 'auth.pingone.com', EU: 'auth.pingone.eu', CA: 'auth.pingone.ca', AU: 'auth.pingone.com.au', SG: 'auth.pingone.sg', AP: 'auth.pingone.asia' };
    for (const [region, host] of Object.entries(hosts)) {
      assert.equal(REGIONS[region as Region].authPath, `https://${host}`);
      assert.deepEqual(fields(`https://${host}/${ENV}/as`), { kind: 'issuer', fields: { region, envId: ENV } });
    }
    assert.deepEqual(fields(`  https://AUTH.pingone.eu/${ENV}/as/  `).fields, { region: 'EU', envId: ENV }, 'spaces, case and a trailing slash do not matter');
  });

  it('an endpoint under the issuer and the discovery document give the same', () => {
    assert.deepEqual(fields(`https://auth.pingone.ca/${ENV}/as/token`), { kind: 'endpoint', fields: { region: 'CA', envId: ENV } });
    assert.deepEqual(fields(`https://auth.pingone.sg/${ENV}/as/.well-known/openid-configuration`), { kind: 'discovery', fields: { region: 'SG', envId: ENV } });
  });

  it('an authorize URL also gives the client ID, redirect URI, scopes and pi.flow', () => {
    const url = `https://auth.pingone.com/${ENV}/as/authorize?client_id=${APP}&redirect_uri=${encodeURIComponent('https://localhost:3000/callback?x=1')}&scope=openid%20profile+email&response_type=code&state=abc`;
    assert.deepEqual(fields(url), {
      kind: 'authorize',
      fields: { region: 'NA', envId: ENV, clientId: APP, redirectUri: 'https://localhost:3000/callback?x=1', scopes: ['openid', 'profile', 'email'] },
    });
    assert.equal(fields(`https://auth.pingone.com/${ENV}/as/authorize?client_id=${APP}&response_mode=pi.flow`).fields.responseMode, 'pi.flow');
    assert.deepEqual(fields(`https://auth.pingone.com/${ENV}/as/authorize`).fields, { region: 'NA', envId: ENV }, 'no parameters, nothing more');
  });

  it('console URLs: the environment from ?env=, the application from its path in the fragment', () => {
    assert.deepEqual(fields(`https://console.pingone.com/?env=${ENV}#/home`), { kind: 'console', fields: { region: 'NA', envId: ENV } });
    assert.deepEqual(fields(`https://console.pingone.eu/index.html?env=${ENV}#/applications/${APP}/configuration`), { kind: 'console', fields: { region: 'EU', envId: ENV, clientId: APP } });
    assert.deepEqual(fields(`https://console.pingone.com.au/#/connections/applications/${APP}?env=${ENV}`).fields, { region: 'AU', envId: ENV, clientId: APP }, 'env in the fragment\'s query');
    assert.match(problem('https://console.pingone.com/#/home'), /environment ID/);
  });

  it('management API URLs: /v1/environments/{envId}/applications/{appId}', () => {
    assert.deepEqual(fields(`https://api.pingone.asia/v1/environments/${ENV}/applications/${APP}`), { kind: 'api', fields: { region: 'AP', envId: ENV, clientId: APP } });
    assert.deepEqual(fields(`https://api.pingone.com/v1/environments/${ENV}`).fields, { region: 'NA', envId: ENV });
  });

  it('a server that is not PingOne: region custom with the auth path, when the path has the /{envId}/as shape', () => {
    assert.deepEqual(fields('https://login.example.com/idp/tenant-1/as/.well-known/openid-configuration'), {
      kind: 'discovery',
      fields: { region: 'custom', authPath: 'https://login.example.com/idp', envId: 'tenant-1' },
    });
    assert.deepEqual(fields(`http://127.0.0.1:41234/${ENV}/as`).fields, { region: 'custom', authPath: 'http://127.0.0.1:41234', envId: ENV });
  });

  it('any other server is an OpenID provider: a discovery URL gives its issuer exactly, another URL is taken as the issuer', () => {
    assert.deepEqual(fields('https://login.example.com/oauth2/default/.well-known/openid-configuration'), { kind: 'discovery', fields: { issuer: 'https://login.example.com/oauth2/default' } });
    assert.deepEqual(fields('https://login.example.com/.well-known/oauth-authorization-server/tenant-a/oidc'), { kind: 'discovery', fields: { issuer: 'https://login.example.com/tenant-a/oidc' } });
    assert.deepEqual(fields('https://login.example.com/.well-known/openid-configuration'), { kind: 'discovery', fields: { issuer: 'https://login.example.com' } });
    assert.deepEqual(fields('https://idp.example.org/realms/dev/?x=1#y'), { kind: 'issuer', fields: { issuer: 'https://idp.example.org/realms/dev' } });
    // What it fills in is a profile the rules accept, with a client and a loopback redirect for browser sign-on.
    const pasted = fields('https://login.example.com/oauth2/default/.well-known/openid-configuration');
    assert.deepEqual(validateProfile({ id: 'p', name: 'Okta', clientId: 'app', clientAuthMethod: 'none', redirectUri: 'http://127.0.0.1:53682/callback', ...pasted.fields }), []);
  });

  it('what each recognised URL gives passes the profile rules', () => {
    const pasted = fields(`https://auth.pingone.eu/${ENV}/as/authorize?client_id=${APP}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid`);
    assert.deepEqual(validateProfile({ id: 'p', name: 'Pasted', clientAuthMethod: 'none', ...pasted.fields }), []);
  });

  it('junk is refused with a reason', () => {
    assert.match(problem('not a url'), /not a URL/);
    assert.match(problem('auth.pingone.eu/abc/as'), /not a URL/, 'no scheme');
    assert.match(problem('ftp://auth.pingone.eu/x/as'), /https/);
    assert.match(problem(`http://auth.pingone.eu/${ENV}/as`), /https/);
    assert.match(problem('https://auth.pingone.eu/not-a-uuid/as'), /environment ID/);
    assert.match(problem('https://auth.pingone.eu/'), /environment ID/);
    assert.deepEqual(fields(`https://auth.pingone.com.evil.example/${ENV}/as`).fields, { region: 'custom', authPath: 'https://auth.pingone.com.evil.example', envId: ENV }, 'a look-alike host is not taken for PingOne\'s');
  });

  it('never throws, and anything it recognises passes the profile rules', () => {
    const samples = [
      `https://auth.pingone.eu/${ENV}/as/authorize?client_id=${APP}&scope=openid&response_mode=pi.flow`,
      `https://console.pingone.com/index.html?env=${ENV}#/applications/${APP}`,
      `https://api.pingone.ca/v1/environments/${ENV}/applications/${APP}`,
      'https://login.example.com/idp/tenant-1/as/.well-known/openid-configuration',
    ];
    // The parts the URL's shape decides; a client ID, redirect URI or scope is the URL's word, checked by the wizard's own steps.
    const located = new Set(['region', 'authPath', 'envId']);
    fuzz(textInputs(samples), (text) => {
      const pasted = readPastedUrl(text);
      if ('fields' in pasted) assert.deepEqual(validateProfile({ id: 'p', name: 'Pasted', ...pasted.fields }).filter((p) => located.has(p.field)), [], text);
      else assert.equal(typeof pasted.problem, 'string');
    });
  });
});
