// Journey: a Docker Compose service scales (issue 18). The portal's start script runs a private
// dockerd with a Compose project (scripts/compose-demo.mjs: project `demo`, service `render`, 2
// replicas of a busybox burner limited to 0.05 CPU) and registers it as the Docker host
// `compose-demo`; the catalog Component render-worker (initech-dev, tenant initech) is linked to it
// by the Compose labels. irene (initech-dev) opens it from the catalog: its Autoscaling tab shows
// the replicas, calls it a Compose service (not a Deployment) and its CPU figure "CPU of limit". The journey raises the load (the burner burns CPU while `burn` exists in the
// project's bind-mounted ctl directory); the engine's next evaluations (every 15 s) see the CPU
// above the 70% target and add containers; the tab shows more replicas and a decision that says
// why. Without a Docker host (not root, Docker not installed) the journey fails saying why.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launchBrowser,
  openFromCatalog,
  screenshot,
  signInAs,
} from '../lib/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STATE = join(root, '.portal', 'compose-demo.json');
const SERVICE = 'render-worker';

let browser;
let burnFile;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  // Load off again: the service scales back down on its own.
  if (burnFile) rmSync(burnFile, { force: true });
  await browser?.close();
});

/** The demo's Compose host as scripts/compose-demo.mjs wrote it; fails saying why it is absent. */
function composeHost() {
  assert.ok(
    existsSync(STATE),
    `${STATE} is missing: the portal's start script did not run scripts/compose-demo.mjs (see the portal log)`,
  );
  const state = JSON.parse(readFileSync(STATE, 'utf8'));
  assert.ok(
    state.ok,
    `the demo portal has no Docker Compose host: ${state.reason}`,
  );
  return state;
}

/**
 * Waits for `locator` to show text matching `pattern`, reloading the page every 10 s (the cards
 * poll on their own schedule), for at most 4 minutes.
 */
async function reloadUntil(page, locator, pattern, what) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const text = await locator
      .first()
      .waitFor({ timeout: 10_000 })
      .then(
        () => locator.first().textContent(),
        () => '',
      );
    if (pattern.test(text)) return text;
    assert.ok(
      Date.now() < deadline,
      `timed out waiting for ${what} (last: ${text})`,
    );
    await page.reload();
  }
}

const currentReplicas = async page =>
  Number(
    (await page.getByTestId('replicas-current').textContent()).match(
      /^(\d+)current/,
    )[1],
  );

test('a Compose service scales up under load, and its Autoscaling tab says why', async () => {
  const host = composeHost();
  const { page, context } = await signInAs(browser, 'irene');
  try {
    await openFromCatalog(page, SERVICE);
    // The engine found the service on the Docker host: its replicas, from `docker-compose up`.
    const current = page.getByTestId('replicas-current');
    await reloadUntil(
      page,
      current,
      /^\d+current/,
      'the Compose service on the Autoscaling tab',
    );
    const before = await currentReplicas(page);
    assert.ok(before >= 1, `the Compose service runs (${before} replicas)`);
    const header = await page.getByTestId('scaling-header').textContent();
    assert.match(header, /Mode: Automatic/);
    // It is called what it is: a Compose service on the Docker host, not a Kubernetes
    // Deployment, and its CPU figure is a share of the container's CPU limit (it has no
    // requests).
    assert.match(
      header,
      new RegExp(`Compose service in ${host.host}/${host.project} ·`),
    );
    assert.doesNotMatch(header, /Deployment/);
    assert.match(
      await page.getByTestId('cpu-utilization').textContent(),
      /CPU of limit$/,
    );
    assert.doesNotMatch(header, /CPU of requests/);

    // Raise the load: every replica burns CPU up to its 0.05-core limit.
    burnFile = join(host.ctlDir, 'burn');
    writeFileSync(burnFile, '1');

    const decisions = page.getByRole('list', { name: 'Recent decisions' });
    const scaledUp = decisions
      .getByRole('listitem')
      .filter({ hasText: /Scaled up from \d+ to \d+ replicas/ });
    // The newest scale-up from at least the count before the load: the service may have
    // scaled up once before (its containers' start-up burns CPU too).
    const text = await reloadUntil(
      page,
      scaledUp,
      {
        test: t =>
          Number(t.match(/Scaled up from (\d+) to \d+ replicas/)?.[1]) >=
          before,
      },
      `a scale-up decision for the Compose service from ${before} replicas or more`,
    );
    const [, from, to] = text
      .match(/Scaled up from (\d+) to (\d+) replicas/)
      .map(Number);
    assert.ok(to > from, `the decision adds replicas (${from} → ${to})`);
    assert.ok(from >= before, `it scaled from the count before the load`);
    // The decision explains itself: the CPU against its target asks for more replicas.
    assert.match(text, /cpu asks for \d+ replicas \(now \d+\)/);

    // The tab's replica count rose: the containers the module created are running.
    await reloadUntil(
      page,
      current,
      { test: t => Number(t.match(/^(\d+)current/)?.[1]) > before },
      `more than ${before} current replicas`,
    );
    const after = await currentReplicas(page);
    assert.ok(after > before, `replicas rose (${before} → ${after})`);

    // The cost card prices the containers per container-hour (the demo's replicaHour 0.012).
    const hourly = page.getByTestId('cost-hourly');
    await hourly.waitFor();
    assert.match(await hourly.textContent(), /\$\d[\d.,]*\/h/);

    await page.waitForLoadState('networkidle').catch(() => {});
    await page.getByTestId('scaling-header').scrollIntoViewIfNeeded();
    await screenshot(page, '18-compose-scaled');
    await page
      .getByText('Recent decisions', { exact: true })
      .first()
      .scrollIntoViewIfNeeded();
    await screenshot(page, '18-compose-decisions');
  } finally {
    if (burnFile) rmSync(burnFile, { force: true });
    await context.close();
  }
});
