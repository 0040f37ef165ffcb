import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { cost as costBreakdown } from '../../__testUtils__/fixtures';
import { CostBreakdownView } from './CostBreakdownView';

describe('CostBreakdownView spot checklist', () => {
  it('shows an item the engine could not find out as unknown, not as a failure', async () => {
    await renderInTestApp(
      <CostBreakdownView
        cost={{
          ...costBreakdown,
          spot: {
            suitable: false,
            monthlySavings: 120,
            checklist: [
              { item: 'Stateless (a Deployment)', ok: true },
              { item: 'More than one replica', ok: true },
              {
                item: 'A PodDisruptionBudget protects the pods (unknown)',
                ok: false,
              },
              {
                item: 'No local state such as a writable emptyDir (unknown)',
                ok: false,
              },
            ],
          },
        }}
      />,
    );
    const list = screen.getByRole('list', {
      name: 'Spot suitability checklist',
    });
    const pdb = within(list)
      .getByText('A PodDisruptionBudget protects the pods')
      .closest('li') as HTMLElement;
    expect(pdb).toHaveTextContent('Unknown: the cluster did not say');
    expect(within(pdb).getByTitle('unknown')).toBeInTheDocument();
    expect(within(list).queryByTitle('no')).toBeNull();
    expect(list).not.toHaveTextContent('(unknown)');
    expect(
      screen.getByText('Not confirmed: some checks are unknown'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Not suitable')).toBeNull();
  });

  it('still shows a known failure as no, and the advice as not suitable', async () => {
    await renderInTestApp(
      <CostBreakdownView
        cost={{
          ...costBreakdown,
          spot: {
            suitable: false,
            monthlySavings: 0,
            checklist: [
              { item: 'More than one replica', ok: false },
              {
                item: 'A PodDisruptionBudget protects the pods (unknown)',
                ok: false,
              },
            ],
          },
        }}
      />,
    );
    const list = screen.getByRole('list', {
      name: 'Spot suitability checklist',
    });
    expect(within(list).getAllByTitle('no')).toHaveLength(1);
    expect(within(list).getAllByTitle('unknown')).toHaveLength(1);
    expect(screen.getByText('Not suitable')).toBeInTheDocument();
  });
});
