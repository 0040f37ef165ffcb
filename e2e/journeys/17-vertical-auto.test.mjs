// Journey: vertical Auto acts. ivan (initech's tenant admin) opens intranet-web from the catalog:
// its right-sizing card recommends a CPU request well under the 250m it asks for, with high
// confidence from the first minutes (the recommender is seeded from the simulator's 14-day
// Prometheus past), and vertical mode Off. He sets vertical mode Auto for CPU only in the
// service's policy; at the next evaluations the engine lowers the request (a rolling update of
// the pod template on the demo's Kubernetes 1.31) and the card says what it did and when.
// The card is screenshotted before and after. intranet-web is used by no other journey.
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

const SERVICE = 'intranet-web';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** The right-sizing card: the nearest element around the table that holds the card's title. */
function rightSizingCard(page) {
  return page
    .getByRole('table', { name: 'Vertical recommendations' })
    .locator(
      'xpath=ancestor::*[.//*[normalize-space(text())="Right-sizing recommendations"]][1]',
    );
}

function cpuRow(page) {
  return page.locator('[data-testid^="rightsizing-"][data-testid$="-cpu"]');
}

/**
 * Waits for `locator` on the page, reloading it every 10 s (the card itself polls once a
 * minute), for at most 3 minutes.
 */
async function reloadUntil(page, locator, what) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const shown = await locator
      .first()
      .waitFor({ timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
    if (shown) return;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await page.reload();
  }
}

async function cardScreenshot(page, file) {
  const card = rightSizingCard(page);
  await card.scrollIntoViewIfNeeded();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await card.screenshot({ path: join(SCREENSHOT_DIR, file) });
}

async function setVerticalAuto(page) {
  await page.getByRole('tab', { name: 'Policy' }).click();
  await page.getByLabel('Cooldown (s)', { exact: true }).waitFor();
  // Enabled once the permission check answers.
  await page.waitForFunction(() => {
    const input = document.querySelector('[id="policy-cooldownSeconds"]');
    return input && !input.disabled;
  });
  await page.getByRole('combobox', { name: 'Vertical mode' }).click();
  await page.getByRole('option', { name: 'Auto (apply)' }).click();
  await page.getByRole('combobox', { name: 'Controlled resources' }).click();
  await page.getByRole('option', { name: 'CPU only' }).click();
  await page.getByRole('button', { name: 'Review and save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review policy change' });
  await dialog.waitFor();
  await dialog
    .getByLabel('Reason for the change')
    .fill('journey 17: right-size the intranet CPU');
  await dialog.getByRole('button', { name: 'Save and apply' }).click();
  const outcome = page.getByTestId('save-outcome');
  await outcome.waitFor();
  assert.match(await outcome.textContent(), /Saved and applied/);
}

test('vertical Auto lowers an over-requested CPU request and the right-sizing card says so', async () => {
  const { page, context } = await signInAs(browser, 'ivan');
  try {
    await openFromCatalog(page, SERVICE);

    // Before: a confident recommendation well under the request, nothing written (mode Off).
    const row = cpuRow(page);
    // The engine's first evaluation after the portal starts may still be on its way.
    await reloadUntil(page, row, 'the right-sizing card with a CPU row');
    const before = await row.textContent();
    assert.match(before, /250m → \d+m/);
    const recommended = Number(before.match(/250m → (\d+)m/)[1]);
    assert.ok(
      recommended < 225,
      `recommended ${recommended}m, expected more than 10% under 250m`,
    );
    assert.match(before, /High \(/);
    assert.match(
      await page.getByTestId('rightsizing-mode').textContent(),
      /Vertical mode Off: the recommendations are advice, nothing is written/,
    );
    assert.equal(await page.getByTestId('rightsizing-action').count(), 0);
    await cardScreenshot(page, '17-vertical-auto-before.png');

    await setVerticalAuto(page);

    // After: the engine's next evaluations (every 15 s) apply it. The card polls once a
    // minute; a reload shows it at once.
    await page.getByRole('tab', { name: 'Autoscaling' }).click();
    const action = page
      .getByTestId('rightsizing-action')
      .filter({ hasText: /Cpu lowered from 250m to \d+m/ });
    await reloadUntil(
      page,
      action,
      'a vertical action on the card within 3 minutes of setting Auto',
    );
    const words = await action.first().textContent();
    assert.match(
      words,
      /^Cpu lowered from 250m to \d+m on \d+ \w{3}, \d\d:\d\d UTC, by a rolling update of the pod template$/,
    );
    const applied = Number(words.match(/to (\d+)m/)[1]);
    assert.ok(applied < 225, `applied ${applied}m`);
    assert.match(
      await page.getByTestId('rightsizing-mode').textContent(),
      /Vertical mode Auto: requests change when the recommendation moves by more than 10%, at most once an hour/,
    );
    // The row's current request follows once the new template is observed.
    await reloadUntil(
      page,
      cpuRow(page).filter({ hasText: `${applied}m →` }),
      `the card's current CPU request at ${applied}m`,
    );
    await cardScreenshot(page, '17-vertical-auto-after.png');
  } finally {
    await context.close();
  }
});
