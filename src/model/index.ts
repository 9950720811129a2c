export * from './manifest.js';
export * from './strategy.js';
export * from './task-definition.js';
export * from './overrides.js';
export * from './live.js';
export * from './status.js';
export * from './canary-state.js';
export * from './lookups.js';
