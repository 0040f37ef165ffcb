import { InfoCard } from '@backstage/core-components';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type {
  HistoryPoint,
  WorkloadForecast,
} from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import {
  useWorkloadForecast,
  useWorkloadHistory,
} from '../../hooks/useWorkloadData';
import { formatRelativeTime } from '../../lib/format';
import {
  FLOOR_STATUS_LABEL,
  accuracySentence,
  firstForecastSentence,
  floorStatusSentence,
  forecastHeadline,
  forecastPeak,
  formatDemand,
  hasBand,
  localClock,
} from '../../lib/forecastText';
import { ChartFigure } from '../common/ChartFigure';
import { QueryState } from '../common/QueryState';
import { CARD_TITLE } from '../common/cardTitle';
import { StatusChip } from '../common/StatusChip';

/** Hours of observed demand drawn before the forecast. */
export const OBSERVED_HOURS = 48;
const BUCKET_MS = 300_000;

/** Observed demand is recorded in CPU cores; it shares the forecast's axis only in that unit. */
function observedInUnit(unit: string) {
  return /^cores?$/i.test(unit.trim());
}

/** 5-minute means of observed demand (a point a minute is more than a chart can show). */
export function observedBuckets(
  points: HistoryPoint[],
): Array<{ t: number; demand: number }> {
  const buckets = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    if (p.demand === null || !Number.isFinite(p.demand)) continue;
    const t = Math.floor(Date.parse(p.at) / BUCKET_MS) * BUCKET_MS;
    const b = buckets.get(t) ?? { sum: 0, n: 0 };
    b.sum += p.demand;
    b.n += 1;
    buckets.set(t, b);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, b]) => ({ t, demand: Math.round((b.sum / b.n) * 1000) / 1000 }));
}

/** Axis ticks at whole local hours, every `hours` hours. */
export function hourTicks(start: number, end: number, hours: number): number[] {
  const first = new Date(start);
  first.setMinutes(0, 0, 0);
  while (first.getTime() < start || first.getHours() % hours !== 0) {
    first.setHours(first.getHours() + 1);
  }
  const ticks: number[] = [];
  for (let t = first.getTime(); t <= end; t += hours * 3600_000) ticks.push(t);
  return ticks;
}

function floorLevel(f: WorkloadForecast): number | null {
  if (!f.floor || f.floor.status === 'reactive') return null;
  if (f.floor.replicas === null || f.perPodTarget === null) return null;
  return f.floor.replicas * f.perPodTarget;
}

function chartSummary(
  f: WorkloadForecast,
  observed: Array<{ t: number; demand: number }>,
  anomalies: number,
): string {
  const unit = f.unit;
  const parts: string[] = [];
  if (observed.length) {
    const values = observed.map(o => o.demand);
    parts.push(
      `Observed demand over the last ${OBSERVED_HOURS} hours: between ${formatDemand(
        Math.min(...values),
        unit,
      )} and ${formatDemand(Math.max(...values), unit)}, latest ${formatDemand(
        values[values.length - 1],
        unit,
      )}.`,
    );
  } else {
    parts.push(`No observed demand in ${unit} to draw.`);
  }
  const peak = forecastPeak(f.points);
  if (peak) {
    const band =
      peak.lower !== null && peak.upper !== null
        ? `, 80% band ${formatDemand(peak.lower, unit)} to ${formatDemand(
            peak.upper,
            unit,
          )}`
        : ', no band yet';
    let low = f.points[0];
    for (const p of f.points) if (p.forecast < low.forecast) low = p;
    parts.push(
      `Forecast for the next 24 hours: peak ${formatDemand(
        peak.forecast,
        unit,
      )} at ${localClock(peak.at)}${band}; lowest ${formatDemand(
        low.forecast,
        unit,
      )} at ${localClock(low.at)}.`,
    );
  }
  const level = floorLevel(f);
  if (level !== null) {
    parts.push(
      `Predictive floor ${f.floor.replicas} replicas (${formatDemand(
        level,
        unit,
      )}), ${FLOOR_STATUS_LABEL[f.floor.status].toLowerCase()}.`,
    );
  } else {
    parts.push('No predictive floor: the engine reacts to observed demand.');
  }
  if (anomalies) {
    parts.push(
      `${anomalies} ${
        anomalies === 1 ? 'anomaly' : 'anomalies'
      } marked in the drawn period.`,
    );
  }
  return parts.join(' ');
}

function ForecastChart({
  forecast,
  history,
}: {
  forecast: WorkloadForecast;
  history: HistoryPoint[] | undefined;
}) {
  const colors = useChartColors();
  const unit = forecast.unit;
  const now = forecast.generatedAt
    ? Date.parse(forecast.generatedAt)
    : Date.parse(forecast.points[0].at);
  const from = now - OBSERVED_HOURS * 3600_000;
  const observed = observedInUnit(unit)
    ? observedBuckets(history ?? []).filter(o => o.t >= from && o.t <= now)
    : [];
  const band = hasBand(forecast.points);
  const data = [
    ...observed.map(o => ({ t: o.t, observed: o.demand })),
    ...forecast.points.map(p => ({
      t: Date.parse(p.at),
      forecast: p.forecast,
      band:
        p.lower !== null && p.upper !== null ? [p.lower, p.upper] : undefined,
    })),
  ].sort((a, b) => a.t - b.t);
  const end = data.length ? data[data.length - 1].t : now;
  // The last 48 h are drawn whenever there is observed demand to draw.
  const start = observed.length ? from : Math.min(data[0]?.t ?? now, now);
  const anomalies = (forecast.anomalies ?? [])
    .map(a => ({ t: Date.parse(a.at), anomaly: a.value, score: a.score }))
    .filter(a => a.t >= start && a.t <= end);
  const level = floorLevel(forecast);
  return (
    <ChartFigure
      label="Demand forecast"
      height={300}
      summary={chartSummary(forecast, observed, anomalies.length)}
    >
      <ResponsiveContainer>
        <ComposedChart
          data={data}
          margin={{ top: 16, right: 16, bottom: 16, left: 8 }}
        >
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[start, end]}
            ticks={hourTicks(start, end, end - start > 36 * 3600_000 ? 12 : 3)}
            tickFormatter={v => localClock(Number(v))}
            stroke={colors.text}
            label={{
              value: 'Time (local)',
              position: 'insideBottom',
              offset: -10,
              fill: colors.text,
            }}
          />
          <YAxis
            stroke={colors.text}
            label={{
              value: `Demand (${unit})`,
              angle: -90,
              position: 'insideLeft',
              style: { textAnchor: 'middle' },
              fill: colors.text,
            }}
          />
          <Tooltip
            labelFormatter={v => localClock(Number(v))}
            formatter={(value: unknown) =>
              Array.isArray(value)
                ? `${formatDemand(value[0], unit)} – ${formatDemand(
                    value[1],
                    unit,
                  )}`
                : formatDemand(Number(value), unit)
            }
            contentStyle={{
              background: colors.tooltipBackground,
              color: colors.tooltipText,
            }}
          />
          <Legend verticalAlign="top" height={28} />
          {band && (
            <Area
              dataKey="band"
              name="80% band"
              stroke="none"
              fill={colors.band}
              fillOpacity={0.35}
              isAnimationActive={false}
            />
          )}
          <Line
            dataKey="observed"
            name="Observed demand"
            stroke={colors.info}
            dot={false}
            strokeWidth={1.5}
            isAnimationActive={false}
          />
          <Line
            dataKey="forecast"
            name="Forecast"
            stroke={colors.primary}
            strokeDasharray="6 3"
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
          {anomalies.length > 0 && (
            <Scatter
              data={anomalies}
              dataKey="anomaly"
              name="Anomaly"
              fill={colors.error}
              isAnimationActive={false}
            />
          )}
          <ReferenceLine
            x={now}
            stroke={colors.text}
            label={{
              value: 'now',
              fill: colors.text,
              fontSize: 11,
              position: 'insideTopRight',
            }}
          />
          {level !== null && (
            <ReferenceLine
              y={level}
              stroke={colors.warning}
              strokeDasharray="4 4"
              ifOverflow="extendDomain"
              label={{
                value:
                  forecast.floor.status === 'reported'
                    ? `Would-be floor ${forecast.floor.replicas} replicas (not applied)`
                    : `Floor ${forecast.floor.replicas} replicas`,
                fill: colors.text,
                fontSize: 11,
                position: 'insideBottomLeft',
              }}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

function ForecastBody({
  forecast: f,
  history,
}: {
  forecast: WorkloadForecast;
  history: HistoryPoint[] | undefined;
}) {
  const status = f.floor?.status ?? 'reactive';
  return (
    <>
      <Box display="flex" gap={1} alignItems="center" flexWrap="wrap" mb={1}>
        <StatusChip
          size="small"
          variant="outlined"
          tone={status === 'reactive' ? 'default' : 'primary'}
          label={FLOOR_STATUS_LABEL[status]}
          data-testid="forecast-floor-status"
        />
        {!hasBand(f.points) && (
          <Chip size="small" variant="outlined" label="No band yet" />
        )}
      </Box>
      <Typography variant="body1" data-testid="forecast-headline">
        {forecastHeadline(f)}
      </Typography>
      {!observedInUnit(f.unit) && (
        <Typography variant="body2" color="text.secondary">
          Observed demand is recorded in CPU cores and the forecast in {f.unit},
          so only the forecast is drawn.
        </Typography>
      )}
      <ForecastChart forecast={f} history={history} />
      <Typography variant="body2" sx={{ mt: 1 }} data-testid="forecast-floor">
        {floorStatusSentence(f)}
      </Typography>
      <Typography
        variant="body2"
        sx={{ mt: 1 }}
        data-testid="forecast-accuracy"
      >
        {accuracySentence(f.accuracy)}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        {f.model ? `Model: ${f.model}` : 'No model yet'}
        {f.generatedAt
          ? ` · generated ${formatRelativeTime(f.generatedAt)}`
          : ''}
        {f.anomalies.length
          ? ` · ${f.anomalies.length} ${
              f.anomalies.length === 1 ? 'anomaly' : 'anomalies'
            } in the last 7 days, kept out of the daily pattern`
          : ''}
      </Typography>
      {f.reasons.map((r, i) => (
        <Typography
          key={`${r.code}-${i}`}
          variant="body2"
          title={r.code}
          sx={{ mt: 0.5, overflowWrap: 'anywhere' }}
        >
          {r.message}
        </Typography>
      ))}
    </>
  );
}

/**
 * Observed demand of the last 48 h, the next 24 h forecast with its 80% band, anomalies and the
 * predictive floor, with what it means for the service in one sentence and the model's accuracy.
 */
export function ForecastCard({ workloadId }: { workloadId: string }) {
  const forecast = useWorkloadForecast(workloadId);
  const history = useWorkloadHistory(workloadId, OBSERVED_HOURS);
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Forecast">
      <QueryState
        query={forecast}
        compact
        emptyTitle="No forecast yet"
        emptyDescription={
          forecast.data ? firstForecastSentence(forecast.data) : undefined
        }
        isEmpty={f => f.points.length === 0}
      >
        {f => <ForecastBody forecast={f} history={history.data?.points} />}
      </QueryState>
    </InfoCard>
  );
}
