// Smoke journey: the portal loads, a demo user signs in, opens a service and sees
// the Autoscaling tab beside the Kubernetes tab.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, launchBrowser, screenshot, signInAs } from '../lib/browser.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a service owner signs in and opens the Autoscaling tab of a service', async () => {
  const { page, context } = await signInAs(browser, 'bob');
  await page.goto(`${APP_URL}/catalog/default/component/checkout-api`);
  await page.getByRole('tab', { name: 'Kubernetes' }).waitFor();
  const tab = page.getByRole('tab', { name: 'Autoscaling' });
  await tab.click();
  assert.match(page.url(), /\/catalog\/default\/component\/checkout-api\/autoscaling$/);
  await page.getByText(/checkout-api/).first().waitFor();
  await screenshot(page, 'smoke-service-autoscaling-tab');
  await context.close();
});
