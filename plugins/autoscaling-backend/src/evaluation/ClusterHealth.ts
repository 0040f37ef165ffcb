/**
 * Per-cluster circuit breaker: after `threshold` consecutive failed ticks the circuit
 * opens and the engine stops writing to that cluster for `coolOffMs`; the next tick
 * after that is a trial, and one success closes it again.
 */
export class ClusterHealth {
  private failures = 0;
  private openedAtMs: number | null = null;
  lastTickAtMs: number | null = null;
  lastError: string | null = null;

  constructor(
    readonly threshold = 5,
    readonly coolOffMs = 60_000,
  ) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  get circuit(): 'closed' | 'open' {
    return this.openedAtMs === null ? 'closed' : 'open';
  }

  /** Whether writes are allowed now (closed, or open long enough for a trial). */
  allowsWrites(nowMs: number): boolean {
    return this.openedAtMs === null || nowMs - this.openedAtMs >= this.coolOffMs;
  }

  recordSuccess(nowMs: number): void {
    this.failures = 0;
    this.openedAtMs = null;
    this.lastError = null;
    this.lastTickAtMs = nowMs;
  }

  /** Returns true when this failure opened the circuit (so the caller notifies once). */
  recordFailure(nowMs: number, error: string): boolean {
    this.failures += 1;
    this.lastError = error;
    this.lastTickAtMs = nowMs;
    if (this.failures >= this.threshold) {
      const opening = this.openedAtMs === null || nowMs - this.openedAtMs >= this.coolOffMs;
      this.openedAtMs = nowMs;
      return opening;
    }
    return false;
  }
}
