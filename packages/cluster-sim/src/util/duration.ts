/** Durations: "90s", "15m", "2h", "1d", "1h30m", or a number of seconds. */
export function parseDurationSeconds(d: string | number): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new Error(`invalid duration ${d}`);
    return d;
  }
  const s = d.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(s)) return Number(s);
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/g;
  let total = 0;
  let consumed = 0;
  const unit: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
  };
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== s.length || consumed === 0)
    throw new Error(`invalid duration "${d}"`);
  return total;
}

/** Kubernetes' human-readable age ("45s", "5m", "3h", "2d", "3h5m"), as kubectl shows. */
export function humanAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) {
    const rest = s % 60;
    return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) {
    const rest = Math.floor((s % 3600) / 60);
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) {
    const rest = hours % 24;
    return rest === 0 ? `${days}d` : `${days}d${rest}h`;
  }
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}
