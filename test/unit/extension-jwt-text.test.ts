import { strict as assert } from 'node:assert';
import type { DecodedToken } from '../../src/core/model';
import { findJwtAt, tokenHoverMarkdown } from '../../src/extension/jwtText';

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
