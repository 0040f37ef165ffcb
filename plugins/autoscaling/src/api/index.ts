export * from './AutoscalingApi';
export * from './AutoscalingClient';
