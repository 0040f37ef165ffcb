import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import {
  formatReplicaHour,
  type Backtest,
} from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import {
  backtestTooltip,
  UTC_TIME_AXIS,
  utcTickFormatter,
  utcTimeTicks,
} from '../../lib/chartFormat';
import {
  formatClock,
  formatDuration,
  formatMoney,
  formatNumber,
} from '../../lib/format';
import { ChartFigure } from '../common/ChartFigure';

/** Old versus new policy replayed over recorded demand. */
export function BacktestChart({ backtest }: { backtest: Backtest }) {
  const colors = useChartColors();
  const data = backtest.series.map(p => ({ ...p, t: Date.parse(p.at) }));
  const from = data[0]?.t ?? 0;
  const to = data[data.length - 1]?.t ?? 0;
  // The cost card's price of a replica-hour and its currency (older backtests: USD, unstated).
  const currency = backtest.pricing?.currency ?? 'USD';
  const pricing = backtest.pricing
    ? ` Priced at ${formatReplicaHour(
        backtest.pricing.replicaHourly,
        currency,
      )}, as on the cost card.`
    : '';
  const summary = `Old policy: ${formatDuration(
    backtest.old.overloadedSeconds,
  )} overloaded, ${formatNumber(
    backtest.old.replicaHours,
  )} replica-hours, ${formatMoney(
    backtest.old.monthlyCost,
    currency,
  )}/month. New policy: ${formatDuration(
    backtest.new.overloadedSeconds,
  )} overloaded, ${formatNumber(
    backtest.new.replicaHours,
  )} replica-hours, ${formatMoney(
    backtest.new.monthlyCost,
    currency,
  )}/month.${pricing}`;
  return (
    <Box data-testid="backtest">
      <Typography variant="subtitle2">
        Backtest: old vs new policy on recorded demand
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {summary}
      </Typography>
      <ChartFigure
        label="Backtest of old and new policy"
        summary={summary}
        height={220}
      >
        <ResponsiveContainer>
          <ComposedChart
            data={data}
            margin={{ top: 8, right: 16, bottom: 16, left: 0 }}
          >
            <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              ticks={data.length ? utcTimeTicks(from, to) : undefined}
              tickFormatter={utcTickFormatter(from, to)}
              stroke={colors.text}
              label={{
                value: UTC_TIME_AXIS,
                position: 'insideBottom',
                offset: -12,
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
            {/* Demand is in the metric's unit (e.g. requests/s), so it gets its own axis. */}
            <YAxis
              yAxisId="demand"
              orientation="right"
              stroke={colors.warning}
              label={{
                value: 'Demand',
                angle: 90,
                position: 'insideRight',
                style: { textAnchor: 'middle' },
                fill: colors.text,
              }}
            />
            <Tooltip
              labelFormatter={v => formatClock(Number(v))}
              formatter={backtestTooltip('Demand')}
              contentStyle={{
                background: colors.tooltipBackground,
                color: colors.tooltipText,
              }}
            />
            <Legend verticalAlign="top" />
            <Line
              yAxisId="demand"
              dataKey="demand"
              name="Demand"
              stroke={colors.warning}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="replicas"
              type="stepAfter"
              dataKey="oldReplicas"
              name="Old policy"
              stroke={colors.text}
              strokeDasharray="5 3"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="replicas"
              type="stepAfter"
              dataKey="newReplicas"
              name="New policy"
              stroke={colors.primary}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartFigure>
    </Box>
  );
}
