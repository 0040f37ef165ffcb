/** Kubernetes resource quantities: parse to numbers, format as the API does. */

const BINARY: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Parses a quantity ("500m", "2", "512Mi", "1.5Gi", 3) to a plain number (cores, bytes, ...). */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new Error(`invalid quantity ${q}`);
    return q;
  }
  const m = /^([+-]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(
    q.trim(),
  );
  if (!m) throw new Error(`invalid quantity "${q}"`);
  const value = Number(m[1]);
  const suffix = m[2];
  if (suffix in BINARY) return value * BINARY[suffix];
  if (suffix in DECIMAL) return value * DECIMAL[suffix];
  throw new Error(`invalid quantity suffix in "${q}"`);
}

/** CPU as metrics-server reports it: integer nanocores, e.g. "250000000n". */
export function formatCpuNano(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1e9))}n`;
}

/** CPU as millicores, e.g. "250m". */
export function formatCpuMilli(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1000))}m`;
}

/** Memory as metrics-server reports it: integer KiB, e.g. "204800Ki". */
export function formatMemoryKi(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}
