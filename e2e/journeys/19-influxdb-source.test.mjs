// Journey: a service scales on an InfluxDB query. carol (owner of catalog-search) opens the
// service from the catalog and, in its policy, adds a Pods metric on the `influxdb` source the
// demo backend's InfluxDB module registered (the portal's start script runs Debian's influxd and
// feeds it each catalog-search pod's request rate from the simulator). "Test query" runs it now
// for the service's workload and shows the current value beside the target; she saves, and at
// the next evaluations the engine reads the metric from InfluxDB: the metrics card shows its
// value against the target. catalog-search is used by no other journey.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  SCREENSHOT_DIR,
  launchBrowser,
  openFromCatalog,
  signInAs,
} from '../lib/browser.mjs';

const SERVICE = 'catalog-search';
const METRIC = 'requests-per-pod';
const QUERY = `SELECT last("rps") FROM "http_requests" WHERE "namespace"='$namespace' AND "deployment"='$workload' AND time > now() - 1m GROUP BY "pod"`;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const byId = (page, id) => page.locator(`[id="${id}"]`);

async function elementScreenshot(locator, file) {
  await locator.scrollIntoViewIfNeeded();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await locator.screenshot({ path: join(SCREENSHOT_DIR, file) });
}

/**
 * Waits for `locator` to show text matching `pattern`, reloading the page every 10 s (the cards
 * poll on their own schedule), for at most 3 minutes.
 */
async function reloadUntil(page, locator, pattern, what) {
  const deadline = Date.now() + 180_000;
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

test('a Pods metric on the InfluxDB source: dry run beside the target, then the engine scales on it', async () => {
  const { page, context } = await signInAs(browser, 'carol');
  try {
    await openFromCatalog(page, SERVICE);
    await page.getByRole('tab', { name: 'Policy' }).click();
    await page.getByLabel('Cooldown (s)', { exact: true }).waitFor();
    // Enabled once the permission check answers.
    await page.waitForFunction(() => {
      const input = document.querySelector('[id="policy-cooldownSeconds"]');
      return input && !input.disabled;
    });

    // A second metric beside the inherited CPU target: Pods, on a source, from InfluxDB.
    await page.getByRole('button', { name: 'Add metric' }).click();
    await byId(page, 'policy-metrics.1.type').click();
    await page.getByRole('option', { name: 'Pods', exact: true }).click();
    await byId(page, 'policy-metrics.1.name').fill(METRIC);
    await byId(page, 'policy-metrics.1.queryKind').click();
    await page.getByRole('option', { name: 'Query on a source' }).click();
    // The picker lists the sources the backend's modules registered.
    await byId(page, 'policy-metrics.1.query.source').click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    assert.deepEqual(await options.allTextContents(), [
      'influxdb (influxdb)',
      'prometheus (prometheus)',
    ]);
    await page.getByRole('option', { name: 'influxdb (influxdb)' }).click();
    await byId(page, 'policy-metrics.1.query.query').fill(QUERY);

    // The dry run: the query runs on InfluxDB for the service's workload now.
    const dryRun = page.getByTestId('metric-dry-run-1');
    const result = dryRun.getByRole('status');
    await dryRun.getByRole('button', { name: 'Test query' }).click();
    await result.waitFor();
    const first = await result.textContent();
    assert.match(
      first,
      /^Current value [\d.]+ \(average of \d+ pods?\) against target —, on acme-staging\/catalog-search from influxdb$/,
    );
    // A target at half the current per-pod rate, whatever the time of day: the engine must
    // double the replicas.
    const value = Number(first.match(/^Current value ([\d.]+)/)[1]);
    assert.ok(
      value > 0,
      `the demo's catalog-search serves requests (${value})`,
    );
    const target = String(Math.max(0.01, Math.round((value / 2) * 100) / 100));
    await byId(page, 'policy-metrics.1.target.averageValue').fill(target);
    await dryRun.getByRole('button', { name: 'Test query' }).click();
    await page.waitForFunction(
      t =>
        document
          .querySelector('[data-testid="metric-dry-run-1"] [role="status"]')
          ?.textContent?.includes(`against target ${t},`),
      target,
    );
    assert.match(
      await result.textContent(),
      new RegExp(
        `^Current value [\\d.]+ \\(average of \\d+ pods?\\) against target ${target.replace(
          '.',
          '\\.',
        )}, on acme-staging/catalog-search from influxdb$`,
      ),
    );
    await elementScreenshot(
      dryRun.locator(
        'xpath=ancestor::div[contains(@class,"MuiGrid-container")][1]',
      ),
      '19-influxdb-dry-run.png',
    );

    await page.getByRole('button', { name: 'Review and save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Review policy change' });
    await dialog.waitFor();
    await dialog
      .getByLabel('Reason for the change')
      .fill(
        'journey 19: scale catalog-search on its request rate per pod from InfluxDB',
      );
    await dialog.getByRole('button', { name: 'Save and apply' }).click();
    const outcome = page.getByTestId('save-outcome');
    await outcome.waitFor();
    assert.match(await outcome.textContent(), /Saved and applied/);

    // The engine's next evaluations (every 15 s) read the metric from InfluxDB and scale on it.
    await page.getByRole('tab', { name: 'Scaling state' }).click();
    const decisions = page.getByRole('list', { name: 'Recent decisions' });
    const scaledUp = decisions
      .getByRole('listitem')
      .filter({ hasText: /Scaled up from \d+ to \d+ replicas/ })
      .filter({ hasText: new RegExp(`${METRIC} asks for \\d+ replicas`) });
    await reloadUntil(
      page,
      scaledUp,
      /Scaled up/,
      `a scale-up decision on ${METRIC}`,
    );
    const row = page.getByTestId(`metric-${METRIC}`);
    const text = await reloadUntil(
      page,
      row,
      new RegExp(`[\\d.]+ +of target ${target.replace('.', '\\.')}`),
      `the ${METRIC} metric with a value on the metrics card`,
    );
    assert.match(text, new RegExp(`^${METRIC}`));
    assert.doesNotMatch(text, /no data/);
    await elementScreenshot(
      row.locator(
        'xpath=ancestor::*[.//*[normalize-space(text())="Metrics vs targets"]][1]',
      ),
      '19-influxdb-metric.png',
    );
  } finally {
    await context.close();
  }
});
