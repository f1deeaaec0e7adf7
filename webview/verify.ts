/**
 * "Verify against…" on a token decoded from an editor: the host holds the token itself and checks it
 * against keys pasted here (a JWK Set, one JWK or a PEM public key: public keys, no secret) or, with
 * none pasted, the JWKS of the environment whose issuer the token names. The answer, on the request's
 * id, brings the token back with its checks, which the card then shows. What is open and pasted lives
 * here, not in the persisted state.
 */
import type { HostMessages, WebviewMessage } from '../src/protocol';
import { h } from './dom';

export interface VerifyUi {
  post(message: WebviewMessage): void;
  refresh(): void;
}

interface Pane {
  keys: string;
  pending?: string;
  answer?: HostMessages['timeline/token/verified'];
}

const panes = new Map<string, Pane>();
let requests = 0;

/** Takes the answer to a verification this panel asked for, or the host's own first one; false when it answers no token shown. */
export function takeVerifyAnswer(answer: HostMessages['timeline/token/verified']): boolean {
  const pane = panes.get(answer.verifyKey) ?? { keys: '' };
  if (pane.pending !== undefined && pane.pending !== answer.id) return false;
  pane.pending = undefined;
  pane.answer = answer;
  panes.set(answer.verifyKey, pane);
  return true;
}

/** The "Verify against…" controls of a decoded token's card. */
export function renderVerify(verifyKey: string, ui: VerifyUi): HTMLElement {
  const pane = panes.get(verifyKey);
  const status = pane?.answer ? h('p', { class: `verify-status ${pane.answer.ok ? 'copy-ok' : 'copy-failed'}`, attrs: { role: 'status', 'aria-live': 'polite' } }, pane.answer.message) : null;
  const toggle = h('button', {
    class: 'link-button',
    attrs: { type: 'button', 'data-verify': 'open', 'aria-expanded': 'false' },
    on: { click: () => { panes.set(verifyKey, { keys: '' }); ui.refresh(); } },
  }, 'Verify against…');
  if (!pane) return h('div', { class: 'verify' }, toggle);
  const keys = h('textarea', { class: 'mono verify-keys', attrs: { rows: '4', spellcheck: 'false', 'aria-label': 'Keys to verify with', placeholder: '{"keys":[…]}, {"kty":…} or -----BEGIN PUBLIC KEY-----. Leave empty for the JWKS of the environment with this issuer.' } });
  keys.value = pane.keys;
  keys.addEventListener('input', () => (pane.keys = keys.value));
  const verify = () => {
    const id = `verify-${++requests}`;
    pane.pending = id;
    ui.post({ method: 'timeline/token/verify', params: { id, verifyKey, ...(pane.keys.trim() ? { keys: pane.keys } : {}) } });
    ui.refresh();
  };
  return h(
    'div',
    { class: 'verify' },
    keys,
    h('div', { class: 'resend-actions' }, h('button', { class: 'link-button', attrs: { type: 'button', 'data-verify': 'send', disabled: pane.pending ? '' : undefined }, on: { click: verify } }, pane.pending ? 'Verifying…' : 'Verify')),
    status,
  );
}
