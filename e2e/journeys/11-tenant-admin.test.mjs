// Journey: a tenant admin (alice, acme) changes checkout-api's policy within the guardrails,
// sees the diff and "applies as soon as you save", saves with a reason, sees it applied (new
// version, effective policy from the service level) and a platform engineer finds it in the audit log.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser,
  openFromCatalog,
  openPlatformPage,
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

async function openPolicyTab(page) {
  await openFromCatalog(page, 'checkout-api');
  await page.getByRole('tab', { name: 'Policy' }).click();
  const field = page.getByLabel('Cooldown (s)', { exact: true });
  await field.waitFor();
  // Enabled once the permission check answers.
  await page.waitForFunction(() => {
    const input = document.querySelector('[id="policy-cooldownSeconds"]');
    return input && !input.disabled;
  });
  return field;
}

test('a tenant admin edits a policy within guardrails and sees it applied and audited', async () => {
  const cooldown = String(30 + (Date.now() % 240));
  const reason = `journey 11: cooldown ${cooldown}s`;

  const { page, context } = await signInAs(browser, 'alice');
  const field = await openPolicyTab(page);
  await field.fill(cooldown);
  await field.blur();
  await page.getByRole('button', { name: 'Review and save' }).click();

  const dialog = page.getByRole('dialog', { name: 'Review policy change' });
  await dialog.waitFor();
  await dialog
    .getByRole('table', { name: 'Policy changes' })
    .getByText('Cooldown', { exact: true })
    .waitFor();
  assert.match(
    await dialog.getByTestId('guardrail-notice').textContent(),
    /Within guardrails/,
  );
  await screenshot(page, '11-tenant-admin-diff-within-guardrails');
  await dialog.getByLabel('Reason for the change').fill(reason);
  await dialog.getByRole('button', { name: 'Save and apply' }).click();

  const outcome = page.getByTestId('save-outcome');
  await outcome.waitFor();
  assert.match(
    await outcome.textContent(),
    /Saved and applied: the policy is now at version \d+/,
  );

  // Applied: after a reload the field holds the value and the effective policy names the service level.
  await openPolicyTab(page);
  assert.equal(
    await page.getByLabel('Cooldown (s)', { exact: true }).inputValue(),
    cooldown,
  );
  // The effective policy is in words: "Cooldown | 2 min 5 s | service".
  const row = page
    .getByRole('table', { name: 'Effective policy' })
    .getByRole('row')
    .filter({ hasText: 'Cooldown' });
  await row.waitFor();
  const secs = Number(cooldown);
  const minutes =
    secs % 60
      ? `${Math.floor(secs / 60)} min ${secs % 60} s`
      : `${secs / 60} min`;
  const words = secs < 60 ? `${secs} s` : minutes;
  assert.match(await row.textContent(), new RegExp(`${words}service`));
  await screenshot(page, '11-tenant-admin-policy-applied');
  await context.close();

  // Audited: the platform team sees alice's change in the audit log.
  const platform = await signInAs(browser, 'pat');
  await openPlatformPage(platform.page);
  await platform.page.getByRole('tab', { name: 'Audit log' }).click();
  await platform.page.getByLabel('Actor').fill('user:default/alice');
  const events = platform.page.getByRole('table', { name: 'Audit events' });
  await events.getByText(reason).first().waitFor();
  await platform.page.getByTestId('audit-verification').waitFor();
  await screenshot(platform.page, '11-platform-audit-log');
  await platform.context.close();
});
