/**
 * Timeline webview entry. Waits for nothing: restores the saved state, renders, then tells the host it
 * is ready. Every message from the host is checked with parseHostMessage; anything else is dropped.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';
import { parseHostMessage, type HostMessage, type WebviewMessage, type WebviewState } from '../src/protocol';
import { toggleCompare } from './compare';
import { takeHistoryAnswer, toggleHistory } from './history';
import { takeResendAnswer } from './resend';
import { takeVerifyAnswer } from './verify';
import { renderApp, type Ui } from './render';
import { refreshTimes } from './token';
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

/** Not persisted: where copy confirmations go. */
const copyStatus = new Map<string, HTMLElement>();
const copyKey = (runId: string, stepId: string): string => `${runId}\n${stepId}`;
const diagramCopyStatus = new Map<string, HTMLElement>();
/** The copied message names only the step; the run is the one the copy was asked for. */
const pendingCopies = new Map<string, string>();
/** Token and value copies waiting for the host's answer, by the key the answer carries back. */
const pendingStatus = new Map<string, HTMLElement>();
let valueCopies = 0;
const tokenKey = ({ runId, stepId, tokenIndex }: { runId: string; stepId: string; tokenIndex: number }): string => `${runId}\n${stepId}\n${tokenIndex}`;

const ui: Ui = {
  post(message) {
    if (message.method === 'timeline/curl/copy') pendingCopies.set(message.params.stepId, message.params.runId);
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
  registerCopyStatus(runId, stepId, element) {
    copyStatus.set(copyKey(runId, stepId), element);
  },
  registerDiagramCopyStatus(runId, element) {
    diagramCopyStatus.set(runId, element);
  },
  copyValue(text, status) {
    const key = `value-${++valueCopies}`;
    pendingStatus.set(key, status);
    showPending(status, 'Copying…');
    vscode.postMessage({ method: 'timeline/value/copy', params: { key, text } });
  },
  copyToken(token, status) {
    pendingStatus.set(tokenKey(token), status);
    showPending(status, 'Waiting for confirmation…');
    vscode.postMessage({ method: 'timeline/token/copy', params: token });
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

function showPending(status: HTMLElement, text: string): void {
  status.textContent = text;
  status.className = 'copy-status';
}

/** Tab and disclosure choices are already on screen; they only need saving, not a re-render. */
function persistView(change: Partial<NonNullable<WebviewState['view']>>): void {
  state = { ...state, view: { expanded: {}, tabs: {}, ...state.view, ...change } };
  vscode.setState(state);
}

function update(next: WebviewState): void {
  if (next === state) return;
  state = next;
  vscode.setState(state);
  render();
}

function render(): void {
  // Keep keyboard focus where it was when the focused element survives the render.
  const focused = document.activeElement;
  renderApp(root, state, ui);
  if (focused instanceof HTMLElement && focused !== document.body && document.contains(focused)) focused.focus({ preventScroll: true });
}

function onHostMessage(message: HostMessage): void {
  if (message.method === 'timeline/curl/copied') {
    const { stepId, ok, message: text } = message.params;
    const runId = pendingCopies.get(stepId) ?? state.currentRunId ?? state.runs[0]?.id ?? '';
    const element = copyStatus.get(copyKey(runId, stepId));
    if (element) showCopied(element, { ok, message: text });
    return;
  }
  if (message.method === 'timeline/token/copied' || message.method === 'timeline/value/copied') {
    const key = message.method === 'timeline/token/copied' ? tokenKey(message.params) : message.params.key;
    const element = pendingStatus.get(key);
    pendingStatus.delete(key);
    if (element) showCopied(element, message.params);
    return;
  }
  if (message.method === 'timeline/diagram/copied') {
    const element = diagramCopyStatus.get(message.params.runId);
    if (element) showCopied(element, message.params);
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

function showCopied(element: HTMLElement, { ok, message }: { ok: boolean; message: string }): void {
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

render();
// Relative times ("expires in 59 min") drift while the panel stays open.
setInterval(() => refreshTimes(root), 15_000);
vscode.postMessage({ method: 'webview/ready', params: {} });
