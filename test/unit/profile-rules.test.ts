/**
 * The rules a profile is held to, one at a time, with the sentence a form shows next to the field:
 * URLs are http(s) (RFC 6749 §3.1.2 for the redirect URI), a PingOne environment ID is a UUID, a
 * client assertion's algorithm fits the client authentication (RFC 7523 §2.2, OIDC Core §9), secrets
 * never sit in a profile, and each problem is reported once per field, in field order.
 */
import assert from 'node:assert/strict';
import * as z from 'zod/mini';
import { authPathOf, normalizeAuthPath, pingOneEndpoints } from '../../src/core/pingone/endpoints';
import {
  parseProfile,
  ProfileError,
  profileSchema,
  secretProblems,
  usesMutualTls,
  validateProfile,
} from '../../src/core/profile';
import type { Profile } from '../../src/core/profile';
import { sampleProfile } from '../fixtures/profiles';

const ENV = '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f';
const valid: Profile = sampleProfile();

/** The problems of `valid` with `patch` applied, as `field: message` lines. */
const problems = (patch: Record<string, unknown>) => validateProfile({ ...valid, ...patch }).map((p) => `${p.field}: ${p.message}`);

describe('profile rules', () => {
  describe('URLs', () => {
    it('an auth path, a redirect URI and a proxy are http or https URLs, nothing else', () => {
      for (const url of ['http://127.0.0.1:8080', 'https://auth.example.com']) {
        assert.deepEqual(problems({ region: 'custom', authPath: url, redirectUri: `${url}/cb`, proxy: url }), [], url);
      }
      for (const url of ['ftp://auth.example.com', 'xhttp://auth.example.com', 'httpsx://auth.example.com', 'https2://auth.example.com']) {
        assert.deepEqual(problems({ region: 'custom', authPath: url, redirectUri: `${url}/cb`, proxy: url }), [
          'authPath: The auth path must be an http(s) URL, such as https://auth.pingone.com.',
          'redirectUri: The redirect URI must be an absolute URL registered on the application.',
          'proxy: proxy is an http(s) URL without a user name or password, such as http://proxy.example.com:8080, or "none".',
        ], url);
      }
    });

    it('says what type was read where a URL was expected', () => {
      assert.deepEqual(problems({ region: 'custom', authPath: 42, redirectUri: 42, proxy: 42 }), [
        'authPath: expected an http(s) URL, got the number 42.',
        'redirectUri: expected an absolute http(s) URL, got the number 42.',
        'proxy: expected a proxy URL or "none", got the number 42.',
      ]);
    });

    it('a proxy URL carries no credentials; "none" goes direct', () => {
      assert.deepEqual(problems({ proxy: 'http://user:pw@proxy.example.com:8080' }), [
        'proxy: proxy is an http(s) URL without a user name or password, such as http://proxy.example.com:8080, or "none".',
      ]);
      for (const proxy of ['https://proxy.example.com:8443/path@x', 'http://proxy.example.com:8080/?next=http://x@y']) {
        assert.deepEqual(problems({ proxy }), [], `${proxy}: an @ after the host is no credential`);
      }
      assert.equal(parseProfile({ ...valid, proxy: 'none' }).proxy, 'none');
    });

    it('a custom region needs an auth path; a PingOne region ignores it', () => {
      assert.deepEqual(problems({ region: 'custom', envId: 'env-1' }), ['authPath: The auth path must be an http(s) URL, such as https://auth.pingone.com.']);
      assert.equal(authPathOf(parseProfile({ ...valid, region: 'AU', authPath: 'https://elsewhere.example' })), 'https://auth.pingone.com.au');
    });

    it('normalises an auth path: trimmed, no trailing slashes, no trailing /v1', () => {
      const cases: [string, string][] = [
        ['  https://auth.example.com/  ', 'https://auth.example.com'],
        ['https://auth.example.com//', 'https://auth.example.com'],
        ['https://auth.example.com/V1//', 'https://auth.example.com'],
        ['https://auth.example.com//v1', 'https://auth.example.com'],
        ['https://auth.example.com/v1/pingone', 'https://auth.example.com/v1/pingone'],
        ['https://auth.example.com/v10', 'https://auth.example.com/v10'],
      ];
      for (const [input, output] of cases) assert.equal(normalizeAuthPath(input), output, input);
    });

    it('builds every endpoint PingOne documents under {authPath}/{envId}', () => {
      assert.deepEqual(pingOneEndpoints({ region: 'custom', authPath: 'https://auth.example.com', envId: 'env 1' }), {
        issuer: 'https://auth.example.com/env%201/as',
        authorize: 'https://auth.example.com/env%201/as/authorize',
        resume: 'https://auth.example.com/env%201/as/resume',
        token: 'https://auth.example.com/env%201/as/token',
        userinfo: 'https://auth.example.com/env%201/as/userinfo',
        jwks: 'https://auth.example.com/env%201/as/jwks',
        introspect: 'https://auth.example.com/env%201/as/introspect',
        revoke: 'https://auth.example.com/env%201/as/revoke',
        endSession: 'https://auth.example.com/env%201/as/signoff',
        par: 'https://auth.example.com/env%201/as/par',
        deviceAuthorization: 'https://auth.example.com/env%201/as/device_authorization',
        discovery: 'https://auth.example.com/env%201/as/.well-known/openid-configuration',
        flows: 'https://auth.example.com/env%201/flows',
      });
    });
  });

  describe('identifiers', () => {
    it('a PingOne environment ID is a whole UUID; a custom server may use any path-safe id', () => {
      const uuidRule = 'envId: A PingOne environment ID is a UUID, such as 8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f.';
      for (const envId of [`x${ENV}`, `${ENV}x`, ENV.slice(1)]) assert.deepEqual(problems({ envId }), [uuidRule], envId);
      assert.deepEqual(problems({ envId: ENV.toUpperCase() }), []);
      assert.deepEqual(problems({ region: 'custom', authPath: 'https://auth.example.com', envId: 'tenant-1' }), []);
      assert.deepEqual(problems({ region: 'custom', authPath: 'https://auth.example.com', envId: 'a/b' }), ['envId: The environment ID cannot contain "/", "?", "#" or spaces.']);
    });

    it('names the field that is blank or missing', () => {
      assert.deepEqual(problems({ id: ' ', name: '', envId: '', clientId: '\t' }), [
        'id: A profile needs an id.',
        'name: Give the environment a name.',
        'envId: The environment ID is required.',
        'clientId: The client (application) ID is required.',
      ]);
      const { id: _i, name: _n, envId: _e, clientId: _c, region: _r, ...rest } = valid;
      assert.deepEqual(validateProfile(rest).map((p) => `${p.field}: ${p.message}`), [
        'id: A profile needs an id.',
        'name: Give the environment a name.',
        'clientId: The client (application) ID is required.',
        'region: Pick a region (or "custom" with an auth path), or give an issuer URL instead.',
        'envId: The environment ID is required.',
      ]);
      assert.deepEqual(problems({ clientCertFile: ' ' }), ['clientCertFile: clientCertFile is the path of a PEM certificate file.']);
      assert.deepEqual(problems({ clientCertFile: 7 }), ['clientCertFile: expected a string, got the number 7.']);
    });

    it('names an unknown region as read, cut when long, and lists the known ones', () => {
      const known = 'Known: NA, EU, CA, AU, SG, AP, custom.';
      assert.deepEqual(problems({ region: 'US' }), [`region: Unknown region "US". ${known}`]);
      assert.deepEqual(problems({ region: 42 }), [`region: Unknown region (the number 42). ${known}`]);
      assert.deepEqual(problems({ region: null }), [`region: Unknown region (null). ${known}`]);
      assert.deepEqual(problems({ region: 'r'.repeat(40) }), [`region: Unknown region "${'r'.repeat(40)}". ${known}`]);
      assert.deepEqual(problems({ region: 'r'.repeat(41) }), [`region: Unknown region "${'r'.repeat(40)}…". ${known}`]);
    });
  });

  describe('the other fields', () => {
    it('says the rule of a value of the right type, and what was read for a value of another type', () => {
      assert.deepEqual(problems({ clientAuthMethod: 'basic' }), [
        'clientAuthMethod: Client authentication must be one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, tls_client_auth, self_signed_tls_client_auth, none.',
      ]);
      assert.deepEqual(problems({ clientAuthMethod: 'client_secret_jwt', assertionAlg: 'HS1' }), ['assertionAlg: Assertion algorithm must be one of HS256, HS384, HS512, RS256, RS384, RS512, ES256, PS256.']);
      assert.deepEqual(problems({ responseMode: 'form_post' }), ['responseMode: The response mode is "redirect" or "pi.flow".']);
      assert.deepEqual(problems({ maxAge: 1.5 }), ['maxAge: max_age is a whole number of seconds.']);
      assert.deepEqual(problems({ maxAge: -1 }), ['maxAge: max_age is a whole number of seconds, 0 or more.']);
      assert.deepEqual(problems({ requestObject: { alg: 'RS256', kid: 'k' } }), ['requestObject: The request object has one field, alg, such as {"alg": "RS256"}.']);
      assert.deepEqual(problems({ requestObject: { alg: 'none' } }), ['requestObject: The request object algorithm must be one of HS256, HS384, HS512, RS256, RS384, RS512.']);
      assert.deepEqual(problems({ requestObject: null }), ['requestObject: expected an object such as {"alg": "RS256"}, got null.']);
      assert.deepEqual(problems({ requestObject: ['RS256'] }), ['requestObject: expected an object such as {"alg": "RS256"}, got a list.']);
      assert.deepEqual(problems({ name: null, pkce: 'yes' }), ['name: expected a string, got null.', 'pkce: expected true or false, got the string "yes".']);
    });

    it('reads scopes given as one string split on any run of whitespace', () => {
      assert.deepEqual(parseProfile({ ...valid, scopes: ' openid \t profile\nemail ' }).scopes, ['openid', 'profile', 'email']);
    });
  });

  describe('client authentication', () => {
    it('lets client_secret_jwt and private_key_jwt default their algorithm, and takes a fitting one', () => {
      for (const clientAuthMethod of ['client_secret_jwt', 'private_key_jwt']) assert.deepEqual(problems({ clientAuthMethod }), [], clientAuthMethod);
      for (const assertionAlg of ['HS256', 'HS384', 'HS512']) assert.deepEqual(problems({ clientAuthMethod: 'client_secret_jwt', assertionAlg }), [], assertionAlg);
      for (const assertionAlg of ['RS256', 'ES256', 'PS256']) assert.deepEqual(problems({ clientAuthMethod: 'private_key_jwt', assertionAlg }), [], assertionAlg);
    });

    it('refuses an algorithm the method cannot sign with, saying which it can', () => {
      assert.deepEqual(problems({ clientAuthMethod: 'client_secret_jwt', assertionAlg: 'RS256' }), [
        'assertionAlg: client_secret_jwt signs with the client secret: the assertion algorithm is HS256, HS384 or HS512.',
      ]);
      assert.deepEqual(problems({ clientAuthMethod: 'private_key_jwt', assertionAlg: 'HS256' }), [
        'assertionAlg: private_key_jwt signs with the private key: the assertion algorithm is RS256, RS384, RS512, ES256 or PS256.',
      ]);
    });

    it('says which secret each method and request object needs', () => {
      const needs = (patch: Partial<Profile>, secrets = {}) => secretProblems({ ...valid, ...patch }, secrets).map((p) => `${p.field}: ${p.message}`);
      for (const clientAuthMethod of ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'] as const) {
        assert.deepEqual(needs({ clientAuthMethod }), [`secrets: "Staging" needs a client secret (${clientAuthMethod}).`]);
        assert.deepEqual(needs({ clientAuthMethod }, { clientSecret: 's' }), []);
      }
      assert.deepEqual(needs({ clientAuthMethod: 'none', requestObject: { alg: 'HS384' } }), ['secrets: "Staging" needs a client secret (none, HS384 request object).']);
      assert.deepEqual(needs({ clientAuthMethod: 'none', requestObject: { alg: 'RS384' } }), ['secrets: "Staging" needs a private key (PKCS#8 PEM or private JWK).']);
      assert.deepEqual(needs({ clientAuthMethod: 'private_key_jwt' }, { privateKey: 'k' }), []);
      for (const clientAuthMethod of ['tls_client_auth', 'self_signed_tls_client_auth'] as const) {
        assert.equal(usesMutualTls({ clientAuthMethod }), true);
        assert.deepEqual(needs({ clientAuthMethod }), [`secrets: "Staging" needs the private key of its TLS client certificate (${clientAuthMethod}).`]);
        assert.deepEqual(needs({ clientAuthMethod }, { clientKey: 'k' }), []);
      }
      for (const clientAuthMethod of ['client_secret_basic', 'private_key_jwt', 'none'] as const) assert.equal(usesMutualTls({ clientAuthMethod }), false);
    });
  });

  describe('the profile as a whole', () => {
    it('never holds a secret, whichever name it goes by', () => {
      for (const field of ['clientSecret', 'client_secret', 'password', 'privateKey', 'clientKey']) {
        assert.deepEqual(problems({ [field]: 'x' }), [`secrets: Profiles never hold secrets: remove "${field}" and pass it through a flag, an environment variable or the secret store.`]);
      }
    });

    it('names unknown fields as a problem of the profile', () => {
      assert.deepEqual(validateProfile({ ...valid, scope: 'openid' }), [{ field: 'profile', message: '"scope" is not a profile field; check its spelling.' }]);
      assert.deepEqual(problems({ scope: 'openid', insecureTLS: true }), ['profile: "scope", "insecureTLS" are not profile fields; check their spelling.']);
    });

    it('reports one problem per field, the first, and every field at fault', () => {
      // envId '' breaks two rules (required, and a UUID for PingOne): the first is the one to fix.
      assert.deepEqual(problems({ envId: '', scope: 'openid', clientId: '' }), [
        'envId: The environment ID is required.',
        'clientId: The client (application) ID is required.',
        'profile: "scope" is not a profile field; check its spelling.',
      ]);
    });

    it('says what it got when it is not an object', () => {
      assert.deepEqual(validateProfile(null), [{ field: 'profile', message: 'A profile is a JSON object, not null.' }]);
      assert.deepEqual(validateProfile('profile'), [{ field: 'profile', message: 'A profile is a JSON object, not the string "profile".' }]);
      assert.deepEqual(validateProfile([valid]), [{ field: 'profile', message: 'A profile is a JSON object, not a list.' }]);
    });

    it('the exported schema refuses a non-object with an issue, never a TypeError', () => {
      for (const value of [null, [], 42, 'x']) {
        const result = z.safeParse(profileSchema(), value);
        assert.equal(result.success, false, JSON.stringify(value));
      }
      assert.equal(z.safeParse(profileSchema(), 42).error?.issues[0].message, 'expected an object, got the number 42.');
    });

    it('throws the problems as a ProfileError, one line per field', () => {
      assert.throws(
        () => parseProfile({ ...valid, envId: '', pkce: 1 }),
        (e: unknown) =>
          e instanceof ProfileError &&
          e.name === 'ProfileError' &&
          e.message === 'envId: The environment ID is required.\npkce: expected true or false, got the number 1.' &&
          e.problems.length === 2,
      );
    });
  });
});
