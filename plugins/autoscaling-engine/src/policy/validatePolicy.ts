/**
 * Full validation of one complete policy: the schema, the cross-field checks from -common,
 * and the checks that need the engine's libraries (cron expressions really parse).
 */
import {
  checkPolicy,
  policyIssuesFromZod,
  scalingPolicySchema,
  type PolicyCheckOptions,
  type PolicyIssue,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import { CronExpressionParser } from 'cron-parser';

export type PolicyValidation =
  | { ok: true; policy: ScalingPolicy; issues?: never }
  | { ok: false; issues: PolicyIssue[]; policy?: never };

export function validatePolicy(
  input: unknown,
  options: PolicyCheckOptions = {},
): PolicyValidation {
  const parsed = scalingPolicySchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, issues: policyIssuesFromZod(parsed.error) };
  const issues = [
    ...checkPolicy(parsed.data, options),
    ...checkCronExpressions(parsed.data),
  ];
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, policy: parsed.data };
}

export function checkCronExpressions(policy: ScalingPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  policy.schedules.forEach((schedule, i) => {
    for (const field of ['cron', 'end'] as const) {
      const expression = schedule[field];
      if (expression === undefined) continue;
      try {
        CronExpressionParser.parse(expression, {
          tz: schedule.timezone,
          strict: false,
        });
      } catch (error) {
        issues.push({
          path: ['schedules', i, field],
          message: `invalid cron expression "${expression}": ${
            (error as Error).message
          }`,
        });
      }
    }
  });
  return issues;
}
