export * from './schema';
export * from './presets';
export * from './checks';
export * from './quantity';
