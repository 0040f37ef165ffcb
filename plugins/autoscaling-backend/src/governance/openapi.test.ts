import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { createGovernanceRouter } from './router';

/** Every route the governance router serves is in the OpenAPI fragment, and nothing else. */
describe('openapi-governance.yaml', () => {
  it('describes exactly the routes of the router', async () => {
    const spec = YAML.parse(
      fs.readFileSync(path.resolve(__dirname, '../schema/openapi-governance.yaml'), 'utf8'),
    );
    const documented = Object.entries(spec.paths as Record<string, object>)
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter(m => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
          .map(m => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
      )
      .sort();
    const router = await createGovernanceRouter({
      httpAuth: mockServices.httpAuth(),
      authorizer: {} as any,
      governance: {} as any,
      auditLog: {} as any,
    });
    const served = (router as any).stack
      .filter((layer: any) => layer.route)
      .flatMap((layer: any) =>
        Object.keys(layer.route.methods).map(m => `${m.toUpperCase()} ${layer.route.path}`),
      )
      .sort();
    expect(documented).toEqual(served);
  });
});
