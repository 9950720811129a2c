/**
 * The engine's event stream. The engine only emits these; renderers turn them into text, NDJSON or Markdown.
 * Event `type`s are public API once `--format json` ships: never rename, only add. Documented in docs/events.md.
 */
import type { Plan } from '../plan/types.js';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error' | 'result';

interface Base {
  /** ISO 8601, from the injected clock (simulated time under the sandbox). */
  time: string;
  level: EventLevel;
}

/** Steps of a run besides the services, which `step.skipped` reports when they did not happen. */
export type SkippedStep = 'one-off' | 'scheduled-target' | 'cleanup';

/** `paused`: a canary stopped for a person to promote or abort (exit code 3); not a failure. */
export type ServiceOutcome = 'succeeded' | 'unchanged' | 'failed' | 'rolled-back' | 'timed-out' | 'interrupted' | 'skipped' | 'paused';

/**
 * The last lines one container of a stopped task printed (its awslogs stream in CloudWatch Logs), bounded in
 * lines and bytes, redacted like every event; or, in `missing`, why there are none (the log driver is not
 * awslogs, the group or stream does not exist, ...). Never guessed.
 */
export interface ContainerLogs {
  container: string;
  /** Log group and stream read, when the container's log configuration names them. */
  group?: string;
  stream?: string;
  /** Oldest first. */
  lines: string[];
  /** Earlier lines (or the start of a long line) were left out to stay within the bounds. */
  truncated?: boolean;
  /** Why there are no lines, e.g. `the log driver is splunk, not awslogs`, `log stream ... does not exist`. */
  missing?: string;
}

export interface StoppedTaskInfo {
  taskArn: string;
  taskDefinitionArn: string;
  stoppedReason: string | undefined;
  stopCode: string | undefined;
  containers: { name: string; exitCode: number | undefined; reason: string | undefined }[];
  /**
   * The last log lines of the essential container that stopped the task (the first with a non-zero exit code or a
   * reason), when logs were read for it.
   */
  logs?: ContainerLogs;
}

/**
 * One check of one gate evaluation: the evidence. A metric check carries its value, the limits it was held to and
 * the stable side's value; an alarm its state; a task check its exit code. `detail` says it in one line.
 */
export interface GateCheckEvidence {
  name: string;
  outcome: 'pass' | 'fail' | 'inconclusive';
  /** The metric value (the canary side), or a task's exit code. */
  value?: number;
  /** One line: why this outcome, e.g. `20.3 > max 5` or `ALARM since 10:02:00`. */
  detail?: string;
  kind?: 'alarm' | 'metric' | 'task';
  /** The fixed limits a metric was held to. */
  threshold?: { min?: number; max?: number };
  /** The stable side's value over the same window and the limits it was compared with (absent: no baseline). */
  baseline?: { value?: number; maxIncrease?: number; maxRatio?: number };
  /** Sample sizes that make a metric check conclusive: `minRequests` (canary, stable) or a `minSample` query. */
  samples?: { name: string; value: number; min: number }[];
  /** The metric had no datapoints: `outcome` is what the gate's noData policy makes of that. */
  noData?: boolean;
  /** Ends the hold at once, whatever failureLimit says (an alarm already in ALARM at the start, a failed task). */
  fatal?: boolean;
  /** An alarm's state: `OK`, `ALARM`, `INSUFFICIENT_DATA`. */
  state?: string;
}

export type EngineEvent =
  | (Base & { type: 'plan.computed'; plan: Plan })
  | (Base & {
      type: 'apply.started';
      runId: string;
      services: string[];
      /** Task-only families the run registers or whose targets it moves. @default absent (none) */
      tasks?: string[];
      dryRun: boolean;
    })
  | (Base & {
      type: 'apply.finished';
      runId: string;
      outcome: 'succeeded' | 'failed' | 'interrupted' | 'no-change' | 'paused';
      durationMs: number;
      services: { key: string; outcome: ServiceOutcome; taskDefinitionArn?: string; reason?: string }[];
    })
  /** A call apply would make under --dry-run, or makes (debug level) otherwise. */
  | (Base & { type: 'aws.call'; service: string; operation: string; mutating: boolean; dryRun: boolean; summary: string })
  | (Base & { type: 'oneoff.started'; name: string; taskArn: string; taskDefinitionArn: string })
  | (Base & {
      type: 'oneoff.finished';
      name: string;
      taskArn: string | undefined;
      outcome: 'succeeded' | 'failed';
      reason?: string;
      task?: StoppedTaskInfo;
    })
  /** A line a one-off task's container printed (awslogs), streamed while `ecsdeploy run` waits. */
  | (Base & { type: 'oneoff.log'; name: string; taskArn: string; container: string; at: string; message: string })
  /** `ecsdeploy run` ended: its verdict, each container's exit code and the stop reason (exit code 0, 1 or 130). */
  | (Base & {
      type: 'run.finished';
      name: string;
      /** `started`: --no-wait (the task was started, not waited for). */
      outcome: 'succeeded' | 'failed' | 'interrupted' | 'started';
      taskArn?: string;
      taskDefinitionArn?: string;
      reason?: string;
      task?: StoppedTaskInfo;
      durationMs: number;
    })
  | (Base & {
      type: 'taskdef.registered';
      /** Manifest key of the service (or, with `task: true`, of the task-only family under `tasks:`). */
      service: string;
      taskDefinitionArn: string;
      /** The revision is of a task-only family (`tasks:`), not of a service. */
      task?: boolean;
    })
  | (Base & {
      type: 'service.started';
      service: string;
      strategy: string;
      fromTaskDefinition: string | undefined;
      toTaskDefinition: string;
      deploymentId?: string;
    })
  /** Phase changes, e.g. `updating`, `waiting`, `rolling-back`, `shifting-traffic`, `baking`. */
  | (Base & { type: 'service.phase'; service: string; phase: string; detail?: string })
  | (Base & {
      type: 'service.progress';
      service: string;
      running: number;
      pending: number;
      desired: number;
      rolloutState?: string;
      deploymentId?: string;
    })
  /** An ECS service event (or CodeDeploy lifecycle event), emitted once each. */
  | (Base & { type: 'service.event'; service: string; at: string; message: string })
  | (Base & {
      type: 'service.finished';
      service: string;
      outcome: ServiceOutcome;
      durationMs: number;
      taskDefinitionArn?: string;
      reason?: string;
      stoppedTasks?: StoppedTaskInfo[];
    })
  | (Base & { type: 'traffic.shifted'; service: string; weights: Record<string, number>; step?: number })
  | (Base & {
      type: 'gate.evaluated';
      service: string;
      step?: number;
      /** `canary` (a canary step's gate), `test-traffic` or `production-traffic` (blue-green's gates). */
      gate?: string;
      /** 1-based within the hold. */
      evaluation?: number;
      /** The metric window judged (ISO times, [from, to)); absent when the gate has no metric checks. */
      window?: { from: string; to: string };
      outcome: 'pass' | 'fail' | 'inconclusive';
      checks: GateCheckEvidence[];
      /** Evaluations of this hold so far, by outcome. */
      counts?: { passed: number; failed: number; inconclusive: number };
      /** What the policy made of it: hold on (`continue`) or end the hold. */
      decision?: 'continue' | 'pass' | 'fail' | 'pause';
    })
  | (Base & {
      type: 'gate.finished';
      service: string;
      step?: number;
      gate?: string;
      /** `pass`: go on; `fail`: undo; `pause`: stop the run for a person to decide (exit code 3). */
      verdict: 'pass' | 'fail' | 'pause';
      reason: string;
      evaluations: number;
      counts: { passed: number; failed: number; inconclusive: number };
      durationMs: number;
    })
  /** A canary step ended: the weight it held (verified on the load balancer) and the gate's verdict. */
  | (Base & {
      type: 'canary.step';
      service: string;
      /** 1-based, as listed in the manifest. */
      step: number;
      /** The canary's share in percent. */
      weight: number;
      /** Target group name → relative weight, as read back from the load balancer. */
      weights: Record<string, number>;
      /** `approval`: an until-approved step (the run stops there). */
      verdict: 'pass' | 'fail' | 'pause' | 'approval';
      reason?: string;
    })
  /** The canary stopped for a person: `next` are the commands that move it on (exit code 3). */
  | (Base & { type: 'canary.paused'; service: string; step: number; weight: number; runId: string; reason: string; next: string[] })
  /** The stable service runs the new revision, all traffic is back on it, the canary is scaled in. */
  | (Base & { type: 'canary.promoted'; service: string; taskDefinitionArn: string; steps: number })
  /**
   * The canary was undone: traffic back on stable (verified) before the canary was scaled in. `checks` are the
   * failing checks of the evaluation that decided, when a gate did.
   */
  | (Base & {
      type: 'canary.aborted';
      service: string;
      step: number;
      weight: number;
      /** `gate`, `timeout`, `command` (ecsdeploy abort), `interrupt` (Ctrl-C), `failure` (the canary or stable deployment). */
      trigger: 'gate' | 'timeout' | 'command' | 'interrupt' | 'failure';
      reason: string;
      checks?: GateCheckEvidence[];
      /** Traffic read back as stable 100 / canary 0. */
      trafficRestored: boolean;
      /** The canary service was scaled to 0 (only ever after trafficRestored). */
      scaledIn: boolean;
    })
  /** A lifecycle event of a blue-green (CodeDeploy) deployment changed status: once per change, with why it failed. */
  | (Base & {
      type: 'codedeploy.lifecycle';
      service: string;
      deploymentId: string;
      /** `BeforeInstall`, `Install`, ..., `AfterAllowTraffic` (an open set: AWS may add events). */
      event: string;
      /** `InProgress`, `Succeeded`, `Failed`, `Skipped`... (as CodeDeploy reports it). */
      status: string;
      /** Why it failed: the hook's function and what it said. */
      diagnostics?: { errorCode?: string; scriptName?: string; message?: string };
    })
  /**
   * A blue-green deployment waits for a person (exit code 3): `ready` with only test traffic on the replacement
   * (ContinueDeployment READY_WAIT goes on), or after a gate paused. `next` are the commands that move it on.
   */
  | (Base & {
      type: 'codedeploy.paused';
      service: string;
      deploymentId: string;
      wait: 'ready' | 'termination';
      runId: string;
      reason: string;
      next: string[];
    })
  /**
   * A blue-green deployment ended without shipping: stopped by ecsdeploy with rollback (a gate, the timeout,
   * `ecsdeploy abort`, Ctrl-C, `onFailure`), or failed or stopped by CodeDeploy (`codedeploy`). `checks` are the
   * failing checks of the evaluation that decided, when a gate did.
   */
  | (Base & {
      type: 'codedeploy.stopped';
      service: string;
      deploymentId: string;
      trigger: 'gate' | 'timeout' | 'command' | 'interrupt' | 'failure' | 'codedeploy';
      reason: string;
      checks?: GateCheckEvidence[];
      /** Production traffic read back all on the original task set, which serves as PRIMARY again. */
      trafficRestored: boolean;
      /** The most production traffic the replacement carried, in percent (0: production never saw it). */
      productionWeight: number;
    })
  /** An ECS-native deployment (ecs-blue-green, ecs-linear, ecs-canary) moved on: its stage, status or requested weights. */
  | (Base & {
      type: 'ecs-native.stage';
      service: string;
      serviceDeployment: string;
      /** As ECS reports them (open sets: a value this version does not know is passed on). */
      status: string;
      stage: string;
      /** The new revision's requested share of test and production traffic, in percent. */
      testWeight?: number;
      productionWeight?: number;
    })
  /** ecsdeploy answered one of its pause hooks: continue, roll back, or hold for a person; with the gate's evidence. */
  | (Base & {
      type: 'ecs-native.hold';
      service: string;
      stage: string;
      /** The new revision's share of production traffic at the pause. */
      productionWeight: number;
      /** The production step about to be taken (1-based), at a pause before one. */
      step?: number;
      /** `test-traffic` or `production`, when a gate decided. */
      gate?: string;
      decision: 'continue' | 'rollback' | 'pause';
      reason: string;
      checks?: GateCheckEvidence[];
    })
  /** The deployment waits at ecsdeploy's pause hook for a person (exit code 3); `next` are the commands that move it on. */
  | (Base & {
      type: 'ecs-native.paused';
      service: string;
      stage: string;
      runId: string;
      reason: string;
      expiresAt?: string;
      next: string[];
    })
  | (Base & { type: 'scheduled-target.updated'; rule: string; targetId: string; from: string; to: string })
  /**
   * A step the plan promised that the run did not carry out: a one-off task, a scheduled target, the cleanup.
   * (Services that did not start say so in their own `service.finished`, outcome `skipped`.)
   */
  | (Base & { type: 'step.skipped'; step: SkippedStep; name: string; reason: string })
  | (Base & { type: 'revision.deregistered'; taskDefinitionArn: string })
  | (Base & { type: 'notification.sent'; topicArn: string; subject: string })
  | (Base & { type: 'log'; message: string });

export type EngineEventType = EngineEvent['type'];

/** Distributes `Omit` over the union so each event can be built without `time`/`level`. */
export type EventInput<E = EngineEvent> = E extends EngineEvent ? Omit<E, 'time' | 'level'> & { level?: EventLevel } : never;

export interface EventSink {
  emit(event: EngineEvent): void;
}

export interface ConfirmRequest {
  question: string;
  /** Shown before the question (the plan), already rendered by the caller's renderer. */
  plan?: Plan;
}

export interface Prompter {
  confirm(request: ConfirmRequest): Promise<boolean>;
}

/** A sink that keeps every event: for tests and for building summaries. */
export class MemorySink implements EventSink {
  readonly events: EngineEvent[] = [];
  emit(event: EngineEvent): void {
    this.events.push(event);
  }
  ofType<T extends EngineEventType>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }
}
