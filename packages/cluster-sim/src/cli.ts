/** `cluster-sim --config <yaml> [--port <n>] [--host <addr>] [--factor <x>]` */
import { writeFileSync } from 'node:fs';
import { startClusterSim } from './start';
import { ConfigError } from './config/parse';

export interface CliArgs {
  config?: string;
  port: number;
  tlsPort?: number;
  kubeconfig?: string;
  host: string;
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    port: Number(process.env.CLUSTER_SIM_PORT ?? 6550),
    tlsPort: process.env.CLUSTER_SIM_TLS_PORT
      ? Number(process.env.CLUSTER_SIM_TLS_PORT)
      : undefined,
    host: process.env.CLUSTER_SIM_HOST ?? '127.0.0.1',
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--config':
      case '-c':
        args.config = value();
        break;
      case '--port':
      case '-p': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535)
          throw new Error('--port must be an integer between 0 and 65535');
        args.port = p;
        break;
      }
      case '--tls-port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535)
          throw new Error('--tls-port must be an integer between 0 and 65535');
        args.tlsPort = p;
        break;
      }
      case '--write-kubeconfig':
        args.kubeconfig = value();
        break;
      case '--host':
        args.host = value();
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  return args;
}

const USAGE = `usage: cluster-sim --config <file.yaml> [--port <n>] [--tls-port <n>] [--host <addr>]
                   [--write-kubeconfig <path>]

Starts a Kubernetes-API-compatible simulated cluster: HTTP on --port (default 6550 or
$CLUSTER_SIM_PORT), HTTPS with a self-signed certificate on --tls-port (kubectl sends tokens
only over HTTPS; default $CLUSTER_SIM_TLS_PORT if set). --write-kubeconfig writes a kubeconfig
for the first token of the config (HTTPS when --tls-port is given).
`;

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`cluster-sim: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help || !args.config) {
    process.stderr.write(USAGE);
    return args.help ? 0 : 2;
  }
  try {
    const sim = await startClusterSim({
      configFile: args.config,
      port: args.port,
      tlsPort: args.tlsPort,
      host: args.host,
    });
    const c = sim.config;
    process.stdout.write(
      `cluster-sim "${c.cluster.name}" listening on ${[sim.url, sim.tlsUrl]
        .filter(Boolean)
        .join(' and ')} ` +
        `(${c.workloads.length} workloads, ${sim.sim.lifecycle.pods.size} pods, clock x${sim.clock.factor}, ` +
        `sim time ${new Date(sim.now()).toISOString()})\n`,
    );
    if (args.kubeconfig) {
      const token = c.tokens[0]?.token;
      if (!token)
        throw new Error(
          '--write-kubeconfig needs at least one token in the config',
        );
      writeFileSync(args.kubeconfig, sim.kubeconfig(token), { mode: 0o600 });
      process.stdout.write(
        `kubeconfig written to ${args.kubeconfig} (user ${c.tokens[0].user})\n`,
      );
    }
    const shutdown = async () => {
      await sim.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    return -1; // keep running
  } catch (e) {
    if (e instanceof ConfigError)
      process.stderr.write(`cluster-sim: ${e.message}\n`);
    else process.stderr.write(`cluster-sim: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
