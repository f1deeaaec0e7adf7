import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../protocol';
import { TIMELINE_VIEW_TYPE } from '../contextKeys';



/**
 * Messages the host acts on; `webview/ready`, opening a cited page, copying what the webview wrote
 * (a diagram, a decoded value) and starting an offered command are handled by the panel itself.
 */
export type TimelineRequest = Exclude<
  WebviewMessage,
  { method: 'webview/ready' | 'timeline/link/open' | 'timeline/diagram/copy' | 'timeline/value/copy' | 'timeline/command/run' }
>;

/**
 * The one timeline panel of the window. Messages posted before the webview says `webview/ready` (or
 * while it is hidden: with retainContextWhenHidden off a hidden webview is torn down and reloads
 * when shown) are queued and flushed on the next ready. Incoming messages are checked with
 * `parseWebviewMessage`; malformed ones are dropped and logged.
 */
export class TimelinePanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private ready = false;
  private queue: HostMessage[] = [];
  private readonly received = new vscode.EventEmitter<TimelineRequest>();
  /** A well-formed request from the webview (copy as cURL, run again). */
  readonly onDidReceiveMessage = this.received.event;
  private readonly readied = new vscode.EventEmitter<void>();
  /** The webview (re)loaded and listens: what it does not restore from its own state must be sent again. */
  readonly onDidBecomeReady = this.readied.event;
  private readonly closed = new vscode.EventEmitter<void>();
  /** The panel was closed: whatever the host kept for it can go. */
  readonly onDidClose = this.closed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Opens the panel (or brings it forward) beside the editor without taking focus. */
  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      'Auth Flow Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [this.webviewRoot] },
    );
    void this.attach(panel);
  }

  /** Shows the panel and delivers the message once the webview listens. */
  post(message: HostMessage): void {
    this.show();
    if (this.ready) void this.panel?.webview.postMessage(message);
    else this.queue.push(message);
  }

  /** Restores the panel after a window reload; the webview restores its runs from its own state. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    if (this.panel) {
      panel.dispose(); // A panel already opened during activation; keep one.
      return;
    }
    panel.webview.options = { enableScripts: true, localResourceRoots: [this.webviewRoot] };
    await this.attach(panel);
  }

  private get webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
  }

  private async attach(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    this.ready = false;
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((value: unknown) => this.receive(value)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.detach()),
    ];
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'auth-flow.svg');
    const { renderTimelineHtml } = await import('../../panel/html');
    const asset = (name: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, name)).toString();
    panel.webview.html = renderTimelineHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: asset('main.js'),
      styleUri: asset('main.css'),
      title: 'Auth Flow Timeline',
    });
  }

  private receive(value: unknown): void {
    const message = parseWebviewMessage(value);
    if (!message) {
      this.log.warn(`Dropped a malformed message from the timeline webview: ${JSON.stringify(value)?.slice(0, 200)}`);
      return;
    }
    if (message.method === 'timeline/link/open') {
      void vscode.env.openExternal(vscode.Uri.parse(message.params.url, true));
      return;
    }
    if (message.method === 'timeline/diagram/copy') {
      void this.copyText(message.params.text, 'Copied as Mermaid.').then((reply) => this.post({ method: 'timeline/copied', params: { id: message.params.id, ...reply } }));
      return;
    }
    if (message.method === 'timeline/value/copy') {
      void this.copyText(message.params.text, 'Copied.').then((reply) => this.post({ method: 'timeline/copied', params: { id: message.params.id, ...reply } }));
      return;
    }
    if (message.method === 'timeline/command/run') {
      // The schema lets only the commands an empty panel offers through.
      void vscode.commands.executeCommand(message.params.command);
      return;
    }
    if (message.method !== 'webview/ready') {
      this.received.fire(message);
      return;
    }
    this.ready = true;
    const queued = this.queue;
    this.queue = [];
    for (const queuedMessage of queued) void this.panel?.webview.postMessage(queuedMessage);
    this.readied.fire();
  }

  /** The webview wrote the text from the redacted run it shows; the host only holds the clipboard. */
  private async copyText(text: string, done: string): Promise<{ ok: boolean; message: string }> {
    try {
      await vscode.env.clipboard.writeText(text);
      return { ok: true, message: done };
    } catch (error) {
      return { ok: false, message: `Could not copy: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private detach(): void {
    for (const disposable of this.panelDisposables) disposable.dispose();
    this.panelDisposables = [];
    this.panel = undefined;
    this.ready = false;
    this.queue = [];
    this.closed.fire();
  }

  dispose(): void {
    this.panel?.dispose();
    this.received.dispose();
    this.readied.dispose();
    this.closed.dispose();
  }
}
