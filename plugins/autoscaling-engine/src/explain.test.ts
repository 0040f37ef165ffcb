import { LazyReason } from './explain';

describe('LazyReason', () => {
  it('formats its message once, when first read', () => {
    let calls = 0;
    const reason = new LazyReason('PredictiveFloor', () => {
      calls++;
      return `peak ${calls}`;
    });
    expect(calls).toBe(0);
    expect(reason.code).toBe('PredictiveFloor');
    expect(reason.message).toBe('peak 1');
    expect(reason.message).toBe('peak 1');
    expect(calls).toBe(1);
  });

  it('serialises as a plain reason', () => {
    const reason = new LazyReason(
      'ForecastOnly',
      () => 'would raise the floor to 4',
    );
    expect(JSON.parse(JSON.stringify({ reasons: [reason] }))).toEqual({
      reasons: [
        { code: 'ForecastOnly', message: 'would raise the floor to 4' },
      ],
    });
    expect({ code: reason.code, message: reason.message }).toEqual({
      code: 'ForecastOnly',
      message: 'would raise the floor to 4',
    });
  });
});
