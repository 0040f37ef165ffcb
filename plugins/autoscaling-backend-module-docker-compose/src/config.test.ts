import { ConfigReader } from '@backstage/config';
import { readDockerHosts } from './config';

const read = (dockerHosts: unknown) =>
  readDockerHosts(
    new ConfigReader({ autoscaling: { dockerHosts } } as ConstructorParameters<
      typeof ConfigReader
    >[0]),
  );

describe('readDockerHosts', () => {
  it('reads socket and TCP+TLS hosts', () => {
    expect(
      read([
        { name: 'local', socketPath: '/var/run/docker.sock' },
        {
          name: 'remote-1',
          title: 'Remote',
          url: 'tcp://docker.internal:2376',
          tls: { ca: 'CA', cert: 'CERT', key: 'KEY' },
          stopTimeoutSeconds: 20,
        },
      ]),
    ).toEqual([
      {
        name: 'local',
        socketPath: '/var/run/docker.sock',
        title: undefined,
        url: undefined,
        tls: undefined,
        stopTimeoutSeconds: undefined,
      },
      {
        name: 'remote-1',
        title: 'Remote',
        socketPath: undefined,
        url: 'tcp://docker.internal:2376',
        tls: { ca: 'CA', cert: 'CERT', key: 'KEY' },
        stopTimeoutSeconds: 20,
      },
    ]);
    expect(readDockerHosts(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [[{ socketPath: '/s' }], 'autoscaling.dockerHosts[0].name'],
    [
      [{ name: 'Bad Name', socketPath: '/s' }],
      'autoscaling.dockerHosts[0].name',
    ],
    [
      [{ name: 'a' }],
      'autoscaling.dockerHosts[0] needs exactly one of socketPath and url',
    ],
    [
      [{ name: 'a', socketPath: '/s', url: 'tcp://h:1' }],
      'autoscaling.dockerHosts[0] needs exactly one of socketPath and url',
    ],
    [
      [{ name: 'a', url: 'ftp://h' }],
      'autoscaling.dockerHosts[0].url must be tcp://',
    ],
    [
      [{ name: 'a', url: 'not a url' }],
      'autoscaling.dockerHosts[0].url is not a URL',
    ],
    [
      [
        { name: 'a', socketPath: '/s' },
        { name: 'a', socketPath: '/t' },
      ],
      "autoscaling.dockerHosts[1].name 'a' is used twice",
    ],
    [
      [{ name: 'a', socketPath: '/s', stopTimeoutSeconds: -1 }],
      'autoscaling.dockerHosts[0].stopTimeoutSeconds',
    ],
  ])('refuses %j naming the field', (hosts, message) => {
    expect(() => read(hosts)).toThrow(message);
  });
});
