/**
 * `ecsdeploy run`: one task from a service's or task-only family's task definition (the manifest's, registered
 * when it changed, or with `live` the revision that runs now), in its cluster with its placement, with command and
 * environment overrides. It streams what the containers print (awslogs) while it waits for STOPPED, then judges
 * it as a `before:` task is judged: every essential container exited 0. A Ctrl-C stops the task (unlike a
 * migration in `apply`, nothing else depends on it finishing) and ends `interrupted`.
 */
import { UsageError } from '../errors/index.js';
import type { StoppedTaskInfo } from '../events/types.js';
import type { Plan } from '../plan/types.js';
import { errorMessage } from '../util/error-text.js';
import { followLogs } from './log-follower.js';
import { createRunContext, startRun } from './run.js';
import { judgeStoppedTask, runTaskInput, startTask, stopTaskQuietly, type TaskOverrides, waitUntilStopped } from './task-run.js';
import { taskSourceFor } from './task-sources.js';
import type { ApplyDeps, ApplyOptions } from './types.js';

export interface RunTaskRequest {
  /** Manifest key of a service or of a task under `tasks:`. */
  key: string;
  /** Run the revision that runs now instead of the manifest's (registering nothing). */
  live: boolean;
  /** Return once the task started (outcome `started`). */
  noWait: boolean;
  timeoutMs: number;
  overrides: TaskOverrides;
}

export interface RunTaskResult {
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'started' | 'skipped';
  taskArn?: string;
  taskDefinitionArn?: string;
  reason?: string;
  task?: StoppedTaskInfo;
}

/** Refuses, before anything runs, a key that names nothing runnable. */
function sourceOf(plan: Plan, key: string) {
  const source = taskSourceFor(plan, key);
  if (!source) {
    const known = [...plan.services.map((s) => s.key), ...(plan.tasks ?? []).map((t) => t.key)];
    throw new UsageError('RUN_UNKNOWN', `no service or task "${key}" in the manifest`, {
      hint: `services and tasks: ${known.join(', ') || 'none'}`,
    });
  }
  if (source.cluster === undefined) {
    throw new UsageError('RUN_NO_CLUSTER', `task "${key}" names no cluster to run in`, {
      hint: `set tasks.${key}.cluster (or defaults.cluster) in the manifest`,
    });
  }
  return { ...source, cluster: source.cluster };
}

export async function runOneTask(plan: Plan, deps: ApplyDeps, options: ApplyOptions, req: RunTaskRequest): Promise<RunTaskResult> {
  const source = sourceOf(plan, req.key);
  if (req.live && !source.liveRevision) {
    throw new UsageError('RUN_NO_LIVE_REVISION', `${source.kind} "${req.key}" has no live revision to run (--live)`, {
      hint: 'run it without --live to register the manifest’s task definition',
    });
  }
  const run = startRun(deps, options.runId, options.dryRun);
  const ctx = createRunContext(deps, run, plan, options);
  const finished = (r: RunTaskResult): RunTaskResult => {
    if (r.outcome !== 'skipped') {
      const { outcome, ...rest } = r;
      ctx.emit({ type: 'run.finished', name: req.key, outcome, ...rest, durationMs: run.elapsedMs() });
    }
    return r;
  };

  let arn: string;
  try {
    arn = req.live ? (source.liveRevision as string) : await source.revision(ctx);
  } catch (error) {
    return finished({ outcome: 'failed', reason: `could not register the task definition: ${errorMessage(error)}` });
  }
  const placement = await source.placement(ctx);
  if (ctx.signal.aborted) return finished({ outcome: 'interrupted', reason: 'interrupted; the task was not started' });
  const input = runTaskInput(source.cluster, arn, source.taskDefinition, placement, req.overrides);
  const started = await startTask(ctx, req.key, input, req.overrides.command);
  if ('dryRun' in started) return { outcome: 'skipped', reason: 'dry run' };
  if ('failure' in started) return finished({ outcome: 'failed', taskDefinitionArn: arn, reason: started.failure });
  const { taskArn } = started;
  ctx.emit({ type: 'oneoff.started', name: req.key, taskArn, taskDefinitionArn: arn });
  if (req.noWait) return finished({ outcome: 'started', taskArn, taskDefinitionArn: arn });

  const logs = followLogs(ctx, source.taskDefinition, taskArn, (container, at, message) =>
    ctx.emit({ type: 'oneoff.log', name: req.key, taskArn, container, at, message }),
  );
  const waited = await waitUntilStopped(ctx, source.cluster, taskArn, ctx.clock.now() + req.timeoutMs, ctx.signal, logs.poll);
  if ('interrupted' in waited) {
    await stopTaskQuietly(ctx, source.cluster, taskArn, 'ecsdeploy run was interrupted', `stop task ${req.key}: interrupted`);
    return finished({ outcome: 'interrupted', taskArn, taskDefinitionArn: arn, reason: `interrupted; task ${taskArn} was stopped` });
  }
  if ('timedOut' in waited) {
    await stopTaskQuietly(ctx, source.cluster, taskArn, 'run timed out', `stop task ${req.key}: timed out`);
    const reason = `did not finish within ${Math.round(req.timeoutMs / 1000)}s; stopped`;
    return finished({ outcome: 'failed', taskArn, taskDefinitionArn: arn, reason });
  }
  // What the containers printed last, before the verdict.
  await logs.poll();
  const verdict = await judgeStoppedTask(ctx, waited.stopped, source.taskDefinition, arn);
  ctx.emit({
    type: 'oneoff.finished',
    name: req.key,
    taskArn,
    outcome: verdict.ok ? 'succeeded' : 'failed',
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    task: verdict.task,
  });
  return finished({
    outcome: verdict.ok ? 'succeeded' : 'failed',
    taskArn,
    taskDefinitionArn: arn,
    task: verdict.task,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
  });
}
