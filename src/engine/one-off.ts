/**
 * One-off tasks (`before:`, e.g. migrations) run with the new task definition of a service, before any service
 * changes: RunTask with the service's network configuration and capacity settings, then wait for STOPPED.
 * Any essential container with a non-zero exit code, or a task that never started, fails the run.
 * An interrupted run leaves a running one-off task alone (stopping a migration halfway is worse) and names it.
 */
import type { EcsService, EcsTask } from '../aws/ports.js';
import { PlanError } from '../errors/index.js';
import type { OneOffRunner } from '../gates/types.js';
import type { OneOffTask } from '../model/manifest.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { shortTaskDefinition } from '../util/arn.js';
import { backoffDelay, rolloutPollDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-text.js';
import { stoppedTaskInfo } from '../strategies/stopped-tasks.js';
import type { EngineContext } from './context.js';
import { taskDefinitionFor } from './register.js';
import type { OneOffResult } from './types.js';

type RunTaskInput = Parameters<EngineContext['ports']['ecs']['runTask']>[0];

/**
 * The plan's one-off tasks for the services the run covers, in order, before any service changes. The first that
 * fails or is interrupted stops the list: the rest are `skipped`, with why, as they are after a Ctrl-C. `beforeEach`
 * runs before each task (the lock heartbeat).
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
    const sp = plan.services.find((s) => s.key === task.taskDefinitionOf);
    if (!sp) throw new PlanError('PLAN_INVALID', `one-off task ${task.name} names unknown service ${task.taskDefinitionOf}`);
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
    results.push(await runOneOff(ctx, task, sp));
  }
  return results;
}

/** The one-off task that stopped the run (failed or interrupted), if any: no service may start after it. */
export function stoppingOneOff(results: OneOffResult[]): OneOffResult | undefined {
  return results.find((o) => o.outcome === 'failed' || o.outcome === 'interrupted');
}

async function runOneOff(ctx: EngineContext, task: OneOffTask, sp: ServicePlan): Promise<OneOffResult> {
  let arn: string;
  try {
    arn = await taskDefinitionFor(ctx, sp);
  } catch (error) {
    return finish(ctx, task, undefined, 'failed', `could not register the task definition: ${errorMessage(error)}`);
  }
  let live: EcsService | undefined;
  if (sp.live) {
    try {
      live = await ctx.watcher.next(sp.cluster, sp.service, 0, ctx.hardSignal);
    } catch (error) {
      return finish(ctx, task, undefined, 'failed', `could not read service ${sp.service}: ${errorMessage(error)}`);
    }
  }
  // A Ctrl-C that came while the revision was registered or the service read: start nothing new (a migration
  // started now would run on after we exit).
  if (ctx.signal.aborted) return { name: task.name, outcome: 'interrupted', reason: 'interrupted; the one-off task was not started' };
  const input = runTaskInput(task, sp, arn, live);
  const command = task.command ? ` (${task.command.join(' ')})` : '';
  let out: Awaited<ReturnType<EngineContext['ports']['ecs']['runTask']>> | undefined;
  try {
    out = await ctx.calls.mutate(
      {
        service: 'ECS',
        operation: 'RunTask',
        summary: `run one-off task ${task.name} with ${shortTaskDefinition(arn)} in ${sp.cluster}${command}`,
      },
      (signal) => ctx.ports.ecs.runTask(input, { signal }),
    );
  } catch (error) {
    return finish(ctx, task, undefined, 'failed', `RunTask failed: ${errorMessage(error)}`);
  }
  if (ctx.calls.dryRun) return { name: task.name, outcome: 'skipped', reason: 'dry run' };
  const started = out?.tasks?.[0];
  if (!started?.taskArn) {
    const f = out?.failures?.[0];
    return finish(ctx, task, undefined, 'failed', `RunTask started no task${f ? `: ${f.reason ?? ''} ${f.detail ?? ''}`.trimEnd() : ''}`);
  }
  const taskArn = started.taskArn;
  ctx.emit({ type: 'oneoff.started', name: task.name, taskArn, taskDefinitionArn: arn });

  const deadline = ctx.clock.now() + task.timeoutMs;
  let stopped: EcsTask | undefined;
  let readErrors = 0;
  while (!stopped) {
    const remaining = deadline - ctx.clock.now();
    if (remaining <= 0) {
      await ctx.calls
        .mutate({ service: 'ECS', operation: 'StopTask', summary: `stop one-off task ${task.name}: timed out` }, (signal) =>
          ctx.ports.ecs.stopTask({ cluster: sp.cluster, task: taskArn, reason: 'ecsdeploy: one-off task timed out' }, { signal }),
        )
        .catch(() => undefined);
      return finish(ctx, task, taskArn, 'failed', `did not finish within ${Math.round(task.timeoutMs / 1000)}s; stopped`);
    }
    try {
      // About every second, as rollouts are polled: the services wait on this task, so its end is noticed at once.
      await ctx.clock.sleep(Math.min(readErrors > 0 ? backoffDelay(readErrors) : rolloutPollDelay(), remaining), ctx.signal);
    } catch {
      return { name: task.name, outcome: 'interrupted', taskArn, reason: `interrupted; one-off task ${taskArn} left running` };
    }
    try {
      const d = await ctx.ports.ecs.describeTasks({ cluster: sp.cluster, tasks: [taskArn] }, { signal: ctx.hardSignal });
      readErrors = 0;
      const t = d.tasks?.[0];
      if (t?.lastStatus === 'STOPPED') stopped = t;
    } catch {
      // Transient read failure: the SDK already retried; poll again (less often) until the deadline.
      readErrors += 1;
    }
  }
  const essential = new Set(sp.desired.taskDefinition.containerDefinitions.filter((c) => c.essential !== false).map((c) => c.name));
  const info = stoppedTaskInfo(stopped);
  const bad = info.containers.filter((c) => (essential.size === 0 || essential.has(c.name)) && c.exitCode !== 0);
  if (bad.length === 0 && info.containers.length > 0) {
    ctx.emit({ type: 'oneoff.finished', name: task.name, taskArn, outcome: 'succeeded', task: info });
    return { name: task.name, outcome: 'succeeded', taskArn, exitCode: 0 };
  }
  const codes = bad.map((c) => `${c.name}=${c.exitCode ?? 'none'}`).join(', ');
  const reason = `${info.stopCode ?? 'stopped'}: ${info.stoppedReason ?? 'no reason given'}${codes ? `; exit codes ${codes}` : ''}`;
  ctx.emit({ type: 'oneoff.finished', name: task.name, taskArn, outcome: 'failed', reason, task: info });
  const exitCode = bad.find((c) => c.exitCode !== undefined)?.exitCode;
  return { name: task.name, outcome: 'failed', taskArn, reason, ...(exitCode !== undefined ? { exitCode } : {}) };
}

function finish(ctx: EngineContext, task: OneOffTask, taskArn: string | undefined, outcome: 'failed', reason: string): OneOffResult {
  ctx.emit({ type: 'oneoff.finished', name: task.name, taskArn, outcome, reason });
  return { name: task.name, outcome, ...(taskArn ? { taskArn } : {}), reason };
}

function runTaskInput(task: OneOffTask, sp: ServicePlan, arn: string, live: EcsService | undefined): RunTaskInput {
  const desired = sp.desired.service;
  const containers = sp.desired.taskDefinition.containerDefinitions;
  const container = task.container ?? containers.find((c) => c.essential !== false)?.name ?? containers[0]?.name;
  const override: Record<string, unknown> = { name: container };
  if (task.command) override.command = task.command;
  if (task.environment) override.environment = Object.entries(task.environment).map(([name, value]) => ({ name, value }));
  const input: RunTaskInput = {
    cluster: sp.cluster,
    taskDefinition: arn,
    count: 1,
    startedBy: 'ecsdeploy',
    overrides: { containerOverrides: [override] },
  };
  const network = desired.networkConfiguration ?? live?.networkConfiguration;
  if (network) input.networkConfiguration = network as RunTaskInput['networkConfiguration'];
  const cps = desired.capacityProviderStrategy ?? live?.capacityProviderStrategy;
  if (cps && cps.length > 0) input.capacityProviderStrategy = cps as RunTaskInput['capacityProviderStrategy'];
  else {
    const launchType = desired.launchType ?? live?.launchType;
    if (launchType) input.launchType = launchType as RunTaskInput['launchType'];
  }
  const platformVersion = desired.platformVersion ?? live?.platformVersion;
  if (platformVersion) input.platformVersion = platformVersion;
  return input;
}

/**
 * Gate task checks (a smoke test during a canary step) run as the engine's one-off tasks: the task definition,
 * cluster and network of the service they name, as `before:` tasks do. When the hold ends early the task is stopped.
 */
export function gateOneOffRunner(ctx: EngineContext): OneOffRunner {
  return {
    async run(spec, signal) {
      const sp = ctx.plan?.services.find((s) => s.key === spec.taskDefinitionOf);
      if (!sp) return { exitCode: undefined, stopReason: `no planned service ${spec.taskDefinitionOf} to take the task definition from` };
      const r = await runOneOff({ ...ctx, signal: AbortSignal.any([ctx.signal, signal]) }, { ...spec }, sp);
      if (r.outcome === 'interrupted' && r.taskArn) {
        const taskArn = r.taskArn;
        await ctx.calls
          .mutate({ service: 'ECS', operation: 'StopTask', summary: `stop gate task ${spec.name}: the hold ended` }, (s) =>
            ctx.ports.ecs.stopTask({ cluster: sp.cluster, task: taskArn, reason: 'ecsdeploy: the gate hold ended' }, { signal: s }),
          )
          .catch(() => undefined);
      }
      return {
        exitCode: r.exitCode,
        ...(r.reason ? { stopReason: r.reason } : {}),
        ...(r.taskArn ? { taskArn: r.taskArn } : {}),
      };
    },
  };
}
