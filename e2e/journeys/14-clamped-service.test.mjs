// Journey: a saturated service says it is clamped. The journeys' simulator state
// (e2e/scenario.mjs) starts storefront-web at its maximum of 12 replicas under 4,000 rps, which
// needs 50 pods: from the engine's first evaluation it asks for more and is held at the
// maximum. A tenant admin (alice) opens the service from the catalog and sees the clamp on the
// service page (banner, decision, metrics card, no savings offered), in the platform page's
// workloads table and on the tenant page.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  APP_URL,
  SCREENSHOT_DIR,
  launchBrowser,
  screenshot,
  signInAs,
} from '../lib/browser.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Reloads until `locator` shows (the engine's first evaluation may still be under way). */
async function reloadUntil(page, locator, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locator.waitFor({ timeout: 20_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.reload();
    }
  }
}

test('a service held at its maximum says so on the service page, the fleet table and the tenant page', async () => {
  const { page, context } = await signInAs(browser, 'alice');
  await page.goto(`${APP_URL}/catalog`);
  // The catalog opens on "Owned"; the service belongs to another team.
  await page.getByTestId('user-picker-all').click();
  await page.getByRole('link', { name: 'storefront-web', exact: true }).click();
  await page.getByRole('tab', { name: 'Autoscaling' }).click();

  const banner = page.getByTestId('clamp-banner');
  await reloadUntil(page, banner.filter({ hasText: 'maximum of 12' }));
  assert.match(
    await banner.textContent(),
    /^Clamped at the maximum of 12 replicas; the engine asked for \d+\./,
  );
  // The latest decision says it was clamped, not "no change needed".
  const decisions = page.getByRole('list', { name: 'Recent decisions' });
  await decisions.getByTestId('decision-clamp-chip').first().waitFor();
  assert.match(
    await decisions.textContent(),
    /clamped by the maximum replicas; the engine asked for \d+/,
  );
  // The metrics card does not promise replicas the engine cannot add.
  const cpu = page.getByTestId('metric-cpu');
  await cpu.waitFor();
  const cpuText = await cpu.textContent();
  if (/Above target/.test(cpuText))
    assert.match(
      cpuText,
      /cannot add replicas: it is clamped at its maximum of 12 replicas/,
    );
  assert.doesNotMatch(cpuText, /the engine adds replicas/);
  // No savings on an under-provisioned service.
  const savings = page.getByTestId('cost-savings');
  await savings.waitFor();
  assert.match(await savings.textContent(), /None.*under-provisioned/);
  await page.waitForLoadState('networkidle').catch(() => {});
  await screenshot(page, '14-clamped-service-page');

  // The platform page's workloads table.
  await page.getByRole('link', { name: 'Autoscaling' }).first().click();
  const fleetRow = page
    .getByRole('table', { name: 'Services' })
    .getByRole('row')
    .filter({ hasText: 'storefront-web' });
  await fleetRow.getByTestId('workload-clamp-chip').waitFor();
  assert.match(await fleetRow.textContent(), /Clamped: at max/);
  await fleetRow.scrollIntoViewIfNeeded();
  await screenshot(page, '14-clamped-fleet-table');

  // The tenant page.
  await page.goto(`${APP_URL}/catalog/default/group/acme/autoscaling`);
  const tenantRow = page
    .getByRole('table', { name: 'Services' })
    .getByRole('row')
    .filter({ hasText: 'storefront-web' });
  await tenantRow.getByTestId('workload-clamp-chip').waitFor();
  assert.match(await tenantRow.textContent(), /Clamped: at max/);
  await tenantRow.scrollIntoViewIfNeeded();
  await screenshot(page, '14-clamped-tenant-page');
  // The tenant's trends (replicas against the quota, spend against the budget) and its next 24 h.
  const trends = page.getByTestId('tenant-trends-card');
  await trends
    .getByRole('figure', { name: 'Spend rate against the budget' })
    .waitFor();
  assert.match(
    await trends.textContent(),
    /Replicas: \d+ now, at most \d+ \(quota 60/,
  );
  await trends.scrollIntoViewIfNeeded();
  await trends.screenshot({
    path: join(SCREENSHOT_DIR, '14-tenant-trends-card.png'),
  });
  const next = page.getByTestId('tenant-forecast-card');
  await next.getByTestId('tenant-forecast-summary').waitFor();
  await next.scrollIntoViewIfNeeded();
  await next.screenshot({
    path: join(SCREENSHOT_DIR, '14-tenant-next-24-hours.png'),
  });
  await context.close();
});
