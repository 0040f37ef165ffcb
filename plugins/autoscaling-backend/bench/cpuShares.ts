/**
 * Who used the benchmark machine's CPU over a stretch of time (the API load): the machine as a
 * whole from /proc/stat (Linux), and each process of the benchmark from its own
 * `process.cpuUsage()`. What the listed processes did not use is the rest: PostgreSQL, the API
 * clients and anything else on the machine.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { round } from './benchBackend';

export interface CpuSnapshot {
  atMs: number;
  /** The machine's busy and total clock ticks (all cores), when /proc/stat is there. */
  machine?: { busy: number; total: number };
  /** Each process's CPU time so far (µs), by name. */
  processes: Record<string, NodeJS.CpuUsage | undefined>;
}

function machineTicks(): CpuSnapshot['machine'] {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - fields[3] - fields[4], total };
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(
  processes: Record<string, NodeJS.CpuUsage | undefined>,
): CpuSnapshot {
  return { atMs: performance.now(), machine: machineTicks(), processes };
}

/**
 * Between two snapshots: the machine's busy share of all its cores (%), and each process's and
 * the rest's CPU in percent of one core (100 = one core busy the whole time).
 */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot) {
  const wallUs = (after.atMs - before.atMs) * 1000;
  const cores = cpus().length;
  const percentOfOneCore: Record<string, number> = {};
  let listed = 0;
  for (const [name, end] of Object.entries(after.processes)) {
    const start = before.processes[name];
    if (!end || !start) continue;
    const used = end.user - start.user + (end.system - start.system);
    percentOfOneCore[name] = round((100 * used) / wallUs);
    listed += (100 * used) / wallUs;
  }
  const machineBusyPercent =
    before.machine && after.machine
      ? (100 * (after.machine.busy - before.machine.busy)) /
        (after.machine.total - before.machine.total)
      : undefined;
  if (machineBusyPercent !== undefined) {
    percentOfOneCore.rest = round(
      Math.max(0, machineBusyPercent * cores - listed),
    );
  }
  return {
    seconds: round(wallUs / 1e6),
    cores,
    machineBusyPercent:
      machineBusyPercent === undefined ? undefined : round(machineBusyPercent),
    percentOfOneCore,
  };
}
