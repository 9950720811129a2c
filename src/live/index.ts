export {
  readLiveState,
  currentTaskDefinitionArn,
  DEFAULT_CONCURRENCY,
  DESCRIBE_SERVICES_BATCH,
  type ReadLiveStateOptions,
} from './read-live-state.js';
export { createTaskDefinitionCache, type TaskDefinitionCache, type TaskDefinitionCacheOptions } from './task-definition-cache.js';
export { runPreflight, type PreflightContext } from './preflight.js';
