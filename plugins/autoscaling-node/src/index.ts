/**
 * Node library of the autoscaling plugin: permission rules and extension points for
 * backend modules (metric sources, actuators, price catalogs).
 *
 * @packageDocumentation
 */
export * from './permissionRules';
