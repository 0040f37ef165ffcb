import type { Config } from '@backstage/config';
import {
  DEFAULT_BUDGET_CAP_OPTIONS,
  DEFAULT_BUDGET_THRESHOLDS,
  DEFAULT_PRICE_CATALOG,
  priceCatalogSchema,
  type BudgetCapOptions,
  type BudgetThresholds,
  type PriceCatalog,
} from '@internal/plugin-autoscaling-engine';
import { z } from 'zod';

/** Budget thresholds and the emergency caps' premium step (`autoscaling.budgets`). */
export interface BudgetSettings {
  thresholds: BudgetThresholds;
  caps: Required<BudgetCapOptions>;
}

export const DEFAULT_BUDGET_SETTINGS: BudgetSettings = {
  thresholds: DEFAULT_BUDGET_THRESHOLDS,
  caps: DEFAULT_BUDGET_CAP_OPTIONS,
};

const fraction = z.number().finite().positive();
const budgetsSchema = z
  .strictObject({
    warning: fraction.default(DEFAULT_BUDGET_THRESHOLDS.warning),
    emergency: fraction.default(DEFAULT_BUDGET_THRESHOLDS.emergency),
    premiumMaxIncreaseFraction: z
      .number()
      .finite()
      .nonnegative()
      .default(DEFAULT_BUDGET_CAP_OPTIONS.premiumMaxIncreaseFraction),
    premiumMinIncreaseReplicas: z
      .number()
      .int()
      .nonnegative()
      .default(DEFAULT_BUDGET_CAP_OPTIONS.premiumMinIncreaseReplicas),
  })
  .refine(b => b.warning <= b.emergency, {
    message: 'warning must not be above emergency',
    path: ['warning'],
  });

function pathOf(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`,
    prefix,
  );
}

function parseConfig<T extends z.ZodType>(
  schema: T,
  value: unknown,
  key: string,
): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues
      .map(issue => `${pathOf(key, issue.path)}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${details}`);
  }
  return parsed.data;
}

/**
 * The price catalog from `autoscaling.prices` (same shape as examples/prices.yaml). Without
 * that key: the built-in catalog (OpenCost's default prices plus AWS m6i in us-east-1).
 * With it: the key's fields, each field defaulting as in the schema. Throws naming the field.
 */
export function readPriceCatalog(config: Config): PriceCatalog {
  const raw = config.getOptional('autoscaling.prices');
  if (raw === undefined) return DEFAULT_PRICE_CATALOG;
  return parseConfig(priceCatalogSchema, raw, 'autoscaling.prices');
}

/** `autoscaling.budgets`: warning 0.8, emergency 1.0, premium +10% or +1 replica. */
export function readBudgetSettings(config: Config): BudgetSettings {
  const b = parseConfig(
    budgetsSchema,
    config.getOptional('autoscaling.budgets'),
    'autoscaling.budgets',
  );
  return {
    thresholds: { warning: b.warning, emergency: b.emergency },
    caps: {
      premiumMaxIncreaseFraction: b.premiumMaxIncreaseFraction,
      premiumMinIncreaseReplicas: b.premiumMinIncreaseReplicas,
    },
  };
}
