import type { Config } from '@backstage/config';
import {
  ALERT_RULES,
  DEFAULT_ALERT_SETTINGS,
  type AlertAudience,
  type AlertRuleId,
  type AlertSettings,
} from './rules';

/** `autoscaling.alerts`: thresholds, and per rule whether it runs and who gets it. */
export interface AlertConfig extends AlertSettings {
  enabled: boolean;
  rules: Record<AlertRuleId, { enabled: boolean; recipients: AlertAudience[] }>;
}

const AUDIENCES: readonly AlertAudience[] = ['owners', 'tenant', 'platform'];

/** Reads `autoscaling.alerts`; throws naming the key on a bad value. */
export function readAlertConfig(config: Config): AlertConfig {
  const alerts = config.getOptionalConfig('autoscaling.alerts');
  const minutesAt = (key: keyof AlertSettings) => {
    const value = alerts?.getOptionalNumber(key);
    if (value === undefined) return DEFAULT_ALERT_SETTINGS[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(
        `autoscaling.alerts.${key} must be a number of minutes ≥ 0, got ${value}`,
      );
    }
    return value;
  };
  const ruleConfig = alerts?.getOptionalConfig('rules');
  for (const key of ruleConfig?.keys() ?? []) {
    if (!ALERT_RULES.some(r => r.id === key)) {
      throw new Error(
        `autoscaling.alerts.rules.${key} is not an alert rule; the rules are ${ALERT_RULES.map(
          r => r.id,
        ).join(', ')}`,
      );
    }
  }
  const rules = {} as AlertConfig['rules'];
  for (const r of ALERT_RULES) {
    const own = ruleConfig?.getOptionalConfig(r.id);
    const recipients = own?.getOptionalStringArray('recipients');
    for (const who of recipients ?? []) {
      if (!AUDIENCES.includes(who as AlertAudience)) {
        throw new Error(
          `autoscaling.alerts.rules.${
            r.id
          }.recipients: '${who}' is not one of ${AUDIENCES.join(', ')}`,
        );
      }
    }
    rules[r.id] = {
      enabled: own?.getOptionalBoolean('enabled') ?? true,
      recipients: (recipients as AlertAudience[] | undefined) ?? [
        ...r.defaultRecipients,
      ],
    };
  }
  return {
    enabled: alerts?.getOptionalBoolean('enabled') ?? true,
    cappedMinutes: minutesAt('cappedMinutes'),
    anomalyQuietMinutes: minutesAt('anomalyQuietMinutes'),
    rules,
  };
}
