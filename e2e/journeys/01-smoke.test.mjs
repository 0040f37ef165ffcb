// Smoke journey: the portal loads, a demo user signs in, opens a service and sees
// the Autoscaling tab beside the Kubernetes tab; Backstage's own Kubernetes tab lists the
// service's pods from the simulated cluster (through the kubernetes backend).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL,
  launchBrowser,
  screenshot,
  signInAs,
} from '../lib/browser.mjs';

const SIM_URL = process.env.CLUSTER_SIM_URL ?? 'http://127.0.0.1:6550';

/** checkout-api's pod names as the simulated cluster has them now (read-only token). */
async function simulatorPodNames() {
  const response = await fetch(
    `${SIM_URL}/api/v1/namespaces/acme-production/pods?labelSelector=${encodeURIComponent(
      'backstage.io/kubernetes-id=checkout-api',
    )}`,
    { headers: { authorization: 'Bearer readonly-token' } },
  );
  assert.equal(response.status, 200, 'the simulator lists pods');
  const body = await response.json();
  return body.items.map(p => p.metadata.name);
}

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
  assert.match(
    page.url(),
    /\/catalog\/default\/component\/checkout-api\/autoscaling$/,
  );
  await page
    .getByText(/checkout-api/)
    .first()
    .waitFor();
  await screenshot(page, 'smoke-service-autoscaling-tab');

  // The official Kubernetes tab of the same service: open the cluster, then the deployment,
  // and find the simulator's pods by name in the pods table.
  await page.getByRole('tab', { name: 'Kubernetes' }).click();
  assert.match(
    page.url(),
    /\/catalog\/default\/component\/checkout-api\/kubernetes$/,
  );
  // The cluster is shown by its configured title (app-config: kubernetes.clusterLocatorMethods).
  await page
    .getByRole('button')
    .filter({ hasText: 'Simulated cluster (cluster-sim)' })
    .filter({ hasText: /\d+ pods?/ })
    .first()
    .click();
  await page
    .getByRole('button')
    .filter({ hasText: /Deployment/ })
    .filter({ hasText: /\d+ pods?/ })
    .first()
    .click();
  const podName = page.getByText(/^checkout-api-[a-z0-9]+-[a-z0-9]+$/).first();
  await podName.waitFor();
  // Pods come and go as the engine scales; the names shown are ones the simulator has (or had
  // a moment ago), so compare against the simulator after reading the table.
  const shown = await page
    .getByText(/^checkout-api-[a-z0-9]+-[a-z0-9]+$/)
    .allTextContents();
  const pods = await simulatorPodNames();
  assert.ok(pods.length > 0, 'the simulator runs checkout-api pods');
  assert.ok(
    shown.some(name => pods.includes(name)),
    `the Kubernetes tab lists simulator pods: shown ${shown.join(
      ', ',
    )}; simulator ${pods.join(', ')}`,
  );
  await podName.scrollIntoViewIfNeeded();
  await screenshot(page, 'smoke-service-kubernetes-tab');
  await context.close();
});
