/**
 * Deciding whether to write: whether a tick's horizontal decision goes to the cluster, and if
 * not, the outcome recorded instead. Pure: the caller reads the kill switch and the circuit.
 */
import type {
  DecisionOutcome,
  KillSwitchState,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import type { OtherAutoscaler } from '../kubernetes/types';

export type WriteGate =
  | { write: true }
  | { write: false; outcome: DecisionOutcome; error?: string };

export interface WriteGateInput {
  /** The decision's kind: only `scale` is ever written. */
  kind: string;
  mode: ScalingPolicy['mode'];
  otherAutoscaler?: OtherAutoscaler;
  killSwitch: KillSwitchState;
  /** The cluster's circuit breaker allows writes now (`ClusterHealth.allowsWrites`). */
  writesAllowed: boolean;
  cluster: string;
}

/** In order: nothing to write, the mode, another autoscaler, the kill switch, the circuit. */
export function writeGateOf(input: WriteGateInput): WriteGate {
  if (input.kind !== 'scale') return { write: false, outcome: 'unchanged' };
  if (input.mode === 'off') return { write: false, outcome: 'off' };
  if (input.mode === 'dry-run') return { write: false, outcome: 'dry-run' };
  if (input.mode === 'forecast-only')
    return { write: false, outcome: 'forecast-only' };
  if (input.otherAutoscaler)
    return { write: false, outcome: 'other-autoscaler' };
  if (input.killSwitch.enabled) return { write: false, outcome: 'kill-switch' };
  if (!input.writesAllowed) {
    return {
      write: false,
      outcome: 'failed',
      error: `circuit open for cluster ${input.cluster}`,
    };
  }
  return { write: true };
}
