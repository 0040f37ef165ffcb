/**
 * Backend plugin of the autoscaling portal.
 *
 * @packageDocumentation
 */
export { autoscalingPlugin as default } from './plugin';
export {
  autoscalingModulePrometheusMetricSource,
  readPrometheusSources,
} from './metrics/prometheusModule';
