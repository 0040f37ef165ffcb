// Journey: a tenant admin (alice) asks for more replicas than the tenant quota allows; the
// change goes pending with the guardrail named; alice cannot approve it; a platform engineer
// (pat) approves it with a comment after reading the diff; the policy then applies.
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
  await page.getByLabel('Max replicas', { exact: true }).waitFor();
  await page.waitForFunction(() => {
    const input = document.querySelector('[id="policy-maxReplicas"]');
    return input && !input.disabled;
  });
}

test('a change over a guardrail goes pending, pat approves it and it applies; the requester cannot', async () => {
  // acme's replica quota is 60 (catalog annotation): anything above crosses a guardrail.
  const maxReplicas = String(61 + (Date.now() % 30));
  const reason = `journey 12: peak season, max ${maxReplicas}`;

  const alice = await signInAs(browser, 'alice');
  await openPolicyTab(alice.page);
  await alice.page
    .getByLabel('Max replicas', { exact: true })
    .fill(maxReplicas);
  await alice.page.getByLabel('Max replicas', { exact: true }).blur();
  await alice.page.getByRole('button', { name: 'Review and save' }).click();
  const dialog = alice.page.getByRole('dialog', {
    name: 'Review policy change',
  });
  await dialog.waitFor();
  assert.match(
    await dialog.getByTestId('guardrail-notice').textContent(),
    /needs approval/,
  );
  await screenshot(alice.page, '12-approval-guardrail-notice');
  await dialog.getByLabel('Reason for the change').fill(reason);
  await dialog.getByRole('button', { name: 'Request approval' }).click();
  const outcome = alice.page.getByTestId('save-outcome');
  await outcome.waitFor();
  assert.match(await outcome.textContent(), /Sent for approval/);
  const requestId = /Change request (\S+) is pending/.exec(
    await outcome.textContent(),
  )?.[1];
  assert.ok(requestId, 'the outcome names the change request');

  // The requester cannot approve (no approve permission, and never their own request).
  await openPlatformPage(alice.page);
  await alice.page.getByRole('tab', { name: 'Approvals' }).click();
  const ownCard = alice.page.getByTestId(`change-request-${requestId}`);
  await ownCard.waitFor();
  assert.equal(
    await ownCard.getByRole('button', { name: 'Approve' }).isDisabled(),
    true,
  );
  assert.ok(
    await ownCard
      .locator('[data-disabled-reason]')
      .first()
      .getAttribute('data-disabled-reason'),
  );
  await screenshot(alice.page, '12-approval-requester-cannot-approve');
  await alice.context.close();

  // pat approves with a comment after reading the diff.
  const pat = await signInAs(browser, 'pat');
  await openPlatformPage(pat.page);
  await pat.page.getByRole('tab', { name: 'Approvals' }).click();
  const card = pat.page.getByTestId(`change-request-${requestId}`);
  await card.waitFor();
  await card
    .getByRole('table', { name: 'Policy changes' })
    .getByText('Max replicas', { exact: true })
    .waitFor();
  await card.getByLabel('Comment').fill('approved for peak season');
  await screenshot(pat.page, '12-approval-queue-before-approve');
  const approve = card.getByRole('button', { name: 'Approve' });
  await pat.page.waitForFunction(id => {
    const el = document.querySelector(`[data-testid="change-request-${id}"]`);
    const button = [...(el?.querySelectorAll('button') ?? [])].find(
      b => b.textContent === 'Approve',
    );
    return button && !button.disabled;
  }, requestId);
  await approve.click();
  await card.waitFor({ state: 'detached' });
  await pat.page.getByRole('button', { name: 'Applied' }).click();
  await pat.page.getByTestId(`change-request-${requestId}`).waitFor();
  await screenshot(pat.page, '12-approval-applied');

  // It applies: the service level now holds the approved maximum.
  await openPolicyTab(pat.page).catch(() => {});
  await pat.page.getByLabel('Max replicas', { exact: true }).waitFor();
  assert.equal(
    await pat.page.getByLabel('Max replicas', { exact: true }).inputValue(),
    maxReplicas,
  );
  await pat.context.close();
});
