/**
 * `autoscaling <command> [options]`. Each command lives in `src/cli/<command>.ts` and exports
 * `run(argv, io): Promise<number>` (the exit code); this file only dispatches.
 */
import type { CommandIo } from './io';

const COMMANDS: Record<string, string> = {
  replay: 'replay a load trace through a policy (backtest)',
  forecast: 'rolling-origin forecasts of a load trace',
};

const USAGE = `Usage: autoscaling <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, summary]) => `  ${name.padEnd(10)} ${summary}`)
  .join('\n')}

Run "autoscaling <command> --help" for a command's options.
`;

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (
    !command ||
    command === '--help' ||
    command === '-h' ||
    command === 'help'
  ) {
    io.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (!(command in COMMANDS)) {
    io.stderr.write(`autoscaling: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let module: { run(argv: string[], io: CommandIo): Promise<number> };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require(`./${command}`);
  } catch (error) {
    io.stderr.write(
      `autoscaling: the ${command} command is not available (${
        (error as Error).message
      })\n`,
    );
    return 1;
  }
  return module.run(rest, io);
}
