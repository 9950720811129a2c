/**
 * The bookkeeping every engine run shares, `apply` and `rollback` alike: its start time and event emitter, its
 * context (ports, call runner, poller), how long its locks must live, and the `service.finished` and
 * `apply.finished` reports that close a service and the run.
 */
import type { Plan } from '../plan/types.js';
import { createCallRunner } from './calls.js';
import { createEngineContext, type EngineContext } from './context.js';
import { createEmitter, type Emit } from './emitter.js';
import type { ApplyDeps, ApplyOptions, ApplyResult, OneOffResult, ServiceResult, SkippedStepResult } from './types.js';

/** What a run may take beyond its steps' bounds: reads, registrations, scheduled targets, cleanup, notifications. */
const RUN_MARGIN_MS = 15 * 60_000;
/** No run's locks outlive this, however many steps it has. */
const MAX_RUN_MS = 24 * 60 * 60_000;

export interface Run {
  readonly runId: string;
  /** Epoch ms, by the engine clock. */
  readonly startedAt: number;
  readonly dryRun: boolean;
  readonly emit: Emit;
  /** Second Ctrl-C (a signal that never aborts when the caller gave none). */
  readonly hardSignal: AbortSignal;
  /** Milliseconds since the run started, by the engine clock. */
  elapsedMs(): number;
}

export function startRun(deps: ApplyDeps, runId: string, dryRun: boolean): Run {
  const startedAt = deps.clock.now();
  return {
    runId,
    startedAt,
    dryRun,
    emit: createEmitter(deps.sink, deps.clock),
    hardSignal: deps.hardSignal ?? new AbortController().signal,
    elapsedMs: () => deps.clock.now() - startedAt,
  };
}

/** The run's context: its own call runner (dry run, audit events, per-call notifications) and service poller. */
export function createRunContext(
  deps: ApplyDeps,
  run: Run,
  plan: Plan | undefined,
  options: ApplyOptions,
  eachCallTopic?: string,
): EngineContext {
  const calls = createCallRunner({
    dryRun: run.dryRun,
    emit: run.emit,
    hardSignal: run.hardSignal,
    ports: deps.ports,
    runId: run.runId,
    ...(eachCallTopic ? { eachCallTopic } : {}),
  });
  return createEngineContext(deps, { emit: run.emit, hardSignal: run.hardSignal, calls, plan, options });
}

/**
 * The run's deadline (epoch ms), which no lock of it outlives: every step one after the other (a one-off task's
 * timeout; a service's rollout timeout and then as long again for the rollback that may follow), plus a margin,
 * and never more than MAX_RUN_MS from `startedAt`.
 */
export function runDeadline(startedAt: number, steps: { oneOffTimeoutsMs: number[]; serviceTimeoutsMs: number[] }): number {
  const total = steps.oneOffTimeoutsMs.reduce((a, b) => a + b, 0) + steps.serviceTimeoutsMs.reduce((a, b) => a + 2 * b, 0);
  return startedAt + Math.min(total + RUN_MARGIN_MS, MAX_RUN_MS);
}

/** Where a service stands when the run did not touch it: unchanged, or skipped for `reason`. */
export function untouchedResult(
  s: { key: string; service: string; cluster: string; live: { taskDefinitionArn: string } | null },
  outcome: 'unchanged' | 'skipped',
  reason?: string,
): ServiceResult {
  return {
    key: s.key,
    service: s.service,
    cluster: s.cluster,
    outcome,
    ...(reason ? { reason } : {}),
    ...(s.live?.taskDefinitionArn ? { taskDefinitionArn: s.live.taskDefinitionArn } : {}),
  };
}

/** `service.finished`: the verdict on one service, where it stands, and why. */
export function reportServiceFinished(emit: Emit, result: ServiceResult, durationMs: number): void {
  emit({
    type: 'service.finished',
    service: result.key,
    outcome: result.outcome,
    durationMs,
    ...(result.taskDefinitionArn ? { taskDefinitionArn: result.taskDefinitionArn } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.stoppedTasks ? { stoppedTasks: result.stoppedTasks } : {}),
  });
}

/** `apply.finished` with where every service stands, and the run's result. */
export function finishRun(
  run: Run,
  outcome: ApplyResult['outcome'],
  services: ServiceResult[],
  more: { oneOffs?: OneOffResult[]; problems?: string[]; skipped?: SkippedStepResult[]; durationMs?: number } = {},
): ApplyResult {
  const durationMs = more.durationMs ?? run.elapsedMs();
  run.emit({
    type: 'apply.finished',
    runId: run.runId,
    outcome,
    durationMs,
    services: services.map((s) => ({
      key: s.key,
      outcome: s.outcome,
      ...(s.taskDefinitionArn ? { taskDefinitionArn: s.taskDefinitionArn } : {}),
      ...(s.reason ? { reason: s.reason } : {}),
    })),
  });
  return {
    runId: run.runId,
    outcome,
    dryRun: run.dryRun,
    durationMs,
    services,
    oneOffs: more.oneOffs ?? [],
    problems: more.problems ?? [],
    skipped: more.skipped ?? [],
  };
}
