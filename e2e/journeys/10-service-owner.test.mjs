// Journey: a service owner (bob, acme-checkout) opens checkout-api's Autoscaling tab from the
// catalog and reads
// what the service is doing and why: replicas and mode, the timeline, metrics against targets,
// the forecast, recent decisions with reasons, right-sizing and the cost card.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
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

test('a service owner reads the scaling state, forecast and cost of a service', async () => {
  const { page, context } = await signInAs(browser, 'bob');
  // From the catalog, as bob would: his team owns checkout-api.
  await openFromCatalog(page, 'checkout-api');

  const header = page.getByTestId('scaling-header');
  await header.waitFor();
  assert.match(
    await header.textContent(),
    /Mode: (Automatic|Dry run|Forecast only|Off)/,
  );
  const current = await page.getByTestId('replicas-current').textContent();
  assert.match(current, /^\d+current/);
  assert.match(await page.getByTestId('replicas-max').textContent(), /^\d+max/);

  // Every card is present with data, an empty state or an error, never blank.
  for (const title of [
    'Metrics vs targets',
    'Forecast',
    'Recent decisions',
    'Right-sizing recommendations',
    'Cost',
  ]) {
    await page.getByText(title, { exact: true }).first().waitFor();
  }
  // The timeline's title says the span it really shows: "… the last 24 hours" or "… the last 3 min (all the history so far)".
  await page
    .getByText(/^(Replicas over the last .+|Replica history)$/)
    .first()
    .waitFor();
  await page
    .getByRole('figure', { name: 'Replica timeline' })
    .or(page.getByText('No history yet'))
    .first()
    .waitFor();
  // The forecast shows its chart or says why there is none yet (short history).
  await page
    .getByRole('figure', { name: 'Demand forecast' })
    .or(page.getByText(/No model yet|No forecast yet/))
    .first()
    .waitFor();
  await page.getByTestId('cost-card').waitFor();
  // The cost card shows money (the backend prices every evaluation), not an error or an empty state.
  const hourly = page.getByTestId('cost-hourly');
  await hourly.waitFor();
  assert.match(await hourly.textContent(), /(?:[$€£]|USD|EUR)\s?\d[\d.,]*\/h/);
  assert.match(
    await page.getByTestId('cost-projected').textContent(),
    /(?:[$€£]|USD|EUR)\s?\d/,
  );
  // Give the cost card and decisions a moment to settle before the screenshot.
  await page.waitForLoadState('networkidle').catch(() => {});
  await screenshot(page, '10-service-owner-state');
  // The page scrolls inside Backstage's content area, so bring each card into view for its shot.
  await page
    .getByText('Forecast', { exact: true })
    .first()
    .scrollIntoViewIfNeeded();
  await page.getByTestId('cost-card').scrollIntoViewIfNeeded();
  await screenshot(page, '10-service-owner-forecast-cost');
  await page
    .getByText('Recent decisions', { exact: true })
    .first()
    .scrollIntoViewIfNeeded();
  await screenshot(page, '10-service-owner-decisions-rightsizing');

  // Decisions read as sentences with reasons.
  const decisions = page.getByRole('list', { name: 'Recent decisions' });
  if (await decisions.count()) {
    assert.match(await decisions.first().textContent(), /(Scaled|Kept|Wanted)/);
  }
  await context.close();
});
