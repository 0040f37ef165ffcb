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
import { describeDecision, formatClock } from '../../lib/format';
import { ChartFigure } from '../common/ChartFigure';
import { QueryState } from '../common/QueryState';
import { CARD_TITLE } from '../common/cardTitle';

function TimelineChart({ history }: { history: WorkloadHistory }) {
  const colors = useChartColors();
  const data = history.points.map(p => ({
    t: Date.parse(p.at),
    replicas: p.replicas,
    desired: p.desiredReplicas,
    demand: p.demand,
  }));
  const scaled = history.decisions.filter(d => d.kind !== 'hold');
  const last = history.points[history.points.length - 1];
  return (
    <ChartFigure
      label="Replica timeline"
      summary={`${history.points.length} samples over the last 24 hours, ${
        scaled.length
      } scaling decisions; now ${last?.replicas ?? 0} replicas.`}
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
          <YAxis allowDecimals={false} stroke={colors.text} />
          <Tooltip
            labelFormatter={v => formatClock(Number(v))}
            contentStyle={{
              background: colors.tooltipBackground,
              color: colors.tooltipText,
            }}
          />
          <Legend />
          <Line
            type="stepAfter"
            dataKey="replicas"
            name="Replicas"
            stroke={colors.primary}
            dot={false}
            strokeWidth={2}
            isAnimationActive={false}
          />
          <Line
            type="stepAfter"
            dataKey="desired"
            name="Desired"
            stroke={colors.secondary}
            strokeDasharray="5 3"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="demand"
            name="Demand (replicas needed)"
            stroke={colors.warning}
            dot={false}
            isAnimationActive={false}
          />
          {scaled.map(d => (
            <ReferenceLine
              key={d.id}
              x={Date.parse(d.at)}
              stroke={d.outcome === 'applied' ? colors.success : colors.error}
              strokeDasharray="2 2"
              label={{
                value: `${d.from}→${d.to}`,
                fill: colors.text,
                fontSize: 10,
                position: 'top',
              }}
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

/** Replicas, desired replicas and demand over 24 h, with a marker at each scaling decision. */
export function ReplicaTimelineCard({ workloadId }: { workloadId: string }) {
  const history = useWorkloadHistory(workloadId);
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Replicas over the last 24 hours"
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
