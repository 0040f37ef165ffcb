import type { KillSwitchState } from '@internal/plugin-autoscaling-common';
import type { AuditSink } from '../evaluation/types';
import { EngineStore } from '../store/EngineStore';

/**
 * The global kill switch. Stored, so it survives restarts and all backend replicas see
 * it; every flip is audited. Evaluators read it once per tick, so a flip stops all
 * writes within one tick.
 */
export class KillSwitch {
  constructor(
    private readonly store: EngineStore,
    private readonly audit: AuditSink,
    private readonly defaultEnabled: boolean,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(): Promise<KillSwitchState> {
    return (
      (await this.store.getKillSwitch()) ?? {
        enabled: this.defaultEnabled,
        changedBy: null,
        changedAt: null,
        reason: this.defaultEnabled
          ? 'autoscaling.killSwitch is true in config'
          : null,
      }
    );
  }

  async set(
    enabled: boolean,
    actor: string,
    reason: string,
  ): Promise<KillSwitchState> {
    const before = await this.get();
    const now = this.clock();
    const after: KillSwitchState = {
      enabled,
      changedBy: actor,
      changedAt: new Date(now).toISOString(),
      reason,
    };
    await this.store.setKillSwitch(after, now);
    await this.audit.append({
      actor,
      action: 'engine.kill-switch',
      target: 'engine:global',
      before,
      after,
      reason,
    });
    return after;
  }
}
