// Runs one scenario of @kubernetes/client-node (ESM-only) against a simulator URL and prints the
// observations as JSON. Used by src/server/clientNode.test.ts in a plain Node child process,
// because jest cannot load ES modules without --experimental-vm-modules.
//   node clientNodeDriver.mjs <scenario> <url>   (kubeconfigFile: the path of a kubeconfig)
// A test helper: the client is a devDependency on purpose.
// eslint-disable-next-line @backstage/no-undeclared-imports
import * as k8s from '@kubernetes/client-node';

const [, , scenario, url] = process.argv;

function kubeConfig(token) {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'u' }],
    currentContext: 'sim',
  });
  return kc;
}

const merge = k8s.setHeaderOptions(
  'Content-Type',
  k8s.PatchStrategy.MergePatch,
);

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, body };
  }
  return { code: 'no error' };
}

const scenarios = {
  async listGet() {
    const core = kubeConfig('readonly-token').makeApiClient(k8s.CoreV1Api);
    const apps = kubeConfig('readonly-token').makeApiClient(k8s.AppsV1Api);
    const pods = await core.listPodForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id=web',
    });
    const one = await core.readNamespacedPod({
      name: pods.items[0].metadata.name,
      namespace: 'shop',
    });
    const deps = await apps.listNamespacedDeployment({ namespace: 'shop' });
    const web = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: 'shop',
    });
    const nodes = await core.listNode();
    return {
      podNames: pods.items.map(p => p.metadata.name),
      phases: pods.items.map(p => p.status.phase),
      readUidMatches: one.metadata.uid === pods.items[0].metadata.uid,
      deployments: deps.items.map(d => d.metadata.name),
      readyReplicas: web.status.readyReplicas,
      nodes: nodes.items.length,
    };
  },

  async scalePatch() {
    const apps = kubeConfig('scaler-token').makeApiClient(k8s.AppsV1Api);
    const scale = await apps.readNamespacedDeploymentScale({
      name: 'web',
      namespace: 'shop',
    });
    const rv = scale.metadata.resourceVersion;
    const patched = await apps.patchNamespacedDeploymentScale(
      {
        name: 'web',
        namespace: 'shop',
        body: { metadata: { resourceVersion: rv }, spec: { replicas: 5 } },
      },
      merge,
    );
    const stale = await failure(
      apps.patchNamespacedDeploymentScale(
        {
          name: 'web',
          namespace: 'shop',
          body: { metadata: { resourceVersion: rv }, spec: { replicas: 6 } },
        },
        merge,
      ),
    );
    const sts = await apps.replaceNamespacedStatefulSetScale({
      name: 'db',
      namespace: 'shop',
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'db', namespace: 'shop' },
        spec: { replicas: 3 },
      },
    });
    const d = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: 'shop',
    });
    return {
      before: scale.spec.replicas,
      selector: scale.status.selector,
      patched: patched.spec.replicas,
      stale,
      statefulSet: sts.spec.replicas,
      deployment: {
        replicas: d.spec.replicas,
        generation: d.metadata.generation,
        observedGeneration: d.status.observedGeneration,
      },
    };
  },

  async staleUpdate() {
    const apps = kubeConfig('admin-token').makeApiClient(k8s.AppsV1Api);
    const d = await apps.readNamespacedDeployment({
      name: 'web',
      namespace: 'shop',
    });
    d.metadata.labels = { ...d.metadata.labels, team: 'one' };
    const updated = await apps.replaceNamespacedDeployment({
      name: 'web',
      namespace: 'shop',
      body: d,
    });
    d.metadata.labels = { ...d.metadata.labels, team: 'two' };
    const conflict = await failure(
      apps.replaceNamespacedDeployment({
        name: 'web',
        namespace: 'shop',
        body: d,
      }),
    );
    return { updatedTeam: updated.metadata.labels.team, conflict };
  },

  async errors() {
    const unauth = await failure(
      kubeConfig('nope')
        .makeApiClient(k8s.CoreV1Api)
        .listNamespacedPod({ namespace: 'shop' }),
    );
    // The generated client drops 401 bodies; read it the way raw-fetch users (the Backstage
    // Kubernetes plugin) do, with the KubeConfig's fetch options.
    const opts = await kubeConfig('nope').applyToFetchOptions({});
    const raw = await fetch(`${url}/api/v1/namespaces/shop/pods`, {
      headers: opts.headers,
    });
    unauth.body = await raw.json();
    unauth.rawStatus = raw.status;
    const ro = kubeConfig('readonly-token').makeApiClient(k8s.AppsV1Api);
    const forbidden = await failure(
      ro.patchNamespacedDeploymentScale(
        { name: 'web', namespace: 'shop', body: { spec: { replicas: 9 } } },
        merge,
      ),
    );
    const missing = await failure(
      ro.readNamespacedDeployment({ name: 'ghost', namespace: 'shop' }),
    );
    return { unauth, forbidden, missing };
  },

  async watch() {
    const kc = kubeConfig('readonly-token');
    const list = await kc
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' });
    const events = [];
    let waiter;
    const waitFor = pred =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`timed out; events: ${JSON.stringify(events)}`)),
          10_000,
        );
        waiter = () => {
          if (pred()) {
            clearTimeout(timer);
            resolve();
          }
        };
        waiter();
      });
    const req = await new k8s.Watch(kc).watch(
      '/api/v1/namespaces/shop/pods',
      {
        labelSelector: 'app=web',
        resourceVersion: list.metadata.resourceVersion,
      },
      (type, obj) => {
        const ready = (obj.status?.conditions ?? []).some(
          c => c.type === 'Ready' && c.status === 'True',
        );
        events.push({
          type,
          name: obj.metadata.name,
          ready,
          resourceVersion: obj.metadata.resourceVersion,
        });
        waiter?.();
      },
      () => undefined,
    );
    await kubeConfig('admin-token')
      .makeApiClient(k8s.AppsV1Api)
      .patchNamespacedDeploymentScale(
        { name: 'web', namespace: 'shop', body: { spec: { replicas: 3 } } },
        merge,
      );
    await waitFor(() => events.some(e => e.type === 'ADDED'));
    const added = events.find(e => e.type === 'ADDED');
    const addedReady = added.ready;
    // Move simulated time past the start-up delay through the admin endpoint.
    const adv = await fetch(`${url}/sim/clock/advance`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer admin-token',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ seconds: 30 }),
    });
    if (!adv.ok) throw new Error(`advance failed: ${adv.status}`);
    await waitFor(() =>
      events.some(
        e => e.type === 'MODIFIED' && e.name === added.name && e.ready,
      ),
    );
    await kubeConfig('admin-token')
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespacedPod({ name: added.name, namespace: 'shop' });
    await waitFor(() =>
      events.some(e => e.type === 'DELETED' && e.name === added.name),
    );
    req.abort();
    return {
      listResourceVersion: list.metadata.resourceVersion,
      addedReady,
      added: added.name,
      events,
    };
  },
};

// The client's informer (makeInformer: list, then watch from the list's resourceVersion) on
// Deployments cluster-wide: it follows a scale, a create and a delete; stopped while more
// changes than the simulator's event window happen, it is started again, gets 410 Expired on
// its old resourceVersion, lists again and ends up with the cluster's Deployments.
scenarios.informer = async () => {
  const kc = kubeConfig('readonly-token');
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const admin = kubeConfig('admin-token').makeApiClient(k8s.AppsV1Api);
  const informer = k8s.makeInformer(kc, '/apis/apps/v1/deployments', () =>
    apps.listDeploymentForAllNamespaces(),
  );
  const seen = [];
  const errors = [];
  let waiter;
  const note = type => obj => {
    seen.push({
      type,
      name: `${obj.metadata.namespace}/${obj.metadata.name}`,
      replicas: obj.spec?.replicas,
    });
    waiter?.();
  };
  informer.on('add', note('add'));
  informer.on('update', note('update'));
  informer.on('delete', note('delete'));
  informer.on('error', e => errors.push(String(e?.message ?? e)));
  const waitFor = pred =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; seen: ${JSON.stringify(seen)}`)),
        10_000,
      );
      waiter = () => {
        if (pred()) {
          clearTimeout(timer);
          resolve();
        }
      };
      waiter();
    });
  const names = () =>
    informer
      .list()
      .map(d => `${d.metadata.namespace}/${d.metadata.name}`)
      .sort();
  await informer.start();
  const initial = names();
  await admin.patchNamespacedDeploymentScale(
    { name: 'web', namespace: 'shop', body: { spec: { replicas: 4 } } },
    merge,
  );
  await waitFor(() => seen.some(e => e.type === 'update' && e.replicas === 4));
  const template = await apps.readNamespacedDeployment({
    name: 'api',
    namespace: 'other',
  });
  await admin.createNamespacedDeployment({
    namespace: 'other',
    body: {
      metadata: { name: 'extra', namespace: 'other' },
      spec: template.spec,
    },
  });
  await waitFor(() =>
    seen.some(e => e.type === 'add' && e.name === 'other/extra'),
  );
  await admin.deleteNamespacedDeployment({ name: 'extra', namespace: 'other' });
  await waitFor(() =>
    seen.some(e => e.type === 'delete' && e.name === 'other/extra'),
  );
  const followed = names();

  await informer.stop();
  const stoppedAt = informer.latestResourceVersion();
  for (let i = 0; i < 10; i++) {
    await admin.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'shop', body: { spec: { replicas: 5 + i } } },
      merge,
    );
  }
  await admin.deleteNamespacedDeployment({ name: 'api', namespace: 'other' });
  const before = seen.length;
  await informer.start();
  await waitFor(() =>
    seen.slice(before).some(e => e.type === 'delete' && e.name === 'other/api'),
  );
  await waitFor(() => informer.get('web', 'shop')?.spec?.replicas === 14);
  const after = names();
  const relistedAt = informer.latestResourceVersion();
  await informer.stop();
  return {
    initial,
    followed,
    after,
    stoppedAt,
    relistedAt,
    webReplicas: 14,
    errors,
  };
};

// `node clientNodeDriver.mjs kubeconfigFile <path>`: the client configured only by a kubeconfig
// file (as the CLI's --write-kubeconfig writes it: HTTPS server, CA data, token).
scenarios.kubeconfigFile = async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(url);
  const cluster = kc.getCurrentCluster();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const deps = await apps.listDeploymentForAllNamespaces();
  const scaled = await apps.patchNamespacedDeploymentScale(
    { name: 'web', namespace: 'shop', body: { spec: { replicas: 3 } } },
    merge,
  );
  return {
    server: cluster.server,
    skipTLSVerify: Boolean(cluster.skipTLSVerify),
    hasCaData: Boolean(cluster.caData),
    user: kc.getCurrentUser().name,
    deployments: deps.items
      .map(d => `${d.metadata.namespace}/${d.metadata.name}`)
      .sort(),
    scaledTo: scaled.spec.replicas,
  };
};

const run = scenarios[scenario];
if (!run) {
  process.stderr.write(`unknown scenario ${scenario}\n`);
  process.exit(2);
}
run().then(
  result => {
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  },
  err => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
