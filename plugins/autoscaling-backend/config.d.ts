export interface Config {
  autoscaling?: {
    /** Global kill switch default at start-up; runtime flips are stored and audited. */
    killSwitch?: boolean;
    /** How often each cluster's evaluation task runs, in seconds (default 15). */
    evaluationIntervalSeconds?: number;
    /** Retention of decision and metric history, in days (default 14). */
    historyRetentionDays?: number;
    /** Replicas across all tenants on one cluster (default unlimited). */
    globalMaxReplicas?: number;
    /**
     * The global level of policy inheritance, used when no global policy document is
     * stored yet (default: 1..10 replicas, 80% CPU, mode dry-run).
     */
    defaultPolicy?: object;
    /** Metric sources policies can name in their queries. */
    metricSources?: Array<{
      id: string;
      type: 'prometheus';
      url: string;
    }>;
    /** Guardrails that turn a policy change into a change request (see docs/governance.md). */
    guardrails?: object;
    /** Price catalog (see examples/prices.yaml and docs/cost.md). */
    prices?: object;
  };
}
