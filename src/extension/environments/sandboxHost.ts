import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Profile, Secrets } from '../../core/profile';
import { loadEngine, type EngineModule } from '../engineLoader';

type Sandbox = Awaited<ReturnType<EngineModule['startSandbox']>>;

/**
 * The built-in local sandbox: started on first use, at most once per window, and closed when the
 * extension deactivates. A failed start is not cached, so the next attempt tries again.
 */
export class SandboxHost implements vscode.Disposable {
  private starting: Promise<Sandbox> | undefined;
  private running: Sandbox | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the sandbox starts or stops. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The running sandbox, if started. */
  get current(): Sandbox | undefined {
    return this.running;
  }

  ensureStarted(): Promise<Sandbox> {
    this.starting ??= loadEngine()
      .startSandbox({ host: '127.0.0.1' })
      .then((sandbox) => {
        this.running = sandbox;
        this.log.info(`Local sandbox listening on ${sandbox.url} (issuer ${sandbox.issuer}).`);
        this.changed.fire();
        return sandbox;
      })
      .catch((error: unknown) => {
        this.starting = undefined;
        // One line (startSandbox says which port and why), not a stack: the caller shows the same text.
        this.log.error(`The local sandbox could not start: ${errorMessage(error)}`);
        throw error;
      });
    return this.starting;
  }

  /** The default demo profile and its secrets, starting the sandbox if needed. */
  async defaultProfile(): Promise<{ profile: Profile; secrets: Secrets; demoUser: Sandbox['demoUser'] }> {
    const sandbox = await this.ensureStarted();
    const [first] = sandbox.profiles();
    return { ...first, demoUser: sandbox.demoUser };
  }

  async close(): Promise<void> {
    const sandbox = this.running;
    this.running = undefined;
    this.starting = undefined;
    if (!sandbox) return;
    await sandbox.close();
    this.log.info('Local sandbox stopped.');
  }

  dispose(): void {
    void this.close();
    this.changed.dispose();
  }
}
