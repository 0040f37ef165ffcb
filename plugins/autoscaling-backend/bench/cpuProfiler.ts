import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';

/** V8 CPU profiles of this process, one per `start`/`stop`, for Chrome's DevTools. */
export class CpuProfiler {
  private session: inspector.Session | undefined;

  async start(): Promise<void> {
    if (!this.session) {
      this.session = new inspector.Session();
      this.session.connect();
      await this.session.post('Profiler.enable');
    }
    await this.session.post('Profiler.start');
  }

  /** Writes the profile since `start` to `file`. */
  async stop(file: string): Promise<void> {
    const { profile } = await this.session!.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  }
}
