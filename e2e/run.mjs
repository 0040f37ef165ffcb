// Runs the Playwright user journeys against a freshly started portal:
// starts `scripts/start.sh` (simulator + backend + app) with an empty data folder and the
// simulator seeded with the states under test (e2e/scenario.mjs),
// waits until the backend is ready and the app is served, runs the journeys with
// Node's test runner, then stops everything. Screenshots go to artifacts/screenshots.
// Journey files given as arguments run alone (all of them by default).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { waitForUrl } from './lib/wait.mjs';
import { writeJourneyConfig } from './scenario.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(join(tmpdir(), 'autoscaling-e2e-'));
// The demo cluster with the journeys' states seeded from the start (e2e/scenario.mjs).
const simConfig = writeJourneyConfig(dataDir);
const portal = spawn('bash', ['scripts/start.sh'], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    AUTOSCALING_DATA_DIR: join(dataDir, 'sqlite'),
    AUTOSCALING_E2E: '1',
    CLUSTER_SIM_CONFIG: simConfig,
    BROWSER: 'none',
  },
});

const stopPortal = () => {
  try {
    process.kill(-portal.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', stopPortal);
process.on('SIGINT', () => process.exit(130));

let code = 1;
try {
  await waitForUrl(
    'http://localhost:7007/.backstage/health/v1/readiness',
    600_000,
  );
  await waitForUrl('http://localhost:3000', 600_000);
  // `node e2e/run.mjs e2e/journeys/12-approval.test.mjs …` runs only those journeys.
  const chosen = process.argv.slice(2);
  const files =
    chosen.length > 0
      ? chosen
      : readdirSync(join(root, 'e2e', 'journeys'))
          .filter(f => f.endsWith('.test.mjs'))
          .sort()
          .map(f => join('e2e', 'journeys', f));
  code = await new Promise(resolve => {
    const runner = spawn(
      process.execPath,
      ['--test', '--test-concurrency=1', ...files],
      { cwd: root, stdio: 'inherit' },
    );
    runner.on('exit', c => resolve(c ?? 1));
  });
} catch (error) {
  console.error(error);
} finally {
  // Wait until the portal has stopped (start.sh stops its whole process tree, 15 s at most
  // before it kills), so nothing of it outlives the run and holds the ports.
  const stopped = new Promise(resolve => portal.once('exit', resolve));
  stopPortal();
  await Promise.race([stopped, new Promise(r => setTimeout(r, 30_000))]);
}
process.exit(code);
