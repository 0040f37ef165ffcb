/**
 * Forecasting for predictive scaling: seasonal models, backtest choice, bands, anomalies,
 * incremental state and the predictive floor. Pure: time comes in with the data.
 */
export * from './robust';
export * from './seasonal';
export * from './naive';
export * from './model';
export * from './backtest';
export * from './forecaster';
export * from './floor';
export * from './replayFloor';
export * from './predictive';
