/**
 * package.json against the tables the code reads it through: the `authFlow.*` settings it declares
 * are exactly SETTING_KEYS (src/extension/settings.ts), with the same defaults and ranges; the view
 * ids, the webview panel type and the `viewItem` tokens its views, activation events and `when`
 * clauses name are exactly those of src/extension/contextKeys.ts. Either side gaining one the other
 * lacks fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ENVIRONMENTS_VIEW_ID, ITEM_CONTEXT, TIMELINE_VIEW_TYPE } from '../../src/extension/contextKeys';
import { readSettings, SETTING_KEYS, SETTINGS_SECTION, settingId, type SettingKey } from '../../src/extension/settings';

interface Manifest {
  activationEvents: string[];
  contributes: {
    configuration: { properties: Record<string, { type: string; default: unknown; minimum?: number; maximum?: number }> };
    menus: Record<string, Array<{ command: string; when?: string }>>;
    views: Record<string, Array<{ id: string }>>;
    viewsWelcome: Array<{ view: string }>;
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

/** Context keys VS Code itself sets; the extension sets none of its own. */
const VSCODE_KEYS = new Set(['view', 'viewItem', 'editorHasSelection', 'editorIsOpen']);

/** Every `when` clause of the menus. */
const whens = Object.values(manifest.contributes.menus).flatMap((items) => items.flatMap((item) => (item.when ? [item.when] : [])));

/** The `viewItem` tokens a clause matches: `viewItem == 'a b'`, or a regex of `\b`/`^`-bounded words with at most one `(x|y)` group. */
function itemTokens(when: string): string[] {
  const tokens: string[] = [];
  for (const [, equal] of when.matchAll(/viewItem == '([^']*)'/g)) tokens.push(...equal.split(' '));
  for (const [, pattern] of when.matchAll(/viewItem =~ \/(.*?)\/(?:\s|$)/g)) {
    const word = pattern.replace(/\\b|\^|\$/g, '');
    const group = /\(([^)]*)\)/.exec(word);
    tokens.push(...(group ? group[1].split('|').map((choice) => word.replace(group[0], choice)) : [word]));
  }
  return tokens;
}

const flatValues = (table: Record<string, string | Record<string, string>>): string[] => Object.values(table).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));

describe('package.json contributions and the tables the code reads them through', () => {
  it('declares exactly the authFlow settings of SETTING_KEYS, with their defaults and ranges', () => {
    const { properties } = manifest.contributes.configuration;
    assert.deepEqual(Object.keys(properties).sort(), Object.keys(SETTING_KEYS).map((key) => settingId(key as SettingKey)).sort());
    for (const [key, declared] of Object.entries(SETTING_KEYS)) {
      const property = properties[`${SETTINGS_SECTION}.${key}`];
      assert.deepEqual(declared, { default: property.default, ...(property.minimum === undefined ? {} : { minimum: property.minimum }), ...(property.maximum === undefined ? {} : { maximum: property.maximum }) }, key);
      assert.equal(typeof declared.default, property.type, `${key} default of the declared type`);
    }
  });

  it('reads each setting unset, or out of its range, as package.json\'s default', () => {
    const { properties } = manifest.contributes.configuration;
    const defaultOf = (key: string) => properties[`${SETTINGS_SECTION}.${key}`].default;
    const expected = {
      requestTimeoutMs: (defaultOf('requestTimeoutSeconds') as number) * 1000,
      clockSkewSec: defaultOf('clockSkewSeconds'),
      allowInsecureTls: defaultOf('allowInsecureTls'),
      curlIncludeSecretsByDefault: defaultOf('curl.includeSecretsByDefault'),
      caFile: defaultOf('tls.caFile'),
    };
    assert.deepEqual(readSettings(() => undefined), expected);
    const beyond = (key: string) => (properties[`${SETTINGS_SECTION}.${key}`].maximum ?? 0) + 1;
    const asked: string[] = [];
    const outOfRange = readSettings((key) => {
      asked.push(key);
      if (key === 'requestTimeoutSeconds' || key === 'clockSkewSeconds') return beyond(key);
      return typeof defaultOf(key) === 'string' ? 42 : 'not of its type';
    });
    assert.deepEqual(outOfRange, expected);
    assert.deepEqual(new Set(asked), new Set(Object.keys(SETTING_KEYS)), 'reads every key of the table, and only those');
  });

  it('names exactly the views and webview panel type of contextKeys.ts', () => {
    const views = Object.values(manifest.contributes.views).flatMap((list) => list.map((view) => view.id));
    const named = new Set([
      ...views,
      ...manifest.contributes.viewsWelcome.map((welcome) => welcome.view),
      ...whens.flatMap((when) => [...when.matchAll(/\bview == ([\w.]+)/g)].map((match) => match[1])),
    ]);
    assert.deepEqual([...named], [ENVIRONMENTS_VIEW_ID]);
    const panels = manifest.activationEvents.filter((event) => event.startsWith('onWebviewPanel:')).map((event) => event.slice('onWebviewPanel:'.length));
    assert.deepEqual(panels, [TIMELINE_VIEW_TYPE]);
  });

  it('matches tree items only on the context tokens of contextKeys.ts, and uses every one of them', () => {
    const used = new Set(whens.flatMap(itemTokens));
    assert.ok(used.size > 5, `read the viewItem tokens: ${[...used].join(', ')}`);
    assert.deepEqual([...used].sort(), [...new Set(flatValues(ITEM_CONTEXT))].sort());
  });

  it('uses no when-clause key VS Code does not set', () => {
    for (const when of whens) {
      // Keys are the identifiers before an operator or standing alone; values after == / =~ are not keys.
      const keys = when
        .replace(/(==|=~)\s*('[^']*'|\/.*?\/|[\w.-]+)/g, '')
        .split(/&&|\|\||!|\(|\)/)
        .map((key) => key.trim())
        .filter((key) => key && key !== 'true' && key !== 'false');
      for (const key of keys) assert.ok(VSCODE_KEYS.has(key), `${key} in "${when}"`);
    }
  });
});
