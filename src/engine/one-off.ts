/**
 * One-off tasks (`before:`, e.g. migrations) run with the new task definition of a service or task-only family,
 * before any service changes: RunTask with its network configuration and capacity settings, then wait for
 * STOPPED. Any essential container with a non-zero exit code, or a task that never started, fails the run.
 * An interrupted run leaves a running one-off task alone (stopping a migration halfway is worse) and names it.
 */
import { PlanError } from '../errors/index.js';
import type { OneOffRunner } from '../gates/types.js';
import type { OneOffTask } from '../model/manifest.js';
import type { Plan } from '../plan/types.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';
import { judgeStoppedTask, runTaskInput, startTask, stopTaskQuietly, waitUntilStopped } from './task-run.js';
import { type TaskSource, taskSourceFor } from './task-sources.js';
import type { OneOffResult } from './types.js';

/**
 * The plan's one-off tasks for the services and tasks the run covers, in order, before any service changes. The
 * first that fails or is interrupted stops the list: the rest are `skipped`, with why, as they are after a Ctrl-C.
 * `beforeEach` runs before each task (the lock heartbeat).
 */
export async function runOneOffs(
  ctx: EngineContext,
  plan: Plan,
  covered: ReadonlySet<string>,
  beforeEach: () => Promise<void>,
): Promise<OneOffResult[]> {
  const results: OneOffResult[] = [];
  for (const task of plan.before) {
    if (!covered.has(task.taskDefinitionOf)) continue;
    const source = taskSourceFor(plan, task.taskDefinitionOf);
    if (!source) throw new PlanError('PLAN_INVALID', `one-off task ${task.name} names unknown service or task ${task.taskDefinitionOf}`);
    const stop = stoppingOneOff(results);
    if (stop) {
      results.push({ name: task.name, outcome: 'skipped', reason: `not run: one-off task ${stop.name} ${stop.outcome}` });
      continue;
    }
    if (ctx.signal.aborted) {
      results.push({ name: task.name, outcome: 'skipped', reason: 'not run: interrupted' });
      continue;
    }
    await beforeEach();
    results.push(await runOneOff(ctx, task, source));
  }
  return results;
}

/** The one-off task that stopped the run (failed or interrupted), if any: no service may start after it. */
export function stoppingOneOff(results: OneOffResult[]): OneOffResult | undefined {
  return results.find((o) => o.outcome === 'failed' || o.outcome === 'interrupted');
}

async function runOneOff(ctx: EngineContext, task: OneOffTask, source: TaskSource): Promise<OneOffResult> {
  const cluster = source.cluster;
  if (cluster === undefined) return finish(ctx, task, undefined, 'failed', `task ${source.key} names no cluster to run in`);
  let arn: string;
  try {
    arn = await source.revision(ctx);
  } catch (error) {
    return finish(ctx, task, undefined, 'failed', `could not register the task definition: ${errorMessage(error)}`);
  }
  let placement: Awaited<ReturnType<TaskSource['placement']>>;
  try {
    placement = await source.placement(ctx);
  } catch (error) {
    return finish(ctx, task, undefined, 'failed', `could not read service ${source.key}: ${errorMessage(error)}`);
  }
  // A Ctrl-C that came while the revision was registered or the service read: start nothing new (a migration
  // started now would run on after we exit).
  if (ctx.signal.aborted) return { name: task.name, outcome: 'interrupted', reason: 'interrupted; the one-off task was not started' };
  const input = runTaskInput(cluster, arn, source.taskDefinition, placement, task);
  const started = await startTask(ctx, task.name, input, task.command);
  if ('dryRun' in started) return { name: task.name, outcome: 'skipped', reason: 'dry run' };
  if ('failure' in started) return finish(ctx, task, undefined, 'failed', started.failure);
  const taskArn = started.taskArn;
  ctx.emit({ type: 'oneoff.started', name: task.name, taskArn, taskDefinitionArn: arn });

  const waited = await waitUntilStopped(ctx, cluster, taskArn, ctx.clock.now() + task.timeoutMs, ctx.signal);
  if ('interrupted' in waited)
    return { name: task.name, outcome: 'interrupted', taskArn, reason: `interrupted; one-off task ${taskArn} left running` };
  if ('timedOut' in waited) {
    await stopTaskQuietly(ctx, cluster, taskArn, 'one-off task timed out', `stop one-off task ${task.name}: timed out`);
    return finish(ctx, task, taskArn, 'failed', `did not finish within ${Math.round(task.timeoutMs / 1000)}s; stopped`);
  }
  const verdict = await judgeStoppedTask(ctx, waited.stopped, source.taskDefinition, arn);
  if (verdict.ok) {
    ctx.emit({ type: 'oneoff.finished', name: task.name, taskArn, outcome: 'succeeded', task: verdict.task });
    return { name: task.name, outcome: 'succeeded', taskArn, exitCode: 0 };
  }
  ctx.emit({ type: 'oneoff.finished', name: task.name, taskArn, outcome: 'failed', reason: verdict.reason, task: verdict.task });
  return {
    name: task.name,
    outcome: 'failed',
    taskArn,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    ...(verdict.exitCode !== undefined ? { exitCode: verdict.exitCode } : {}),
  };
}

function finish(ctx: EngineContext, task: OneOffTask, taskArn: string | undefined, outcome: 'failed', reason: string): OneOffResult {
  ctx.emit({ type: 'oneoff.finished', name: task.name, taskArn, outcome, reason });
  return { name: task.name, outcome, ...(taskArn ? { taskArn } : {}), reason };
}

/**
 * Gate task checks (a smoke test during a canary step) run as the engine's one-off tasks: the task definition,
 * cluster and network of the service (or task) they name, as `before:` tasks do. When the hold ends early the
 * task is stopped.
 */
export function gateOneOffRunner(ctx: EngineContext): OneOffRunner {
  return {
    async run(spec, signal) {
      const source = ctx.plan ? taskSourceFor(ctx.plan, spec.taskDefinitionOf) : undefined;
      if (!source)
        return { exitCode: undefined, stopReason: `no planned service ${spec.taskDefinitionOf} to take the task definition from` };
      const r = await runOneOff({ ...ctx, signal: AbortSignal.any([ctx.signal, signal]) }, { ...spec }, source);
      if (r.outcome === 'interrupted' && r.taskArn && source.cluster) {
        await stopTaskQuietly(ctx, source.cluster, r.taskArn, 'the gate hold ended', `stop gate task ${spec.name}: the hold ended`);
      }
      return {
        exitCode: r.exitCode,
        ...(r.reason ? { stopReason: r.reason } : {}),
        ...(r.taskArn ? { taskArn: r.taskArn } : {}),
      };
    },
  };
}
