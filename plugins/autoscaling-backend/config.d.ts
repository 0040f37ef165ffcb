export interface Config {
  autoscaling?: {
    /** Global kill switch default at start-up; runtime flips are stored and audited. */
    killSwitch?: boolean;
    /** How often each cluster's evaluation task runs, in seconds (default 15). */
    evaluationIntervalSeconds?: number;
    /** Workloads of one cluster observed and actuated at once in a tick (default 8). */
    evaluationConcurrency?: number;
    /** Retention of decision and metric history, in days (default 14). */
    historyRetentionDays?: number;
    /** Replicas across all tenants on one cluster (default unlimited). */
    globalMaxReplicas?: number;
    policies?: {
      /**
       * The global level of policy inheritance, used as version 0 of the global document
       * until one is saved (default: `{minReplicas: 1, maxReplicas: 10}` with the schema's
       * defaults: 80% CPU, mode auto).
       */
      globalDefault?: object;
    };
    /** Who approves change requests (default group:default/platform-team). */
    approvals?: { approverGroup?: string };
    /** Backtests of policy changes (capacityPerPod 100, startupSeconds 60, maxSteps 5760). */
    backtest?: { capacityPerPod?: number; startupSeconds?: number; maxSteps?: number };
    governance?: { targetCacheSeconds?: number };
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
