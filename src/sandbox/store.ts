/**
 * In-memory state with expiry. Everything the sandbox remembers (flows, sessions, codes, tokens,
 * pushed requests, assertion ids) lives in one of these maps, read through the injected clock so
 * tests can expire things without sleeping.
 */

/** Expired entries are swept once per this many writes, so the maps stay small across long benchmarks. */
const SWEEP_EVERY = 512;

export class ExpiringMap<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #now: () => number;
  #writes = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The live value, or undefined once it has expired (expired entries are dropped on read). */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** When the live entry expires (ms on the injected clock), or undefined. */
  expiresAt(key: string): number | undefined {
    return this.get(key) === undefined ? undefined : this.#entries.get(key)!.expiresAt;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    if (++this.#writes % SWEEP_EVERY === 0) this.#sweep();
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
