import {
  metricKey,
  scalingPolicySchema,
} from '@internal/plugin-autoscaling-common';
import { main } from '../cli/main';
import type { CommandIo } from '../cli/io';
import { decideHorizontal } from '../horizontal/decideHorizontal';
import { replay } from '../replay/replay';
import type { Series } from '../replay/trace';
import { computePredictiveFloor, peakForecast, perPodTargetFor } from './floor';
import { fitForecaster, type Forecaster } from './forecaster';
import { createReplayFloorProvider } from './replayFloor';
import { MONDAY, syntheticSeries } from './testing';

const HOUR = 3600_000;

function forecaster(): Forecaster {
  const fit = fitForecaster(syntheticSeries({ days: 9, seed: 5 }));
  if (!fit.ok) throw new Error('fit failed');
  return fit.forecaster;
}

describe('predictive floor', () => {
  const f = forecaster();
  const now = f.model.lastMs;
  const base = {
    forecaster: f,
    nowMs: now,
    leadTimeSeconds: 300,
    startupSeconds: 60,
    perPodTarget: 70,
    quantile: 0.9,
    maxReplicas: 100,
    honorMaxReplicas: true,
    mode: 'auto' as const,
  };

  it('is ceil(peak forecast over the lead time / per-pod target)', () => {
    const result = computePredictiveFloor(base);
    const peak = peakForecast(f, now, 300, 0.9)!;
    expect(result.applied).toBe(true);
    expect(result.floorReplicas).toBe(Math.ceil(peak.demand / 70));
    expect(peak.timeMs).toBeGreaterThan(now);
    expect(peak.timeMs).toBeLessThanOrEqual(now + 300_000);
    expect(result.reasons.map(r => r.code)).toEqual(['PredictiveFloor']);
    // a higher quantile never lowers the floor
    const median = computePredictiveFloor({ ...base, quantile: 0.5 });
    expect(median.floorReplicas!).toBeLessThanOrEqual(result.floorReplicas!);
  });

  it('raises the lead time to the pod start-up time', () => {
    const result = computePredictiveFloor({
      ...base,
      leadTimeSeconds: 30,
      startupSeconds: 600,
    });
    expect(result.leadTimeSeconds).toBe(600);
    expect(result.reasons[0].code).toBe('LeadTimeRaised');
  });

  it('is capped by maxReplicas and by the quota, and says so', () => {
    const capped = computePredictiveFloor({
      ...base,
      perPodTarget: 1,
      maxReplicas: 50,
    });
    expect(capped.floorReplicas).toBe(50);
    const quota = computePredictiveFloor({
      ...base,
      perPodTarget: 1,
      quotaMaxReplicas: 20,
    });
    expect(quota.floorReplicas).toBe(20);
    expect(quota.reasons.map(r => r.code)).toContain('PredictiveFloorCapped');
    // The cap as data too: what bound it and what the forecast asked for before it.
    expect(capped.cap).toEqual({
      by: 'max',
      wantedReplicas: expect.any(Number),
    });
    expect(capped.cap!.wantedReplicas).toBeGreaterThan(50);
    expect(quota.cap).toMatchObject({ by: 'quota' });
    const unhonoured = computePredictiveFloor({
      ...base,
      perPodTarget: 1,
      maxReplicas: 50,
      honorMaxReplicas: false,
    });
    expect(unhonoured.floorReplicas!).toBeGreaterThan(50);
  });

  it('records but does not apply the floor in forecast-only mode', () => {
    const result = computePredictiveFloor({
      ...base,
      mode: 'forecast-only',
      reactiveReplicas: 3,
    });
    expect(result.applied).toBe(false);
    expect(result.floorReplicas).toBeUndefined();
    expect(result.wouldBeReplicas).toBeGreaterThan(3);
    expect(result.combinedReplicas).toBe(3);
    expect(result.reasons.map(r => r.code)).toContain('ForecastOnly');
  });

  it('falls back to reactive only without a forecaster', () => {
    const result = computePredictiveFloor({
      ...base,
      forecaster: undefined,
      unavailableReason:
        '3 h of history, forecasting needs 1 d: reactive scaling only',
      reactiveReplicas: 4,
    });
    expect(result.floorReplicas).toBeUndefined();
    expect(result.combinedReplicas).toBe(4);
    expect(result.reasons).toEqual([
      {
        code: 'InsufficientHistory',
        message: expect.stringMatching(/reactive scaling only/),
      },
    ]);
  });

  it('derives the per-pod target from the policy metrics', () => {
    const policy = scalingPolicySchema.parse({
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 70 },
        },
        {
          type: 'Pods',
          name: 'rps',
          query: { source: 'prometheus', query: 'x' },
          target: { type: 'AverageValue', averageValue: 50 },
        },
      ],
    });
    expect(perPodTargetFor(policy, 100)).toBe(50);
    expect(
      perPodTargetFor({ ...policy, metrics: [policy.metrics[0]] }, 100),
    ).toBe(70);
  });

  it('enters the decision as a floor: raises replicas, never lowers them', () => {
    const policy = scalingPolicySchema.parse({
      minReplicas: 1,
      maxReplicas: 100,
      predictive: { enabled: true },
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 50 },
        },
      ],
    });
    const pods = Array.from({ length: 4 }, (_, i) => ({
      name: `p${i}`,
      phase: 'Running' as const,
      ready: true,
      startTimeMs: 0,
      readyTransitionMs: 0,
      requests: { cpu: 1 },
    }));
    const samples = {
      [metricKey(policy.metrics[0])]: {
        type: 'pods' as const,
        values: Object.fromEntries(pods.map(p => [p.name, 0.5])),
        timestampMs: now,
        windowSeconds: 60,
      },
    };
    const floor = computePredictiveFloor({ ...base, perPodTarget: 100 });
    const decide = (predictive?: { floorReplicas: number; message?: string }) =>
      decideHorizontal({
        policy,
        workload: { currentReplicas: 4, pods },
        samples,
        nowMs: now,
        predictive,
      });
    const withFloor = decide({
      floorReplicas: floor.floorReplicas!,
      message: 'm',
    });
    expect(withFloor.desiredReplicas).toBeGreaterThan(4);
    const lowFloor = decide({ floorReplicas: 1 });
    expect(lowFloor.desiredReplicas).toBe(decide().desiredReplicas);
  });
});

describe('replay with the forecaster', () => {
  /** Two quiet days, then every day at 10:00 demand ramps from 300 to 1500 rps in 5 minutes. */
  function rampTrace(days: number): Series {
    const step = 15;
    const n = (days * 86400) / step;
    const timeMs = new Float64Array(n);
    const demand = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = MONDAY + i * step * 1000;
      const minute = ((t - MONDAY) / 60_000) % 1440;
      const ramp = Math.min(1, Math.max(0, (minute - 600) / 5));
      const up = minute < 720 ? ramp : 0;
      timeMs[i] = t;
      demand[i] = 300 + 1200 * up;
    }
    return { timeMs, demand, stepSeconds: step };
  }
  const policy = scalingPolicySchema.parse({
    minReplicas: 2,
    maxReplicas: 100,
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      },
    ],
    predictive: { enabled: true, leadTimeSeconds: 300 },
  });

  it('pre-scales a daily ramp: fewer overloaded seconds than the same policy without it', () => {
    const series = rampTrace(4);
    const without = replay({
      series,
      policy: {
        ...policy,
        predictive: { ...policy.predictive, enabled: false },
      },
      capacityPerPod: 100,
      startupSeconds: 60,
    });
    const provider = createReplayFloorProvider();
    const withFloor = replay({
      series,
      policy,
      capacityPerPod: 100,
      startupSeconds: 60,
      predictiveFloor: provider,
    });
    expect(without.summary.overloadedSeconds).toBeGreaterThan(0);
    expect(withFloor.summary.overloadedSeconds).toBeLessThanOrEqual(
      without.summary.overloadedSeconds / 2,
    );
    expect(provider.stats.applied).toBeGreaterThan(0);
    // nothing before a day of history: the first ramp is met reactively
    const firstDay = withFloor.rows.filter(r => r.timeMs < MONDAY + 24 * HOUR);
    const firstDayWithout = without.rows.filter(
      r => r.timeMs < MONDAY + 24 * HOUR,
    );
    expect(firstDay).toEqual(firstDayWithout);
  });

  it('only records the floor in forecast-only mode', () => {
    const series = rampTrace(2);
    const provider = createReplayFloorProvider({ record: true });
    const forecastOnly = { ...policy, mode: 'forecast-only' as const };
    const result = replay({
      series,
      policy: forecastOnly,
      capacityPerPod: 100,
      startupSeconds: 60,
      predictiveFloor: provider,
    });
    const without = replay({
      series,
      policy: {
        ...policy,
        predictive: { ...policy.predictive, enabled: false },
      },
      capacityPerPod: 100,
      startupSeconds: 60,
    });
    expect(result.summary).toEqual(without.summary);
    expect(provider.stats.applied).toBe(0);
    expect(provider.stats.recordedOnly).toBeGreaterThan(0);
    expect(
      provider.records.some(r =>
        r.result.reasons.some(x => x.code === 'ForecastOnly'),
      ),
    ).toBe(true);
  });
});

describe('autoscaling forecast', () => {
  function io(files: Record<string, string>) {
    const out: Record<string, string> = {};
    const streams = { stdout: '', stderr: '' };
    const commandIo: CommandIo = {
      stdout: { write: t => (streams.stdout += t) },
      stderr: { write: t => (streams.stderr += t) },
      readFile: async path => {
        if (!(path in files))
          throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
        return files[path];
      },
      writeFile: async (path, text) => {
        out[path] = text;
      },
    };
    return { commandIo, out, streams };
  }
  const s = syntheticSeries({ days: 3, seed: 2 });
  const csv = [
    'timestamp,value',
    ...Array.from(
      s.values,
      (v, i) => `${new Date(s.timeMs[i]).toISOString()},${v.toFixed(2)}`,
    ),
  ].join('\n');

  it('writes rolling-origin forecasts that start after the minimum history', async () => {
    const { commandIo, out, streams } = io({ 't.csv': csv });
    const code = await main(
      [
        'forecast',
        '--trace',
        't.csv',
        '--horizon',
        '3600',
        '--step',
        '300',
        '--out',
        'f.csv',
        '--anomalies',
        'a.csv',
      ],
      commandIo,
    );
    expect(code).toBe(0);
    const lines = out['f.csv'].trim().split('\n');
    expect(lines[0]).toBe('origin,timestamp,forecast,lower,upper');
    const rows = lines.slice(1).map(l => l.split(','));
    expect(rows.length).toBeGreaterThan(100);
    const first = Date.parse(rows[0][0]);
    expect(first).toBeGreaterThanOrEqual(MONDAY + 24 * HOUR);
    for (const [origin, time, forecast] of rows) {
      expect(Date.parse(time)).toBeGreaterThanOrEqual(Date.parse(origin));
      expect(Date.parse(time)).toBeLessThan(Date.parse(origin) + HOUR);
      expect(Number(forecast)).toBeGreaterThan(0);
    }
    // once a backtest exists, rows carry a band around the forecast
    const banded = rows.filter(r => r[3] !== '');
    expect(banded.length).toBeGreaterThan(0);
    for (const [, , f, lo, hi] of banded) {
      expect(Number(lo)).toBeLessThanOrEqual(Number(f));
      expect(Number(hi)).toBeGreaterThanOrEqual(Number(f));
    }
    expect(out['a.csv'].split('\n')[0]).toBe('start,end,observed,expected,z');
    expect(streams.stderr).toMatch(/model chosen by backtest/);
  });

  it('rejects a bad horizon and a missing file with a clear message', async () => {
    const bad = io({ 't.csv': csv });
    expect(
      await main(
        ['forecast', '--trace', 't.csv', '--horizon', 'soon'],
        bad.commandIo,
      ),
    ).toBe(2);
    expect(bad.streams.stderr).toMatch(/--horizon must be a number/);
    const missing = io({});
    expect(
      await main(
        ['forecast', '--trace', 'nope.csv', '--horizon', '60'],
        missing.commandIo,
      ),
    ).toBe(1);
    expect(missing.streams.stderr).toMatch(/nope\.csv/);
  });
});
