import { writeGateOf, type WriteGateInput } from './writeGate';

const switchOf = (enabled: boolean) => ({
  enabled,
  changedBy: null,
  changedAt: null,
  reason: null,
});

const base: WriteGateInput = {
  kind: 'scale',
  mode: 'auto',
  killSwitch: switchOf(false),
  writesAllowed: true,
  cluster: 'sim',
};
const hpa = {
  kind: 'HorizontalPodAutoscaler' as const,
  namespace: 'acme',
  name: 'web',
  target: { kind: 'Deployment', name: 'web' },
};

describe('writeGateOf', () => {
  it('writes a scale decision in auto mode with the switch off and the circuit closed', () => {
    expect(writeGateOf(base)).toEqual({ write: true });
  });

  it('writes nothing that is not a scale', () => {
    expect(writeGateOf({ ...base, kind: 'hold' })).toEqual({
      write: false,
      outcome: 'unchanged',
    });
  });

  it('says why nothing is written, the mode first, then another autoscaler, the kill switch, the circuit', () => {
    const all = {
      ...base,
      otherAutoscaler: hpa,
      killSwitch: switchOf(true),
      writesAllowed: false,
    } as WriteGateInput;
    expect(writeGateOf({ ...all, mode: 'off' })).toMatchObject({
      outcome: 'off',
    });
    expect(writeGateOf({ ...all, mode: 'dry-run' })).toMatchObject({
      outcome: 'dry-run',
    });
    expect(writeGateOf({ ...all, mode: 'forecast-only' })).toMatchObject({
      outcome: 'forecast-only',
    });
    expect(writeGateOf(all)).toMatchObject({ outcome: 'other-autoscaler' });
    expect(writeGateOf({ ...all, otherAutoscaler: undefined })).toMatchObject({
      outcome: 'kill-switch',
    });
    expect(
      writeGateOf({
        ...all,
        otherAutoscaler: undefined,
        killSwitch: switchOf(false),
      }),
    ).toEqual({
      write: false,
      outcome: 'failed',
      error: 'circuit open for cluster sim',
    });
  });
});
