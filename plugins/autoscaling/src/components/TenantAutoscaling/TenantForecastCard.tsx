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
import type { TenantForecast } from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import { useTenantForecast } from '../../hooks/useTenantForecast';
import { tenantForecastTooltip } from '../../lib/chartFormat';
import { formatMoney } from '../../lib/format';
import {
  localClock,
  tenantForecastCost,
  tenantForecastSentence,
} from '../../lib/forecastText';
import { ChartFigure } from '../common/ChartFigure';
import { hourTicks } from '../EntityAutoscalingContent/ForecastCard';
import { QueryState } from '../common/QueryState';
import { CARD_TITLE } from '../common/cardTitle';

function chartSummary(f: TenantForecast): string {
  const replicas = f.points.map(p => p.replicas);
  const costs = f.points
    .map(p => p.hourlyCost)
    .filter((c): c is number => c !== null);
  const money = (v: number) => formatMoney(v, f.currency ?? 'USD');
  const quota =
    f.replicaQuota === null
      ? 'The tenant has no replica quota.'
      : `Replica quota ${f.replicaQuota}.`;
  const cost = costs.length
    ? `Projected cost between ${money(Math.min(...costs))} and ${money(
        Math.max(...costs),
      )} per hour, ${money(tenantForecastCost(f) ?? 0)} in total.`
    : 'No prices, so no projected cost.';
  return `Projected replicas over the next 24 hours between ${Math.min(
    ...replicas,
  )} and ${Math.max(...replicas)}, with the 80% band from ${Math.min(
    ...f.points.map(p => p.replicasLower),
  )} to ${Math.max(...f.points.map(p => p.replicasUpper))}. ${quota} ${cost}`;
}

function TenantForecastChart({ forecast }: { forecast: TenantForecast }) {
  const colors = useChartColors();
  const currency = forecast.currency ?? 'USD';
  const hasCost = forecast.points.some(p => p.hourlyCost !== null);
  const data = forecast.points.map(p => ({
    t: Date.parse(p.at),
    replicas: p.replicas,
    band: [p.replicasLower, p.replicasUpper],
    cost: p.hourlyCost,
  }));
  return (
    <ChartFigure
      label="Projected replicas and cost"
      height={300}
      summary={chartSummary(forecast)}
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
            domain={['dataMin', 'dataMax']}
            ticks={
              data.length
                ? hourTicks(data[0].t, data[data.length - 1].t, 3)
                : undefined
            }
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
            yAxisId="replicas"
            allowDecimals={false}
            stroke={colors.text}
            label={{
              value: 'Replicas',
              angle: -90,
              position: 'insideLeft',
              style: { textAnchor: 'middle' },
              fill: colors.text,
            }}
          />
          {hasCost && (
            <YAxis
              yAxisId="cost"
              orientation="right"
              stroke={colors.text}
              tickFormatter={v => formatMoney(Number(v), currency)}
              label={{
                value: `Cost per hour (${currency})`,
                angle: 90,
                position: 'insideRight',
                style: { textAnchor: 'middle' },
                fill: colors.text,
              }}
            />
          )}
          <Tooltip
            labelFormatter={v => localClock(Number(v))}
            formatter={tenantForecastTooltip('Cost per hour', currency)}
            contentStyle={{
              background: colors.tooltipBackground,
              color: colors.tooltipText,
            }}
          />
          <Legend verticalAlign="top" height={28} />
          <Area
            yAxisId="replicas"
            dataKey="band"
            name="80% band"
            stroke="none"
            fill={colors.band}
            fillOpacity={0.35}
            isAnimationActive={false}
          />
          <Line
            yAxisId="replicas"
            dataKey="replicas"
            name="Projected replicas"
            stroke={colors.primary}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {hasCost && (
            <Line
              yAxisId="cost"
              type="stepAfter"
              dataKey="cost"
              name="Cost per hour"
              stroke={colors.success}
              strokeDasharray="5 3"
              dot={false}
              isAnimationActive={false}
            />
          )}
          {forecast.replicaQuota !== null && (
            <ReferenceLine
              yAxisId="replicas"
              y={forecast.replicaQuota}
              stroke={colors.error}
              strokeDasharray="6 3"
              ifOverflow="extendDomain"
              label={{
                value: `Quota ${forecast.replicaQuota}`,
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

/** The tenant's next 24 h of replicas (with band) against its quota, and the projected cost. */
export function TenantForecastCard({ tenant }: { tenant: string }) {
  const forecast = useTenantForecast(tenant);
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Next 24 hours">
      <div data-testid="tenant-forecast-card">
        <QueryState
          query={forecast}
          compact
          emptyTitle="No projection yet"
          emptyDescription="The projection appears once the engine has evaluated the tenant's services."
          isEmpty={f => f.points.length === 0}
        >
          {f => (
            <>
              <Typography variant="body1" data-testid="tenant-forecast-summary">
                {tenantForecastSentence(f)}
              </Typography>
              <TenantForecastChart forecast={f} />
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                {f.forecasted === f.workloads
                  ? `${
                      f.workloads === 1
                        ? 'The tenant’s one service has'
                        : `All ${f.workloads} services of the tenant have`
                    } a forecast.`
                  : `${f.forecasted} of ${f.workloads} services have a forecast; the others are counted at their current replicas.`}
              </Typography>
            </>
          )}
        </QueryState>
      </div>
    </InfoCard>
  );
}
