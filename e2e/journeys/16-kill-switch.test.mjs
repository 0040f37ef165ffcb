// Journey: the kill switch is visible where owners look. pat (platform admin) stops all scaling
// on the platform page; bob (service owner) opens checkout-api from the catalog and sees the
// banner, a mode that is not "Automatic", and Scale disabled with the reason. pat resumes
// scaling at the end, whatever happens.
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
  await setKillSwitch(false).catch(error =>
    console.error('could not resume scaling:', error),
  );
  await browser?.close();
});

/** pat flips the switch on the platform page (no-op when it is already in that state). */
async function setKillSwitch(on) {
  const { page, context } = await signInAs(browser, 'pat');
  try {
    await page.getByRole('link', { name: 'Autoscaling' }).first().click();
    await page.getByRole('tab', { name: 'Kill switch' }).click();
    const card = page.getByTestId('kill-switch');
    await card.waitFor();
    const label = on ? 'Stop all scaling' : 'Resume scaling';
    const button = card.getByRole('button', { name: label });
    if (!(await button.count())) return;
    await page.waitForFunction(() =>
      document.querySelector(
        '[data-testid="kill-switch"] input:not([disabled])',
      ),
    );
    await card
      .getByRole('textbox', { name: 'Reason' })
      .fill(on ? 'journey 16: incident drill' : 'journey 16: drill over');
    await button.click();
    await card
      .getByRole('button', { name: on ? 'Resume scaling' : 'Stop all scaling' })
      .waitFor();
  } finally {
    await context.close();
  }
}

test('while the kill switch is on, a service page says so and Scale is disabled with the reason', async () => {
  await setKillSwitch(true);

  const { page, context } = await signInAs(browser, 'bob');
  await page.goto(`${APP_URL}/catalog`);
  await page.getByRole('link', { name: 'checkout-api', exact: true }).click();
  await page.getByRole('tab', { name: 'Autoscaling' }).click();
  const banner = page.getByTestId('kill-switch-banner');
  await banner.waitFor();
  assert.match(
    await banner.textContent(),
    /The global kill switch is on since .* \(turned on by user:default\/pat\): the engine changes no replicas and manual scaling is refused\. Reason: journey 16: incident drill/,
  );
  const mode = page.getByTestId('mode-chip');
  assert.equal(await mode.textContent(), 'Mode: Paused by the kill switch');
  const scale = page.getByRole('button', { name: 'Scale or roll back' });
  assert.equal(await scale.isDisabled(), true);
  assert.match(
    await scale.getAttribute('aria-description'),
    /kill switch is on/,
  );
  await screenshot(page, '16-kill-switch-service-page');
  await context.close();
});
