/**
 * `autoscaling replay --trace <csv> --policy <yaml|json> [--capacity-per-pod <rps>]
 *                     [--startup <seconds>] [--step <seconds>] [--out <csv>]`
 *
 * Writes `timestamp,demand,desired_replicas,ready_replicas` (to --out, or stdout) and a
 * summary on stderr.
 */
import { formatPolicyPath } from '@internal/plugin-autoscaling-common';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { validatePolicy } from '../policy/validatePolicy';
import { replay, type ReplayResult } from '../replay/replay';
import {
  parseTraceCsv,
  resampleTrace,
  TraceFormatError,
} from '../replay/trace';
import type { CommandIo } from './io';
import { createReplayFloorProvider } from '../forecast/replayFloor';

const HELP = `Usage: autoscaling replay --trace <csv> --policy <yaml|json> [options]

Replays a recorded load trace through a scaling policy on a simulated cluster.

Options:
  --trace <csv>              trace with header "timestamp,value" (ISO-8601 or epoch seconds; rps)
  --policy <yaml|json>       scaling policy file (the policy schema of autoscaling-common)
  --capacity-per-pod <rps>   rps one ready pod serves at 100% CPU (default 100)
  --startup <seconds>        seconds from pod creation to readiness (default 60)
  --step <seconds>           simulation step; the trace is interpolated onto it (default 15)
  --out <csv>                write the CSV here instead of stdout
  -h, --help                 show this help

Output: timestamp,demand,desired_replicas,ready_replicas (one row per step);
summary on stderr: overloaded seconds (demand > ready x capacity) and replica-hours.
`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        trace: { type: 'string' },
        policy: { type: 'string' },
        'capacity-per-pod': { type: 'string', default: '100' },
        startup: { type: 'string', default: '60' },
        step: { type: 'string', default: '15' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(
      `autoscaling replay: ${(error as Error).message}\n\n${HELP}`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (!values.trace || !values.policy) {
    io.stderr.write(
      `autoscaling replay: --trace and --policy are required\n\n${HELP}`,
    );
    return 2;
  }
  const capacityPerPod = positiveNumber(
    values['capacity-per-pod'],
    '--capacity-per-pod',
    io,
  );
  const startupSeconds = nonNegativeNumber(values.startup, '--startup', io);
  const stepSeconds = positiveNumber(values.step, '--step', io);
  if (
    capacityPerPod === undefined ||
    startupSeconds === undefined ||
    stepSeconds === undefined
  ) {
    return 2;
  }

  const policyText = await io.readFile(values.policy);
  let policyInput: unknown;
  try {
    policyInput = values.policy.endsWith('.json')
      ? JSON.parse(policyText)
      : parseYaml(policyText);
  } catch (error) {
    io.stderr.write(
      `autoscaling replay: ${values.policy}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const validation = validatePolicy(policyInput);
  if (!validation.ok) {
    io.stderr.write(
      `autoscaling replay: ${values.policy} is not a valid policy:\n`,
    );
    for (const issue of validation.issues) {
      io.stderr.write(
        `  ${formatPolicyPath(issue.path) || '(policy)'}: ${issue.message}\n`,
      );
    }
    return 1;
  }

  let points;
  try {
    points = parseTraceCsv(await io.readFile(values.trace));
  } catch (error) {
    if (!(error instanceof TraceFormatError)) throw error;
    io.stderr.write(`autoscaling replay: ${values.trace}: ${error.message}\n`);
    return 1;
  }

  const result = replay({
    series: resampleTrace(points, stepSeconds),
    policy: validation.policy,
    capacityPerPod,
    startupSeconds,
    // Issue 5: the forecaster's floor when the policy enables predictive scaling.
    predictiveFloor: validation.policy.predictive.enabled
      ? createReplayFloorProvider()
      : undefined,
  });
  const csv = toCsv(result);
  if (values.out) await io.writeFile(values.out, csv);
  else io.stdout.write(csv);
  io.stderr.write(formatSummary(result, capacityPerPod));
  return 0;
}

export function toCsv(result: ReplayResult): string {
  const lines = ['timestamp,demand,desired_replicas,ready_replicas'];
  for (const row of result.rows) {
    lines.push(
      `${new Date(row.timeMs).toISOString()},${round(row.demand, 2)},${
        row.desiredReplicas
      },${row.readyReplicas}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function formatSummary(result: ReplayResult, capacityPerPod: number): string {
  const s = result.summary;
  const share =
    s.durationSeconds > 0 ? (100 * s.overloadedSeconds) / s.durationSeconds : 0;
  return [
    `steps: ${s.steps} (${round(
      s.durationSeconds / 3600,
      2,
    )} h), capacity per pod: ${capacityPerPod} rps`,
    `overloaded seconds: ${s.overloadedSeconds} (${round(
      share,
      3,
    )}% of the time)`,
    `replica-hours: ${round(s.replicaHours, 1)}`,
    `replicas: min ${s.minReplicas}, mean ${round(s.meanReplicas, 2)}, max ${
      s.maxReplicas
    }; scale-ups ${s.scaleUps}, scale-downs ${s.scaleDowns}`,
    '',
  ].join('\n');
}

function round(value: number, digits: number) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function positiveNumber(text: string | undefined, flag: string, io: CommandIo) {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    io.stderr.write(
      `autoscaling replay: ${flag} must be a positive number, got "${text}"\n`,
    );
    return undefined;
  }
  return value;
}

function nonNegativeNumber(
  text: string | undefined,
  flag: string,
  io: CommandIo,
) {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    io.stderr.write(
      `autoscaling replay: ${flag} must be a number ≥ 0, got "${text}"\n`,
    );
    return undefined;
  }
  return value;
}
