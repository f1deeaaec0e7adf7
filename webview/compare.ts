/**
 * "Compare tokens…": any two JWTs of the panel side by side as a claims diff (src/core/tokenDiff.ts).
 * Each side is a decoded token of a run the panel holds, a token decoded from an editor, or one pasted
 * here. Only payloads are compared: a JWT's payload is base64url JSON, not a secret (RFC 7519 §3), and
 * the webview never has the tokens themselves. What is picked lives here, not in the persisted state.
 */
import type { DecodedToken } from '../src/core/model';
import type { WebviewState } from '../src/protocol';
import { diffClaims } from '../src/core/tokenDiff';
import { closablePanel } from './blocks';
import { renderDiffTable } from './diff';
import { h } from './dom';
import { clockTime } from './format';
import { tokenLabel } from './token';

const PASTE = 'paste';

interface Choice {
  value: string;
  label: string;
  payload: Record<string, unknown>;
}

/** Open or not, and each side's pick and pasted text, across re-renders. */
const picked = { open: false, sides: [{ value: '', pasted: '' }, { value: '', pasted: '' }] };

export function compareOpen(): boolean {
  return picked.open;
}

export function toggleCompare(): void {
  picked.open = !picked.open;
}

/** Every decoded JWT of the panel (refresh tokens are not JWTs to compare), newest run first. */
export function tokenChoices(state: WebviewState): Choice[] {
  const choices: Choice[] = [];
  for (const run of state.runs) {
    for (const step of run.steps) {
      step.tokens.forEach((token, index) => {
        if (!comparable(token)) return;
        choices.push({ value: `${run.id}\n${step.id}\n${index}`, label: `${tokenLabel(token.kind)} · ${step.title} · ${run.profile.name} · ${clockTime(run.startedAt)}`, payload: token.payload });
      });
    }
  }
  state.tokens.forEach(({ token, source }, index) => {
    if (comparable(token)) choices.push({ value: `decoded\n${index}`, label: `${tokenLabel(token.kind)} · decoded from ${source}`, payload: token.payload });
  });
  return choices;
}

function comparable(token: DecodedToken): boolean {
  return token.kind !== 'refresh_token' && Object.keys(token.payload).length > 0;
}

/**
 * The payload of a pasted JWT (surrounding quotes, `Bearer ` or JSON around it are fine), or why there
 * is none. Only decoded: nothing here checks a signature.
 */
export function pastedPayload(text: string): { payload: Record<string, unknown> } | { problem: string } {
  const match = /(?:^|[^A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)(?![A-Za-z0-9_.-])/.exec(text);
  if (!match) return { problem: text.trim() ? 'No JWT found: paste three base64url parts separated by dots, starting with "eyJ".' : 'Paste a JWT.' };
  try {
    const base64 = match[2].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')), (c) => c.charCodeAt(0));
    const payload: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { problem: 'The payload is JSON but not an object of claims.' };
    return { payload: payload as Record<string, unknown> };
  } catch {
    return { problem: 'The second part (payload) is not base64url-encoded JSON.' };
  }
}

export function renderCompare(state: WebviewState, onClose: () => void): HTMLElement {
  const choices = tokenChoices(state);
  const result = h('div', { class: 'compare-result', attrs: { 'aria-live': 'polite' } });
  const update = () => result.replaceChildren(compareResult(choices));
  const sides = picked.sides.map((side, index) => {
    // A pick that no longer exists (its run dropped) falls back to the defaults: the first two tokens.
    if (side.value !== PASTE && !choices.some((c) => c.value === side.value)) side.value = choices[index]?.value ?? choices[0]?.value ?? PASTE;
    const select = h('select', { class: 'compare-select', attrs: { 'aria-label': index === 0 ? 'First token' : 'Second token', 'data-side': String(index) } });
    for (const choice of [...choices, { value: PASTE, label: 'Paste a token…' }]) {
      const option = h('option', null, choice.label);
      option.value = choice.value;
      option.selected = choice.value === side.value;
      select.appendChild(option);
    }
    const paste = h('textarea', { class: 'compare-paste mono', attrs: { rows: '3', spellcheck: 'false', 'aria-label': index === 0 ? 'First token, pasted' : 'Second token, pasted', placeholder: 'eyJ…' } });
    paste.value = side.pasted;
    paste.hidden = side.value !== PASTE;
    select.addEventListener('change', () => {
      side.value = select.value;
      paste.hidden = side.value !== PASTE;
      update();
    });
    paste.addEventListener('input', () => {
      side.pasted = paste.value;
      update();
    });
    return h('div', { class: 'compare-side' }, h('span', { class: 'compare-side-label' }, index === 0 ? 'Before' : 'After'), select, paste);
  });
  update();
  return closablePanel({ class: 'compare', title: 'Compare tokens', onClose }, h('div', { class: 'compare-sides' }, ...sides), result);

  function compareResult(all: Choice[]): HTMLElement {
    const payloads = picked.sides.map((side) => {
      if (side.value !== PASTE) {
        const choice = all.find((c) => c.value === side.value);
        return choice ? { payload: choice.payload } : { problem: 'Pick a token.' };
      }
      return pastedPayload(side.pasted);
    });
    const problems = payloads.flatMap((p, i) => ('problem' in p ? [`${i === 0 ? 'Before' : 'After'}: ${p.problem}`] : []));
    if (problems.length) return h('p', { class: 'muted compare-problem' }, problems.join(' '));
    const [before, after] = payloads as { payload: Record<string, unknown> }[];
    return renderDiffTable(diffClaims(before.payload, after.payload), 'Claims of the two tokens compared');
  }
}
