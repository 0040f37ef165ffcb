// Journey: gina (globex tenant admin) opens acme's checkout-api from the catalog. She can read
// it, but every control that would change it is disabled with the reason (manual scale and the
// policy editor), and its cost is not hers to see: the cost card says who may see it. acme's
// tenant page shows her none of acme's cost, spend or budget either.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_URL,
  SCREENSHOT_DIR,
  launchBrowser,
  openFromCatalog,
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

test('a user of another tenant cannot edit: controls are disabled with the reason', async () => {
  const { page, context } = await signInAs(browser, 'gina');
  await openFromCatalog(page, 'checkout-api');
  await page.getByTestId('scaling-header').waitFor();

  // Manual scale: disabled, and the wrapper carries the reason (also shown as a tooltip).
  const reasonHolder = page.locator('[data-disabled-reason*="cannot scale"]');
  await reasonHolder.waitFor();
  assert.equal(
    await page.getByRole('button', { name: 'Scale or roll back' }).isDisabled(),
    true,
  );
  await reasonHolder.hover();
  await page
    .getByRole('tooltip')
    .filter({ hasText: 'cannot scale this service' })
    .waitFor();
  await screenshot(page, '13-other-tenant-scale-disabled');
  // Cost: acme's, not hers (autoscaling.cost.read): the card says who may see it.
  const costNotice = page
    .getByTestId('cost-card')
    .getByTestId('cost-not-allowed');
  await costNotice.waitFor();
  assert.match(
    await costNotice.textContent(),
    /Cost is visible to members of tenant acme and the platform team/,
  );
  // The card itself: a page screenshot stops at the first screen of the scrolling content.
  await costNotice.scrollIntoViewIfNeeded();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.getByTestId('cost-card').screenshot({
    path: join(SCREENSHOT_DIR, '13-other-tenant-cost-not-visible.png'),
  });

  // Policy editor: read-only with the reason.
  await page.getByRole('tab', { name: 'Policy' }).click();
  const notice = page.getByTestId('policy-read-only');
  await notice.waitFor();
  assert.match(await notice.textContent(), /cannot edit this policy/);
  await page.waitForFunction(
    () =>
      document.querySelector('[id="policy-maxReplicas"]')?.disabled === true,
  );
  assert.equal(
    await page.getByRole('button', { name: 'Review and save' }).isDisabled(),
    true,
  );
  await screenshot(page, '13-other-tenant-policy-read-only');

  // acme's tenant page: no cost, spend or budget of acme; the notice says who sees them.
  await page.goto(`${APP_URL}/catalog/default/group/acme/autoscaling`);
  const content = page.getByTestId('tenant-autoscaling-content');
  await content.getByTestId('cost-not-allowed').waitFor();
  assert.equal(await content.getByTestId('cost-card').count(), 0);
  assert.equal(await content.getByTestId('tenant-trends-spend').count(), 0);
  assert.doesNotMatch(await content.textContent(), /\$\d/);
  await screenshot(page, '13-other-tenant-tenant-page-no-cost');
  await context.close();
});
