export {
  readLiveState,
  currentTaskDefinitionArn,
  DEFAULT_CONCURRENCY,
  type ReadLiveStateOptions,
} from './read-live-state.js';
export { DESCRIBE_SERVICES_BATCH, describeServices } from './describe-services.js';
export { createTaskDefinitionCache, type TaskDefinitionCache, type TaskDefinitionCacheOptions } from './task-definition-cache.js';
export { runPreflight, type PreflightContext } from './preflight.js';
