import { InfoCard } from '@backstage/core-components';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import Typography from '@mui/material/Typography';
import type { WorkloadForecast } from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import { useWorkloadForecast } from '../../hooks/useWorkloadData';
import {
  formatClock,
  formatNumber,
  formatRelativeTime,
} from '../../lib/format';
import { ChartFigure } from '../common/ChartFigure';
import { QueryState } from '../common/QueryState';
import { ReasonList } from './ReasonList';
import { CARD_TITLE } from '../common/cardTitle';

function ForecastChart({ forecast }: { forecast: WorkloadForecast }) {
  const colors = useChartColors();
  const data = forecast.points.map(p => ({
    t: Date.parse(p.at),
    forecast: p.forecast,
    band: [p.lower, p.upper],
  }));
  const peak = Math.max(...forecast.points.map(p => p.forecast));
  return (
    <ChartFigure
      label="Demand forecast"
      summary={`Forecast peak ${formatNumber(
        peak,
      )} replicas; predictive floor ${forecast.predictiveFloor ?? 'not set'}.`}
    >
      <ResponsiveContainer>
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
        >
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={formatClock}
            stroke={colors.text}
          />
          <YAxis stroke={colors.text} />
          <Tooltip
            labelFormatter={v => formatClock(Number(v))}
            formatter={(value: unknown) =>
              Array.isArray(value)
                ? `${formatNumber(value[0])} – ${formatNumber(value[1])}`
                : formatNumber(Number(value))
            }
            contentStyle={{
              background: colors.tooltipBackground,
              color: colors.tooltipText,
            }}
          />
          <Legend />
          <Area
            dataKey="band"
            name="Prediction band"
            stroke="none"
            fill={colors.band}
            fillOpacity={0.3}
            isAnimationActive={false}
          />
          <Line
            dataKey="forecast"
            name="Forecast (replicas)"
            stroke={colors.primary}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
          {forecast.predictiveFloor !== null && (
            <ReferenceLine
              y={forecast.predictiveFloor}
              stroke={colors.warning}
              strokeDasharray="6 3"
              label={{
                value: `Predictive floor ${forecast.predictiveFloor}`,
                fill: colors.text,
                fontSize: 11,
                position: 'insideTopLeft',
              }}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

/** The forecast with its band and the predictive floor, and why the forecaster chose its model. */
export function ForecastCard({ workloadId }: { workloadId: string }) {
  const forecast = useWorkloadForecast(workloadId);
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Forecast">
      <QueryState
        query={forecast}
        compact
        emptyTitle="No forecast yet"
        emptyDescription="The forecaster needs more history before it predicts demand; until then the engine only reacts."
        isEmpty={f => f.points.length === 0 && f.reasons.length === 0}
      >
        {f => (
          <>
            {f.points.length > 0 && <ForecastChart forecast={f} />}
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {f.model ? `Model: ${f.model}` : 'No model yet'}
              {f.generatedAt
                ? ` · generated ${formatRelativeTime(f.generatedAt)}`
                : ''}
              {f.anomalies.length
                ? ` · ${f.anomalies.length} anomalies ignored`
                : ''}
            </Typography>
            <ReasonList reasons={f.reasons} />
          </>
        )}
      </QueryState>
    </InfoCard>
  );
}
