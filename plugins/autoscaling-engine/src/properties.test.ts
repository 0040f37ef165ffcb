/**
 * Properties that must hold for any input (fast-check).
 */
import fc from 'fast-check';
import { decideHorizontal } from './horizontal/decideHorizontal';
import { emptyHorizontalState, type HorizontalState } from './horizontal/state';
import type { MetricSample } from './horizontal/types';
import {
  allocateTenantReplicas,
  TIER_PRIORITY,
} from './tenants/allocateTenantReplicas';
import { replay } from './replay/replay';
import { resampleTrace } from './replay/trace';
import { NOW, policy, readyPods } from './testing/builders';

const rulesArb = fc.record({
  stabilizationWindowSeconds: fc.integer({ min: 0, max: 600 }),
  selectPolicy: fc.constantFrom(
    'Max' as const,
    'Min' as const,
    'Disabled' as const,
  ),
  policies: fc.array(
    fc.record({
      type: fc.constantFrom('Pods' as const, 'Percent' as const),
      value: fc.integer({ min: 1, max: 200 }),
      periodSeconds: fc.integer({ min: 1, max: 600 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

const scenarioArb = fc
  .record({
    min: fc.integer({ min: 1, max: 20 }),
    span: fc.integer({ min: 0, max: 40 }),
    current: fc.integer({ min: 1, max: 80 }),
    target: fc.integer({ min: 10, max: 100 }),
    usages: fc.array(fc.double({ min: 0, max: 4, noNaN: true }), {
      minLength: 1,
      maxLength: 6,
    }),
    rps: fc.double({ min: 0, max: 1000, noNaN: true }),
    rpsFails: fc.boolean(),
    behavior: fc.option(fc.record({ scaleUp: rulesArb, scaleDown: rulesArb }), {
      nil: undefined,
    }),
    history: fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 900 }),
        fc.integer({ min: 0, max: 100 }),
      ),
      { maxLength: 8 },
    ),
    floor: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
    limit: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
  })
  .map(s => ({ ...s, max: s.min + s.span }));

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario) {
  const pods = readyPods(s.current);
  const values: Record<string, number> = {};
  pods.forEach((pod, i) => {
    values[pod.name] = s.usages[i % s.usages.length];
  });
  const rps: MetricSample = s.rpsFails
    ? { type: 'error', message: 'down' }
    : { type: 'value', value: s.rps };
  const state: HorizontalState = {
    ...emptyHorizontalState(),
    recommendations: s.history.map(([ago, replicas]) => [
      NOW - ago * 1000,
      replicas,
    ]),
    scaleUpEvents: s.history.map(([ago, replicas]) => [
      NOW - ago * 1000,
      replicas % 5,
    ]),
  };
  return decideHorizontal({
    policy: policy({
      minReplicas: s.min,
      maxReplicas: s.max,
      behavior: s.behavior,
      predictive: { enabled: true },
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: s.target },
        },
        {
          type: 'External',
          name: 'rps',
          query: { source: 'prometheus', query: 'sum(rate(x[1m]))' },
          target: { type: 'AverageValue', averageValue: 100 },
        },
      ],
    }),
    workload: { currentReplicas: s.current, pods },
    samples: { cpu: { type: 'pods', values, timestampMs: NOW }, rps },
    state,
    nowMs: NOW,
    predictive: s.floor === undefined ? undefined : { floorReplicas: s.floor },
    limit:
      s.limit === undefined
        ? undefined
        : { maxReplicas: s.limit, code: 'TenantQuota', message: 'quota' },
  });
}

describe('horizontal properties', () => {
  it('never leaves min..max, whatever the metrics, history, floor or limit', () => {
    fc.assert(
      fc.property(scenarioArb, s => {
        const result = run(s);
        expect(result.desiredReplicas).toBeGreaterThanOrEqual(s.min);
        expect(result.desiredReplicas).toBeLessThanOrEqual(s.max);
        const d = result.decision;
        const [from, to] =
          d.kind === 'scale' ? [d.from, d.to] : [d.replicas, d.replicas];
        expect(from).toBe(s.current);
        expect(to).toBe(result.desiredReplicas);
      }),
      { numRuns: 400 },
    );
  });

  it('never exceeds an outer limit unless the minimum requires it', () => {
    fc.assert(
      fc.property(scenarioArb, s => {
        fc.pre(s.limit !== undefined);
        const result = run(s);
        expect(result.desiredReplicas).toBeLessThanOrEqual(
          Math.max(s.limit!, s.min),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never scales up while every metric is below target within tolerance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 10, max: 100 }),
        fc.double({ min: 0, max: 1.1, noNaN: true }),
        fc.double({ min: 0, max: 1.1, noNaN: true }),
        fc.option(fc.record({ scaleUp: rulesArb, scaleDown: rulesArb }), {
          nil: undefined,
        }),
        (current, target, cpuRatio, rpsRatio, behavior) => {
          const pods = readyPods(current);
          const usage = (cpuRatio * target) / 100;
          const values = Object.fromEntries(pods.map(p => [p.name, usage]));
          const result = decideHorizontal({
            policy: policy({
              minReplicas: 1,
              maxReplicas: 100,
              behavior,
              metrics: [
                {
                  type: 'Resource',
                  resource: 'cpu',
                  target: { type: 'Utilization', averageUtilization: target },
                },
                {
                  type: 'Pods',
                  name: 'rps',
                  query: { ref: 'rps' },
                  target: { type: 'AverageValue', averageValue: 100 },
                },
              ],
              queries: { rps: { source: 'prometheus', query: 'rate(x[1m])' } },
            }),
            workload: { currentReplicas: current, pods },
            samples: {
              cpu: { type: 'pods', values, timestampMs: NOW },
              rps: {
                type: 'pods',
                values: Object.fromEntries(
                  pods.map(p => [p.name, rpsRatio * 100]),
                ),
                timestampMs: NOW,
              },
            },
            nowMs: NOW,
          });
          expect(result.desiredReplicas).toBeLessThanOrEqual(current);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('tenant allocation properties', () => {
  const requestArb = fc.record({
    tenant: fc.constantFrom('acme', 'globex', 'initech', 'umbrella'),
    tier: fc.constantFrom(...TIER_PRIORITY),
    minReplicas: fc.integer({ min: 0, max: 5 }),
    extra: fc.integer({ min: 0, max: 40 }),
  });

  it('never grants above a quota or the global maximum (beyond the minimums), nor below a minimum', () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { minLength: 1, maxLength: 30 }),
        fc.dictionary(
          fc.constantFrom('acme', 'globex', 'initech'),
          fc.integer({ min: 0, max: 60 }),
        ),
        fc.integer({ min: 0, max: 300 }),
        fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
        (raw, quotas, globalMax, capacity) => {
          const requests = raw.map((r, i) => ({
            workload: `w${i}`,
            tenant: r.tenant,
            tier: r.tier,
            minReplicas: r.minReplicas,
            requestedReplicas: r.minReplicas + r.extra,
          }));
          const result = allocateTenantReplicas(requests, {
            tenantQuotas: quotas,
            globalMaxReplicas: globalMax,
            clusterCapacity: capacity,
          });
          const minSum = requests.reduce((a, r) => a + r.minReplicas, 0);
          expect(result.totalGranted).toBeLessThanOrEqual(
            Math.max(minSum, Math.min(globalMax, capacity ?? Infinity)),
          );
          for (const [tenant, quota] of Object.entries(quotas)) {
            const tenantMin = requests
              .filter(r => r.tenant === tenant)
              .reduce((a, r) => a + r.minReplicas, 0);
            expect(result.tenantTotals[tenant] ?? 0).toBeLessThanOrEqual(
              Math.max(quota, tenantMin),
            );
          }
          for (const allocation of result.allocations) {
            const request = requests.find(
              r => r.workload === allocation.workload,
            )!;
            expect(allocation.grantedReplicas).toBeGreaterThanOrEqual(
              request.minReplicas,
            );
            expect(allocation.grantedReplicas).toBeLessThanOrEqual(
              Math.max(request.requestedReplicas, request.minReplicas),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('replay causality', () => {
  it('a trace cut at T gives the same rows before T as the full trace', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), {
          minLength: 20,
          maxLength: 120,
        }),
        fc.integer({ min: 5, max: 115 }),
        fc.boolean(),
        (values, cutAt, withFloor) => {
          const points = values.map((value, i) => ({
            timeMs: NOW + i * 60_000,
            value,
          }));
          const cut = points.slice(0, Math.min(cutAt, points.length));
          const p = policy({
            minReplicas: 2,
            maxReplicas: 60,
            predictive: { enabled: withFloor },
            metrics: [
              {
                type: 'Resource',
                resource: 'cpu',
                target: { type: 'Utilization', averageUtilization: 70 },
              },
            ],
          });
          // A floor that reads the whole history it is given: any leak of the future shows.
          const predictiveFloor = ({
            history,
          }: {
            history: { demand: Float64Array };
          }) =>
            Math.ceil(history.demand.reduce((a, b) => Math.max(a, b), 0) / 200);
          const options = {
            policy: p,
            capacityPerPod: 100,
            startupSeconds: 60,
            predictiveFloor,
          };
          const full = replay({
            ...options,
            series: resampleTrace(points, 15),
          });
          const partial = replay({
            ...options,
            series: resampleTrace(cut, 15),
          });
          expect(full.rows.slice(0, partial.rows.length)).toEqual(partial.rows);
        },
      ),
      { numRuns: 60 },
    );
  });
});
