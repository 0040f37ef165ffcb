import {
  backtestTooltip,
  tenantForecastTooltip,
  timelineTooltip,
  tooltipValue,
} from './chartFormat';

describe('chart tooltips', () => {
  it('never show a raw float', () => {
    expect(tooltipValue(0.9840803550000001)).toBe('0.98');
    expect(tooltipValue('0.9840803550000001')).toBe('0.98');
    expect(tooltipValue([2.3333333, 4.6666667])).toBe('2.33 – 4.67');
    expect(tooltipValue(null)).toBe('—');
    expect(tooltipValue(Number.NaN)).toBe('—');
    expect(tooltipValue('applied')).toBe('applied');
  });

  it('formats each chart’s series in its unit', () => {
    const timeline = timelineTooltip('Demand (CPU cores)');
    expect(timeline(0.9840803550000001, 'Demand (CPU cores)')).toBe('984m');
    expect(timeline(2.4600000000000004, 'Demand (CPU cores)')).toBe(
      '2.46 cores',
    );
    expect(timeline(12, 'Replicas')).toBe('12');

    const tenant = tenantForecastTooltip('Cost per hour', 'EUR');
    expect(tenant(3.456789, 'Cost per hour')).toBe('€3.46');
    expect(tenant([11.000000000000002, 14.5], '80% band')).toBe('11 – 14.5');

    const backtest = backtestTooltip('Demand');
    expect(backtest(0.9840803550000001, 'Demand')).toBe('0.98');
    expect(backtest(123.456, 'Demand')).toBe('123.5');
    expect(backtest(7, 'New policy')).toBe('7');
  });
});
