/**
 * The gate decides whether a rollout may go on while a step holds: CloudWatch alarms that must stay out of ALARM,
 * metric-math checks (fixed limits and a baseline against the stable side, with a minimum sample) and one-off task
 * checks, folded by a pass/fail/inconclusive policy (Argo Rollouts' model, aws-semantics.md §4, §5.1, §7.5–7.6).
 * The canary strategy holds it at every step; blue-green holds it while only test traffic reaches the replacement.
 * One gate engine for all of them: docs/gates.md.
 */
import type { GateCheckEvidence } from '../events/types.js';

export type { GateCheckEvidence } from '../events/types.js';

export type CheckOutcome = 'pass' | 'fail' | 'inconclusive';

/** What a hold ends with: go on, undo, or stop the run for a person to decide (exit code 3). */
export type HoldVerdict = 'pass' | 'fail' | 'pause';

/** The metric window an evaluation judges: [from, to) in epoch ms. */
export interface GateWindow {
  from: number;
  to: number;
}

/** One evaluation: every alarm, every metric check over one window, and the task checks that finished since the last. */
export interface GateEvaluation {
  /** 1-based, within the hold. */
  index: number;
  /** Epoch ms the evaluation was made. */
  at: number;
  /** Undefined when the gate has no metric checks. */
  window: GateWindow | undefined;
  outcome: CheckOutcome;
  checks: GateCheckEvidence[];
}

/** The CloudWatch dimension values of one target group's ALB metrics (aws-semantics.md §4.2). */
export interface TargetGroupDimensions {
  /** `targetgroup/<name>/<id>` */
  targetGroup: string;
  /** `app/<name>/<id>` */
  loadBalancer: string;
}

/** `canary`, `stable` and every target group name or ARN the gate's queries name → its dimensions. */
export type GateTargets = ReadonlyMap<string, TargetGroupDimensions>;

/** A task check as the gate hands it to the runner (the manifest's `tasks:` entry, timeout in ms). */
export interface OneOffTaskSpec {
  name: string;
  /** Manifest key of the service whose new task definition, cluster and network configuration the task uses. */
  taskDefinitionOf: string;
  command?: string[];
  container?: string;
  environment?: Record<string, string>;
  timeoutMs: number;
}

/** How a one-off task ended. `exitCode` is the essential container's; undefined when the task never ran to an exit. */
export interface OneOffTaskResult {
  exitCode: number | undefined;
  /** ECS's stop reason, or why the task could not be started. */
  stopReason?: string;
  taskArn?: string;
}

/**
 * Runs one-off ECS tasks for task checks. The engine implements it over its own one-off runner; the gate never
 * imports the engine. `run` starts the task from the task definition of `taskDefinitionOf`, waits for it to stop
 * and resolves how it ended; when `signal` aborts (the hold ended early, or timed out) it stops the task and
 * settles (resolving or rejecting: the gate no longer looks at the result).
 */
export interface OneOffRunner {
  run(task: OneOffTaskSpec, signal: AbortSignal): Promise<OneOffTaskResult>;
}
