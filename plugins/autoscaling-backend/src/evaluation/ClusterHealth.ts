/**
 * Per-cluster circuit breaker: after `threshold` consecutive failed ticks the circuit
 * opens and the engine stops writing to that cluster for `coolOffMs`; the next tick
 * after that is a trial, and one success closes it again. A circuit opened by failed
 * writes (reads fine) closes only on a successful write: ticks without writes are neutral.
 */
export class ClusterHealth {
  private failures = 0;
  private openedAtMs: number | null = null;
  private failureKind: 'read' | 'write' | null = null;
  lastTickAtMs: number | null = null;
  lastError: string | null = null;

  constructor(readonly threshold = 5, readonly coolOffMs = 60_000) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  get circuit(): 'closed' | 'open' {
    return this.openedAtMs === null ? 'closed' : 'open';
  }

  /** Whether writes are allowed now (closed, or open long enough for a trial). */
  allowsWrites(nowMs: number): boolean {
    return (
      this.openedAtMs === null || nowMs - this.openedAtMs >= this.coolOffMs
    );
  }

  /** What opened the circuit, while it is open. */
  get openedBy(): 'read' | 'write' | null {
    return this.openedAtMs === null ? null : this.failureKind;
  }

  recordSuccess(nowMs: number): void {
    this.failures = 0;
    this.openedAtMs = null;
    this.failureKind = null;
    this.lastError = null;
    this.lastTickAtMs = nowMs;
  }

  /** A tick that neither failed nor proved the failure over (no write tried while open). */
  recordNeutral(nowMs: number): void {
    this.lastTickAtMs = nowMs;
  }

  /** What a replica shares with the others (`ClusterHealthStore`): all but the settings. */
  snapshot(): ClusterHealthSnapshot {
    return {
      failures: this.failures,
      openedAtMs: this.openedAtMs,
      failureKind: this.failureKind,
      lastTickAtMs: this.lastTickAtMs,
      lastError: this.lastError,
    };
  }

  /** Takes over what the replica that ticked last saw (before this replica's tick). */
  restore(snapshot: ClusterHealthSnapshot): void {
    this.failures = snapshot.failures;
    this.openedAtMs = snapshot.openedAtMs;
    this.failureKind = snapshot.failureKind;
    this.lastTickAtMs = snapshot.lastTickAtMs;
    this.lastError = snapshot.lastError;
  }

  /** Returns true when this failure opened the circuit (so the caller notifies once). */
  recordFailure(
    nowMs: number,
    error: string,
    kind: 'read' | 'write' = 'read',
  ): boolean {
    this.failures += 1;
    this.failureKind = kind;
    this.lastError = error;
    this.lastTickAtMs = nowMs;
    if (this.failures >= this.threshold) {
      // A failed trial re-arms the cool-off; only the first opening is news.
      const opening = this.openedAtMs === null;
      this.openedAtMs = nowMs;
      return opening;
    }
    return false;
  }
}

export interface ClusterHealthSnapshot {
  failures: number;
  openedAtMs: number | null;
  failureKind: 'read' | 'write' | null;
  lastTickAtMs: number | null;
  lastError: string | null;
}

/** Of two views of one cluster, the one whose tick is later (the other replica's may be). */
export function newerHealth(
  own: ClusterHealthSnapshot | undefined,
  shared: ClusterHealthSnapshot | undefined,
): ClusterHealthSnapshot | undefined {
  if (!own || !shared) return own ?? shared;
  return (shared.lastTickAtMs ?? 0) > (own.lastTickAtMs ?? 0) ? shared : own;
}
