import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import {
  emptyVerticalState,
  type ContainerVerticalState,
} from '@internal/plugin-autoscaling-engine';
import type { UnpricedRecommendation } from '../cost/verticalRecommendations';
import {
  planVertical,
  podsToResize,
  proposeMinAllowed,
  VERTICAL_MIN_INTERVAL_MS,
  type VerticalPlanInput,
} from './verticalActuation';

const MIB = 2 ** 20;
const NOW = Date.parse('2026-01-05T12:00:00Z');

function policy(vertical: Record<string, unknown>, utilization = 70) {
  return scalingPolicySchema.parse({
    maxReplicas: 10,
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: utilization },
      },
    ],
    vertical,
  });
}

function row(
  resource: 'cpu' | 'memory',
  current: number | null,
  target: number,
  level: UnpricedRecommendation['confidenceLevel'] = 'medium',
): UnpricedRecommendation {
  return {
    container: 'app',
    resource,
    current,
    currentLimit: null,
    target,
    lowerBound: target * 0.8,
    upperBound: target * 1.5,
    confidence: 0.6,
    confidenceDays: 2,
    confidenceLevel: level,
    oomKills: 0,
  };
}

const container = (
  overrides: Partial<ContainerVerticalState> = {},
): ContainerVerticalState => ({
  vertical: emptyVerticalState(),
  requests: { cpu: 0.5, memory: 512 * MIB },
  limits: {},
  oomKills: 0,
  lastUsage: { cpu: 0.2, memory: 500 * MIB },
  ...overrides,
});

function input(overrides: Partial<VerticalPlanInput>): VerticalPlanInput {
  return {
    policy: policy({ mode: 'Auto' }),
    rows: [],
    containers: { app: container() },
    pods: 2,
    nowMs: NOW,
    production: false,
    ...overrides,
  };
}

describe('planVertical', () => {
  it('writes nothing in Off, or without an hour of history', () => {
    expect(
      planVertical(
        input({
          policy: policy({ mode: 'Off' }),
          rows: [row('cpu', 0.5, 0.2)],
        }),
      ).changes,
    ).toEqual([]);
    const none = planVertical(input({ rows: [row('cpu', 0.5, 0.2, 'none')] }));
    expect(none.changes).toEqual([]);
    expect(none.notes[0]).toMatch(/less than an hour of history/);
  });

  it('changes a request only when it moves by more than 10%, and at most once an hour', () => {
    expect(
      planVertical(input({ rows: [row('memory', 512 * MIB, 480 * MIB)] }))
        .changes,
    ).toEqual([]);
    const plan = planVertical(
      input({ rows: [row('memory', 512 * MIB, 300 * MIB)] }),
    );
    expect(plan.changes).toEqual([
      { container: 'app', resource: 'memory', from: 512 * MIB, to: 300 * MIB },
    ]);
    const soon = planVertical(
      input({
        rows: [row('memory', 512 * MIB, 300 * MIB)],
        prior: {
          history: [],
          lastAppliedMs: NOW - VERTICAL_MIN_INTERVAL_MS + 60_000,
        },
      }),
    );
    expect(soon.changes).toEqual([]);
    expect(soon.notes[0]).toMatch(/one vertical change an hour/);
    const failed = planVertical(
      input({
        rows: [row('memory', 512 * MIB, 300 * MIB)],
        prior: { history: [], lastFailedMs: NOW - 60_000 },
      }),
    );
    expect(failed.changes).toEqual([]);
    expect(failed.notes[0]).toMatch(/the last vertical write failed/);
    const later = planVertical(
      input({
        rows: [row('memory', 512 * MIB, 300 * MIB)],
        prior: { history: [], lastAppliedMs: NOW - VERTICAL_MIN_INTERVAL_MS },
      }),
    );
    expect(later.changes).toHaveLength(1);
  });

  it('keeps the CPU request at usage / the CPU target so the horizontal engine holds its replicas', () => {
    // 0.2 cores over 2 pods at 70%: 143m a pod, above the recommender's 100m.
    const plan = planVertical(input({ rows: [row('cpu', 0.5, 0.1)] }));
    expect(plan.changes[0].to).toBeCloseTo(0.143, 3);
    const capped = planVertical(
      input({
        policy: policy({ mode: 'Auto', maxAllowed: { cpu: '120m' } }),
        rows: [row('cpu', 0.5, 0.1)],
      }),
    );
    expect(capped.changes[0].to).toBeCloseTo(0.12, 6);
  });

  it('keeps limits in proportion to the request', () => {
    const plan = planVertical(
      input({
        containers: { app: container({ limits: { memory: 768 * MIB } }) },
        rows: [row('memory', 512 * MIB, 300 * MIB)],
      }),
    );
    expect(plan.updates).toEqual([
      {
        name: 'app',
        requests: { cpu: 0.5, memory: 300 * MIB },
        limits: { memory: 450 * MIB },
      },
    ]);
  });

  it('guards a production raise over +50% unless the policy minimum asks for it', () => {
    const raise = [row('memory', 256 * MIB, 400 * MIB)];
    expect(
      planVertical(input({ rows: raise, production: false })).changes,
    ).toHaveLength(1);
    const guarded = planVertical(input({ rows: raise, production: true }));
    expect(guarded.changes).toEqual([]);
    expect(guarded.guarded).toEqual([
      { container: 'app', resource: 'memory', from: 256 * MIB, to: 400 * MIB },
    ]);
    const approved = planVertical(
      input({
        policy: policy({ mode: 'Auto', minAllowed: { memory: '400Mi' } }),
        rows: raise,
        production: true,
      }),
    );
    expect(approved.changes).toHaveLength(1);
    expect(approved.guarded).toEqual([]);
    // +40% is within the guardrail.
    expect(
      planVertical(
        input({
          rows: [row('memory', 256 * MIB, 358 * MIB)],
          production: true,
        }),
      ).changes,
    ).toHaveLength(1);
  });
});

describe('proposeMinAllowed and podsToResize', () => {
  it('proposes the raised request as minAllowed, keeping the rest of the document', () => {
    expect(
      proposeMinAllowed(
        {
          maxReplicas: 12,
          vertical: { mode: 'Auto', minAllowed: { cpu: '100m' } },
        },
        [
          {
            container: 'app',
            resource: 'memory',
            from: 256 * MIB,
            to: 400 * MIB,
          },
        ],
      ),
    ).toEqual({
      maxReplicas: 12,
      vertical: { mode: 'Auto', minAllowed: { cpu: '100m', memory: '400Mi' } },
    });
  });

  it('finds running pods whose requests differ from the applied ones', () => {
    const pods = [
      {
        name: 'a',
        phase: 'Running' as const,
        containerRequests: { app: { cpu: 0.15, memory: 300 * MIB } },
      },
      {
        name: 'b',
        phase: 'Running' as const,
        containerRequests: { app: { cpu: 0.5, memory: 512 * MIB } },
      },
      {
        name: 'c',
        phase: 'Pending' as const,
        containerRequests: { app: { cpu: 0.5, memory: 512 * MIB } },
      },
      {
        name: 'd',
        phase: 'Running' as const,
        deleting: true,
        containerRequests: { app: { cpu: 0.5 } },
      },
    ];
    const applied = {
      app: { name: 'app', requests: { cpu: 0.15, memory: 300 * MIB } },
    };
    expect(podsToResize(pods, applied).map(p => p.name)).toEqual(['b']);
  });
});
