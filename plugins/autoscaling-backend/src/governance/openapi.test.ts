import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DatabaseAuditLog } from './audit/AuditLog';
import { migrationsDir } from './__testUtils__/database';
import { createGovernanceRouter } from './router';

function readSpec() {
  return YAML.parse(
    fs.readFileSync(
      path.resolve(__dirname, '../schema/openapi-governance.yaml'),
      'utf8',
    ),
  );
}

/** Every route the governance router serves is in the OpenAPI fragment, and nothing else. */
describe('openapi-governance.yaml', () => {
  it('describes exactly the routes of the router', async () => {
    const spec = readSpec();
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
        Object.keys(layer.route.methods).map(
          m => `${m.toUpperCase()} ${layer.route.path}`,
        ),
      )
      .sort();
    expect(documented).toEqual(served);
  });

  it('describes every field of the verify report, the anchor parameter and header, and the body limit', async () => {
    const spec = readSpec();
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    try {
      await knex.migrate.latest({ directory: migrationsDir });
      const log = new DatabaseAuditLog({ knex });
      await log.prepare();
      await log.append({
        actor: 'user:default/pat',
        action: 'engine.kill-switch',
        target: 'engine',
        before: null,
        after: { enabled: true },
        reason: 'test',
      });
      await log.checkpoint('manual');
      const report = await log.verify();
      const schema = spec.components.schemas.AuditVerification;
      expect(Object.keys(schema.properties).sort()).toEqual(
        Object.keys(report).sort(),
      );
      expect([...schema.required].sort()).toEqual(Object.keys(report).sort());
      const deref = (s: any) => {
        const ref: string | undefined = s.allOf?.[0]?.$ref ?? s.$ref;
        return ref ? spec.components.schemas[ref.split('/').pop()!] : s;
      };
      expect(report.anchor).not.toBeNull();
      expect(
        Object.keys(deref(schema.properties.anchor).properties).sort(),
      ).toEqual(Object.keys(report.anchor!).sort());
      expect(
        Object.keys(deref(schema.properties.broken.items).properties).sort(),
      ).toEqual(['id', 'message']);
    } finally {
      await knex.destroy();
    }

    const verify = spec.paths['/audit/verify'].get;
    expect(verify.parameters.map((p: any) => p.name)).toContain('anchor');
    expect(Object.keys(verify.responses)).toContain('400');
    const exported = spec.paths['/audit/export'].get.responses['200'];
    expect(Object.keys(exported.headers ?? {})).toEqual(
      expect.arrayContaining(['X-Audit-Anchor', 'X-Audit-Anchor-At']),
    );
    // Every route with a body answers 413 above 256 KB.
    const withBody = Object.entries(
      spec.paths as Record<string, Record<string, any>>,
    ).flatMap(([p, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op?.requestBody)
        .map(([method, op]) => ({
          route: `${method} ${p}`,
          responses: Object.keys(op.responses),
        })),
    );
    expect(withBody.length).toBeGreaterThanOrEqual(4);
    expect(
      withBody.filter(r => !r.responses.includes('413')).map(r => r.route),
    ).toEqual([]);
  });
});
