import { strict as assert } from 'node:assert';
import { MAX_TOKEN_TEXT } from '../../src/core/oauth/jwtScan';
import type { DecodedToken } from '../../src/core/model';
import { findJwtAt, tokenHoverMarkdown } from '../../src/extension/timeline/jwtText';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub: 'user-1', exp: 1 })}.c2lnbmF0dXJl`;

describe('extension JWT text', () => {
  it('finds the token under the cursor, however long the line', () => {
    const line = `${'x'.repeat(2000)} "id_token": "${jwt}", other`;
    const start = line.indexOf(jwt);
    assert.deepEqual(findJwtAt(line, start + 5), { start, end: start + jwt.length, text: jwt });
    assert.deepEqual(findJwtAt(line, start + jwt.length)?.text, jwt);
    assert.equal(findJwtAt(line, 10), undefined);
    assert.equal(findJwtAt('eyJhbGciOi.eyJzdWIiOi', 3), undefined, 'two parts is not a JWT');
  });

  it('finds the token from its first character to just past its last, and not from beside it', () => {
    const line = `token: ${jwt}.`;
    const start = line.indexOf(jwt);
    const expected = { start, end: start + jwt.length, text: jwt };
    assert.deepEqual(findJwtAt(line, start), expected);
    assert.deepEqual(findJwtAt(line, start + jwt.length), expected, 'a sentence-ending dot is not part of it');
    assert.equal(findJwtAt(line, start - 1), undefined);
    assert.equal(findJwtAt(`${jwt}.more`, 3), undefined, 'four parts is not a JWS');
    assert.equal(findJwtAt(`x${jwt}`, 3), undefined, 'inside a longer base64url run');
  });

  it('answers on pathological lines without rescanning them, and skips runs longer than the cap', () => {
    // Long base64url runs without dots, or with many: each is read once from the cursor outwards.
    const n = 300_000;
    for (const line of ['a'.repeat(n), `eyJ${'a'.repeat(n)}`, 'eyJ'.repeat(n / 3), `eyJaaaaa.eyJ${'a'.repeat(n)}`, 'eyJaaaaaa.'.repeat(n / 10)]) {
      assert.equal(findJwtAt(line, line.length - 1), undefined, line.slice(0, 12));
      assert.equal(findJwtAt(line, 0), undefined, line.slice(0, 12));
    }
    const padding = ' '.repeat(2 * MAX_TOKEN_TEXT);
    const line = `${padding}${jwt}${padding}`;
    assert.equal(findJwtAt(line, padding.length + 3)?.text, jwt, 'a token in the middle of a huge line');
    const huge = `${b64({ alg: 'RS256' })}.${'A'.repeat(MAX_TOKEN_TEXT)}.c2ln`;
    assert.equal(findJwtAt(huge, 3), undefined, 'a token longer than the cap is not hovered');
    const large = `${b64({ alg: 'RS256' })}.${'A'.repeat(MAX_TOKEN_TEXT / 2)}.c2ln`;
    assert.equal(findJwtAt(`"${large}"`, 4)?.text, large, 'a large token within the cap is');
  });

  it('renders header and payload in fences the claims cannot close', () => {
    const token: DecodedToken = {
      kind: 'token', raw: jwt, header: { alg: 'RS`256' }, payload: { note: '```\n[x](command:evil)' }, signature: '', checks: [],
      times: [{ claim: 'exp', value: 1, iso: '1970-01-01T00:00:01.000Z', relative: '55 years ago' }],
    };
    const markdown = tokenHoverMarkdown(token);
    assert.match(markdown, /^\*\*JWT\*\* · `RS256` · signature not verified/);
    assert.match(markdown, /- `exp`: 1970-01-01T00:00:01.000Z \(55 years ago\)/);
    assert.ok(markdown.includes('````json'), 'fence longer than the backticks inside');
  });
});
