/**
 * Test utilities of the autoscaling backend for other packages' tests (its modules'), imported as
 * `@internal/plugin-autoscaling-backend/testUtils`, as Backstage's own plugins export theirs.
 */
export { ScratchPostgresDatabase } from './ScratchPostgresDatabase';
