/** The gate engine's public API, for strategies (canary steps, blue-green test traffic). See docs/gates.md. */
export { evaluateGate } from './evaluate.js';
export { countOutcomes, decide, evaluationOutcome, type GateCounts, type PolicyDecision } from './policy.js';
export { type HoldDeps, type HoldRequest, type HoldResult, holdGate } from './runner.js';
export { scheduledEvaluation } from './schedule.js';
export { resolveGateTargets, targetGroupRefs } from './target-groups.js';
export type * from './types.js';
