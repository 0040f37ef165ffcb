import { InfoCard } from '@backstage/core-components';
import {
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
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { TenantTrends } from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import { useTenantTrends } from '../../hooks/useTenantTrends';
import {
  spanWords,
  utcTickFormatter,
  utcTimeTicks,
  UTC_TIME_AXIS,
} from '../../lib/chartFormat';
import { formatMoney } from '../../lib/format';
import { ChartFigure } from '../common/ChartFigure';
import { QueryState } from '../common/QueryState';
import { CARD_TITLE } from '../common/cardTitle';

const maxOf = (values: number[]) => (values.length ? Math.max(...values) : 0);

/** "Up to 38 replicas (quota 60, 63% at most)" and "… per month at most, budget …" in words. */
export function trendsSentences(t: TenantTrends): {
  replicas: string;
  spend: string | null;
} {
  const peak = maxOf(t.points.map(p => p.replicas));
  const now = t.points[t.points.length - 1]?.replicas ?? 0;
  const quota =
    t.replicaQuota === null
      ? 'no replica quota'
      : `quota ${t.replicaQuota}; at most ${Math.round(
          (peak / Math.max(t.replicaQuota, 1)) * 100,
        )}% of it`;
  const replicas = `Replicas: ${now} now, at most ${peak} (${quota}).`;
  const rates = t.points
    .map(p => p.monthlyRate)
    .filter((r): r is number => r !== null);
  if (t.currency === null || rates.length === 0)
    return { replicas, spend: null };
  const money = (v: number) => formatMoney(v, t.currency ?? 'USD');
  const current = rates[rates.length - 1];
  const top = maxOf(rates);
  let budget = 'no monthly budget';
  if (t.monthlyBudget !== null) {
    budget =
      top > t.monthlyBudget
        ? `above the monthly budget of ${money(t.monthlyBudget)} at its peak`
        : `within the monthly budget of ${money(t.monthlyBudget)}`;
  }
  return {
    replicas,
    spend: `Spend rate: ${money(current)} a month now, at most ${money(
      top,
    )} (${budget}).`,
  };
}

function TrendChart(props: {
  trends: TenantTrends;
  label: string;
  summary: string;
  series: 'replicas' | 'monthlyRate';
  name: string;
  axis: string;
  limit: number | null;
  limitLabel: string;
  format?: (v: number) => string;
}) {
  const colors = useChartColors();
  const { trends } = props;
  const data = trends.points.map(p => ({
    t: Date.parse(p.at),
    value: p[props.series],
  }));
  const from = data[0]?.t ?? 0;
  const to = data[data.length - 1]?.t ?? 0;
  return (
    <ChartFigure label={props.label} height={220} summary={props.summary}>
      <ResponsiveContainer>
        <ComposedChart
          data={data}
          margin={{ top: 16, right: 24, bottom: 16, left: 8 }}
        >
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            ticks={utcTimeTicks(from, to)}
            tickFormatter={utcTickFormatter(from, to)}
            stroke={colors.text}
            label={{
              value: UTC_TIME_AXIS,
              position: 'insideBottom',
              offset: -10,
              fill: colors.text,
            }}
          />
          <YAxis
            allowDecimals={props.series !== 'replicas'}
            stroke={colors.text}
            tickFormatter={
              props.format ? v => props.format!(Number(v)) : undefined
            }
            width={props.format ? 72 : 48}
            label={{
              value: props.axis,
              angle: -90,
              position: 'insideLeft',
              style: { textAnchor: 'middle' },
              fill: colors.text,
            }}
          />
          <Tooltip
            labelFormatter={utcTickFormatter(from, to)}
            formatter={v =>
              props.format ? props.format(Number(v)) : String(v)
            }
            contentStyle={{
              background: colors.tooltipBackground,
              color: colors.tooltipText,
            }}
          />
          <Legend verticalAlign="top" height={28} />
          <Line
            type="stepAfter"
            dataKey="value"
            name={props.name}
            stroke={colors.primary}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
          />
          {props.limit !== null && (
            <ReferenceLine
              y={props.limit}
              stroke={colors.error}
              strokeDasharray="6 3"
              ifOverflow="extendDomain"
              label={{
                value: props.limitLabel,
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

function TrendsView({ trends }: { trends: TenantTrends }) {
  const text = trendsSentences(trends);
  const first = Date.parse(trends.points[0].at);
  const last = Date.parse(trends.points[trends.points.length - 1].at);
  const currency = trends.currency ?? 'USD';
  const money = (v: number) => formatMoney(v, currency);
  return (
    <>
      <Typography variant="body2" color="text.secondary">
        The last {spanWords(first, last)}
        {spanWords(first, last) === '24 hours'
          ? ''
          : ' (all the history so far)'}
        .
      </Typography>
      <Box data-testid="tenant-trends-replicas" sx={{ mt: 1 }}>
        <Typography variant="body1">{text.replicas}</Typography>
        <TrendChart
          trends={trends}
          label="Replicas against the quota"
          summary={text.replicas}
          series="replicas"
          name="Replicas"
          axis="Replicas"
          limit={trends.replicaQuota}
          limitLabel={`Quota ${trends.replicaQuota}`}
        />
      </Box>
      <Box data-testid="tenant-trends-spend" sx={{ mt: 2 }}>
        {text.spend === null ? (
          <Typography variant="body2" color="text.secondary">
            Spend is shown to the tenant&apos;s members and the platform team.
          </Typography>
        ) : (
          <>
            <Typography variant="body1">{text.spend}</Typography>
            <TrendChart
              trends={trends}
              label="Spend rate against the budget"
              summary={text.spend}
              series="monthlyRate"
              name="Spend rate (per month)"
              axis={`Per month (${currency})`}
              limit={trends.monthlyBudget}
              limitLabel={`Budget ${
                trends.monthlyBudget === null ? '' : money(trends.monthlyBudget)
              }`}
              format={money}
            />
          </>
        )}
      </Box>
    </>
  );
}

/** The tenant's last 24 h: replicas against its quota, spend rate against its budget. */
export function TenantTrendsCard({ tenant }: { tenant: string }) {
  const trends = useTenantTrends(tenant);
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Trends">
      <div data-testid="tenant-trends-card">
        <QueryState
          query={trends}
          compact
          emptyTitle="No history yet"
          emptyDescription="Trends appear once the engine has recorded the tenant's services for a minute."
          isEmpty={t => t.points.length === 0}
        >
          {t => <TrendsView trends={t} />}
        </QueryState>
      </div>
    </InfoCard>
  );
}
