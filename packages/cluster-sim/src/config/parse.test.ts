import { resolve } from 'node:path';
import { ConfigError, loadConfigFile, parseConfig } from './parse';

describe('config', () => {
  it('reports every problem with the path of its field', () => {
    let err: unknown;
    try {
      parseConfig({
        clock: { factor: -1 },
        tokens: [{ user: 'x', rules: [{ verbs: [], resources: ['pods'] }] }],
        workloads: [
          {
            name: 'Bad_Name',
            namespace: 'ns',
            demand: { synthetic: { base: 'lots' } },
          },
          {
            name: 'ok',
            replicas: 1.5,
            demand: { constant: 1, trace: 'x.csv' },
          },
        ],
        faults: { api: { errorRate: 2 } },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/clock\.factor: must be >= 0\.001/);
    expect(problems).toMatch(/tokens\[0\]\.token: is required/);
    expect(problems).toMatch(
      /workloads\[0\]\.name: "Bad_Name" is not a valid DNS-1123 name/,
    );
    expect(problems).toMatch(
      /workloads\[0\]\.demand\.synthetic\.base: must be a number/,
    );
    expect(problems).toMatch(/workloads\[1\]\.replicas: must be an integer/);
    expect(problems).toMatch(
      /workloads\[1\]\.demand: needs exactly one of constant, synthetic, trace/,
    );
    expect(problems).toMatch(
      /faults\.api\.errorRate must be a number in \[0, 1\]/,
    );
  });

  it('resolves relative flash-crowd times against the simulated start and applies defaults', () => {
    const c = parseConfig(
      {
        defaults: { capacityPerPod: 7, startupSeconds: '1m' },
        workloads: [
          {
            name: 'a',
            namespace: 'n',
            demand: {
              synthetic: {
                base: 5,
                flashCrowds: [{ at: '+10m', duration: '5m', multiplier: 3 }],
              },
            },
          },
        ],
      },
      { nowMs: 1_000_000 },
    );
    const w = c.workloads[0];
    expect(w.load.capacityPerPod).toBe(7);
    expect(w.startupSeconds).toBe(60);
    expect(w.labels.app).toBe('a');
    expect(c.namespaces.map(n => n.name)).toContain('n');
    if (w.demand.type !== 'synthetic') throw new Error('expected synthetic');
    expect(w.demand.profile.flashCrowds[0].startMs).toBe(1_000_000 + 600_000);
  });

  it('loads the demo config with the services, tenants, environments and tokens the portal expects', () => {
    const c = loadConfigFile(
      resolve(__dirname, '../../../../examples/cluster-sim.yaml'),
    );
    expect(c.cluster.name).toBe('sim-local');
    const where = Object.fromEntries(
      c.workloads.map(w => [w.name, w.namespace]),
    );
    expect(where).toEqual({
      'checkout-api': 'acme-production',
      'payments-worker': 'acme-production',
      'storefront-web': 'acme-production',
      'catalog-search': 'acme-staging',
      'ledger-api': 'globex-production',
      'reports-batch': 'globex-production',
      'tps-reports': 'initech-production',
      'intranet-web': 'initech-staging',
    });
    for (const w of c.workloads) {
      expect(w.labels['backstage.io/kubernetes-id']).toBe(w.name);
      expect(w.labels.app).toBe(w.name);
      expect(w.demand.type).toBe('synthetic');
    }
    const flash = c.workloads.filter(
      w =>
        w.demand.type === 'synthetic' &&
        w.demand.profile.flashCrowds.length > 0,
    );
    expect(flash.map(w => w.name)).toEqual(['storefront-web']);
    for (const t of ['acme', 'globex', 'initech']) {
      for (const e of ['production', 'staging'])
        expect(c.namespaces.map(n => n.name)).toContain(`${t}-${e}`);
    }
    expect(c.tokens.map(t => t.token)).toEqual([
      'admin-token',
      'scaler-token',
      'readonly-token',
    ]);
    // The demo has a 14-day past, produced with the portal's global policy bounds.
    expect(c.history.days).toBe(14);
    for (const w of c.workloads) {
      expect(w.autoscaling).toEqual({
        minReplicas: 2,
        maxReplicas: 12,
        targetCpuUtilization: 70,
        scaleDownStabilizationSeconds: 300,
      });
    }
  });

  it('parses history and the past controller, merging defaults field by field, and validates them', () => {
    const c = parseConfig({
      history: { days: 3 },
      defaults: { autoscaling: { minReplicas: 2, maxReplicas: 8 } },
      workloads: [
        {
          name: 'a',
          autoscaling: {
            maxReplicas: 20,
            targetCpuUtilization: 60,
            scaleDownStabilization: '10m',
          },
        },
        { name: 'b' },
      ],
    });
    expect(c.history.days).toBe(3);
    expect(c.workloads[0].autoscaling).toEqual({
      minReplicas: 2,
      maxReplicas: 20,
      targetCpuUtilization: 60,
      scaleDownStabilizationSeconds: 600,
    });
    expect(c.workloads[1].autoscaling).toEqual({
      minReplicas: 2,
      maxReplicas: 8,
      targetCpuUtilization: 70,
      scaleDownStabilizationSeconds: 300,
    });
    // No history unless asked for; default bounds 1..max(10, 4 × replicas).
    const d = parseConfig({ workloads: [{ name: 'x', replicas: 5 }] });
    expect(d.history.days).toBe(0);
    expect(d.workloads[0].autoscaling).toMatchObject({
      minReplicas: 1,
      maxReplicas: 20,
      targetCpuUtilization: 70,
    });
    let err: unknown;
    try {
      parseConfig({
        history: { days: -1, weeks: 2 },
        workloads: [
          {
            name: 'x',
            autoscaling: { minReplicas: 5, maxReplicas: 3, target: 50 },
          },
        ],
      });
    } catch (e) {
      err = e;
    }
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/history\.days: must be >= 0/);
    expect(problems).toMatch(/history\.weeks: unknown field/);
    expect(problems).toMatch(
      /workloads\[0\]\.autoscaling\.maxReplicas: must be >= minReplicas \(5\)/,
    );
    expect(problems).toMatch(
      /workloads\[0\]\.autoscaling\.target: unknown field/,
    );
  });
});
