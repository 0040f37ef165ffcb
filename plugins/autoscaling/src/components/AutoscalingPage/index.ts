export { AutoscalingPage } from './AutoscalingPage';
