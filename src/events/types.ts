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

export type ServiceOutcome = 'succeeded' | 'unchanged' | 'failed' | 'rolled-back' | 'timed-out' | 'interrupted' | 'skipped';

export interface StoppedTaskInfo {
  taskArn: string;
  taskDefinitionArn: string;
  stoppedReason: string | undefined;
  stopCode: string | undefined;
  containers: { name: string; exitCode: number | undefined; reason: string | undefined }[];
}

export type EngineEvent =
  | (Base & { type: 'plan.computed'; plan: Plan })
  | (Base & { type: 'apply.started'; runId: string; services: string[]; dryRun: boolean })
  | (Base & {
      type: 'apply.finished';
      runId: string;
      outcome: 'succeeded' | 'failed' | 'interrupted' | 'no-change';
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
  | (Base & { type: 'taskdef.registered'; service: string; taskDefinitionArn: string })
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
      outcome: 'pass' | 'fail' | 'inconclusive';
      checks: { name: string; outcome: 'pass' | 'fail' | 'inconclusive'; value?: number; detail?: string }[];
    })
  | (Base & { type: 'scheduled-target.updated'; rule: string; targetId: string; from: string; to: string })
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
