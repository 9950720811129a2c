/**
 * The one interface every deploy strategy implements: `rolling` (ECS controller), `blue-green` (CodeDeploy,
 * aws-semantics.md §2) and `canary` (two ECS services behind one weighted ALB rule, §3.3).
 *
 * The engine decides WHAT to deploy (ordering, registration, locks, one-off tasks) and hands each service to
 * its strategy as a {@link DeployTarget}; the strategy decides HOW: which calls start the rollout, how to follow
 * it to a verdict, and how to undo it. Before anything changes, the strategy names every resource the rollout
 * will touch ({@link DeployStrategy.resources}); the engine reads, checks and locks every ECS service among them,
 * not only the target's own. What all strategies have in common lives in {@link StrategyContext}:
 *
 * - every mutating call goes through `calls.mutate` (dry-run, audit events, per-call notifications);
 * - every wait goes through `clock` and honours `signal` (soft, first Ctrl-C) and `hardSignal` (stop waiting);
 * - ECS services are observed through a shared, batching `watcher` (one DescribeServices serves up to 10);
 * - the verdict is a {@link DeployResult} that says where the service stands, never "probably fine".
 *
 *   blue-green: CreateDeployment(AppSpec with target.taskDefinitionArn) → follow GetDeployment and its target →
 *               gates on test and production traffic → StopDeployment (autoRollbackEnabled) on a failed gate,
 *               timeout or interrupt; `target.previousTaskDefinitionArn` names the blue side.
 *   canary:     scale the canary service, ModifyRule weights per step, `gates` between steps, promote the stable
 *               service with the same ECS-deployment follower rolling uses, abort = weight back first.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import type { EventInput, ServiceOutcome, StoppedTaskInfo } from '../events/types.js';
import type { OneOffRunner } from '../gates/types.js';
import type { DeploymentSettings, ServiceSettings } from '../model/manifest.js';
import type { StrategyConfig, StrategyType } from '../model/strategy.js';
import type { Clock } from '../util/clock.js';

/** A mutating AWS call, described for `--dry-run`, the audit events and per-call notifications. */
export interface MutatingCall {
  /** `ECS`, `CodeDeploy`, `ELBv2`, `EventBridge`, `SNS`. */
  service: string;
  /** SDK operation name, e.g. `UpdateService`. */
  operation: string;
  /** One readable line: what changes, on what. Never contains secret values. */
  summary: string;
}

export interface CallRunner {
  readonly dryRun: boolean;
  /**
   * Makes a mutating call, or under `--dry-run` only reports it and resolves `undefined`. `run` receives the
   * signal to pass to the port: the hard signal, so a first Ctrl-C never cuts a write in half.
   */
  mutate<T>(call: MutatingCall, run: (signal: AbortSignal) => Promise<T>): Promise<T | undefined>;
}

export interface ServiceWatcher {
  /**
   * The service as DescribeServices returns it, from the first batched poll at least `delayMs` from now, or
   * `undefined` when ECS reports it MISSING. Rejects with the signal's reason when `signal` aborts.
   */
  next(cluster: string, service: string, delayMs: number, signal: AbortSignal): Promise<EcsService | undefined>;
}

export interface StrategyContext {
  ports: AwsPorts;
  /** Emits an engine event (time and default level filled in). */
  emit(event: EventInput): void;
  clock: Clock;
  /** First Ctrl-C: start nothing new, then do what `onInterrupt` says with the rollout in flight. */
  signal: AbortSignal;
  /** Second Ctrl-C: stop waiting at once and report where things stand. */
  hardSignal: AbortSignal;
  onInterrupt: 'rollback' | 'leave';
  calls: CallRunner;
  watcher: ServiceWatcher;
  /** The ecsdeploy run this is (recorded where a rollout outlives the process, e.g. a canary's state tags). */
  runId?: string;
  /** Runs gate task checks (one-off ECS tasks); undefined where the engine offers none. */
  oneOff?: OneOffRunner;
  /** Publishes a rollout milestone (a canary's start, steps, promotion, abort) where the run notifies; never throws. */
  notify?(milestone: RolloutMilestone): Promise<void>;
  /**
   * `traffic-shifted`: a blue-green rollout is done once production traffic is all on the new revision, without
   * waiting out CodeDeploy's termination wait (`apply --wait-until traffic-shifted`).
   * @default absent (wait for the deployment to complete)
   */
  waitUntil?: 'traffic-shifted';
  /** Where the revision comes from, for records that outlive the run (a CodeDeploy deployment's description). */
  provenance?: { gitCommit?: string; manifestDigest?: string };
}

/** A milestone of a long rollout, for notifications. */
export interface RolloutMilestone {
  service: string;
  /** e.g. `canary-started`, `canary-step`, `canary-paused`, `canary-promoted`, `canary-aborted`. */
  event: string;
  /** One line: what happened. */
  summary: string;
  detail?: Record<string, unknown>;
}

/** One service to move to one task definition. Built by the engine from a ServicePlan, or by `rollback`. */
export interface DeployTarget {
  /** Manifest key (events use it as `service`). */
  key: string;
  /** ECS service name. */
  service: string;
  cluster: string;
  strategy: StrategyConfig;
  /** The service does not exist yet: CreateService instead of UpdateService. */
  create: boolean;
  /** Task definition to deploy (already registered by the engine; a placeholder under --dry-run). */
  taskDefinitionArn: string;
  /** What the service ran before: the target of a rollback. Undefined when creating. */
  previousTaskDefinitionArn: string | undefined;
  /** PRIMARY deployment before we touched the service (tells "new deployment" from "same deployment"). */
  previousDeploymentId: string | undefined;
  /** Undefined: keep what runs (or autoscaling owns it). */
  desiredCount: number | undefined;
  /** Only the keys the manifest sets are sent. */
  deployment: DeploymentSettings;
  /** Service settings to send: all of them on create, only when changed on update; undefined: none. */
  settings: ServiceSettings | undefined;
  /** Service tag keys the plan shows as removed: untagged after the update (TagResource only adds). */
  removeTags?: string[];
  timeoutMs: number;
  onFailure: 'rollback' | 'leave';
  /** Why this deployment happens (in events and notifications). */
  purpose: 'deploy' | 'rollback';
  /**
   * Continue a rollout an earlier run left in flight instead of starting one (a canary, from its state tags):
   * `resume` (apply --resume), `promote` (approve the current hold), `promote-full` (skip the remaining steps),
   * `abort`. Strategies with nothing to continue ignore it.
   */
  continuation?: 'resume' | 'promote' | 'promote-full' | 'abort';
}

/** Where the service stands after the strategy is done with it. */
export interface DeployResult {
  outcome: ServiceOutcome;
  /** The task definition the service runs (or is converging to) when the strategy returns. */
  taskDefinitionArn: string | undefined;
  /** The deployment we started (ECS `ecs-svc/...`, CodeDeploy `d-...`). */
  deploymentId?: string;
  /** Why it failed, and what was done about it (rolled back / left in progress). */
  reason?: string;
  /** Stopped tasks of the new task definition, with exit codes, when the rollout failed. */
  stoppedTasks?: StoppedTaskInfo[];
}

/** An ECS service a rollout touches: the engine reads it (with tags), refuses when it is busy, and locks it. */
export interface TouchedEcsService {
  kind: 'ecs-service';
  cluster: string;
  service: string;
  /** What the service is to the rollout, for messages: `service` (the target's own), `stable`, `canary`. */
  role: string;
  /** The rollout creates it: there is nothing to read or lock yet. */
  creates?: boolean;
}

/** An AWS resource a rollout touches (besides task definitions, which the engine registers). */
export type TouchedResource =
  | TouchedEcsService
  | { kind: 'listener'; arn: string }
  | { kind: 'listener-rule'; arn: string }
  /** By name or ARN. */
  | { kind: 'target-group'; targetGroup: string }
  | { kind: 'codedeploy-deployment-group'; application: string; deploymentGroup: string };

/** The touched ECS services as read before anything changed (undefined: missing, or INACTIVE). */
export interface TouchedServices {
  find(cluster: string, service: string): EcsService | undefined;
}

export interface DeployStrategy {
  readonly type: StrategyType;
  /** Every resource the rollout of `target` will touch, stable and canary services alike. Reads nothing. */
  resources(target: DeployTarget): TouchedResource[];
  /**
   * Problems that make this service impossible to deploy with this strategy, found with reads only, before the
   * engine touches anything (e.g. a rolling service whose controller is CODE_DEPLOY). Empty when fine. `services`
   * holds every ECS service {@link resources} named.
   */
  preflight(target: DeployTarget, services: TouchedServices): string[];
  /**
   * Checks that need AWS reads (a canary's listener rule, its weights and stickiness), made after `preflight` and
   * still before anything changes. Empty when fine; the engine refuses the run otherwise.
   */
  check?(target: DeployTarget, context: StrategyContext): Promise<string[]>;
  /** Starts the rollout, follows it to a verdict, undoes it when it must. Never throws for a failed rollout. */
  deploy(target: DeployTarget, ctx: StrategyContext): Promise<DeployResult>;
}
