/**
 * The replay's cluster model: pods become ready `startupSeconds` after they are created and
 * disappear at once when scaled down (pods still starting go first, as a ReplicaSet prefers).
 */
export interface SimulatedPod {
  name: string;
  createdMs: number;
  readyMs: number;
}

export class SimulatedCluster {
  private pods: SimulatedPod[] = [];
  private created = 0;

  constructor(private readonly startupMs: number) {}

  /** Starts with `replicas` pods that are already ready at `nowMs`. */
  seed(replicas: number, nowMs: number) {
    for (let i = 0; i < replicas; i++)
      this.add(nowMs - this.startupMs - 3600_000);
  }

  get replicas(): number {
    return this.pods.length;
  }

  readyCount(nowMs: number): number {
    let ready = 0;
    for (const pod of this.pods) if (pod.readyMs <= nowMs) ready++;
    return ready;
  }

  list(): readonly SimulatedPod[] {
    return this.pods;
  }

  scaleTo(replicas: number, nowMs: number) {
    while (this.pods.length < replicas) this.add(nowMs);
    if (this.pods.length > replicas) {
      // Newest (least ready) first.
      this.pods.sort((a, b) => a.readyMs - b.readyMs);
      this.pods.length = replicas;
    }
  }

  private add(createdMs: number) {
    this.pods.push({
      name: `pod-${this.created++}`,
      createdMs,
      readyMs: createdMs + this.startupMs,
    });
  }
}
