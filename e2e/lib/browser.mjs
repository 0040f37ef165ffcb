// Playwright (playwright-core) driving Debian's Chromium, as CI has it.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_URL = process.env.APP_URL ?? 'http://localhost:3000';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(root, 'artifacts', 'screenshots');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens a fresh context signed in as the given demo user through the sign-in page. */
export async function signInAs(browser, userName) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(APP_URL);
  await page.getByTestId(`sign-in-${userName}`).click();
  // The sidebar appears once the identity is resolved.
  await page.getByRole('link', { name: 'Catalog' }).first().waitFor();
  return { context, page };
}

/**
 * Opens an entity as a person would: the catalog (it opens on "Owned", so "All"), the entity's
 * link in the table, then the tab (default Autoscaling).
 */
export async function openFromCatalog(page, name, tab = 'Autoscaling') {
  await page.goto(`${APP_URL}/catalog`);
  await page.getByTestId('user-picker-all').click();
  await page.getByRole('link', { name, exact: true }).click();
  if (tab) await page.getByRole('tab', { name: tab }).click();
}

/** The platform page through the sidebar, from the catalog (where signing in lands). */
export async function openPlatformPage(page) {
  await page.goto(`${APP_URL}/catalog`);
  await page.getByRole('link', { name: 'Autoscaling' }).first().click();
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
