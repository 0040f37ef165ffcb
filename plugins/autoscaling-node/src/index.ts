/**
 * Node library of the autoscaling plugin: permission rules and extension points for
 * backend modules (metric sources, actuation targets) and the target-facing types a module
 * implements (`ClusterClient`).
 *
 * @packageDocumentation
 */
export * from './permissionRules';
export * from './metricSources';
export * from './actuationTargets';
export * from './clusterClient';
