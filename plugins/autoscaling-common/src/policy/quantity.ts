/**
 * Kubernetes resource quantities ("500m", "1.5", "256Mi", "2G") as plain numbers in base units
 * (cores for CPU, bytes for memory), so policies can be written the way kubectl users write them.
 */
const SUFFIX_FACTORS: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY_PATTERN =
  /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]{0,2})$/;

/** Returns the quantity in base units, or undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, digits, suffix] = match;
  const factor = SUFFIX_FACTORS[suffix];
  if (factor === undefined) return undefined;
  const value = Number(digits) * factor;
  return Number.isFinite(value) ? value : undefined;
}
