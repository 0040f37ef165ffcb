import { main } from './main';
import type { CommandIo } from './io';

function fakeIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const io: CommandIo = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    readFile: async path => {
      if (!(path in files)) throw new Error(`ENOENT: ${path}`);
      return files[path];
    },
    writeFile: async (path, text) => {
      written[path] = text;
    },
  };
  return { io, out, err, written };
}

const TRACE = [
  'timestamp,value',
  ...Array.from(
    { length: 30 },
    (_, i) => `${1767571200 + i * 60},${i < 10 ? 400 : 1500}`,
  ),
].join('\n');
const POLICY_YAML = `minReplicas: 2
maxReplicas: 40
metrics:
  - type: Resource
    resource: cpu
    target: { type: Utilization, averageUtilization: 70 }
`;

describe('autoscaling replay', () => {
  it('writes the specified CSV and a summary on stderr', async () => {
    const { io, err, written } = fakeIo({
      'trace.csv': TRACE,
      'policy.yaml': POLICY_YAML,
    });
    const code = await main(
      [
        'replay',
        '--trace',
        'trace.csv',
        '--policy',
        'policy.yaml',
        '--capacity-per-pod',
        '100',
        '--out',
        'out.csv',
      ],
      io,
    );
    expect(code).toBe(0);
    const lines = written['out.csv'].trim().split('\n');
    expect(lines[0]).toBe('timestamp,demand,desired_replicas,ready_replicas');
    expect(lines).toHaveLength(1 + 29 * 4 + 1);
    expect(lines[1]).toBe('2026-01-05T00:00:00.000Z,400,6,6');
    const summary = err.join('');
    expect(summary).toMatch(/overloaded seconds: \d+/);
    expect(summary).toMatch(/replica-hours: [\d.]+/);
  });

  it('accepts a JSON policy and prints the CSV to stdout without --out', async () => {
    const json = JSON.stringify({ minReplicas: 1, maxReplicas: 10 });
    const { io, out } = fakeIo({ 'trace.csv': TRACE, 'policy.json': json });
    expect(
      await main(
        ['replay', '--trace', 'trace.csv', '--policy', 'policy.json'],
        io,
      ),
    ).toBe(0);
    expect(out.join('')).toMatch(
      /^timestamp,demand,desired_replicas,ready_replicas\n/,
    );
  });

  it('names the field of an invalid policy', async () => {
    const { io, err } = fakeIo({
      'trace.csv': TRACE,
      'p.yaml': 'minReplicas: 5\nmaxReplicas: 3\n',
    });
    expect(
      await main(['replay', '--trace', 'trace.csv', '--policy', 'p.yaml'], io),
    ).toBe(1);
    expect(err.join('')).toMatch(
      /minReplicas: minReplicas \(5\) is above maxReplicas \(3\)/,
    );
  });

  it('rejects missing and bad options with usage', async () => {
    const { io, err } = fakeIo({});
    expect(await main(['replay', '--trace', 'x.csv'], io)).toBe(2);
    expect(
      await main(
        ['replay', '--trace', 'x', '--policy', 'y', '--step', '0'],
        io,
      ),
    ).toBe(2);
    expect(err.join('')).toMatch(/--step must be a positive number/);
    expect(await main(['nope'], io)).toBe(2);
  });

  it('prints help', async () => {
    const { io, out } = fakeIo({});
    expect(await main(['replay', '--help'], io)).toBe(0);
    expect(out.join('')).toMatch(/--capacity-per-pod <rps>/);
  });
});
