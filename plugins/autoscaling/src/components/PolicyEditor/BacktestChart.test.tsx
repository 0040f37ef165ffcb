import { screen } from '@testing-library/react';
import type { Backtest } from '@internal/plugin-autoscaling-common';
import { renderWithApi } from '../../__testUtils__/render';
import { changeRequest } from '../../__testUtils__/fixtures';
import { BacktestChart } from './BacktestChart';

describe('BacktestChart', () => {
  it("states its costs in the catalog's currency at the cost card's replica price", async () => {
    const backtest: Backtest = {
      ...changeRequest.backtest!,
      pricing: { currency: 'EUR', replicaHourly: 0.0125 },
    };
    await renderWithApi(<BacktestChart backtest={backtest} />);
    expect(screen.getByTestId('backtest')).toHaveTextContent(
      'Old policy: 30 min overloaded, 96 replica-hours, €900/month. New policy: 0 s overloaded, 110 replica-hours, €1,030/month. Priced at €0.0125 per replica-hour, as on the cost card.',
    );
  });

  it('reads a backtest stored before pricing was recorded (dollars, no price sentence)', async () => {
    await renderWithApi(<BacktestChart backtest={changeRequest.backtest!} />);
    expect(screen.getByTestId('backtest')).toHaveTextContent('$1,030/month.');
    expect(screen.getByTestId('backtest')).not.toHaveTextContent('Priced at');
  });
});
