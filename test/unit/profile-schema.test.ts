/**
 * The editor schema of `.vscode/auth-flows.json` (media/auth-flows.schema.json) is generated from the
 * profile schema; this checks the committed file is the generated one, and that a draft-07 validator
 * (Ajv, standing in for VS Code's JSON language service) reads it the way the profile parser does.
 *
 *   UPDATE_SCHEMA=1 npx mocha test/unit/profile-schema.test.ts   rewrites the file after a schema change
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parseProfile, ProfileError } from '../../src/core/profile';
import { workspaceFileJsonSchema } from '../../src/extension/environments/profiles';
import { sampleProfile } from '../fixtures/profiles';

const FILE = join(__dirname, '../../media/auth-flows.schema.json');

describe('workspace file JSON schema', () => {
  if (process.env.UPDATE_SCHEMA) writeFileSync(FILE, `${JSON.stringify(workspaceFileJsonSchema(), null, 2)}\n`);
  const committed = JSON.parse(readFileSync(FILE, 'utf8')) as { items: { properties: Record<string, { description?: string; default?: unknown }> } };

  it('is the one generated from the profile schema', () => {
    assert.deepEqual(committed, workspaceFileJsonSchema(), 'media/auth-flows.schema.json is stale: run UPDATE_SCHEMA=1 npx mocha test/unit/profile-schema.test.ts');
  });

  it('describes every field and shows the defaults the parser fills in', () => {
    const { properties } = committed.items;
    for (const [field, property] of Object.entries(properties)) assert.ok(property.description, `${field} has a description`);
    // Only what is required: every other field the parser returns is a default the editor should show.
    const required = { id: 'p', name: 'n', region: 'custom', authPath: 'https://auth.example.com', envId: 'e', clientId: 'c', clientAuthMethod: 'none', responseMode: 'pi.flow' };
    const filled = Object.entries(parseProfile(required)).filter(([key]) => !(key in required));
    assert.deepEqual(filled.map(([key]) => key).sort(), ['authorizeMethod', 'pkce', 'redirectUri', 'scopes']);
    for (const [key, value] of filled) assert.deepEqual(properties[key].default, value, key);
    // Defaults the run applies rather than the parser.
    assert.equal(properties.responseMode.default, 'redirect');
    assert.equal(properties.insecureTls.default, false);
    assert.equal(properties.userinfo.default, true);
  });

  it('accepts and refuses what the profile parser accepts and refuses', () => {
    const validate = new Ajv({ allErrors: true, formats: { uri: (value: string) => URL.canParse(value) } }).compile(committed);
    const good = [sampleProfile(), { ...sampleProfile({ id: 'p2' }), scopes: 'openid email', insecureTls: false, requestObject: { alg: 'RS256' } }];
    assert.ok(validate(good), JSON.stringify(validate.errors));
    for (const patch of [{ insecureTls: 'false' }, { envId: 42 }, { pkce: 'true' }, { maxAge: -1 }, { insecureTLS: true }, { clientSecret: 's' }, { requestObject: { alg: 'none' } }]) {
      const profile = { ...sampleProfile(), ...patch };
      assert.equal(validate([profile]), false, `schema refuses ${JSON.stringify(patch)}`);
      assert.throws(() => parseProfile(profile), ProfileError, `parser refuses ${JSON.stringify(patch)}`);
    }
  });
});
