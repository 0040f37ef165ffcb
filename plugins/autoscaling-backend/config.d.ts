export interface Config {
  autoscaling?: {
    /** Global kill switch default at start-up; runtime flips are stored and audited. */
    killSwitch?: boolean;
    /** How often each cluster's evaluation task runs, in seconds (default 15). */
    evaluationIntervalSeconds?: number;
    /**
     * Whether this replica evaluates clusters (default true). A replica with false serves the
     * API only and needs another process on the same PostgreSQL that evaluates: at 10,000
     * workloads per cluster a tick's CPU and garbage collection would otherwise delay the
     * requests of the same Node.js process (the backend README, "Replicas").
     */
    evaluationEnabled?: boolean;
    /**
     * How often a workload's row is written when nothing material changed, in seconds
     * (default 60; 0 writes every tick). Replicas, decisions, conditions and limits are written
     * at once; usage histograms, cost so far and metric values wait for the checkpoint.
     */
    stateCheckpointSeconds?: number;
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
    backtest?: {
      capacityPerPod?: number;
      startupSeconds?: number;
      maxSteps?: number;
    };
    governance?: {
      targetCacheSeconds?: number;
      /**
       * Permission decisions cached per principal, seconds (default 10, 0 disables): a
       * permission taken away takes effect within this time.
       */
      decisionCacheSeconds?: number;
      /**
       * Who reads tenant cost, budget, spend export and change requests (autoscaling.cost.read
       * in the demo role policy): tenant (the tenant's members, the service's owners and the
       * platform team; default), all-users (every signed-in user but the guest), platform.
       * See docs/governance.md.
       */
      costReadScope?: 'tenant' | 'all-users' | 'platform';
    };
    /**
     * Metric sources policies can name in their queries. Each entry is read by the backend
     * module of its type: `prometheus` (autoscalingModulePrometheusMetricSource, `url`),
     * `influxdb` (@internal/plugin-autoscaling-backend-module-influxdb, `url`, `database`, ...).
     */
    metricSources?: Array<{
      id: string;
      type: string;
      /** Prometheus HTTP API base (type prometheus), InfluxDB HTTP API base (type influxdb). */
      url?: string;
    }>;
    /** Predictive scaling in the live backend (see the plugin README). */
    predictive?: {
      /** Pod start-up time; the forecast looks at least this far ahead (default 60). */
      startupSeconds?: number;
      /** How often each workload's model is chosen again, seconds (default 86400). */
      refitEverySeconds?: number;
    };
    /** Where a workload seen for the first time gets its past demand and replicas. */
    demandHistory?: {
      prometheus?: {
        /** Prometheus HTTP API base, e.g. http://prometheus:9090 (query_range is appended). */
        baseUrl: string;
        /** Days of past read at first sight (default 14, at most 90). */
        days?: number;
        /** Resolution of the past, seconds (default 300). */
        stepSeconds?: number;
        /** Request timeout, seconds (default 30). */
        timeoutSeconds?: number;
        /** PromQL with $namespace and $workload; demand is the workload's CPU use in cores. */
        queries?: {
          demand?: string;
          replicas?: string;
          readyReplicas?: string;
        };
      };
    };
    /** Guardrails that turn a policy change into a change request (see docs/governance.md). */
    guardrails?: object;
    /**
     * Price catalog (see examples/prices.yaml and docs/cost.md). A `clusters.<name>` entry (a
     * cluster or a Docker host) may set `replicaHour` (a number, or `{ onDemand, spot }`): a
     * flat price per replica-hour (container-hour) used instead of core and GiB prices.
     */
    prices?: object;
    /**
     * Alert rules, evaluated after each cluster tick and sent through Backstage notifications
     * with one topic per rule (README: alerts).
     */
    alerts?: {
      /** Evaluate and send alerts (default true). */
      enabled?: boolean;
      /** Minutes a cap (max, quota, budget) must hold while the engine wants more (default 30). */
      cappedMinutes?: number;
      /** Minutes without a new anomaly before the anomaly alert recovers (default 30). */
      anomalyQuietMinutes?: number;
      /**
       * Per rule id (actuation-failed, circuit-open, capped, budget-projected-80,
       * budget-projected-100, budget-actual-80, budget-actual-100, forecast-anomaly,
       * change-request-created, change-request-approved, change-request-rejected,
       * change-request-superseded): whether it runs, and who gets it.
       */
      rules?: {
        [rule: string]: {
          enabled?: boolean;
          recipients?: Array<'owners' | 'tenant' | 'platform'>;
        };
      };
    };
  };
}
