import {
  describeMetric,
  describePolicyChange,
  describePolicyValue,
  policyFieldLabel,
} from './policyText';
import { describeAuditChange, matchesEntity } from './auditText';
import { auditEvents } from '../__testUtils__/fixtures';

describe('policy text', () => {
  it('names settings in words, nested ones after their section', () => {
    expect(policyFieldLabel('maxReplicas')).toBe('Max replicas');
    expect(
      policyFieldLabel('behavior.scaleDown.stabilizationWindowSeconds'),
    ).toBe('Behaviour: scale-down stabilisation window');
    expect(policyFieldLabel('vertical.maxAllowed.cpu')).toBe(
      'Vertical right-sizing: max allowed CPU',
    );
    // An unknown key is split into words rather than shown as camelCase.
    expect(policyFieldLabel('predictive.someNewSetting')).toBe(
      'Predictive scaling: some new setting',
    );
  });

  it('describes values in the unit of their setting', () => {
    expect(describePolicyValue('cooldownSeconds', 300)).toBe('5 min');
    expect(describePolicyValue('mode', 'dry-run')).toBe('Dry run');
    expect(describePolicyValue('vertical.mode', 'Auto')).toBe('Auto');
    expect(describePolicyValue('predictive.enabled', true)).toBe('yes');
    expect(describePolicyValue('behavior.scaleUp.tolerance', 0.1)).toBe('10%');
    expect(
      describePolicyValue('behavior.scaleUp.policies', [
        { type: 'Pods', value: 4, periodSeconds: 60 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ]),
    ).toBe('4 pods per 1 min; 100% per 15 s');
    expect(
      describeMetric({
        type: 'Pods',
        name: 'rps',
        query: { ref: 'rps' },
        target: { type: 'AverageValue', averageValue: 100 },
      }),
    ).toBe('per-pod metric rps at 100 per pod');
  });

  it('describes a change as a sentence', () => {
    expect(
      describePolicyChange({ path: 'maxReplicas', before: 20, after: 80 }),
    ).toBe('Raised from 20 to 80.');
    expect(
      describePolicyChange({ path: 'cooldownSeconds', before: 120, after: 60 }),
    ).toBe('Lowered from 2 min to 1 min.');
    expect(
      describePolicyChange({ path: 'mode', before: undefined, after: 'off' }),
    ).toBe('Set to Off (was inherited).');
    expect(
      describePolicyChange({
        path: 'minReplicas',
        before: 2,
        after: undefined,
      }),
    ).toBe('Removed here (was 2); inherited again.');
  });
});

describe('audit text', () => {
  it('lists what an event changed as setting: old → new', () => {
    expect(describeAuditChange(auditEvents[0])).toEqual([
      { label: 'Max replicas', text: '10 → 20' },
    ]);
    expect(
      describeAuditChange({
        ...auditEvents[0],
        action: 'change.reject',
        before: {
          changeRequestId: 'cr-1',
          status: 'pending',
          proposed: { maxReplicas: 80 },
        },
        after: { changeRequestId: 'cr-1', status: 'rejected' },
      }),
    ).toEqual([
      { label: 'Status', text: 'pending → rejected' },
      { label: 'Proposed max replicas', text: '80' },
    ]);
  });

  it('matches part of an entity ref, ignoring case', () => {
    expect(matchesEntity('component:default/checkout-api', 'Checkout')).toBe(
      true,
    );
    expect(matchesEntity('component:default/checkout-api', 'storefront')).toBe(
      false,
    );
    expect(matchesEntity('component:default/checkout-api', '  ')).toBe(true);
  });
});
