import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { COMMAND_IDS, commandIdsAreComplete } from '../../src/extension/commandTable';
import { contextValueOf, treeNodes, type TreeEntry } from '../../src/extension/environments/treeModel';
import { sampleProfile } from '../fixtures/profiles';

const noSecrets = { clientSecret: false, privateKey: false, login: false };
const sandboxIdle: TreeEntry = { source: 'sandbox' };

describe('extension tree model', () => {
  it('is empty (welcome view) with no profiles and the sandbox not started', () => {
    assert.deepEqual(treeNodes([sandboxIdle]), []);
  });

  it('lists the sandbox first, then profiles, with settings as children', () => {
    const nodes = treeNodes([sandboxIdle, { source: 'user', profile: sampleProfile(), secrets: noSecrets }]);
    assert.deepEqual(nodes.map((n) => n.label), ['Local PingOne sandbox', 'Staging']);
    const children = nodes[1].children ?? [];
    assert.deepEqual(children.map((c) => c.label), [
      'Region', 'Environment ID', 'Grant', 'Client ID', 'Redirect URI', 'Scopes', 'Client authentication', 'Response mode', 'Client secret',
    ]);
    const envId = children.find((c) => c.label === 'Environment ID');
    assert.equal(envId?.description, '8f4e0d3c-1b2a-4c5d-9e8f-0a1b2c3d4e5f');
    assert.equal(envId?.contextValue, 'detail envId');
    assert.equal(children.find((c) => c.label === 'Grant')?.description, 'authorization_code (headless sign-on)');
    assert.equal(children.find((c) => c.label === 'Response mode')?.description, 'redirect · GET · PKCE S256');
    assert.match(nodes[1].description ?? '', /needs client secret/);
    assert.equal(nodes[1].icon, 'warning');
  });

  it('names the sandbox, and when it runs its port and the profile it runs with', () => {
    const [node] = treeNodes([{ source: 'sandbox', profile: sampleProfile({ id: 'sandbox-basic', name: 'Sandbox (client_secret_basic)' }), url: 'http://127.0.0.1:4000' }]);
    assert.equal(node.label, 'Local PingOne sandbox');
    assert.equal(node.description, 'port 4000 · Sandbox (client_secret_basic)');
    assert.match(node.tooltip ?? '', /http:\/\/127\.0\.0\.1:4000/);
    assert.match(node.tooltip ?? '', /Sandbox \(client_secret_basic\)/);
    assert.equal(node.children?.[0].description, 'http://127.0.0.1:4000');
    const [idle] = treeNodes([sandboxIdle, { source: 'user', profile: sampleProfile(), secrets: noSecrets }]);
    assert.equal(idle.label, 'Local PingOne sandbox');
    assert.equal(idle.description, 'not started');
  });

  it('says which secrets a profile needs and has in its context value', () => {
    assert.equal(contextValueOf({ source: 'user', profile: sampleProfile(), secrets: noSecrets }), 'profile source-user needs-secret');
    assert.equal(
      contextValueOf({ source: 'workspace', profile: sampleProfile({ clientAuthMethod: 'private_key_jwt' }), secrets: { clientSecret: false, privateKey: true, login: true } }),
      'profile source-workspace needs-key has-key has-login',
    );
    assert.equal(contextValueOf({ source: 'user', profile: sampleProfile({ clientAuthMethod: 'none', requestObject: { alg: 'HS256' } }), secrets: noSecrets }), 'profile source-user needs-secret');
    assert.equal(contextValueOf(sandboxIdle), 'profile', 'no source: nothing edits or deletes the sandbox');
  });
});

describe('extension package.json contributions', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: {
      commands: Array<{ command: string; category: string }>;
      menus: Record<string, Array<{ command: string; when?: string; group?: string }>>;
    };
  };
  const { commands, menus } = manifest.contributes;

  it('contributes exactly the commands the extension registers, all in the Auth Flow category', () => {
    assert.equal(commandIdsAreComplete, true);
    assert.deepEqual(commands.map((c) => c.command), [...COMMAND_IDS]);
    assert.ok(commands.every((c) => c.category === 'Auth Flow'));
  });

  /** The tree item commands whose `when` clause matches a context value. */
  function menuFor(contextValue: string): string[] {
    return menus['view/item/context']
      .filter((item) => {
        const match = /viewItem =~ \/(.+)\/$|viewItem == '(.+)'$/.exec(item.when ?? '');
        assert.ok(match, `unexpected when clause: ${item.when}`);
        return match[1] ? new RegExp(match[1]).test(contextValue) : match[2] === contextValue;
      })
      .map((item) => `${item.group?.startsWith('inline') ? 'inline:' : ''}${item.command}`);
  }

  it('offers delete only on user profiles and secret actions by need', () => {
    const user = menuFor(contextValueOf({ source: 'user', profile: sampleProfile(), secrets: { clientSecret: true, privateKey: false, login: false } }));
    assert.deepEqual(user, [
      'inline:authFlow.run', 'inline:authFlow.editEnvironment', 'authFlow.run', 'authFlow.measureEnvironment', 'authFlow.editEnvironment', 'authFlow.duplicateEnvironment',
      'authFlow.deleteEnvironment', 'authFlow.copyEnvironmentId', 'authFlow.setClientSecret', 'authFlow.clearClientSecret',
    ]);
    const sandbox = menuFor(contextValueOf(sandboxIdle));
    assert.deepEqual(sandbox, ['inline:authFlow.run', 'authFlow.run', 'authFlow.measureEnvironment', 'authFlow.copyEnvironmentId']);
    const workspace = menuFor(contextValueOf({ source: 'workspace', profile: sampleProfile({ clientAuthMethod: 'private_key_jwt' }), secrets: { clientSecret: false, privateKey: false, login: true } }));
    assert.ok(!workspace.includes('authFlow.deleteEnvironment'));
    assert.ok(workspace.includes('authFlow.setPrivateKey') && workspace.includes('authFlow.forgetCredentials'));
    assert.deepEqual(menuFor('detail envId'), ['inline:authFlow.copyEnvironmentId']);
    assert.deepEqual(menuFor('detail'), []);
  });
});
