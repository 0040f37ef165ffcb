export {
  CostService,
  toCsv,
  type ClusterCost,
  type CostEngineState,
  type CostExportRow,
  type CostServiceOptions,
} from './CostService';
export { createCostRoutes, type CostRoutesOptions } from './costRoutes';
export {
  readBudgetSettings,
  readPriceCatalog,
  DEFAULT_BUDGET_SETTINGS,
  type BudgetSettings,
} from './readPriceCatalog';
