// Journey: a service owner (bob) starts from the catalog, opens checkout-api, its Autoscaling
// tab, and reads the forecast: on a freshly started portal (14 days of simulated history), the
// Forecast card shows the 80% band and a sentence saying what the forecast means for the
// service within 3 minutes. Runs second (after the smoke journey) so "3 minutes" is counted
// from close to the portal's readiness.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  APP_URL,
  SCREENSHOT_DIR,
  launchBrowser,
  screenshot,
  signInAs,
} from '../lib/browser.mjs';

const WAIT_MS = 180_000;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test(
  'checkout-api’s Forecast card shows a band and a sentence within 3 minutes',
  { timeout: WAIT_MS + 120_000 },
  async () => {
    const started = Date.now();
    const { page, context } = await signInAs(browser, 'bob');

    // From the catalog, like a person: the list may open on "Owned"; checkout-api is bob's team's.
    await page.goto(`${APP_URL}/catalog`);
    const link = page
      .getByRole('link', { name: 'checkout-api', exact: true })
      .first();
    try {
      await link.waitFor({ timeout: 15_000 });
    } catch {
      await page.getByText('All', { exact: true }).first().click();
      await link.waitFor();
    }
    await link.click();
    await page.getByRole('tab', { name: 'Autoscaling' }).click();
    assert.match(
      page.url(),
      /\/catalog\/default\/component\/checkout-api\/autoscaling$/,
    );

    // The card polls its forecast; wait until it has a model with a band (no reloads needed).
    const card = page.locator('[class*="MuiCard-root"]').filter({
      has: page.getByRole('heading', { name: 'Forecast', exact: true }),
    });
    await card.first().waitFor();
    const figure = card.getByRole('figure', { name: 'Demand forecast' });
    const headline = card.getByTestId('forecast-headline');
    let lastSeen = '';
    while (true) {
      if ((await figure.count()) && (await headline.count())) {
        const caption = await figure.textContent();
        if (/80% band \d/.test(caption)) break;
        lastSeen = `figure without band: ${caption}`;
      } else if (await card.count()) {
        lastSeen = (await card.first().textContent()) ?? '';
      }
      assert.ok(
        Date.now() - started < WAIT_MS,
        `the Forecast card showed no band within 3 minutes; it said: ${lastSeen.slice(
          0,
          600,
        )}`,
      );
      await page.waitForTimeout(5_000);
    }
    console.log(
      `Forecast with band after ${Math.round((Date.now() - started) / 1000)} s`,
    );

    // The band is drawn (not only described), and the card says what it means in one sentence.
    assert.ok(
      (await figure.locator('.recharts-area-area').count()) > 0,
      'the band is drawn',
    );
    assert.equal(await card.getByText('No band yet').count(), 0);
    const sentence = await headline.textContent();
    assert.match(sentence, /^Expected peak [\d.,]+ \S+ at \d\d:\d\d[;,] .+\.$/);
    assert.match(
      await card.getByTestId('forecast-floor').textContent(),
      /^(Applied|Capped|Reported only|Reactive only): /,
    );
    assert.match(
      await card.getByTestId('forecast-accuracy').textContent(),
      /repeating yesterday|band|not measured yet/,
    );
    // Observed demand of the last 48 h is in the chart too.
    assert.match(
      await figure.textContent(),
      /Observed demand over the last 48 hours: between/,
    );

    await page.waitForLoadState('networkidle').catch(() => {});
    await card.first().scrollIntoViewIfNeeded();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await card
      .first()
      .screenshot({ path: join(SCREENSHOT_DIR, '02-forecast-card.png') });
    await screenshot(page, '02-forecast-autoscaling-tab');
    await context.close();
  },
);
