/** What `applyPlan` takes and returns. */
import type { AwsPorts } from '../aws/ports.js';
import type { EventSink, Prompter, ServiceOutcome, SkippedStep, StoppedTaskInfo } from '../events/types.js';
import type { Plan } from '../plan/types.js';
import type { StrategyCatalog } from '../strategies/select.js';
import type { Clock } from '../util/clock.js';

export interface ApplyDeps {
  ports: AwsPorts;
  sink: EventSink;
  /** Unused by the engine today (confirmation happens in the command before applyPlan); kept for gates that ask. */
  prompter?: Prompter;
  clock: Clock;
  /** First Ctrl-C: start nothing new, then `onInterrupt` for what is in flight. */
  signal: AbortSignal;
  /** Second Ctrl-C: stop waiting at once, still report. */
  hardSignal?: AbortSignal;
  /** The strategies services deploy with; default the built-in ones. */
  strategies?: StrategyCatalog;
  /**
   * Builds the plan again from live state (`--wait`: once the rollouts in flight are decided, the run goes on with
   * what is true then). Without it, `wait` cannot be used.
   */
  replan?: () => Promise<Plan>;
}

export interface ApplyOptions {
  /** Services deployed at the same time (independent ones only). @default 4 */
  concurrency: number;
  dryRun: boolean;
  /** Deploy even when another deployment or another ecsdeploy run holds the service. */
  force: boolean;
  /**
   * Services with a rollout in flight: follow each to its verdict first (a failed one fails the run; then the run
   * goes on with a fresh plan, `ApplyDeps.replan`), instead of refusing them with SERVICE_BUSY.
   */
  wait?: boolean;
  /** What Ctrl-C does to rollouts in flight. */
  onInterrupt: 'rollback' | 'leave';
  /** Manifest keys or ECS service names; undefined: every service in the plan. */
  services?: string[];
  runId: string;
  /** Tagged on registered task definitions as `ecsdeploy:git-commit`. */
  gitCommit?: string;
  /** Publish on SNS for every mutating call (overrides `plan.notify.eachCall` when set). */
  notifyEachCall?: boolean;
  /** Overrides every service's timeout (`--timeout`). */
  timeoutMs?: number;
  /** How long to wait between writing the lock tag and re-reading it (lets a racing writer show up). @default 1000 */
  lockSettleMs?: number;
  /**
   * Continue the canaries in flight (from their state tags) instead of refusing them: `resume` (apply --resume),
   * `promote`, `promote-full` (ecsdeploy promote [--full]) or `abort` (ecsdeploy abort). Only services with a
   * canary in flight are touched.
   */
  continuation?: 'resume' | 'promote' | 'promote-full' | 'abort';
  /**
   * `traffic-shifted`: a blue-green service is done once production traffic is all on the new revision; CodeDeploy's
   * termination wait goes on after the run (`apply --wait-until traffic-shifted`).
   */
  waitUntil?: 'traffic-shifted';
}

export interface ServiceResult {
  key: string;
  service: string;
  cluster: string;
  outcome: ServiceOutcome;
  /** Where the service stands (the revision it runs or converges to). */
  taskDefinitionArn?: string;
  deploymentId?: string;
  reason?: string;
  stoppedTasks?: StoppedTaskInfo[];
}

export interface OneOffResult {
  name: string;
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'skipped';
  taskArn?: string;
  reason?: string;
  /** The essential container's exit code (the first non-zero one when it failed), when the task ran to an exit. */
  exitCode?: number;
}

/** A step the plan promised that did not happen (one-off task, scheduled target, cleanup), and why. */
export interface SkippedStepResult {
  step: SkippedStep;
  name: string;
  reason: string;
}

export interface ApplyResult {
  runId: string;
  /** `paused`: a canary stopped for a person to promote or abort it (exit code 3). */
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'no-change' | 'paused';
  dryRun: boolean;
  durationMs: number;
  services: ServiceResult[];
  oneOffs: OneOffResult[];
  /** Problems after the services (scheduled targets, cleanup), already emitted as events. */
  problems: string[];
  /** Steps the plan promised that did not happen, already emitted as `step.skipped`. */
  skipped: SkippedStepResult[];
}
