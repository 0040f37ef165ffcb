import type { Decision } from '@internal/plugin-autoscaling-common';
import {
  budgetStatusLabel,
  describeDecision,
  formatGuardrailMessage,
  formatBytes,
  formatClock,
  formatCores,
  formatDuration,
  formatMoney,
  formatPercent,
  formatPolicyValue,
  formatRelativeTime,
  modeLabel,
  usagePercent,
} from './format';

const decision: Decision = {
  id: 'd1',
  workloadId: 'w',
  at: '2026-01-01T00:00:00Z',
  kind: 'scale',
  from: 3,
  to: 5,
  mode: 'auto',
  outcome: 'applied',
  reasons: [],
};

describe('format', () => {
  it('formats money with the currency and sensible precision', () => {
    expect(formatMoney(1234.5)).toBe('$1,235');
    expect(formatMoney(12.345)).toBe('$12.35');
    expect(formatMoney(12, 'EUR')).toBe('€12.00');
    expect(formatMoney(null)).toBe('—');
  });

  it('formats percentages, cores and bytes', () => {
    expect(formatPercent(63.4)).toBe('63%');
    expect(formatPercent(null)).toBe('—');
    expect(formatCores(0.25)).toBe('250m');
    expect(formatCores(1)).toBe('1 core');
    expect(formatCores(1.5)).toBe('1.5 cores');
    expect(formatBytes(256 * 1024 * 1024)).toBe('256 MiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
  });

  it('formats durations and relative times', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(300)).toBe('5 min');
    expect(formatDuration(5400)).toBe('1 h 30 min');
    expect(formatDuration(2 * 86400)).toBe('2 d');
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelativeTime('2026-01-01T11:57:00Z', now)).toBe('3 min ago');
    expect(formatRelativeTime('2026-01-01T14:00:00Z', now)).toBe('in 2 h');
    expect(formatRelativeTime(null, now)).toBe('never');
    expect(formatClock('2026-01-01T09:05:00Z')).toBe('09:05');
  });

  it('describes decisions in plain words', () => {
    expect(describeDecision(decision)).toBe(
      'Scaled up from 3 to 5 replicas (applied).',
    );
    expect(describeDecision({ ...decision, to: 1, outcome: 'dry-run' })).toBe(
      'Scaled down from 3 to 1 replica (not applied (dry run)).',
    );
    expect(
      describeDecision({
        ...decision,
        kind: 'hold',
        to: 3,
        outcome: 'unchanged',
      }),
    ).toBe('Kept 3 replicas (no change needed).');
    expect(
      describeDecision({
        ...decision,
        kind: 'blocked',
        outcome: 'kill-switch',
        actor: undefined,
      }),
    ).toBe(
      'Wanted 5 instead of 3 replicas but was blocked (blocked by the kill switch).',
    );
    expect(
      describeDecision({ ...decision, actor: 'user:default/bob' }),
    ).toContain('by user:default/bob');
  });

  it('labels modes, budgets, usage and policy values', () => {
    expect(modeLabel('dry-run')).toBe('Dry run');
    expect(budgetStatusLabel('emergency')).toMatch(/emergency/i);
    expect(usagePercent(30, 60)).toBe(50);
    expect(usagePercent(90, 60)).toBe(100);
    expect(usagePercent(3, null)).toBeNull();
    expect(formatPolicyValue(undefined)).toBe('(inherited)');
    expect(formatPolicyValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('formatGuardrailMessage', () => {
  it('writes the costs of cost guardrails as money', () => {
    expect(
      formatGuardrailMessage({
        code: 'COST_INCREASE',
        path: 'maxReplicas',
        message:
          'projected monthly cost rises by 1277.50 (from 438.00 to 1715.50, measured from version 3, approved in change request 9f1c2d3e-1234-4abc-8def-0123456789ab), more than the threshold of 500.00',
      }),
    ).toBe(
      'projected monthly cost rises by $1,278 (from $438 to $1,716, measured from version 3, approved in change request 9f1c2d3e-1234-4abc-8def-0123456789ab), more than the threshold of $500',
    );
    expect(
      formatGuardrailMessage(
        {
          code: 'ABOVE_BUDGET',
          message:
            "projected monthly cost 91.25 is above tenant acme's monthly budget of 80.00",
        },
        'EUR',
      ),
    ).toBe(
      "projected monthly cost €91.25 is above tenant acme's monthly budget of €80.00",
    );
  });

  it('leaves other guardrails alone', () => {
    const finding = {
      code: 'PRODUCTION_BOUNDS_CHANGE' as const,
      message: 'maxReplicas changes from 10.00 to 80 in production',
    };
    expect(formatGuardrailMessage(finding)).toBe(finding.message);
  });
});
