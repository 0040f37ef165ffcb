/**
 * A bounded log of the HTTP requests the simulator received, so a test can assert what a client
 * did (for example: "no write reached the cluster") from the server's side.
 */

export interface RequestLogEntry {
  /** Simulated time when the request arrived (epoch ms). */
  time: number;
  method: string;
  /** URL path without the query string. */
  path: string;
  /** The response status; 0 while the response is still in progress (e.g. an open watch). */
  status: number;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  /** Keeps the most recent `capacity` requests. */
  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error('RequestLog capacity must be a positive integer');
  }

  /** Records a request on arrival; the caller fills in `status` when the response ends. */
  start(time: number, method: string, path: string): RequestLogEntry {
    const entry: RequestLogEntry = { time, method, path, status: 0 };
    this.entries.push(entry);
    // Trim in batches so recording stays O(1) amortised.
    if (this.entries.length >= 2 * this.capacity)
      this.entries = this.entries.slice(-this.capacity);
    return entry;
  }

  /** Copies of the recorded requests, oldest first. */
  list(): RequestLogEntry[] {
    return this.entries.slice(-this.capacity).map(e => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
