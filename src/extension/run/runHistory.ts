/**
 * The timeline's run history, persisted so it survives a window reload and closing the panel: the
 * last {@link MAX_HISTORY} runs, each stored REDACTED (core/redact.ts) — every marked secret is a
 * `$VARIABLE`, each token's `raw` is `$ID_TOKEN` and the like — with the name a person gave it.
 *
 * Stored in `globalState` like the user's profiles (profileStore.ts), so a run can be re-run from any
 * window that has its profile; no VS Code import here: the store is handed a Memento-like object and
 * re-reads it on every call, as another window may have written it since.
 */
import type { Run, TokenDiff } from '../../core/model';
import { redactRun } from '../../core/redact';
import { diffClaims } from '../../core/tokenDiff';
import type { HistoryEntry } from '../../protocol';

export const MAX_HISTORY = 50;

/** The globalState key; `version` lets a later release change the shape without losing data. */
export const HISTORY_KEY = 'authFlow.runHistory';

interface Stored {
  version: 1;
  runs: Array<{ run: Run; label?: string }>;
}

/** What the store needs of `vscode.Memento`. */
export interface HistoryMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export class RunHistory {
  constructor(private readonly memento: HistoryMemento) {}

  /** Newest first, as the list shows them. */
  entries(): HistoryEntry[] {
    return this.read().runs.map(({ run, label }) => ({
      runId: run.id,
      profileId: run.profile.id,
      profileName: run.profile.name,
      ...(label ? { label } : {}),
      startedAt: run.startedAt,
      status: run.status,
      ...(run.duration === undefined ? {} : { duration: run.duration }),
    }));
  }

  /** The stored (redacted) run. */
  run(runId: string): Run | undefined {
    return this.read().runs.find((entry) => entry.run.id === runId)?.run;
  }

  /** Stores the run redacted, newest first, keeping its name if it was stored before (a follow-up ran); drops the oldest past the bound. */
  async add(run: Run): Promise<void> {
    const { runs } = this.read();
    const label = runs.find((entry) => entry.run.id === run.id)?.label;
    const entry = label ? { run: redactRun(run), label } : { run: redactRun(run) };
    await this.write([entry, ...runs.filter((e) => e.run.id !== run.id)].slice(0, MAX_HISTORY));
  }

  /** Names the run; an empty (or blank) label removes the name. False when the run is not in the history. */
  async rename(runId: string, label: string): Promise<boolean> {
    const { runs } = this.read();
    const index = runs.findIndex((entry) => entry.run.id === runId);
    if (index === -1) return false;
    const name = label.trim();
    await this.write(runs.with(index, name ? { run: runs[index].run, label: name } : { run: runs[index].run }));
    return true;
  }

  /** False when the run is not in the history. */
  async delete(runId: string): Promise<boolean> {
    const { runs } = this.read();
    const kept = runs.filter((entry) => entry.run.id !== runId);
    if (kept.length === runs.length) return false;
    await this.write(kept);
    return true;
  }

  private read(): Stored {
    const stored = this.memento.get<Partial<Stored>>(HISTORY_KEY);
    // A record of another version or shape is not guessed at: the history starts empty.
    if (stored?.version !== 1 || !Array.isArray(stored.runs)) return { version: 1, runs: [] };
    return { version: 1, runs: stored.runs.filter((entry) => typeof entry?.run?.id === 'string' && Array.isArray(entry.run.steps)) };
  }

  private async write(runs: Stored['runs']): Promise<void> {
    await this.memento.update(HISTORY_KEY, { version: 1, runs } satisfies Stored);
  }
}

/**
 * The claims of two runs' tokens compared kind by kind: for each kind of JWT both runs hold, the
 * last one each received (after a refresh, the refreshed one). Refresh tokens are not JWTs to compare.
 */
export function compareRuns(before: Run, after: Run): TokenDiff[] {
  const last = (run: Run) => {
    const byKind = new Map<string, Record<string, unknown>>();
    for (const token of run.steps.flatMap((step) => step.tokens)) {
      if (token.kind !== 'refresh_token' && Object.keys(token.payload).length > 0) byKind.set(token.kind, token.payload);
    }
    return byKind;
  };
  const a = last(before);
  const b = last(after);
  return [...a.keys()].filter((kind) => b.has(kind)).map((kind) => ({ kind: kind as TokenDiff['kind'], entries: diffClaims(a.get(kind)!, b.get(kind)!) }));
}
