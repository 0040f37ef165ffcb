export interface Config {
  autoscaling?: {
    /** Global kill switch default at start-up; runtime flips are stored and audited. */
    killSwitch?: boolean;
    /** How often each cluster's evaluation task runs, in seconds (default 15). */
    evaluationIntervalSeconds?: number;
    /** Retention of decision and metric history, in days (default 14). */
    historyRetentionDays?: number;
  };
}
