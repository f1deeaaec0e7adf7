import assert from 'node:assert/strict';
import { diffClaims, span, summarizeDiff } from '../../src/core/tokenDiff';

/** 2026-01-01T12:00:00Z, in ms: every payload below is written relative to it. */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const T = NOW / 1000;

describe('diffClaims', () => {
  const before = { iss: 'https://as.example', sub: 'u1', aud: ['app', 'api'], exp: T + 60, iat: T - 3540, auth_time: T - 3600, jti: 'a', scope: 'openid profile', amr: ['pwd'] };
  const after = { iss: 'https://as.example', sub: 'u1', aud: ['app', 'api'], exp: T + 3540, iat: T - 60, auth_time: T - 3600, jti: 'b', scope: 'openid', sid: 's9' };
  const entries = diffClaims(before, after, NOW);
  const entry = (claim: string) => entries.find((e) => e.claim === claim);

  it('lists every claim of both payloads, old order first, then the additions', () => {
    assert.deepEqual(
      entries.map((e) => e.claim),
      ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'jti', 'scope', 'amr', 'sid'],
    );
  });

  it('says which claims were added, removed, changed or stayed, with the values on each side', () => {
    assert.deepEqual(entry('sub'), { claim: 'sub', change: 'same', before: 'u1', after: 'u1' });
    assert.deepEqual(entry('aud'), { claim: 'aud', change: 'same', before: ['app', 'api'], after: ['app', 'api'] });
    assert.deepEqual(entry('jti'), { claim: 'jti', change: 'changed', before: 'a', after: 'b' });
    assert.deepEqual(entry('amr'), { claim: 'amr', change: 'removed', before: ['pwd'] });
    assert.deepEqual(entry('sid'), { claim: 'sid', change: 'added', after: 's9' });
  });

  it('says time claims in words: how far they moved and what they mean now', () => {
    assert.equal(entry('exp')?.words, 'exp moved 58 min later: expires in 59 min');
    assert.equal(entry('iat')?.words, 'iat moved 58 min later: issued 1 min ago');
    assert.equal(entry('auth_time')?.words, 'auth_time unchanged: signed on 1 h ago');
    assert.equal(entry('jti')?.words, undefined);
  });

  it('says an earlier exp and a past one as such', () => {
    const [exp] = diffClaims({ exp: T + 7200 }, { exp: T - 90 }, NOW);
    assert.equal(exp.words, 'exp moved 2 h 1 min earlier: expired 1 min ago');
  });

  it('words added and removed time claims, nbf in the future, and leaves non-dates alone', () => {
    const [exp, iat, nbf] = diffClaims({ exp: T + 300, iat: 'yesterday' }, { nbf: T + 600, iat: T }, NOW).sort((a, b) => a.claim.localeCompare(b.claim));
    assert.equal(exp.claim, 'exp');
    assert.equal(exp.words, 'exp removed (it said: expires in 5 min)');
    assert.equal(iat.words, 'iat is now a date: issued just now');
    assert.equal(nbf.words, 'nbf added: not valid for another 10 min');
    const [odd] = diffClaims({ exp: 'soon' }, { exp: 'later' }, NOW);
    assert.equal(odd.change, 'changed');
    assert.equal(odd.words, undefined);
  });

  it('compares objects whatever their key order, and arrays in order', () => {
    const [cnf, aud] = diffClaims({ cnf: { jkt: 'x', kid: 'k' }, aud: ['a', 'b'] }, { cnf: { kid: 'k', jkt: 'x' }, aud: ['b', 'a'] }, NOW);
    assert.equal(cnf.change, 'same');
    assert.equal(aud.change, 'changed');
  });

  it('tells a claim set to null from one left out', () => {
    const [email] = diffClaims({ email: null }, {}, NOW);
    assert.deepEqual(email, { claim: 'email', change: 'removed', before: null });
  });

  it('summarises the changes in one line', () => {
    assert.equal(summarizeDiff(entries), 'exp, iat, jti, scope changed; sid added; amr removed');
    assert.equal(summarizeDiff(diffClaims({ a: 1 }, { a: 1 }, NOW)), 'no claim changed');
  });
});

describe('span', () => {
  it('keeps the two largest units that matter', () => {
    assert.equal(span(45), '45 s');
    assert.equal(span(3599), '59 min');
    assert.equal(span(3600), '1 h');
    assert.equal(span(3900), '1 h 5 min');
    assert.equal(span(2 * 86400 + 3 * 3600 + 59), '2 d 3 h');
  });
});
