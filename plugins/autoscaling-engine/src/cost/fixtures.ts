/** Round prices so expected figures can be worked out by hand in the tests. */
import type { ResourcePrices } from './prices';

export const PRICES: ResourcePrices = {
  cpuCoreHour: { onDemand: 0.04, spot: 0.012 },
  memoryGiBHour: { onDemand: 0.005, spot: 0.0015 },
  gpuHour: { onDemand: 1, spot: 0.3 },
};
export const GIB_BYTES = 2 ** 30;
