import { ConfigReader } from '@backstage/config';
import { readClusters } from './readClusters';

describe('readClusters', () => {
  it('reads config clusters with server-side auth and skips client-side ones', () => {
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'prod',
                url: 'https://prod.example.com',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't0k3n',
                caData: 'Y2E=',
              },
              {
                name: 'dev',
                url: 'https://dev.example.com',
                authProvider: 'google',
              },
            ],
          },
          { type: 'gke', projectId: 'p' },
        ],
      },
    });
    const { clusters, skipped } = readClusters(config);
    expect(clusters).toEqual([
      {
        name: 'prod',
        title: undefined,
        url: 'https://prod.example.com',
        serviceAccountToken: 't0k3n',
        caData: 'Y2E=',
        skipTLSVerify: false,
      },
    ]);
    expect(skipped).toEqual([
      { name: 'dev', reason: expect.stringContaining('client-side') },
    ]);
  });

  it('rejects duplicate cluster names', () => {
    const cluster = {
      name: 'a',
      url: 'http://x',
      authProvider: 'serviceAccount',
    };
    const config = new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: [cluster, cluster] },
        ],
      },
    });
    expect(() => readClusters(config)).toThrow(/Duplicate cluster name 'a'/);
  });
});
