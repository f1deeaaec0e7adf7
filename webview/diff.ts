/**
 * A claims diff as a table (src/core/tokenDiff.ts): what a refresh changed in a token, or how two
 * tokens picked in "Compare tokens…" differ. Added, removed and changed claims first, time claims in
 * words; the claims that stayed the same folded below.
 */
import type { ClaimChange } from '../src/core/model';
import { disclosure } from './blocks';
import { h } from './dom';
import { display } from './format';

const CHANGE_LABELS: Record<ClaimChange['change'], string> = { added: 'added', removed: 'removed', changed: 'changed', same: 'same' };

export function renderDiffTable(entries: ClaimChange[], label: string): HTMLElement {
  const differing = entries.filter((e) => e.change !== 'same');
  const same = entries.filter((e) => e.change === 'same');
  return h(
    'div',
    { class: 'claims-diff', attrs: { 'aria-label': label } },
    differing.length
      ? diffTable(differing, 'diff-changes')
      : h('p', { class: 'muted diff-none' }, 'No claim differs.'),
    same.length ? disclosure(`${same.length} ${same.length === 1 ? 'claim' : 'claims'} the same`, diffTable(same, 'diff-same')) : null,
  );
}

function diffTable(entries: ClaimChange[], name: string): HTMLElement {
  const body = h('tbody', null);
  for (const entry of entries) {
    body.appendChild(
      h(
        'tr',
        { class: `diff-${entry.change}`, attrs: { 'data-claim': entry.claim, 'data-change': entry.change } },
        h('th', { attrs: { scope: 'row' } }, h('span', { class: 'mono name' }, entry.claim), entry.words ? h('span', { class: 'note diff-words' }, entry.words) : null),
        h('td', { class: 'diff-change' }, h('span', { class: `diff-mark diff-mark-${entry.change}` }, CHANGE_LABELS[entry.change])),
        h('td', { class: 'diff-before' }, 'before' in entry ? h('span', { class: 'mono' }, display(entry.before)) : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'diff-after' }, 'after' in entry ? h('span', { class: 'mono' }, display(entry.after)) : h('span', { class: 'muted' }, '—')),
      ),
    );
  }
  const head = h('tr', null, ...['Claim', 'Change', 'Before', 'After'].map((title) => h('th', { attrs: { scope: 'col' } }, title)));
  return h('div', { class: 'table-wrap' }, h('table', { class: `kv diff-table ${name}` }, h('thead', null, head), body));
}
