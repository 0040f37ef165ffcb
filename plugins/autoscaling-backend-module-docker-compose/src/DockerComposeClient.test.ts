import type Docker from 'dockerode';
import {
  cloneOptions,
  coresOf,
  dockerOptionsOf,
  labelFilters,
  memoryOf,
} from './DockerComposeClient';

describe('labelFilters', () => {
  it('turns equality terms and bare keys into Docker label filters', () => {
    expect(
      labelFilters(
        'com.docker.compose.project=shop, com.docker.compose.service==web,tier',
      ),
    ).toEqual([
      'com.docker.compose.project=shop',
      'com.docker.compose.service=web',
      'tier',
    ]);
  });

  it.each(['app!=web', 'env in (a,b)', '!tier'])(
    'refuses %s naming the term',
    selector => {
      expect(() => labelFilters(selector)).toThrow(
        'is not supported on Docker hosts',
      );
    },
  );
});

describe('stats', () => {
  const stats = (over: Partial<Docker.ContainerStats>) =>
    ({
      cpu_stats: {
        cpu_usage: { total_usage: 3_000_000_000 },
        system_cpu_usage: 40_000_000_000,
        online_cpus: 2,
      },
      precpu_stats: {
        cpu_usage: { total_usage: 2_800_000_000 },
        system_cpu_usage: 38_000_000_000,
      },
      memory_stats: { usage: 50_000_000, stats: { inactive_file: 10_000_000 } },
      ...over,
    } as unknown as Docker.ContainerStats);

  it('computes cores as docker stats does, and memory without the inactive page cache', () => {
    // 0.2 s of CPU over 2 s of two CPUs' time (1 s of wall time): 0.2 cores.
    expect(coresOf(stats({}))).toBeCloseTo(0.2, 6);
    expect(memoryOf(stats({}))).toBe(40_000_000);
  });

  it('reads no usage from a first sample without a previous one', () => {
    expect(
      coresOf(
        stats({
          precpu_stats: {
            cpu_usage: { total_usage: 0 },
          } as Docker.ContainerStats['precpu_stats'],
        }),
      ),
    ).toBe(0);
  });
});

describe('cloneOptions', () => {
  const template = {
    Name: '/shop_web_1',
    Config: {
      Image: 'burner:1',
      Cmd: ['/bin/sh', '/burner.sh'],
      Env: ['A=1'],
      Labels: {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '1',
      },
      StopTimeout: 5,
    },
    HostConfig: { NanoCpus: 200_000_000, NetworkMode: 'shop_default' },
    NetworkSettings: { Networks: { shop_default: {}, shop_back: {} } },
  } as unknown as Docker.ContainerInspectInfo;

  it('clones the template with the next number, the service alias on each network', () => {
    const { create, moreNetworks } = cloneOptions(template, {
      name: 'shop_web_4',
      number: 4,
      service: 'web',
    });
    expect(create).toMatchObject({
      name: 'shop_web_4',
      Image: 'burner:1',
      Cmd: ['/bin/sh', '/burner.sh'],
      Env: ['A=1'],
      StopTimeout: 5,
      Labels: {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '4',
      },
      HostConfig: { NanoCpus: 200_000_000, NetworkMode: 'shop_default' },
      NetworkingConfig: {
        EndpointsConfig: { shop_default: { Aliases: ['web'] } },
      },
    });
    expect(moreNetworks).toEqual([['shop_back', { Aliases: ['web'] }]]);
  });

  it('attaches no network for network_mode none', () => {
    const { create, moreNetworks } = cloneOptions(
      {
        ...template,
        HostConfig: { NetworkMode: 'none' },
        NetworkSettings: { Networks: { none: {} } },
      } as unknown as Docker.ContainerInspectInfo,
      { name: 'shop_web_2', number: 2, service: 'web' },
    );
    expect(create.NetworkingConfig).toBeUndefined();
    expect(moreNetworks).toEqual([]);
  });
});

describe('dockerOptionsOf', () => {
  it('connects by socket, or by TCP with TLS when certificates are given', () => {
    expect(dockerOptionsOf({ name: 'a', socketPath: '/s' })).toEqual({
      socketPath: '/s',
    });
    expect(
      dockerOptionsOf({
        name: 'b',
        url: 'tcp://h.internal',
        tls: { ca: 'CA', cert: 'C', key: 'K' },
      }),
    ).toEqual({
      host: 'h.internal',
      port: 2376,
      protocol: 'https',
      ca: 'CA',
      cert: 'C',
      key: 'K',
    });
    expect(dockerOptionsOf({ name: 'c', url: 'http://h:2375' })).toMatchObject({
      host: 'h',
      port: '2375',
      protocol: 'http',
    });
  });
});
