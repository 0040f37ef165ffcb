// Journey: a stale change request. alice (tenant admin) asks for more replicas than acme's
// quota allows (pending, made against the current version), then changes the same policy
// within guardrails (a new version). pat (platform approver) sees the first request marked
// stale before clicking, approves it anyway, and sees the refusal as an error that stays on
// screen; the request is listed under Superseded as the version check's doing, not pat's. pat
// rejects a second, fresh request and sees that outcome too.
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

async function openPolicyTab(page) {
  await page.goto(`${APP_URL}/catalog`);
  // The catalog opens on "Owned"; the service belongs to another team.
  await page.getByTestId('user-picker-all').click();
  await page.getByRole('link', { name: 'checkout-api', exact: true }).click();
  await page.getByRole('tab', { name: 'Autoscaling' }).click();
  await page.getByRole('tab', { name: 'Policy' }).click();
  await page.getByLabel('Max replicas', { exact: true }).waitFor();
  await page.waitForFunction(() => {
    const input = document.querySelector('[id="policy-maxReplicas"]');
    return input && !input.disabled;
  });
}

/** Saves one field's new value through the review dialog; returns the outcome's text. */
async function save(page, label, value, reason) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.blur();
  await page.getByRole('button', { name: 'Review and save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review policy change' });
  await dialog.waitFor();
  await dialog.getByLabel('Reason for the change').fill(reason);
  await dialog
    .getByRole('button', { name: /Request approval|Save and apply/ })
    .click();
  const outcome = page.getByTestId('save-outcome');
  await outcome.waitFor();
  return outcome.textContent();
}

async function waitEnabled(page, requestId, name) {
  await page.waitForFunction(
    ([id, label]) => {
      const el = document.querySelector(`[data-testid="change-request-${id}"]`);
      const button = [...(el?.querySelectorAll('button') ?? [])].find(
        b => b.textContent === label,
      );
      return button && !button.disabled;
    },
    [requestId, name],
  );
}

test('a stale request is marked before approval, and each approve and reject shows its outcome', async () => {
  const stamp = Date.now();
  const alice = await signInAs(browser, 'alice');
  await openPolicyTab(alice.page);
  // Above acme's quota (60) and above the max in force (journey 12 may have approved up to 90):
  // guardrails measure from the last approved value, so only a rise past it goes pending.
  const inForce = Number(
    await alice.page.getByLabel('Max replicas', { exact: true }).inputValue(),
  );
  const above = Math.max(inForce, 60);
  const first = await save(
    alice.page,
    'Max replicas',
    String(above + 5 + (stamp % 10)),
    `journey 15: stale ${stamp}`,
  );
  const staleId = /Change request (\S+) is pending/.exec(first)?.[1];
  assert.ok(staleId, `the first change goes pending: ${first}`);
  // The same policy moves on within guardrails: the request above is now stale.
  await openPolicyTab(alice.page);
  const second = await save(
    alice.page,
    'Cooldown (s)',
    String(30 + (stamp % 240)),
    `journey 15: cooldown ${stamp}`,
  );
  assert.match(second, /Saved and applied/);
  // A fresh request against the new version, for pat to reject.
  await openPolicyTab(alice.page);
  const third = await save(
    alice.page,
    'Max replicas',
    String(above + 20 + (stamp % 10)),
    `journey 15: fresh ${stamp}`,
  );
  const freshId = /Change request (\S+) is pending/.exec(third)?.[1];
  assert.ok(freshId, `the third change goes pending: ${third}`);
  await alice.context.close();

  const pat = await signInAs(browser, 'pat');
  await pat.page.getByRole('link', { name: 'Autoscaling' }).first().click();
  await pat.page.getByRole('tab', { name: 'Approvals' }).click();
  const staleCard = pat.page.getByTestId(`change-request-${staleId}`);
  const freshCard = pat.page.getByTestId(`change-request-${freshId}`);
  // Marked before anyone clicks.
  await staleCard.getByTestId('stale-notice').waitFor();
  assert.match(
    await staleCard.getByTestId('stale-notice').textContent(),
    /Stale: requested against version \d+ of this policy, which is now at version \d+/,
  );
  await freshCard.waitFor();
  assert.equal(await freshCard.getByTestId('stale-notice').count(), 0);
  await staleCard.scrollIntoViewIfNeeded();
  await screenshot(pat.page, '15-stale-request-marked');

  // Approving it anyway: refused, and the refusal stays on screen with its cause.
  await staleCard
    .getByLabel('Comment')
    .fill('journey 15: approve the stale one');
  await waitEnabled(pat.page, staleId, 'Approve');
  await staleCard.getByRole('button', { name: 'Approve' }).click();
  const outcomes = pat.page.getByTestId('change-request-outcome');
  await outcomes.filter({ hasText: 'Not approved' }).waitFor();
  assert.match(
    await outcomes.first().textContent(),
    /Not approved: .*superseded and cannot be approved\. It is listed under Superseded/,
  );
  await staleCard.waitFor({ state: 'detached' });
  await screenshot(pat.page, '15-stale-approval-refused');

  // Rejecting the fresh one: its outcome shows too.
  await freshCard.getByLabel('Comment').fill('journey 15: not this quarter');
  await waitEnabled(pat.page, freshId, 'Reject');
  await freshCard.getByRole('button', { name: 'Reject' }).click();
  await outcomes.filter({ hasText: 'Rejected:' }).waitFor();
  assert.equal(await outcomes.count(), 2, 'both outcomes stay on screen');

  // Superseded by the version check, not by pat.
  await pat.page.getByRole('button', { name: 'Superseded' }).click();
  const superseded = pat.page.getByTestId(`change-request-${staleId}`);
  await superseded.waitFor();
  const text = await superseded.textContent();
  assert.match(text, /Superseded by the policy version check on/);
  assert.doesNotMatch(text, /superseded by user:default\/pat/);
  await screenshot(pat.page, '15-superseded-by-version-check');
  await pat.context.close();
});
