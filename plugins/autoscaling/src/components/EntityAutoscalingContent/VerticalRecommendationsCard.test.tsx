import { QueryProvider } from '../QueryProvider';
import { screen, within } from '@testing-library/react';
import type { WorkloadRecommendations } from '@internal/plugin-autoscaling-common';
import { VerticalRecommendationsCard } from './VerticalRecommendationsCard';
import {
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import { WORKLOAD_ID } from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);
const server = setupMswServer();
const MIB = 2 ** 20;

async function renderCard(body: WorkloadRecommendations) {
  server.use(route('get', '/workloads/:id/recommendations', body));
  await renderWithApi(
    <QueryProvider>
      <VerticalRecommendationsCard workloadId={WORKLOAD_ID} />
    </QueryProvider>,
  );
  return screen.findByRole('table', { name: 'Vertical recommendations' });
}

const row = {
  container: 'app',
  currentLimit: null,
  oomKills: 0,
};

describe('VerticalRecommendationsCard', () => {
  it('shows current → recommended with the range, confidence in words, savings and the replicas', async () => {
    const table = await renderCard({
      workloadId: WORKLOAD_ID,
      vertical: [
        {
          ...row,
          resource: 'cpu',
          current: 0.5,
          target: 0.28,
          lowerBound: 0.21,
          upperBound: 0.4,
          confidence: 0.75,
          confidenceDays: 3,
          confidenceLevel: 'medium',
          monthlySavings: 25.7,
        },
        {
          ...row,
          resource: 'memory',
          current: 512 * MIB,
          currentLimit: 768 * MIB,
          target: 640 * MIB,
          lowerBound: 600 * MIB,
          upperBound: 700 * MIB,
          confidence: 0.75,
          confidenceDays: 3,
          confidenceLevel: 'medium',
          oomKills: 2,
          monthlySavings: 0,
        },
      ],
      horizontal: {
        minReplicas: 2,
        maxReplicas: 10,
        currentReplicas: 4,
        replicas: 6,
        reasons: [
          {
            code: 'RecommendedRequests',
            message:
              "cpu at 70% of the pod's recommended request needs 6 replica(s)",
          },
        ],
      },
      monthlySavings: 25.7,
      currency: 'EUR',
      mode: 'Off',
      actions: [],
      waiting: [],
    });
    const cpu = within(table).getByTestId('rightsizing-app-cpu');
    expect(cpu).toHaveTextContent('500m → 280m');
    expect(cpu).toHaveTextContent('210m – 400m');
    expect(cpu).toHaveTextContent('Medium (3 d of history)');
    expect(cpu).toHaveTextContent('€25.70');
    const memory = within(table).getByTestId('rightsizing-app-memory');
    expect(memory).toHaveTextContent('512 MiB → 640 MiB');
    expect(memory).toHaveTextContent('limit 768 MiB');
    expect(memory).toHaveTextContent('raised after 2 OOM kills');
    expect(memory).toHaveTextContent('none (request rises)');
    expect(screen.getByTestId('rightsizing-savings')).toHaveTextContent(
      'Right-sizing saves €25.70 per month',
    );
    expect(screen.queryByTestId('rightsizing-low-confidence')).toBeNull();
    expect(
      screen.getByText(
        /horizontal engine would run 6 replicas \(now 4, bounds 2–10\)/,
      ),
    ).toBeInTheDocument();
    expect(table).not.toHaveTextContent('%');
  });

  it('explains low confidence instead of a nonsense range', async () => {
    // What the route gave before: 0% confidence and a range of 206m – 169.18 cores.
    const table = await renderCard({
      workloadId: WORKLOAD_ID,
      vertical: [
        {
          ...row,
          resource: 'cpu',
          current: 0.5,
          target: 0.24,
          lowerBound: 0.206,
          upperBound: 169.18,
          confidence: 0.0007,
          confidenceDays: 0.0007,
          confidenceLevel: 'none',
          monthlySavings: 30.1,
        },
      ],
      horizontal: null,
      monthlySavings: 30.1,
      currency: 'USD',
      mode: 'Off',
      actions: [],
      waiting: [],
    });
    expect(table).not.toHaveTextContent('169.18');
    expect(table).not.toHaveTextContent('0%');
    const cpu = within(table).getByTestId('rightsizing-app-cpu');
    expect(cpu).toHaveTextContent('500m → 240m');
    expect(cpu).toHaveTextContent('not yet');
    expect(cpu).toHaveTextContent('None yet (1 min of history)');
    expect(screen.getByTestId('rightsizing-low-confidence')).toHaveTextContent(
      'Low confidence: only 1 min of usage history',
    );
  });

  it('says what Auto did and when: in place, the pods, no restart; a raise waiting for approval; a dry-run', async () => {
    await renderCard({
      workloadId: WORKLOAD_ID,
      vertical: [
        {
          ...row,
          resource: 'cpu',
          current: 0.28,
          target: 0.28,
          lowerBound: 0.21,
          upperBound: 0.4,
          confidence: 0.75,
          confidenceDays: 3,
          confidenceLevel: 'medium',
          monthlySavings: 0,
        },
      ],
      horizontal: null,
      monthlySavings: 0,
      currency: 'USD',
      mode: 'Auto',
      waiting: [],
      actions: [
        {
          at: '2026-12-02T14:05:00Z',
          mode: 'Auto',
          method: 'in-place',
          outcome: 'applied',
          pods: 2,
          changes: [
            { container: 'app', resource: 'cpu', from: 0.5, to: 0.28 },
            {
              container: 'app',
              resource: 'memory',
              from: 512 * MIB,
              to: 300 * MIB,
            },
          ],
          reason: 'requests app cpu 500m → 280m in place',
        },
        {
          at: '2026-12-01T09:00:00Z',
          mode: 'Auto',
          method: 'template',
          outcome: 'change-request',
          changeRequestId: 'cr-1',
          changes: [
            {
              container: 'app',
              resource: 'memory',
              from: 256 * MIB,
              to: 400 * MIB,
            },
          ],
          reason: 'over the guardrail',
        },
        {
          at: '2026-11-30T08:00:00Z',
          mode: 'Auto',
          method: 'in-place',
          outcome: 'dry-run',
          changes: [{ container: 'app', resource: 'cpu', from: 0.5, to: 0.3 }],
          reason: 'dry-run',
        },
      ],
    });
    expect(screen.getByTestId('rightsizing-mode')).toHaveTextContent(
      'Vertical mode Auto',
    );
    const actions = screen.getAllByTestId('rightsizing-action');
    expect(actions[0]).toHaveTextContent(
      'Cpu lowered from 500m to 280m, memory lowered from 512 MiB to 300 MiB on 2 Dec, 14:05 UTC, in place; 2 pods, no restart',
    );
    expect(actions[1]).toHaveTextContent(
      'Memory raised from 256 MiB to 400 MiB needs an approval (more than +50% on a production service)',
    );
    expect(
      within(actions[1]).getByRole('link', { name: 'open the approvals' }),
    ).toHaveAttribute('href', '/autoscaling?view=approvals');
    expect(actions[2]).toHaveTextContent(
      'not applied: the workload is in dry-run mode',
    );
  });

  it('Initial: shows what waits for the next rollout', async () => {
    await renderCard({
      workloadId: WORKLOAD_ID,
      vertical: [
        {
          ...row,
          resource: 'cpu',
          current: 0.5,
          target: 0.28,
          lowerBound: 0.21,
          upperBound: 0.4,
          confidence: 0.75,
          confidenceDays: 3,
          confidenceLevel: 'medium',
          monthlySavings: 10,
        },
      ],
      horizontal: null,
      monthlySavings: 10,
      currency: 'USD',
      mode: 'Initial',
      actions: [],
      waiting: [{ container: 'app', resource: 'cpu', from: 0.5, to: 0.28 }],
    });
    expect(screen.getByTestId('rightsizing-waiting')).toHaveTextContent(
      'Waiting for the next rollout: app cpu lowered from 500m to 280m.',
    );
    expect(screen.getByText('No change written yet.')).toBeInTheDocument();
  });
});
