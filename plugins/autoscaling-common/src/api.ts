/** Wire types of the REST API under /api/autoscaling. */

export interface HealthResponse {
  status: 'ok';
  engine: { killSwitch: boolean; clusters: number; workloads: number };
}
