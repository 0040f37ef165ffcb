/** Places pods on nodes: fits by CPU, memory and pod count; least-allocated node first. */
import type { KObject } from '../api/types';
import { parseQuantity } from '../util/quantity';

interface NodeState {
  name: string;
  ip: string;
  cpu: number;
  memory: number;
  pods: number;
  usedCpu: number;
  usedMemory: number;
  usedPods: number;
  ready: boolean;
}

export interface PodRequests {
  cpu: number;
  memory: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podRequests(spec: any): PodRequests {
  let cpu = 0;
  let memory = 0;
  for (const c of spec?.containers ?? []) {
    const req = c.resources?.requests ?? c.resources?.limits ?? {};
    try {
      cpu += req.cpu ? parseQuantity(req.cpu) : 0;
      memory += req.memory ? parseQuantity(req.memory) : 0;
    } catch {
      // invalid quantities count as zero (validation rejects them on write)
    }
  }
  return { cpu, memory };
}

export class Scheduler {
  private readonly nodes = new Map<string, NodeState>();

  upsertNode(node: KObject): void {
    const name = node.metadata.name!;
    const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
    const prev = this.nodes.get(name);
    const ip =
      (node.status?.addresses ?? []).find(
        (a: { type: string }) => a.type === 'InternalIP',
      )?.address ?? '10.0.0.1';
    const ready =
      !node.spec?.unschedulable &&
      (node.status?.conditions ?? []).some(
        (c: { type: string; status: string }) =>
          c.type === 'Ready' && c.status === 'True',
      );
    const safe = (q: unknown, d: number) => {
      try {
        return q === undefined ? d : parseQuantity(q as string);
      } catch {
        return d;
      }
    };
    this.nodes.set(name, {
      name,
      ip,
      cpu: safe(alloc.cpu, 0),
      memory: safe(alloc.memory, 0),
      pods: safe(alloc.pods, 110),
      usedCpu: prev?.usedCpu ?? 0,
      usedMemory: prev?.usedMemory ?? 0,
      usedPods: prev?.usedPods ?? 0,
      ready,
    });
  }

  removeNode(name: string): void {
    this.nodes.delete(name);
  }

  nodeIp(name: string): string | undefined {
    return this.nodes.get(name)?.ip;
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** Picks a node for the requests, or explains why none fits (as the scheduler's event does). */
  schedule(req: PodRequests): { node: string } | { reason: string } {
    let best: NodeState | undefined;
    let bestScore = Infinity;
    let cpuShort = 0;
    let memShort = 0;
    let podsShort = 0;
    let notReady = 0;
    for (const n of this.nodes.values()) {
      if (!n.ready) {
        notReady++;
        continue;
      }
      const fitsCpu = n.usedCpu + req.cpu <= n.cpu + 1e-9;
      const fitsMem = n.usedMemory + req.memory <= n.memory + 1e-3;
      const fitsPods = n.usedPods + 1 <= n.pods;
      if (!fitsCpu) cpuShort++;
      if (!fitsMem) memShort++;
      if (!fitsPods) podsShort++;
      if (!fitsCpu || !fitsMem || !fitsPods) continue;
      const score = Math.max(
        n.cpu > 0 ? (n.usedCpu + req.cpu) / n.cpu : 1,
        n.memory > 0 ? (n.usedMemory + req.memory) / n.memory : 1,
      );
      if (
        score < bestScore ||
        (score === bestScore && best && n.name < best.name)
      ) {
        best = n;
        bestScore = score;
      }
    }
    if (best) {
      this.bind(best.name, req);
      return { node: best.name };
    }
    const parts: string[] = [];
    if (cpuShort) parts.push(`${cpuShort} Insufficient cpu`);
    if (memShort) parts.push(`${memShort} Insufficient memory`);
    if (podsShort) parts.push(`${podsShort} Too many pods`);
    if (notReady) parts.push(`${notReady} node(s) were not ready`);
    return {
      reason: `0/${this.nodes.size} nodes are available: ${
        parts.join(', ') || 'no nodes'
      }.`,
    };
  }

  bind(nodeName: string, req: PodRequests): void {
    const n = this.nodes.get(nodeName);
    if (!n) return;
    n.usedCpu += req.cpu;
    n.usedMemory += req.memory;
    n.usedPods += 1;
  }

  release(nodeName: string, req: PodRequests): void {
    const n = this.nodes.get(nodeName);
    if (!n) return;
    n.usedCpu = Math.max(0, n.usedCpu - req.cpu);
    n.usedMemory = Math.max(0, n.usedMemory - req.memory);
    n.usedPods = Math.max(0, n.usedPods - 1);
  }

  usage(
    nodeName: string,
  ): { cpu: number; memory: number; pods: number } | undefined {
    const n = this.nodes.get(nodeName);
    return n && { cpu: n.usedCpu, memory: n.usedMemory, pods: n.usedPods };
  }

  /** Allocatable CPU (cores) and memory (bytes) of a node. */
  capacity(nodeName: string): { cpu: number; memory: number } | undefined {
    const n = this.nodes.get(nodeName);
    return n && { cpu: n.cpu, memory: n.memory };
  }
}
