/** The pure plan core: build, normalize, diff, redact, save and compare plans. */
export { type BuildPlanOptions, buildPlan, fingerprint } from './build.js';
export { diffDocuments, unifiedDiff } from './diff.js';
export { canonicalJson, jsonEqual, sha256Hex } from './json.js';
export {
  ECSDEPLOY_TAG_PREFIX,
  filterTags,
  isIgnoredTag,
  type NormalizeContext,
  normalizeServiceDocument,
  normalizeTaskCpu,
  normalizeTaskDefinition,
  normalizeTaskMemory,
  stripReadOnly,
} from './normalize.js';
export {
  compareWithSavedPlan,
  desiredDigest,
  parseSavedPlan,
  redactPlan,
  type SavedPlan,
  type SavedServicePlan,
  serializePlan,
} from './saved-plan.js';
export { redactTaskDefinition, sensitivityTest } from './sensitive.js';
export * from './types.js';
