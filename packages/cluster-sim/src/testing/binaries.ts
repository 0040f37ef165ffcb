/** Finds the system binaries the integration tests need; fails loudly when one is missing. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createServer } from 'node:net';

export function requireBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '')
    .split(delimiter)
    .concat(['/usr/bin', '/usr/local/bin'])) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  throw new Error(
    `${name} is not installed (not on PATH). Run scripts/ci-deps.sh to install the test dependencies.`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
