/**
 * Times KubernetesClusterClient's watch caches against a simulator in its own process (as a
 * real API server would be), without the rest of the backend:
 *
 *   node packages/cluster-sim/bin/cluster-sim --config <10,000 Deployments> --port 16550 &
 *   cd plugins/autoscaling-backend
 *   node --expose-gc -r @backstage/cli/config/nodeTransform.cjs bench/watchCaches.ts \
 *     http://127.0.0.1:16550 10000 50 [page size, default 5000]
 *
 * Workloads `svc-<i>` in namespaces `ns-<i % namespaces>`, labelled
 * `backstage.io/kubernetes-id: svc-<i>` (the simulator's pods carry `app: svc-<i>`), token
 * `scaler-token`. Prints the cold lists, then per round (what a tick does: discovery of every
 * workload, then its pods and pod metrics) the times, and the caches' counters and memory.
 */
import { KubernetesClusterClient } from '../src/kubernetes/KubernetesClusterClient';

async function main() {
  const [url, count = '10000', namespaces = '50', pageSize = '5000'] =
    process.argv.slice(2);
  if (!url)
    throw new Error(
      'usage: watchCaches.ts <simulator URL> [workloads] [namespaces]',
    );
  const n = Number(count);
  const spaces = Number(namespaces);
  const rss0 = process.memoryUsage().rss;
  const client = new KubernetesClusterClient(
    {
      name: 'bench',
      url,
      serviceAccountToken: 'scaler-token',
      skipTLSVerify: true,
    },
    { watch: { pageSize: Number(pageSize) } },
  );
  let t = Date.now();
  await client.listWorkloads({
    labelSelector: 'backstage.io/kubernetes-id=svc-0',
  });
  const coldWorkloadListsMs = Date.now() - t;
  t = Date.now();
  await client.listPods('ns-0', 'app=svc-0');
  const coldPodListMs = Date.now() - t;
  const rounds = [];
  for (let round = 0; round < 3; round++) {
    t = Date.now();
    let workloads = 0;
    for (let i = 0; i < n; i++)
      workloads += (
        await client.listWorkloads({
          namespace: `ns-${i % spaces}`,
          labelSelector: `backstage.io/kubernetes-id=svc-${i}`,
        })
      ).length;
    const discoveryMs = Date.now() - t;
    t = Date.now();
    let pods = 0;
    let usage = 0;
    for (let i = 0; i < n; i++) {
      const [p, u] = await Promise.all([
        client.listPods(`ns-${i % spaces}`, `app=svc-${i}`),
        client.podMetrics(`ns-${i % spaces}`, `app=svc-${i}`),
      ]);
      pods += p.length;
      usage += Object.keys(u).length;
    }
    rounds.push({
      workloads,
      pods,
      podsWithUsage: usage,
      discoveryMs,
      podsAndMetricsMs: Date.now() - t,
    });
  }
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(
    `${JSON.stringify(
      {
        coldWorkloadListsMs,
        coldPodListMs,
        rounds,
        heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        rssGrowthMb: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20),
        caches: client.watchStats(),
      },
      null,
      2,
    )}\n`,
  );
  await client.stop();
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
