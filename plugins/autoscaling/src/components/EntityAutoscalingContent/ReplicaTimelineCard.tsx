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
import type { WorkloadHistory } from '@internal/plugin-autoscaling-common';
import { useChartColors } from '../../hooks/useChartColors';
import { useWorkloadHistory } from '../../hooks/useWorkloadData';
import {
  spanWords,
  timelineTooltip,
  UTC_TIME_AXIS,
  utcTickFormatter,
  utcTimeTicks,
} from '../../lib/chartFormat';
import {
  describeDecision,
  formatClock,
  formatCores,
  formatNumber,
} from '../../lib/format';
import { ChartFigure } from '../common/ChartFigure';
import { QueryState } from '../common/QueryState';
import { CARD_TITLE } from '../common/cardTitle';

const DEMAND_SERIES = 'Demand (CPU cores)';

/**
 * The span the history really covers: "24 hours", or "3 min (all the history so far)";
 * undefined before there are two samples.
 */
export function historySpan(
  history: WorkloadHistory | undefined,
): string | undefined {
  const points = history?.points ?? [];
  if (points.length < 2) return undefined;
  const from = Date.parse(points[0].at);
  const to = Date.parse(points[points.length - 1].at);
  const words = spanWords(from, to);
  return words === '24 hours' || to - from > 24.5 * 3_600_000
    ? words
    : `${words} (all the history so far)`;
}

/**
 * Decisions whose "3→5" label is drawn: at most one per 1/12 of the axis, so labels do not
 * overprint one another; every decision keeps its marker and its sentence (title).
 */
export function labelledDecisions(
  decisions: WorkloadHistory['decisions'],
  fromMs: number,
  toMs: number,
): Set<string> {
  const gap = Math.max(0, toMs - fromMs) / 12;
  const out = new Set<string>();
  let last = -Infinity;
  for (const d of [...decisions].sort((a, b) => a.at.localeCompare(b.at))) {
    const t = Date.parse(d.at);
    if (t - last >= gap) {
      out.add(d.id);
      last = t;
    }
  }
  return out;
}

function TimelineChart({ history }: { history: WorkloadHistory }) {
  const colors = useChartColors();
  const span = historySpan(history);
  const data = history.points.map(p => ({
    t: Date.parse(p.at),
    replicas: p.replicas,
    desired: p.desiredReplicas,
    demand: p.demand,
  }));
  const first = data[0];
  const lastT = data[data.length - 1]?.t ?? 0;
  const scaled = history.decisions.filter(d => d.kind !== 'hold');
  const labelled = labelledDecisions(scaled, first?.t ?? 0, lastT);
  const last = history.points[history.points.length - 1];
  // Demand is what the history API records for each sample: the CPU all the workload's pods
  // use, in cores (not replicas), so it has its own axis on the right.
  const hasDemand = history.points.some(p => p.demand !== null);
  const lastDemand = [...history.points].reverse().find(p => p.demand !== null);
  const demandSummary = lastDemand
    ? ` Demand (CPU used by all pods, right axis in cores) now ${formatCores(
        lastDemand.demand,
      )}.`
    : '';
  return (
    <ChartFigure
      label="Replica timeline"
      summary={`${history.points.length} ${
        history.points.length === 1 ? 'sample' : 'samples'
      }${span ? ` over the last ${span}` : ''}, ${
        scaled.length
      } scaling decisions; now ${
        last?.replicas ?? 0
      } replicas.${demandSummary}`}
    >
      <ResponsiveContainer>
        <ComposedChart
          data={data}
          margin={{ top: 16, right: 8, bottom: 16, left: 0 }}
        >
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            ticks={first ? utcTimeTicks(first.t, lastT) : undefined}
            tickFormatter={utcTickFormatter(first?.t ?? 0, lastT)}
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
          {hasDemand && (
            <YAxis
              yAxisId="cores"
              orientation="right"
              stroke={colors.text}
              tickFormatter={v => formatNumber(Number(v))}
              label={{
                value: 'CPU cores',
                angle: 90,
                position: 'insideRight',
                style: { textAnchor: 'middle' },
                fill: colors.text,
              }}
            />
          )}
          <Tooltip
            labelFormatter={v => formatClock(Number(v))}
            formatter={timelineTooltip(DEMAND_SERIES)}
            contentStyle={{
              background: colors.tooltipBackground,
              color: colors.tooltipText,
            }}
          />
          <Legend verticalAlign="top" />
          {/*
            Desired is drawn first, wide and light, and Replicas thin on top: where they are
            equal (most of the time) both stay visible instead of one hiding the other.
          */}
          <Line
            yAxisId="replicas"
            type="stepAfter"
            dataKey="desired"
            name="Desired"
            stroke={colors.secondary}
            strokeWidth={6}
            strokeOpacity={0.35}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            yAxisId="replicas"
            type="stepAfter"
            dataKey="replicas"
            name="Replicas"
            stroke={colors.primary}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
          {hasDemand && (
            <Line
              yAxisId="cores"
              type="monotone"
              dataKey="demand"
              name={DEMAND_SERIES}
              stroke={colors.warning}
              dot={false}
              isAnimationActive={false}
            />
          )}
          {scaled.map(d => (
            <ReferenceLine
              key={d.id}
              yAxisId="replicas"
              x={Date.parse(d.at)}
              stroke={d.outcome === 'applied' ? colors.success : colors.error}
              strokeDasharray="2 2"
              label={
                labelled.has(d.id)
                  ? {
                      value: `${d.from}→${d.to}`,
                      fill: colors.text,
                      fontSize: 10,
                      position: 'top',
                    }
                  : undefined
              }
              ifOverflow="extendDomain"
            >
              <title>{describeDecision(d)}</title>
            </ReferenceLine>
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartFigure>
  );
}

function titleOf(span: string | undefined): string {
  return span ? `Replicas over the last ${span}` : 'Replica history';
}

/**
 * Replicas and desired replicas over 24 h (left axis), the demand behind them in CPU cores
 * (right axis), with a marker at each scaling decision.
 */
export function ReplicaTimelineCard({ workloadId }: { workloadId: string }) {
  const history = useWorkloadHistory(workloadId);
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title={titleOf(historySpan(history.data))}
    >
      <QueryState
        query={history}
        compact
        emptyTitle="No history yet"
        emptyDescription="The timeline fills in as the engine evaluates this workload."
        isEmpty={h => h.points.length === 0}
      >
        {h => <TimelineChart history={h} />}
      </QueryState>
    </InfoCard>
  );
}
