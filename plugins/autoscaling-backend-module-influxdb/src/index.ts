/**
 * InfluxDB (1.x, InfluxQL) metric source for the autoscaling backend plugin.
 *
 * @packageDocumentation
 */
export { autoscalingModuleInfluxDbMetricSource as default } from './module';
export {
  InfluxDbMetricSource,
  type InfluxDbSourceConfig,
} from './InfluxDbMetricSource';
export { readInfluxDbSources } from './readInfluxDbSources';
