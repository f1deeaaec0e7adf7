import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { ASSERTION_ALGS, AUTHORIZE_METHODS, CLIENT_AUTH_METHODS, REGIONS, REQUEST_OBJECT_ALGS, RESPONSE_MODES } from '../../src/core/profile';
import {
  duplicateProfile,
  mergeProfiles,
  parseWorkspaceFile,
  readStoredProfiles,
  stripJsonComments,
  toStoredProfiles,
} from '../../src/extension/environments/profiles';
import { sampleProfile } from '../fixtures/profiles';

describe('extension profile store', () => {
  it('reads nothing before the first save', () => {
    assert.deepEqual(readStoredProfiles(undefined), { profiles: [], invalid: [], problems: [], writable: true });
  });

  it('round-trips the versioned record and normalises older entries', () => {
    const { pkce: _pkce, ...withoutPkce } = sampleProfile();
    const read = readStoredProfiles({ version: 1, profiles: [{ ...withoutPkce, scopes: 'openid email' }] });
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.profiles[0].scopes, ['openid', 'email']);
    assert.equal(read.profiles[0].pkce, true);
    assert.deepEqual(readStoredProfiles(toStoredProfiles(read.profiles, [])).profiles, read.profiles);
  });

  it('keeps invalid entries untouched and reports them', () => {
    const broken = { ...sampleProfile({ id: 'p2', name: 'Broken' }), envId: 'not-a-uuid' };
    const read = readStoredProfiles({ version: 1, profiles: [sampleProfile(), broken] });
    assert.equal(read.profiles.length, 1);
    assert.deepEqual(read.invalid, [broken]);
    assert.match(read.problems[0], /profile 2 \("Broken"\): envId: A PingOne environment ID is a UUID/);
    assert.deepEqual(toStoredProfiles(read.profiles, read.invalid).profiles, [sampleProfile(), broken]);
  });

  it('keeps a stored profile whose insecureTls is the string "false" out, naming the field', () => {
    const stringly = { ...sampleProfile({ id: 'p2', name: 'Stringly' }), insecureTls: 'false' };
    const read = readStoredProfiles({ version: 1, profiles: [sampleProfile(), stringly] });
    assert.deepEqual(read.profiles.map((p) => p.id), ['p1']);
    assert.deepEqual(read.invalid, [stringly]);
    assert.equal(read.problems[0], 'Saved environments, profile 2 ("Stringly"): insecureTls: expected true or false, got the string "false".');
  });

  it('refuses a stored profile holding a secret', () => {
    const read = readStoredProfiles({ version: 1, profiles: [{ ...sampleProfile(), clientSecret: 's3cret' }] });
    assert.equal(read.profiles.length, 0);
    assert.match(read.problems[0], /never hold secrets/);
    assert.ok(!read.problems[0].includes('s3cret'));
  });

  it('shows records of a newer format read-only and unknown shapes not at all', () => {
    const newer = readStoredProfiles({ version: 2, profiles: [sampleProfile()] });
    assert.equal(newer.writable, false);
    assert.equal(newer.profiles.length, 1);
    assert.equal(readStoredProfiles([sampleProfile()]).writable, false);
  });
});

describe('extension workspace file', () => {
  it('accepts JSON with comments', () => {
    const text = `[
      // staging
      ${JSON.stringify(sampleProfile({ redirectUri: 'https://example.com/a//b' }))} /* trailing */
    ]`;
    const read = parseWorkspaceFile(text, '.vscode/auth-flows.json');
    assert.deepEqual(read.problems, []);
    assert.equal(read.profiles[0].redirectUri, 'https://example.com/a//b');
    assert.equal(stripJsonComments('{"a": "// not a comment \\" /* nor this */"}'), '{"a": "// not a comment \\" /* nor this */"}');
  });

  it('reports a file that is not an array, is not JSON, or repeats an id', () => {
    assert.match(parseWorkspaceFile('{}', 'f.json').problems[0], /must contain an array/);
    assert.match(parseWorkspaceFile('[', 'f.json').problems[0], /f.json is not valid JSON/);
    const repeated = parseWorkspaceFile(JSON.stringify([sampleProfile(), sampleProfile({ name: 'Again' })]), 'f.json');
    assert.equal(repeated.profiles.length, 1);
    assert.match(repeated.problems[0], /"p1" is used by an earlier profile/);
  });

  it('reports each badly typed field of a workspace profile and lists the others', () => {
    const text = JSON.stringify([{ ...sampleProfile({ id: 'w1', name: 'Numbers' }), envId: 42, maxAge: '60' }, sampleProfile({ id: 'w2', name: 'Fine' })]);
    const read = parseWorkspaceFile(text, '.vscode/auth-flows.json');
    assert.deepEqual(read.profiles.map((p) => p.id), ['w2']);
    assert.deepEqual(read.problems, [
      '.vscode/auth-flows.json, profile 1 ("Numbers"): envId: expected a string, got the number 42. maxAge: expected a whole number of seconds, got the string "60".',
    ]);
  });

  it('lists user profiles first and drops workspace profiles whose id is taken or reserved', () => {
    const merged = mergeProfiles([sampleProfile()], [
      { file: 'a/.vscode/auth-flows.json', profiles: [sampleProfile({ name: 'Same id' }), sampleProfile({ id: 'sandbox-x', name: 'Sneaky' }), sampleProfile({ id: 'w1', name: 'Team' })] },
    ]);
    assert.deepEqual(merged.profiles.map((p) => `${p.source}:${p.profile.name}`), ['user:Staging', 'workspace:Team']);
    assert.equal(merged.problems.length, 2);
  });

  it('names duplicates after the original without clashing', () => {
    const copy = duplicateProfile(sampleProfile(), ['Staging', 'Staging (copy)']);
    assert.equal(copy.name, 'Staging (copy 2)');
    assert.notEqual(copy.id, 'p1');
    assert.equal(copy.envId, sampleProfile().envId);
  });

  it('ships a JSON schema that matches the profile model', () => {
    const schema = JSON.parse(readFileSync('media/auth-flows.schema.json', 'utf8')) as {
      items: { properties: Record<string, { enum?: string[]; properties?: { alg: { enum: string[] } } }> };
    };
    const { properties } = schema.items;
    assert.deepEqual(properties.region.enum, [...Object.keys(REGIONS), 'custom']);
    assert.deepEqual(properties.clientAuthMethod.enum, [...CLIENT_AUTH_METHODS]);
    assert.deepEqual(properties.assertionAlg.enum, [...ASSERTION_ALGS]);
    assert.deepEqual(properties.authorizeMethod.enum, [...AUTHORIZE_METHODS]);
    assert.deepEqual(properties.responseMode.enum, [...RESPONSE_MODES]);
    assert.deepEqual(properties.requestObject.properties?.alg.enum, [...REQUEST_OBJECT_ALGS]);
  });
});
