// Journey: the catalog's own pages. From the catalog list a user opens a Component, and the
// Overview tab shows Backstage's About card (description, owner, system) with no error in it;
// the same for a System and a Resource. The About card reads the app's SCM integrations API
// (`scmIntegrationsApiRef`, registered in packages/app/src/apis.ts): without it every Overview
// tab shows "NotImplementedError: No implementation available for
// apiRef{integration.scmintegrations}" instead of the card.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL,
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

/** The About card of the entity page (a Backstage UI card: an <article> titled "About"). */
async function aboutCard(page) {
  const heading = page.getByRole('heading', { name: 'About', exact: true });
  const error = page
    .getByText(/No implementation available|NotImplementedError/)
    .first();
  await heading.or(error).first().waitFor();
  if (await error.isVisible())
    assert.fail(
      `the Overview tab shows an error instead of the About card: ${await error.textContent()}`,
    );
  return heading.locator('xpath=ancestor::article[1]');
}

/** The entity page content (header, tabs and cards) must not show an error anywhere. */
async function assertNoError(page, what) {
  const text = await page.locator('main').first().textContent();
  assert.doesNotMatch(
    text,
    /Error\b|No implementation available/,
    `${what}: the Overview tab shows an error:\n${text.slice(0, 800)}`,
  );
}

test('from the catalog, a Component Overview tab shows the About card without an error', async () => {
  const { page, context } = await signInAs(browser, 'bob');
  await page.goto(`${APP_URL}/catalog`);
  await page.getByRole('link', { name: 'checkout-api', exact: true }).click();
  await page.waitForURL(/\/catalog\/default\/component\/checkout-api$/);
  const overview = page.getByRole('tab', { name: 'Overview' });
  await overview.waitFor();
  assert.equal(
    await overview.getAttribute('aria-selected'),
    'true',
    'the Overview tab is the one shown',
  );

  const card = await aboutCard(page);
  await card.waitFor();
  // The owner link shows the ref until the owner entity is fetched, then its title.
  await card
    .getByText('Acme Checkout', { exact: true })
    .first()
    .waitFor()
    .catch(() => {});
  // textContent: the labels are upper-cased by CSS only.
  const text = await card.textContent();
  for (const expected of [
    'Description',
    'Checkout API: takes orders.',
    'Owner',
    'Acme Checkout',
    'System',
    'acme-shop',
    'Lifecycle',
    'production',
  ]) {
    assert.ok(
      text.includes(expected),
      `the About card shows ${expected}:\n${text}`,
    );
  }
  await assertNoError(page, 'checkout-api');
  await screenshot(page, '03-catalog-component-overview');
  await context.close();
});

test('the System and Resource Overview tabs show their About card without an error', async () => {
  const { page, context } = await signInAs(browser, 'bob');
  for (const [path, owner] of [
    ['system/acme-shop', 'Acme Corp (tenant)'],
    ['resource/sim-local', 'Platform Team'],
  ]) {
    await page.goto(`${APP_URL}/catalog/default/${path}`);
    const card = await aboutCard(page);
    await card.waitFor();
    // The owner link shows the ref ("acme") until the owner entity is fetched, then its title.
    await card
      .getByText(owner, { exact: true })
      .first()
      .waitFor()
      .catch(() => {});
    const text = await card.textContent();
    assert.ok(
      text.includes('Owner') && text.includes(owner),
      `${path}: the About card shows its owner ${owner}:\n${text}`,
    );
    await assertNoError(page, path);
  }
  await screenshot(page, '03-catalog-resource-overview');
  await context.close();
});
