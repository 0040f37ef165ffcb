/**
 * Refused (stale-version, 409) policy writes are audited, but a refusal carries no change:
 * its audit row names what was proposed by hash and size, not the proposal itself, and each
 * actor gets a bounded number of refusal rows per target and minute. Refusals over the limit
 * are counted and the count goes into the next refusal row that is written.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical';

/** Summary of a proposed override for an audit row: its size and hash, never the body. */
export function digestOf(value: unknown): { sha256: string; bytes: number } {
  const text = canonicalJson(value);
  return {
    sha256: createHash('sha256').update(text).digest('hex'),
    bytes: Buffer.byteLength(text, 'utf8'),
  };
}

export interface RefusalLimits {
  /** Refusal rows per actor and target within `windowMs`. */
  perWindow: number;
  windowMs: number;
  /** Tracked (actor, target) pairs before the oldest are forgotten. */
  maxTracked: number;
}

export const DEFAULT_REFUSAL_LIMITS: RefusalLimits = {
  perWindow: 5,
  windowMs: 60_000,
  maxTracked: 10_000,
};

/** Decides which refusals get an audit row; in memory, per backend instance. */
export class RefusalLimiter {
  private readonly windows = new Map<
    string,
    { startedMs: number; written: number; suppressed: number }
  >();

  constructor(
    private readonly limits: RefusalLimits = DEFAULT_REFUSAL_LIMITS,
  ) {}

  /**
   * `{ write: true, suppressedBefore }` when this refusal gets a row (with the number of
   * refusals by the same actor on the same target that were not written since the last row),
   * `{ write: false }` when it is over the limit.
   */
  admit(
    actor: string,
    target: string,
    nowMs: number,
  ): { write: boolean; suppressedBefore: number; firstSuppressed?: boolean } {
    const key = `${actor}\u0000${target}`;
    let window = this.windows.get(key);
    if (window && nowMs - window.startedMs >= this.limits.windowMs) {
      const suppressed = window.suppressed;
      window = { startedMs: nowMs, written: 0, suppressed };
      this.windows.set(key, window);
    }
    if (!window) {
      if (this.windows.size >= this.limits.maxTracked) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      window = { startedMs: nowMs, written: 0, suppressed: 0 };
      this.windows.set(key, window);
    }
    if (window.written >= this.limits.perWindow) {
      window.suppressed++;
      return {
        write: false,
        suppressedBefore: 0,
        firstSuppressed: window.suppressed === 1,
      };
    }
    window.written++;
    const suppressedBefore = window.suppressed;
    window.suppressed = 0;
    return { write: true, suppressedBefore };
  }
}
