// Journey: accessibility. axe-core (through @axe-core/playwright) scans every screen of the
// plugin in the running portal: the service Autoscaling tab (and its manual-scale dialog), the
// tenant Group's overview card and Autoscaling tab, the policy editor (and its review dialog),
// and the platform page with each of its tabs. No violation of impact serious or critical may
// come from our plugin.
//
// Scope: the assertion scans only what the plugin renders (`.include()` of our content roots);
// Backstage's own chrome around it (sidebar, entity header and tabs) is scanned too, as a
// whole page, but only reported (printed and kept in artifacts/a11y/), because we do not own it.
// On the platform page the whole <main> is ours (the plugin renders the Page and its Header).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {
  APP_URL,
  SCREENSHOT_DIR,
  launchBrowser,
  screenshot,
  signInAs,
} from '../lib/browser.mjs';

const BLOCKING = new Set(['serious', 'critical']);
const REPORT_DIR = join(SCREENSHOT_DIR, '..', 'a11y');
const CURRENCY = /(?:[$€£]|USD|EUR)\s?\d/;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** One line per violation, then one per node: readable in a failing assertion. */
function describe(violations) {
  return violations
    .map(v =>
      [
        `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map(
          n =>
            `      at ${n.target.join(' ')}\n         ${n.html.slice(
              0,
              160,
            )}\n         ${(n.failureSummary ?? '')
              .split('\n')
              .join(' ')
              .slice(0, 300)}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * Waits until the open dialog has finished its enter transition. MUI fades a dialog in over
 * ~225 ms (opacity 0 to 1 on its container); axe blends a text colour with the opacity of its
 * ancestors, so a scan during the fade reports text that is fine when shown (the "Policy
 * changes" headers are #6e6e6e on white, 5.09:1) as low contrast.
 */
async function waitForDialogShown(page) {
  await page.waitForFunction(() => {
    const dialog = document.querySelector('[role="dialog"]');
    if (!dialog) return false;
    for (let el = dialog; el; el = el.parentElement) {
      if (getComputedStyle(el).opacity !== '1') return false;
    }
    return true;
  });
}

/**
 * Scans the plugin's content (`include`) and, for the record, the whole page. Asserts no
 * serious or critical violation in our content; writes both results and a screenshot.
 */
async function audit(page, name, include) {
  // Let queries settle so the scan sees data, not spinners.
  await page.waitForLoadState('networkidle').catch(() => {});
  await page
    .locator('[aria-label="Loading"]')
    .first()
    .waitFor({ state: 'detached', timeout: 30_000 })
    .catch(() => {});
  // A colour mid-transition is neither the old nor the new one: the kill switch's Reason label
  // was scanned at #787878 (4.41:1) on its way from disabled (#9e9e9e) to enabled (#666666,
  // 5.74:1) once the permission check answered. Finite animations only: a spinner never ends.
  // At most 3 s: a page whose charts animate again on every refresh scans as before.
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            a =>
              a.playState !== 'running' ||
              a.effect?.getComputedTiming().iterations === Infinity,
          ),
      undefined,
      { timeout: 3_000 },
    )
    .catch(() => {});
  let scoped = new AxeBuilder({ page });
  for (const selector of include) scoped = scoped.include(selector);
  const ours = await scoped.analyze();
  const whole = await new AxeBuilder({ page }).analyze();

  const ourTargets = new Set(
    ours.violations.flatMap(v =>
      v.nodes.map(n => `${v.id} ${n.target.join(' ')}`),
    ),
  );
  const chrome = whole.violations
    .map(v => ({
      ...v,
      nodes: v.nodes.filter(
        n => !ourTargets.has(`${v.id} ${n.target.join(' ')}`),
      ),
    }))
    .filter(v => v.nodes.length > 0);
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(
    join(REPORT_DIR, `${name}.json`),
    JSON.stringify(
      {
        url: page.url(),
        include,
        ours: ours.violations,
        outsideOurContent: chrome,
      },
      null,
      2,
    ),
  );
  await screenshot(page, `20-a11y-${name}`);

  const blocking = ours.violations.filter(v => BLOCKING.has(v.impact));
  const minor = ours.violations.filter(v => !BLOCKING.has(v.impact));
  const chromeBlocking = chrome.filter(v => BLOCKING.has(v.impact));
  console.log(
    `[a11y] ${name}: ${ours.passes.length} rules pass in our content, ` +
      `${blocking.length} serious/critical, ${minor.length} minor/moderate` +
      (chromeBlocking.length
        ? `; outside our content (Backstage chrome): ${chromeBlocking
            .map(v => v.id)
            .join(', ')}`
        : ''),
  );
  if (minor.length) console.log(describe(minor));
  assert.ok(
    ours.passes.length > 0,
    `${name}: axe scanned nothing under ${include.join(', ')}`,
  );
  assert.equal(
    blocking.length,
    0,
    `${name}: serious/critical accessibility violations in the plugin's content:\n${describe(
      blocking,
    )}`,
  );
}

test('the service Autoscaling tab and its manual-scale dialog have no serious violations', async () => {
  const { page, context } = await signInAs(browser, 'bob');
  await page.goto(
    `${APP_URL}/catalog/default/component/checkout-api/autoscaling`,
  );
  await page.getByTestId('scaling-header').waitFor();
  await page
    .getByRole('figure', { name: 'Replica timeline' })
    .or(page.getByText('No history yet'))
    .first()
    .waitFor();
  await page.getByTestId('cost-card').waitFor();
  // Scan what bob works with: once the permission check has enabled his controls (a disabled
  // control's grey text is exempt from contrast rules, and not what he sees for long).
  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some(
      b => b.textContent === 'Scale or roll back' && !b.disabled,
    ),
  );
  await audit(page, 'service-autoscaling-tab', [
    '[data-testid="autoscaling-entity-content"]',
  ]);

  await page.getByRole('button', { name: 'Scale or roll back' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await waitForDialogShown(page);
  await audit(page, 'service-manual-scale-dialog', ['[role="dialog"]']);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await context.close();
});

test('the tenant Group page (overview card and Autoscaling tab) has no serious violations and shows cost', async () => {
  const { page, context } = await signInAs(browser, 'alice');
  await page.goto(`${APP_URL}/catalog/default/group/acme`);
  const card = page.getByTestId('tenant-autoscaling-card');
  await card.waitFor();
  await card.getByTestId('tenant-budget').waitFor();
  // The InfoCard (title and deep link) is ours too: scan from the card element around our content.
  // (Backstage's MUI 4 classes carry a suffix: MuiCard-root-123.)
  await card.evaluate(el =>
    el
      .closest('[class*="MuiCard-root"]')
      ?.setAttribute('data-axe-scope', 'tenant-card'),
  );
  await card.scrollIntoViewIfNeeded();
  await audit(page, 'tenant-overview-card', ['[data-axe-scope="tenant-card"]']);

  await page.goto(`${APP_URL}/catalog/default/group/acme/autoscaling`);
  const totals = page.getByTestId('tenant-budget');
  await totals.waitFor();
  // Spend against budget, in money, not an error or a dash.
  assert.match(await totals.textContent(), CURRENCY);
  assert.match(await page.getByTestId('tenant-mtd').textContent(), CURRENCY);
  assert.match(await page.getByTestId('cost-card').textContent(), CURRENCY);
  await audit(page, 'tenant-autoscaling-tab', [
    '[data-testid="tenant-autoscaling-content"]',
  ]);
  await page.getByTestId('tenant-replicas').scrollIntoViewIfNeeded();
  await screenshot(page, '20-tenant-cost-budget-totals');
  await page.getByTestId('cost-card').scrollIntoViewIfNeeded();
  await screenshot(page, '20-tenant-cost-card');
  await context.close();
});

test('the policy editor and its review dialog have no serious violations', async () => {
  const { page, context } = await signInAs(browser, 'alice');
  await page.goto(
    `${APP_URL}/catalog/default/component/checkout-api/autoscaling`,
  );
  await page.getByRole('tab', { name: 'Policy' }).click();
  const field = page.getByLabel('Cooldown (s)', { exact: true });
  await field.waitFor();
  await page.waitForFunction(() => {
    const input = document.querySelector('[id="policy-cooldownSeconds"]');
    return input && !input.disabled;
  });
  await page.getByRole('table', { name: 'Effective policy' }).waitFor();
  await audit(page, 'policy-editor', [
    '[data-testid="autoscaling-entity-content"]',
  ]);

  // The review dialog (opened, scanned and cancelled: nothing is saved).
  const current = await field.inputValue();
  await field.fill(String((Number(current) || 60) + 7));
  await field.blur();
  await page.getByRole('button', { name: 'Review and save' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review policy change' });
  await dialog.waitFor();
  await dialog.getByTestId('guardrail-notice').waitFor();
  await waitForDialogShown(page);
  await audit(page, 'policy-review-dialog', ['[role="dialog"]']);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  await context.close();
});

test('the platform page (every tab) has no serious violations and the fleet shows cost', async () => {
  const { page, context } = await signInAs(browser, 'pat');
  await page.getByRole('link', { name: 'Autoscaling' }).first().click();
  await page.getByRole('tab', { name: 'Fleet' }).waitFor();
  const tenants = page.getByRole('table', { name: 'Tenants' });
  await tenants.waitFor();
  // Cost per hour by tenant, in money.
  assert.match(await tenants.textContent(), CURRENCY);
  await page.getByRole('table', { name: 'Services' }).waitFor();
  await audit(page, 'platform-fleet', ['main[data-backstage-core-page]']);
  await screenshot(page, '20-platform-fleet-cost');

  for (const [tab, name, ready] of [
    [
      'Approvals',
      'platform-approvals',
      p => p.getByRole('group', { name: 'Change request status' }),
    ],
    [
      'Kill switch',
      'platform-kill-switch',
      p =>
        p.getByTestId('kill-switch').getByRole('textbox', { name: 'Reason' }),
    ],
    [
      'Audit log',
      'platform-audit-log',
      p => p.getByTestId('audit-verification'),
    ],
  ]) {
    await page.getByRole('tab', { name: tab }).click();
    const control = ready(page);
    await control.waitFor();
    // Pat's controls are enabled once the permission check answers: scan that state.
    if (tab === 'Kill switch')
      await page.waitForFunction(() =>
        document.querySelector(
          '[data-testid="kill-switch"] input:not([disabled])',
        ),
      );
    await audit(page, name, ['main[data-backstage-core-page]']);
  }
  await context.close();
});
