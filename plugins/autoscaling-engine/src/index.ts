/**
 * The autoscaling engine: pure decision logic (no I/O, no clocks, no Backstage imports).
 *
 * @packageDocumentation
 */
export { decideHorizontal } from './horizontal/decideHorizontal';
export {
  emptyHorizontalState,
  withScaleEvent,
  type HorizontalState,
} from './horizontal/state';
export {
  replicaBoundsAt,
  activeWindow,
  type ActiveSchedule,
  type ReplicaBounds,
} from './horizontal/schedules';
export {
  behaviorWithPreset,
  effectiveBehavior,
  type EffectiveBehavior,
} from './horizontal/behavior';
export * from './horizontal/types';

export {
  resolvePolicy,
  sourceOf,
  POLICY_LEVELS,
  type PolicyLayer,
  type PolicyLevel,
  type PolicyResolution,
  type Provenance,
  type FieldSource,
  type ResolutionIssue,
} from './policy/resolvePolicy';
export {
  validatePolicy,
  checkCronExpressions,
  type PolicyValidation,
} from './policy/validatePolicy';

export {
  allocateTenantReplicas,
  proportionalShares,
  TIER_PRIORITY,
  type Tier,
  type ReplicaRequest,
  type AllocationLimits,
  type Allocation,
  type AllocationResult,
  type AllocationReasonCode,
} from './tenants/allocateTenantReplicas';

export {
  emptyVerticalState,
  observeCpu,
  observeMemory,
  observeOom,
  observeCpuSamples,
  recommendVertical,
  confidenceDays,
  verticalConfidence,
  verticalConfidenceLevel,
  type VerticalConfidenceLevel,
  DEFAULT_VERTICAL_CONFIG,
  type VerticalState,
  type VerticalConfig,
  type VerticalRecommendation,
  type ResourceRecommendation,
} from './vertical/recommender';
export type { HistogramState } from './vertical/histogram';
export {
  observeContainers,
  seedContainersFromHistory,
  MAX_TRACKED_CONTAINERS,
  type PastCpuPoint,
  type ContainerVerticalState,
  type ContainerResources,
  type ContainerObservation,
} from './vertical/containers';

export {
  replay,
  type ReplayOptions,
  type ReplayResult,
  type ReplayRow,
  type ReplaySummary,
  type PredictiveContext,
  type PredictiveFloorProvider,
} from './replay/replay';
export {
  parseTraceCsv,
  resampleTrace,
  parseTimestamp,
  TraceFormatError,
  type TracePoint,
  type Series,
} from './replay/trace';
export * from './cost';
export * from './forecast';
export * from './forecast/predictiveCodec';
