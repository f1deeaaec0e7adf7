/**
 * Timeline webview entry. Waits for nothing: restores the saved state, renders, then tells the host it
 * is ready. Every message from the host is checked with parseHostMessage; anything else is dropped.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';
import { parseHostMessage, prepareHostSchemas, type CopyAnswer, type HostMessage, type WebviewMessage, type WebviewState } from '../src/protocol';
import { toggleCompare } from './compare';
import { takeHistoryAnswer, toggleHistory } from './history';
import { takeResendAnswer } from './resend';
import { takeVerifyAnswer } from './verify';
import { renderApp, type Ui } from './render';
import { clockTime } from './format';
import { refreshTimes } from './token';
import { markBusy } from './near';
import { applyHostMessage, dismissMeasurement, restoreState } from './store';
import './main.css';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeProgressRing());

const vscode = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;
let state = restoreState(vscode.getState());

/** Copy requests waiting for the host's answer, by the id the answer carries back: where to confirm. Not persisted. */
const pendingCopies = new Map<string, HTMLElement>();
let copies = 0;

const ui: Ui = {
  post(message) {
    vscode.postMessage(message);
  },
  selectRun(runId) {
    update({ ...state, currentRunId: runId });
  },
  dismissToken(index) {
    update({ ...state, tokens: state.tokens.filter((_, i) => i !== index) });
  },
  dismissMeasurement(profileId) {
    update(dismissMeasurement(state, profileId));
  },
  tabFor: (key) => state.view?.tabs[key],
  setTab: (key, tab) => persistView({ tabs: { ...state.view?.tabs, [key]: tab } }),
  expandedFor: (key) => state.view?.expanded[key],
  setExpanded: (key, open) => persistView({ expanded: { ...state.view?.expanded, [key]: open } }),
  copy(build, status, waiting) {
    const id = `copy-${++copies}`;
    pendingCopies.set(id, status);
    status.textContent = waiting;
    status.className = 'copy-status';
    vscode.postMessage(build(id));
  },
  copyValue(text, status) {
    ui.copy((id) => ({ method: 'timeline/value/copy', params: { id, text } }), status, 'Copying…');
  },
  toggleCompare() {
    toggleCompare();
    render();
  },
  toggleHistory() {
    toggleHistory(ui);
    render();
  },
  refresh: () => render(),
};

/** Tab and disclosure choices are already on screen; they only need saving, not a re-render. */
function persistView(change: Partial<NonNullable<WebviewState['view']>>): void {
  state = { ...state, view: { expanded: {}, tabs: {}, ...state.view, ...change } };
  save();
}

function update(next: WebviewState): void {
  if (next === state) return;
  state = next;
  save();
  render();
}

/**
 * Saving copies the whole state (every run, every token), which costs more than drawing one step: a
 * burst of changes is saved once, when the webview is next idle, after the frame that shows them.
 * Safe because VS Code keeps only the last setState, and tears the webview down only once it is hidden
 * (retainContextWhenHidden is off; the host queues messages meanwhile): a pending save is made at once
 * when the document becomes hidden or is unloaded.
 */
let saving: number | undefined;
function save(): void {
  saving ??= requestIdleCallback(flushSave, { timeout: 500 });
}

function flushSave(): void {
  if (saving === undefined) return;
  cancelIdleCallback(saving);
  saving = undefined;
  vscode.setState(state);
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') flushSave();
});
window.addEventListener('pagehide', flushSave);

function render(): void {
  // Keep keyboard focus where it was when the focused element survives the render.
  const focused = document.activeElement;
  renderApp(root, state, ui);
  if (focused instanceof HTMLElement && focused !== document.body && document.contains(focused)) focused.focus({ preventScroll: true });
}

function onHostMessage(message: HostMessage): void {
  if (message.method === 'timeline/copied') {
    showCopied(message.params);
    return;
  }
  if (message.method === 'timeline/token/verified') {
    // The answer's message shows even when it brings no token to change the state with.
    const taken = takeVerifyAnswer(message.params);
    const next = applyHostMessage(state, message);
    if (next === state && taken) render();
    else update(next);
    return;
  }
  if (message.method === 'timeline/step/resent') {
    if (takeResendAnswer(message.params)) render();
    return;
  }
  if (message.method === 'timeline/history/compared') {
    if (takeHistoryAnswer(message)) render();
    return;
  }
  if (message.method === 'timeline/history/listed') takeHistoryAnswer(message);
  update(applyHostMessage(state, message));
}

/** The answer beside the button that asked; an answer to no pending copy (the panel reloaded meanwhile) is dropped. */
function showCopied({ id, ok, message }: CopyAnswer): void {
  const element = pendingCopies.get(id);
  pendingCopies.delete(id);
  if (!element) return;
  element.textContent = message;
  element.className = ok ? 'copy-status copy-ok' : 'copy-status copy-failed';
}

// A cited page opens in the browser through the host; the webview itself never navigates.
root.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest<HTMLAnchorElement>('a.doc-link') : null;
  if (!link) return;
  event.preventDefault();
  vscode.postMessage({ method: 'timeline/link/open', params: { url: link.href } });
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) {
    console.warn('[timeline] dropped a malformed message', event.data);
    return;
  }
  onHostMessage(message);
});

markBusy(root);
render();
// The clock's formatter loads the locale's data (tens of ms) when first made, and the message schemas
// take milliseconds to build: both made while idle, before a run arrives.
requestIdleCallback(() => {
  clockTime(new Date().toISOString());
  prepareHostSchemas();
});
// Relative times ("expires in 59 min") drift while the panel stays open.
setInterval(() => refreshTimes(root), 15_000);
vscode.postMessage({ method: 'webview/ready', params: {} });
