import { cloneElement, type ReactElement } from 'react';
import { screen } from '@testing-library/react';
import type { WorkloadHistory } from '@internal/plugin-autoscaling-common';
import { QueryProvider } from '../QueryProvider';
import { ReplicaTimelineCard } from './ReplicaTimelineCard';
import { BacktestChart } from '../PolicyEditor/BacktestChart';
import {
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import {
  changeRequest,
  history,
  WORKLOAD_ID,
} from '../../__testUtils__/fixtures';

// jsdom lays nothing out: give the charts a size so recharts draws axes, ticks and labels.
jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  return {
    ...actual,
    ResponsiveContainer: ({ children }: { children: ReactElement }) =>
      cloneElement(children, { width: 800, height: 300 } as any),
  };
});

jest.setTimeout(30_000);
const server = setupMswServer();

function points(startIso: string, count: number, stepMs: number) {
  const start = Date.parse(startIso);
  return Array.from({ length: count }, (_, i) => ({
    ...history.points[0],
    at: new Date(start + i * stepMs).toISOString(),
    replicas: 3 + (i % 2),
  }));
}

async function renderTimeline(h: WorkloadHistory) {
  server.use(route('get', '/workloads/:id/history', h));
  await renderWithApi(
    <QueryProvider>
      <ReplicaTimelineCard workloadId={WORKLOAD_ID} />
    </QueryProvider>,
  );
  return screen.findByRole('figure', { name: 'Replica timeline' });
}

function tickLabels(figure: HTMLElement, axis: 'x' | 'y'): string[] {
  return Array.from(
    figure.querySelectorAll(
      `.recharts-${
        axis === 'x' ? 'xAxis' : 'yAxis'
      } .recharts-cartesian-axis-tick-value`,
    ),
  ).map(t => t.textContent ?? '');
}

/** Axis titles (recharts draws them as `.recharts-label` text, apart from the legend). */
function axisTitles(figure: HTMLElement): string[] {
  return Array.from(figure.querySelectorAll('text.recharts-label')).map(
    t => t.textContent ?? '',
  );
}

describe('ReplicaTimelineCard', () => {
  it('says the span it really shows when there are only minutes of history', async () => {
    const figure = await renderTimeline({
      ...history,
      // Three minutes of samples, 15 s apart.
      points: points('2026-01-01T11:00:00Z', 13, 15_000),
    });
    expect(
      screen.getByText('Replicas over the last 3 min (all the history so far)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/last 24 hours/)).toBeNull();
    expect(figure).toHaveTextContent(
      /13 samples over the last 3 min \(all the history so far\)/,
    );
    // Ticks on whole minutes, none repeated.
    const ticks = tickLabels(figure, 'x');
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  it('keeps "last 24 hours" for a full day, with axis titles and units', async () => {
    const figure = await renderTimeline({
      ...history,
      points: points('2026-01-01T00:00:00Z', 97, 15 * 60_000),
    });
    expect(
      screen.getByText('Replicas over the last 24 hours'),
    ).toBeInTheDocument();
    expect(axisTitles(figure)).toEqual(
      expect.arrayContaining(['Time (UTC)', 'Replicas', 'CPU cores']),
    );
    const ticks = tickLabels(figure, 'x');
    expect(ticks).toEqual(['1 Jan', '06:00', '12:00', '18:00', '2 Jan']);
    expect(new Set(ticks).size).toBe(ticks.length);
  });
});

describe('ReplicaTimelineCard decision markers', () => {
  it('marks every decision but labels only as many as fit without overprinting', async () => {
    const base = history.decisions[0];
    const decisions = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      id: `d-${i}`,
      kind: 'scale' as const,
      // 30 decisions a minute apart in the first half hour of a day.
      at: new Date(
        Date.parse('2026-01-01T00:00:00Z') + i * 60_000,
      ).toISOString(),
      from: 3 + i,
      to: 4 + i,
    }));
    const figure = await renderTimeline({
      ...history,
      points: points('2026-01-01T00:00:00Z', 97, 15 * 60_000),
      decisions,
    });
    const markers = figure.querySelectorAll('.recharts-reference-line');
    expect(markers).toHaveLength(30);
    const labels = figure.querySelectorAll(
      '.recharts-reference-line text.recharts-label',
    );
    // One label per 2 hours of a 24-hour axis: the first and the one after 2 h (none here).
    expect(labels).toHaveLength(1);
    expect(labels[0]).toHaveTextContent('3→4');
  });
});

describe('BacktestChart', () => {
  it('titles its axes and never repeats a time label', async () => {
    const start = Date.parse('2026-01-01T12:00:00Z');
    await renderWithApi(
      <BacktestChart
        backtest={{
          ...changeRequest.backtest!,
          // Two days at 30 min: HH:MM alone would repeat.
          series: Array.from({ length: 97 }, (_, i) => ({
            at: new Date(start + i * 30 * 60_000).toISOString(),
            demand: 10 + (i % 5),
            oldReplicas: 3,
            newReplicas: 4,
          })),
        }}
      />,
    );
    const figure = screen.getByRole('figure', {
      name: 'Backtest of old and new policy',
    });
    expect(axisTitles(figure)).toEqual(
      expect.arrayContaining(['Time (UTC)', 'Replicas', 'Demand']),
    );
    const ticks = tickLabels(figure, 'x');
    expect(ticks.length).toBeGreaterThan(1);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks[0]).toMatch(/^\d+ Jan \d\d:\d\d$/);
  });
});
