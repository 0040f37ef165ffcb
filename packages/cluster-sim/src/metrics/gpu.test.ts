/**
 * The GPU profile: DCGM_FI_DEV_GPU_UTIL per pod and GPU with the DCGM exporter's labels, only
 * for workloads with a `gpu` profile, following the load (idle → busy as demand rises).
 */
import { parseConfig } from '../config/parse';
import { startClusterSim, RunningClusterSim } from '../start';

const gpuLines = (text: string) =>
  text.split('\n').filter(l => l.startsWith('DCGM_FI_DEV_GPU_UTIL{'));
const valueOf = (line: string) => Number(line.split('} ')[1].split(' ')[0]);

describe('GPU utilisation (DCGM_FI_DEV_GPU_UTIL)', () => {
  let sim: RunningClusterSim;

  beforeAll(async () => {
    sim = await startClusterSim({
      clock: 'manual',
      config: {
        workloads: [
          {
            name: 'llm',
            namespace: 'ml',
            replicas: 2,
            capacityPerPod: 10,
            demand: { constant: 8 },
            gpu: {
              count: 2,
              model: 'NVIDIA H100 80GB HBM3',
              idleUtilization: 5,
            },
          },
          {
            name: 'web',
            namespace: 'ml',
            replicas: 1,
            demand: { constant: 5 },
          },
        ],
      },
    });
    sim.advance(30);
  });
  afterAll(() => sim?.stop());

  const scrape = async () => (await fetch(`${sim.url}/metrics`)).text();

  it('exposes one series per GPU of each pod of a GPU workload, with the exporter labels', async () => {
    const text = await scrape();
    expect(text).toContain('# TYPE DCGM_FI_DEV_GPU_UTIL gauge');
    const lines = gpuLines(text);
    expect(lines).toHaveLength(4);
    expect(lines.every(l => !l.includes('pod="web-'))).toBe(true);
    const first = lines[0];
    expect(first).toMatch(
      /^DCGM_FI_DEV_GPU_UTIL\{gpu="0",UUID="GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="[^"]+",container="llm",namespace="ml",pod="llm-[^"]+"\} /,
    );
    expect(lines.filter(l => l.includes('gpu="1"'))).toHaveLength(2);
    // 8 rps over 2 pods at 10 rps per fully busy GPU: 40% of the non-idle share, + 5% idle.
    for (const l of lines) expect(valueOf(l)).toBeCloseTo(5 + 95 * 0.4, 3);
  });

  it('follows the load', async () => {
    sim.setDemand('ml', 'llm', 30);
    sim.advance(5);
    for (const l of gpuLines(await scrape())) expect(valueOf(l)).toBe(100);
    sim.setDemand('ml', 'llm', 0);
    sim.advance(5);
    for (const l of gpuLines(await scrape())) expect(valueOf(l)).toBe(5);
  });

  it('refuses a bad profile naming the field', () => {
    const parse = (gpu: unknown) => () =>
      parseConfig({ workloads: [{ name: 'x', gpu }] });
    expect(parse({ count: 0 })).toThrow(/workloads\[0\]\.gpu\.count/);
    expect(parse({ idleUtilization: 120 })).toThrow(
      /workloads\[0\]\.gpu\.idleUtilization/,
    );
    expect(parse({ cores: 2 })).toThrow(/workloads\[0\]\.gpu\.cores/);
    expect(
      parseConfig({ workloads: [{ name: 'x', gpu: {} }] }).workloads[0].gpu,
    ).toEqual({ count: 1, model: 'NVIDIA A100-SXM4-40GB', idleUtilization: 0 });
  });
});
