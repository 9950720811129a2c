/**
 * `apply(plan, options)`: carries out a plan as `ecsdeploy apply --yes` does (one-off tasks, services in
 * `dependsOn` order, scheduled targets, cleanup), reporting the documented events to `onEvent` and returning the
 * outcome. Asks nobody: a program that wants a confirmation asks before calling it.
 */
import { applyPlan, refuseInFlight } from '../engine/apply.js';
import type { ApplyOptions as EngineApplyOptions, ApplyResult } from '../engine/types.js';
import { UsageError } from '../errors/index.js';
import type { Plan } from '../plan/types.js';
import { connect, type Target } from './connection.js';
import { type EventHandler, EventHandlerError, interruptedOr, sinkFor } from './events.js';
import { newRunId } from './run-id.js';

export interface ApplyOptions extends Target {
  /** Receives every event of the run (docs/events.md), in order, already redacted. */
  onEvent?: EventHandler;
  /**
   * Interrupts the run as a first Ctrl-C does: nothing new starts, rollouts in flight are handled as `onInterrupt`
   * says, and the outcome is `interrupted`.
   */
  signal?: AbortSignal;
  /** Stops waiting at once (a second Ctrl-C); where each service stands is still reported. */
  hardSignal?: AbortSignal;
  /** Services deployed at the same time (independent ones only). @default 4 */
  concurrency?: number;
  /** Announce every mutating call as an `aws.call` event, and make none. @default false */
  dryRun?: boolean;
  /** Deploy even when a deployment is in progress or another ecsdeploy run holds the service. @default false */
  force?: boolean;
  /** What an interruption does to rollouts in flight. @default 'rollback' */
  onInterrupt?: 'rollback' | 'leave';
  /** Identifies the run in events, tags and notifications. @default a time-ordered random id */
  runId?: string;
  /** Tagged on registered task definitions as `ecsdeploy:git-commit`. */
  gitCommit?: string;
}

/**
 * Applies a plan `plan()` returned. The target must be the one the plan was made against (the same sandbox, or
 * the same AWS account and region).
 * @returns the outcome: `succeeded`, `no-change`, `failed`, `interrupted` or `paused` (a canary awaits approval),
 *   with every service's. A failed deployment is an outcome, not an exception.
 * @throws UsageError when a service has a rollout in flight (SERVICE_BUSY) or the target is in another region
 *   than the plan (API_PLAN_OTHER_REGION), AwsApiError when AWS refuses a call before any change, EventHandlerError
 *   (with the run's `result`) when `onEvent` threw: the run is never stopped half-way for it
 */
export async function apply(plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const { ports, clock } = await connect(options, undefined);
  // The CLI always plans and applies in one run; a program may keep a plan and apply it elsewhere. A plan read
  // from one region is never applied to another (its services, ARNs and fingerprints are that region's).
  if (plan.region !== undefined && plan.region !== ports.region) {
    throw new UsageError(
      'API_PLAN_OTHER_REGION',
      `the plan was made in ${plan.region}, and apply would deploy to ${ports.region}; nothing was changed`,
      { hint: 'apply a plan against the target it was made against (the same sandbox, or the same AWS region)' },
    );
  }
  const engineOptions: EngineApplyOptions = {
    concurrency: options.concurrency ?? 4,
    dryRun: options.dryRun ?? false,
    force: options.force ?? false,
    onInterrupt: options.onInterrupt ?? 'rollback',
    runId: options.runId ?? newRunId(clock),
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
  };
  refuseInFlight(plan, engineOptions);
  const signal = options.signal ?? new AbortController().signal;
  const handler = sinkFor(options.onEvent);
  let result: ApplyResult;
  try {
    result = await applyPlan(
      plan,
      { ports, sink: handler.sink, clock, signal, ...(options.hardSignal ? { hardSignal: options.hardSignal } : {}) },
      engineOptions,
    );
  } catch (error) {
    throw interruptedOr(error, options.signal);
  }
  const failed = handler.failure();
  if (failed) throw new EventHandlerError(failed.error, result);
  return result;
}
