import type { Knex } from 'knex';
import { z } from 'zod';
import type { ClusterHealthSnapshot } from '../evaluation/ClusterHealth';

const TABLE = 'autoscaling_cluster_health';

const snapshotSchema = z.object({
  failures: z.number().int().min(0),
  openedAtMs: z.number().nullable(),
  failureKind: z.enum(['read', 'write']).nullable(),
  lastTickAtMs: z.number().nullable(),
  lastError: z.string().nullable(),
});

/**
 * Each cluster's health as its last tick left it, shared by the replicas on one database: the
 * evaluating replica writes it after each tick (one statement) and reads it before (one more),
 * an API-only replica reads it for the status route.
 */
export class ClusterHealthStore {
  constructor(private readonly knex: Knex) {}

  async load(cluster: string): Promise<ClusterHealthSnapshot | undefined> {
    const row = await this.knex(TABLE).where({ cluster }).first();
    return row ? parse(row) : undefined;
  }

  async loadAll(): Promise<Map<string, ClusterHealthSnapshot>> {
    const rows = await this.knex(TABLE).select();
    return new Map(
      rows.flatMap(row => {
        const snapshot = parse(row);
        return snapshot ? [[row.cluster as string, snapshot] as const] : [];
      }),
    );
  }

  async save(
    cluster: string,
    snapshot: ClusterHealthSnapshot,
    nowMs: number,
  ): Promise<void> {
    await this.knex(TABLE)
      .insert({
        cluster,
        health_json: JSON.stringify(snapshot),
        updated_at: nowMs,
      })
      .onConflict('cluster')
      .merge();
  }
}

/** A row another version wrote in a shape this one does not know reads as absent. */
function parse(row: {
  health_json: string;
}): ClusterHealthSnapshot | undefined {
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(row.health_json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
