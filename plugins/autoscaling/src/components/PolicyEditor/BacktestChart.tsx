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
import type { Backtest } from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import { backtestTooltip } from '../../lib/chartFormat';
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
  const summary = `Old policy: ${formatDuration(
    backtest.old.overloadedSeconds,
  )} overloaded, ${formatNumber(
    backtest.old.replicaHours,
  )} replica-hours, ${formatMoney(
    backtest.old.monthlyCost,
  )}/month. New policy: ${formatDuration(
    backtest.new.overloadedSeconds,
  )} overloaded, ${formatNumber(
    backtest.new.replicaHours,
  )} replica-hours, ${formatMoney(backtest.new.monthlyCost)}/month.`;
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
            <YAxis
              yAxisId="replicas"
              allowDecimals={false}
              stroke={colors.text}
            />
            {/* Demand is in the metric's unit (e.g. requests/s), so it gets its own axis. */}
            <YAxis
              yAxisId="demand"
              orientation="right"
              stroke={colors.warning}
            />
            <Tooltip
              labelFormatter={v => formatClock(Number(v))}
              formatter={backtestTooltip('Demand')}
              contentStyle={{
                background: colors.tooltipBackground,
                color: colors.tooltipText,
              }}
            />
            <Legend />
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
