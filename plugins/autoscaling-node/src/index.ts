/**
 * Node library of the autoscaling plugin: permission rules and extension points for
 * backend modules (metric sources).
 *
 * @packageDocumentation
 */
export * from './permissionRules';
export * from './metricSources';
