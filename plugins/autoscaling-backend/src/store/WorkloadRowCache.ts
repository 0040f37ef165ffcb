import type { Decision } from '@internal/plugin-autoscaling-common';
import type { StoredWorkload } from './EngineStore';

/**
 * Workload rows by id (see `EngineStore`), indexed by catalog entity: the state route asks for
 * one entity's rows among 10,000 on every request, so it must not scan them all.
 */
export class WorkloadRowCache {
  /** Whether the rows are every stored row (a sole writer's cache, once filled). */
  complete = false;
  private readonly rows = new Map<string, StoredWorkload>();
  /**
   * A sole writer's newest decision of each workload (by `at`, then id), for the clusters in
   * `decisionsReadFor`: read once per cluster, then kept by this process's own inserts.
   */
  private readonly newestDecisions = new Map<string, Decision>();
  private readonly decisionsReadFor = new Set<string>();
  private readonly idsByEntityRef = new Map<string, Set<string>>();
  /**
   * A sole writer's newest chart point of each workload (its `at`), for the clusters in
   * `pointsReadFor`: read once per cluster (the last minute's), then kept by this process's
   * own inserts. Older points than a minute are never asked for, and a prune deletes only
   * points far older than that.
   */
  private readonly newestPointMs = new Map<string, number>();
  private readonly pointsReadFor = new Set<string>();

  get(id: string): StoredWorkload | undefined {
    return this.rows.get(id);
  }

  set(row: StoredWorkload): void {
    const previous = this.rows.get(row.id);
    if (previous && previous.entityRef !== row.entityRef)
      this.unindex(previous);
    this.rows.set(row.id, row);
    let ids = this.idsByEntityRef.get(row.entityRef);
    if (!ids) this.idsByEntityRef.set(row.entityRef, (ids = new Set()));
    ids.add(row.id);
  }

  delete(id: string): void {
    const previous = this.rows.get(id);
    if (!previous) return;
    this.unindex(previous);
    this.rows.delete(id);
  }

  values(): IterableIterator<StoredWorkload> {
    return this.rows.values();
  }

  /** The cached rows of one catalog entity, in no particular order. */
  ofEntity(entityRef: string): StoredWorkload[] {
    const ids = this.idsByEntityRef.get(entityRef);
    return ids ? [...ids].map(id => this.rows.get(id)!) : [];
  }

  /** Whether this cache holds the newest decision of every workload of `cluster`. */
  holdsDecisionsOf(cluster: string): boolean {
    return this.decisionsReadFor.has(cluster);
  }

  /** The newest decisions of these workloads (of clusters `holdsDecisionsOf`). */
  newestDecisionsOf(workloadIds: Iterable<string>): Map<string, Decision> {
    const out = new Map<string, Decision>();
    for (const id of workloadIds) {
      const decision = this.newestDecisions.get(id);
      if (decision) out.set(id, decision);
    }
    return out;
  }

  /** A cluster's newest decisions as read from the database, all of them. */
  setNewestDecisions(cluster: string, decisions: Map<string, Decision>) {
    for (const decision of decisions.values()) this.noteDecision(decision);
    this.decisionsReadFor.add(cluster);
  }

  /** A decision this process stored. */
  noteDecision(decision: Decision) {
    const known = this.newestDecisions.get(decision.workloadId);
    if (!known || compareDecisions(decision, known) > 0)
      this.newestDecisions.set(decision.workloadId, decision);
  }

  /** Whether this cache holds the newest chart point of every workload of `cluster`. */
  holdsPointsOf(cluster: string): boolean {
    return this.pointsReadFor.has(cluster);
  }

  /** A cluster's newest points of the last minute as read from the database, all of them. */
  setNewestPoints(cluster: string, newest: ReadonlyMap<string, number>) {
    for (const [id, atMs] of newest) this.notePoint(id, atMs);
    this.pointsReadFor.add(cluster);
  }

  /** A chart point this process stored. */
  notePoint(workloadId: string, atMs: number) {
    const known = this.newestPointMs.get(workloadId);
    if (known === undefined || atMs > known)
      this.newestPointMs.set(workloadId, atMs);
  }

  newestPointOf(workloadId: string): number | undefined {
    return this.newestPointMs.get(workloadId);
  }

  /** Decisions were deleted: read them again. */
  forgetDecisions() {
    this.newestDecisions.clear();
    this.decisionsReadFor.clear();
  }

  private unindex(row: StoredWorkload) {
    const ids = this.idsByEntityRef.get(row.entityRef);
    ids?.delete(row.id);
    if (ids?.size === 0) this.idsByEntityRef.delete(row.entityRef);
  }
}

/** The stored order of decisions (`order by at, id`), ids being numbers. */
function compareDecisions(a: Decision, b: Decision): number {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  return byTime !== 0 ? byTime : Number(a.id) - Number(b.id);
}
