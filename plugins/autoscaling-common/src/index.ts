/**
 * Isomorphic types, schemas and permissions shared by the autoscaling plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './api';
export * from './metricSources';
export * from './money';
export * from './permissions';
export * from './policy';
