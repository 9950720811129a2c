/**
 * ecsdeploy as a library: `import { loadManifest, plan, apply } from 'ecsdeploy'` (docs/library.md). The CLI is one
 * user of these functions. Everything exported here is public API, typed by the declarations the package ships;
 * nothing else of the package is (its `exports` map allows only this entry).
 */
export { type ApplyOptions, apply } from './api/apply.js';
export type { AwsOptions, Target } from './api/connection.js';
export { type EventHandler, EventHandlerError } from './api/events.js';
export { ExitCode, type ExitCodeValue, exitCodeFor } from './api/exit-codes.js';
export { type LoadOptions, loadManifest, validateManifest } from './api/load.js';
export { type PlanOptions, plan } from './api/plan.js';
export { createSandbox, type Sandbox, type SandboxOptions } from './api/sandbox.js';
import type { ApplyResult } from './engine/types.js';

export type { ApplyResult, OneOffResult, ServiceResult, SkippedStepResult } from './engine/types.js';
export {
  AbortError,
  AwsApiError,
  EcsDeployError,
  type ErrorSource,
  InterruptedError,
  InternalError,
  ManifestError,
  type ManifestIssue,
  PlanError,
  StalePlanError,
  UsageError,
} from './errors/index.js';
export type { EngineEvent, EngineEventType, EventLevel, ServiceOutcome, StoppedTaskInfo } from './events/types.js';
export type { ResolvedManifest as Manifest, ResolvedService as ManifestService } from './model/manifest.js';
export type { FieldChange, Plan, PlanAction, ServicePlan } from './plan/types.js';
export { VERSION as version } from './util/version.js';

/** How an apply ended: `succeeded`, `no-change`, `failed`, `interrupted`, or `paused` (a canary awaits approval). */
export type ApplyOutcome = ApplyResult['outcome'];
