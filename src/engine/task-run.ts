/**
 * One task run to its end, the part `before:` tasks, gate task checks and `ecsdeploy run` share: RunTask with the
 * source's placement and the command/environment override on one container, polling DescribeTasks on the
 * injected clock until it is STOPPED, and the verdict: every essential container exited 0, else failed (with the
 * stop code, reason, exit codes and the last log lines of the container that stopped it).
 */
import type { EcsTask } from '../aws/ports.js';
import type { StoppedTaskInfo } from '../events/types.js';
import type { TaskDefinitionInput } from '../model/task-definition.js';
import type { TaskDefinitionLogSettings } from '../strategies/container-logs.js';
import { stoppedTaskInfo, withLogs } from '../strategies/stopped-tasks.js';
import { shortTaskDefinition } from '../util/arn.js';
import { backoffDelay, rolloutPollDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';
import type { Placement } from './task-sources.js';

type RunTaskInput = Parameters<EngineContext['ports']['ecs']['runTask']>[0];

/** What one run sends besides the placement: which container the overrides go to, and the overrides. */
export interface TaskOverrides {
  container?: string;
  command?: string[];
  environment?: Record<string, string>;
}

export function runTaskInput(cluster: string, arn: string, td: TaskDefinitionInput, placement: Placement, o: TaskOverrides): RunTaskInput {
  const containers = td.containerDefinitions;
  const container = o.container ?? containers.find((c) => c.essential !== false)?.name ?? containers[0]?.name;
  const override: Record<string, unknown> = { name: container };
  if (o.command) override.command = o.command;
  if (o.environment) override.environment = Object.entries(o.environment).map(([name, value]) => ({ name, value }));
  return {
    cluster,
    taskDefinition: arn,
    count: 1,
    startedBy: 'ecsdeploy',
    overrides: { containerOverrides: [override] },
    ...placement,
  } as RunTaskInput;
}

export type Started = { taskArn: string } | { failure: string } | { dryRun: true };

/** RunTask (announced under --dry-run); the task started, or why none did. */
export async function startTask(ctx: EngineContext, name: string, input: RunTaskInput, command: string[] | undefined): Promise<Started> {
  const shown = command ? ` (${command.join(' ')})` : '';
  let out: Awaited<ReturnType<EngineContext['ports']['ecs']['runTask']>> | undefined;
  try {
    out = await ctx.calls.mutate(
      {
        service: 'ECS',
        operation: 'RunTask',
        summary: `run one-off task ${name} with ${shortTaskDefinition(input.taskDefinition)} in ${input.cluster}${shown}`,
      },
      (signal) => ctx.ports.ecs.runTask(input, { signal }),
    );
  } catch (error) {
    return { failure: `RunTask failed: ${errorMessage(error)}` };
  }
  if (ctx.calls.dryRun) return { dryRun: true };
  const started = out?.tasks?.[0];
  if (started?.taskArn) return { taskArn: started.taskArn };
  const f = out?.failures?.[0];
  return { failure: `RunTask started no task${f ? `: ${f.reason ?? ''} ${f.detail ?? ''}`.trimEnd() : ''}` };
}

export type Waited = { stopped: EcsTask } | { timedOut: true } | { interrupted: true };

/**
 * Polls the task until it is STOPPED, the deadline passes, or `signal` aborts a wait. `onPoll` runs after each
 * poll (log streaming), before the next wait. Read failures are retried until the deadline (the SDK retried them).
 */
export async function waitUntilStopped(
  ctx: EngineContext,
  cluster: string,
  taskArn: string,
  deadline: number,
  signal: AbortSignal,
  onPoll?: () => Promise<void>,
): Promise<Waited> {
  let readErrors = 0;
  for (;;) {
    const remaining = deadline - ctx.clock.now();
    if (remaining <= 0) return { timedOut: true };
    try {
      // About every second, as rollouts are polled: the services wait on this task, so its end is noticed at once.
      await ctx.clock.sleep(Math.min(readErrors > 0 ? backoffDelay(readErrors) : rolloutPollDelay(), remaining), signal);
    } catch {
      return { interrupted: true };
    }
    try {
      const d = await ctx.ports.ecs.describeTasks({ cluster, tasks: [taskArn] }, { signal: ctx.hardSignal });
      readErrors = 0;
      const t = d.tasks?.[0];
      if (t?.lastStatus === 'STOPPED') return { stopped: t };
    } catch {
      // Transient read failure: the SDK already retried; poll again (less often) until the deadline.
      readErrors += 1;
    }
    await onPoll?.();
  }
}

/** StopTask, best effort: a task that is already stopping or gone is not a problem. */
export async function stopTaskQuietly(ctx: EngineContext, cluster: string, taskArn: string, why: string, summary: string): Promise<void> {
  await ctx.calls
    .mutate({ service: 'ECS', operation: 'StopTask', summary }, (signal) =>
      ctx.ports.ecs.stopTask({ cluster, task: taskArn, reason: `ecsdeploy: ${why}` }, { signal }),
    )
    .catch(() => undefined);
}

export interface Verdict {
  ok: boolean;
  task: StoppedTaskInfo;
  /** Why it failed: the stop code and reason, and the non-zero exit codes of essential containers. */
  reason?: string;
  /** The essential container's exit code (the first non-zero one when it failed). */
  exitCode?: number;
}

/**
 * Succeeded when every essential container exited 0 (a task that never started, with no container reporting,
 * did not). A failure carries the last log lines of the container that stopped it.
 */
export async function judgeStoppedTask(ctx: EngineContext, stopped: EcsTask, td: TaskDefinitionInput, arn: string): Promise<Verdict> {
  const essential = new Set(td.containerDefinitions.filter((c) => c.essential !== false).map((c) => c.name));
  const info = stoppedTaskInfo(stopped);
  const bad = info.containers.filter((c) => (essential.size === 0 || essential.has(c.name)) && c.exitCode !== 0);
  if (bad.length === 0 && info.containers.length > 0) return { ok: true, task: info, exitCode: 0 };
  const codes = bad.map((c) => `${c.name}=${c.exitCode ?? 'none'}`).join(', ');
  const reason = `${info.stopCode ?? 'stopped'}: ${info.stoppedReason ?? 'no reason given'}${codes ? `; exit codes ${codes}` : ''}`;
  // What the container printed explains the exit code: its last lines go with the verdict.
  const [explained = info] = await withLogs(ctx.ports, [info], arn, ctx.hardSignal, td as unknown as TaskDefinitionLogSettings);
  const exitCode = bad.find((c) => c.exitCode !== undefined)?.exitCode;
  return { ok: false, task: explained, reason, ...(exitCode !== undefined ? { exitCode } : {}) };
}
