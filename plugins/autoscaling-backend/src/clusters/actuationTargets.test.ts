import type { ClusterClient } from '../kubernetes/types';
import { actuationTargetClusters } from './actuationTargets';

const client = {} as ClusterClient;
const cluster = { name: 'prod-eu', url: 'https://k8s', skipTLSVerify: false };

describe('actuationTargetClusters', () => {
  it('lists module targets as clusters of their kind, with their clients', () => {
    const { clusters, clients } = actuationTargetClusters(
      [
        {
          name: 'compose-1',
          kind: 'docker-compose',
          title: 'Compose 1',
          endpoint: '/var/run/docker.sock',
          client,
        },
      ],
      [cluster],
    );
    expect(clusters).toEqual([
      {
        name: 'compose-1',
        title: 'Compose 1',
        url: '/var/run/docker.sock',
        skipTLSVerify: false,
        kind: 'docker-compose',
      },
    ]);
    expect(clients.get('compose-1')).toBe(client);
  });

  it('refuses a target named like a cluster or another target', () => {
    expect(() =>
      actuationTargetClusters(
        [{ name: 'prod-eu', kind: 'docker-compose', client }],
        [cluster],
      ),
    ).toThrow("Duplicate target name 'prod-eu' (docker-compose)");
    expect(() =>
      actuationTargetClusters(
        [
          { name: 'c', kind: 'docker-compose', client },
          { name: 'c', kind: 'docker-compose', client },
        ],
        [],
      ),
    ).toThrow("Duplicate target name 'c'");
  });
});
