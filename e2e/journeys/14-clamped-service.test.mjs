// Journey: a saturated service says it is clamped. The simulator drives storefront-web's
// demand far above what its maximum of 12 replicas can carry (PUT /sim/demand); the engine asks
// for more and is held at the maximum. A tenant admin (alice) opens the service from the
// catalog and sees the clamp on the service page (banner, decision, metrics card, no savings
// offered), in the platform page's workloads table and on the tenant page. The demand override
// is removed at the end, whatever happens.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, launchBrowser, screenshot, signInAs } from '../lib/browser.mjs';

const SIM_URL = process.env.CLUSTER_SIM_URL ?? 'http://127.0.0.1:6550';
const DEMAND = `${SIM_URL}/sim/demand/acme-production/storefront-web`;
const ADMIN = { Authorization: 'Bearer admin-token', 'Content-Type': 'application/json' };

let browser;
before(async () => {
  browser = await launchBrowser();
  // 80 rps per pod: 4,000 rps needs 50 pods, far above the maximum of 12.
  const response = await fetch(DEMAND, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ rps: 4000 }) });
  assert.equal(response.status, 200, `the simulator takes the demand override: ${await response.text()}`);
});
after(async () => {
  await fetch(DEMAND, { method: 'DELETE', headers: ADMIN }).catch(() => {});
  await browser?.close();
});

/** Reloads until `locator` shows (the engine evaluates every 15 s and rate-limits scale-up). */
async function reloadUntil(page, locator, timeoutMs = 240_000) {
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
  assert.match(await banner.textContent(), /^Clamped at the maximum of 12 replicas; the engine asked for \d+\./);
  // The latest decision says it was clamped, not "no change needed".
  const decisions = page.getByRole('list', { name: 'Recent decisions' });
  await decisions.getByTestId('decision-clamp-chip').first().waitFor();
  assert.match(await decisions.textContent(), /clamped by the maximum replicas; the engine asked for \d+/);
  // The metrics card does not promise replicas the engine cannot add.
  const cpu = page.getByTestId('metric-cpu');
  await cpu.waitFor();
  const cpuText = await cpu.textContent();
  if (/Above target/.test(cpuText)) assert.match(cpuText, /cannot add replicas: it is clamped at its maximum of 12 replicas/);
  assert.doesNotMatch(cpuText, /the engine adds replicas/);
  // No savings on an under-provisioned service.
  const savings = page.getByTestId('cost-savings');
  await savings.waitFor();
  assert.match(await savings.textContent(), /None.*under-provisioned/);
  await page.waitForLoadState('networkidle').catch(() => {});
  await screenshot(page, '14-clamped-service-page');

  // The platform page's workloads table.
  await page.getByRole('link', { name: 'Autoscaling' }).first().click();
  const fleetRow = page.getByRole('table', { name: 'Services' }).getByRole('row').filter({ hasText: 'storefront-web' });
  await fleetRow.getByTestId('workload-clamp-chip').waitFor();
  assert.match(await fleetRow.textContent(), /Clamped: at max/);
  await fleetRow.scrollIntoViewIfNeeded();
  await screenshot(page, '14-clamped-fleet-table');

  // The tenant page.
  await page.goto(`${APP_URL}/catalog/default/group/acme/autoscaling`);
  const tenantRow = page.getByRole('table', { name: 'Services' }).getByRole('row').filter({ hasText: 'storefront-web' });
  await tenantRow.getByTestId('workload-clamp-chip').waitFor();
  assert.match(await tenantRow.textContent(), /Clamped: at max/);
  await tenantRow.scrollIntoViewIfNeeded();
  await screenshot(page, '14-clamped-tenant-page');
  await context.close();
});
