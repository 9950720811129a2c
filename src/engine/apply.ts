/**
 * Carries out a Plan.
 *
 *   select services ─► refuse: blocked, strategy unavailable, busy (lock / deployment in progress)
 *        │
 *        ▼
 *   apply.started, notify ─► one-off tasks (`before`, in order; any failure stops here, no service touched)
 *        ─► services in dependsOn order, ≤ concurrency at once (register once → strategy.deploy → service.finished)
 *        ─► scheduled targets (only when every service succeeded)
 *        ─► cleanup of old revisions (only when everything succeeded)
 *        ─► notify, release locks, apply.finished (where every service stands)
 *
 * A failure starts nothing new (dependents and the rest are `skipped`); in-flight rollouts finish. The first
 * Ctrl-C starts nothing new either, and in-flight rollouts do what `onInterrupt` says; the second stops waiting.
 */
import { PlanError, UsageError } from '../errors/index.js';
import { isFailedOutcome } from '../events/outcomes.js';
import { describeServices } from '../live/describe-services.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { strategyFor, unsupportedReason } from '../strategies/select.js';
import type { DeployTarget } from '../strategies/types.js';
import { createCallRunner } from './calls.js';
import { cleanupRevisions } from './cleanup.js';
import { createEngineContext, type EngineContext } from './context.js';
import { createEmitter } from './emitter.js';
import { acquireLocks, type HeldLocks } from './lock.js';
import { notify } from './notify.js';
import { runOneOff } from './one-off.js';
import { TAG_DEPLOYED, taskDefinitionFor } from './register.js';
import { runInOrder } from './schedule.js';
import { listRuleTargets, moveScheduledTarget } from './scheduled-targets.js';
import type { ApplyDeps, ApplyOptions, ApplyResult, OneOffResult, ServiceResult } from './types.js';
import { shortTaskDefinition, taskDefinitionFamily } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';

/** Extra lifetime of the lock beyond the longest step of the run (polling slack, cleanup, notifications). */
const LOCK_MARGIN_MS = 15 * 60_000;
/** The shortest wait for a rollback to settle (see rolling.ts): a step can last its timeout plus this much. */
const MIN_ROLLBACK_MS = 5 * 60_000;

/** The services of the plan the run covers: all, or those named by `--service` (manifest key or ECS name). */
export function selectPlanServices(plan: Plan, names: string[] | undefined): ServicePlan[] {
  if (!names || names.length === 0) return plan.services;
  const unknown = names.filter((n) => !plan.services.some((s) => s.key === n || s.service === n));
  if (unknown.length > 0) {
    throw new UsageError('SERVICE_UNKNOWN', `no such service in the plan: ${unknown.join(', ')}`, {
      hint: `services in the plan: ${plan.services.map((s) => s.key).join(', ')}`,
    });
  }
  return plan.services.filter((s) => names.includes(s.key) || names.includes(s.service));
}

export async function applyPlan(plan: Plan, deps: ApplyDeps, options: ApplyOptions): Promise<ApplyResult> {
  const start = deps.clock.now();
  const emit = createEmitter(deps.sink, deps.clock);
  const hardSignal = deps.hardSignal ?? new AbortController().signal;
  const selected = selectPlanServices(plan, options.services);
  const changing = selected.filter((s) => s.action !== 'no-change');

  const blocked = changing.filter((s) => s.action === 'blocked');
  if (blocked.length > 0) {
    throw new PlanError(
      'PLAN_BLOCKED',
      `the plan cannot be applied:\n${blocked.flatMap((s) => s.blockedReasons.map((r) => `  - ${s.key}: ${r}`)).join('\n')}`,
      { hint: 'these settings cannot be changed by UpdateService; recreate the service or change the manifest' },
    );
  }
  const unavailable = changing.map((s) => ({ s, why: unsupportedReason(s.strategy) })).filter((x) => x.why);
  if (unavailable.length > 0) {
    throw new UsageError('STRATEGY_UNAVAILABLE', unavailable.map((x) => `${x.s.key}: ${x.why}`).join('\n'), {
      hint: 'deploy these services with `strategy: { type: rolling }`, or leave them out with --service',
    });
  }

  const unchangedResults: ServiceResult[] = selected
    .filter((s) => s.action === 'no-change')
    .map((s) => ({
      key: s.key,
      service: s.service,
      cluster: s.cluster,
      outcome: 'unchanged',
      ...(s.live?.taskDefinitionArn ? { taskDefinitionArn: s.live.taskDefinitionArn } : {}),
    }));
  if (changing.length === 0) {
    const durationMs = deps.clock.now() - start;
    emit({ type: 'apply.finished', runId: options.runId, outcome: 'no-change', durationMs, services: unchangedResults.map(finishedEntry) });
    return {
      runId: options.runId,
      outcome: 'no-change',
      dryRun: options.dryRun,
      durationMs,
      services: unchangedResults,
      oneOffs: [],
      problems: [],
    };
  }

  const calls = createCallRunner({
    dryRun: options.dryRun,
    emit,
    hardSignal,
    ports: deps.ports,
    runId: options.runId,
    ...((options.notifyEachCall ?? plan.notify.eachCall) && plan.notify.sns ? { eachCallTopic: plan.notify.sns } : {}),
  });
  const ctx: EngineContext = createEngineContext(deps, { emit, hardSignal, calls, plan, options });
  const timeoutOf = (s: ServicePlan) => options.timeoutMs ?? s.timeoutMs;
  // One step (a rollout and the rollback that may follow it, or a one-off task); the lock is refreshed around
  // every step, so a run of many services keeps it and a killed run frees it soon.
  const longest = Math.max(...changing.map(timeoutOf), ...plan.before.map((b) => b.timeoutMs));
  const ttl = longest + Math.max(longest, MIN_ROLLBACK_MS) + LOCK_MARGIN_MS;
  const locks: HeldLocks = await acquireLocks(
    ctx,
    changing.filter((s) => s.action !== 'create').map((s) => ({ key: s.key, cluster: s.cluster, service: s.service })),
    ttl,
  );

  const results = new Map<string, ServiceResult>();
  const oneOffs: OneOffResult[] = [];
  const problems: string[] = [];
  try {
    const preflight = changing.flatMap(
      (s) => strategyFor(s.strategy)?.preflight(targetFor(s, '', timeoutOf(s)), locks.described.get(s.key)) ?? [],
    );
    if (preflight.length > 0) throw new UsageError('PREFLIGHT_FAILED', preflight.join('\n'));

    emit({ type: 'apply.started', runId: options.runId, services: changing.map((s) => s.key), dryRun: options.dryRun });
    await notify(ctx, {
      event: 'started',
      services: changing.map((s) => ({ key: s.key, service: s.service, from: s.live?.taskDefinitionArn })),
    });

    // 1. One-off tasks, in order, before any service changes.
    const names = new Set(selected.map((s) => s.key));
    for (const task of plan.before) {
      if (!names.has(task.taskDefinitionOf)) continue;
      const sp = plan.services.find((s) => s.key === task.taskDefinitionOf);
      if (!sp) throw new PlanError('PLAN_INVALID', `one-off task ${task.name} names unknown service ${task.taskDefinitionOf}`);
      if (deps.signal.aborted) {
        oneOffs.push({ name: task.name, outcome: 'skipped', reason: 'interrupted' });
        continue;
      }
      await locks.refresh();
      const r = await runOneOff(ctx, task, sp);
      oneOffs.push(r);
      if (r.outcome === 'failed' || r.outcome === 'interrupted') break;
    }
    const oneOffStop = oneOffs.find((o) => o.outcome === 'failed' || o.outcome === 'interrupted');

    // 2. Services.
    let failedAny = false;
    const state = await runInOrder(
      changing,
      options.concurrency,
      async (sp) => {
        await locks.refresh();
        const r = await deployService(ctx, sp, timeoutOf(sp));
        results.set(sp.key, r);
        await locks.refresh();
        const ok = r.outcome === 'succeeded' || (options.dryRun && r.outcome === 'skipped');
        if (!ok) failedAny = true;
        return ok;
      },
      () => {
        if (oneOffStop)
          return `not started: one-off task ${oneOffStop.name} ${oneOffStop.outcome === 'failed' ? 'failed' : 'was interrupted'}`;
        if (deps.signal.aborted) return 'not started: interrupted';
        if (failedAny) return 'not started: an earlier service failed';
        return undefined;
      },
    );
    for (const sp of changing) {
      const st = state.get(sp.key);
      if (!results.has(sp.key)) {
        const reason = st?.status === 'skipped' ? st.reason : 'not started';
        results.set(sp.key, {
          key: sp.key,
          service: sp.service,
          cluster: sp.cluster,
          outcome: 'skipped',
          reason,
          ...(sp.live?.taskDefinitionArn ? { taskDefinitionArn: sp.live.taskDefinitionArn } : {}),
        });
        emit({
          type: 'service.finished',
          service: sp.key,
          outcome: 'skipped',
          durationMs: 0,
          reason,
          ...(sp.live?.taskDefinitionArn ? { taskDefinitionArn: sp.live.taskDefinitionArn } : {}),
        });
      }
    }

    const allOk =
      !oneOffStop &&
      !deps.signal.aborted &&
      changing.every((s) => {
        const o = results.get(s.key)?.outcome;
        return o === 'succeeded' || (options.dryRun && o === 'skipped');
      });

    // 3. Scheduled targets, 4. cleanup: only after a clean run.
    if (allOk) {
      const inUse = new Set<string>();
      for (const st of plan.scheduledTargets) {
        if (!names.has(st.taskDefinitionOf)) continue;
        const sp = plan.services.find((s) => s.key === st.taskDefinitionOf);
        if (!sp) continue;
        // The revision the service now runs: the one registered in this run (a placeholder under --dry-run).
        const registered = ctx.registered.get(sp.key);
        const arn = registered ? await registered : sp.live?.taskDefinitionArn;
        if (!arn) continue;
        const problem = await moveScheduledTarget(ctx, st, arn, inUse);
        if (problem) {
          problems.push(problem);
          emit({ type: 'log', level: 'error', message: problem });
        }
      }
      if (problems.length === 0 && plan.keepRevisions > 0) {
        problems.push(...(await cleanup(ctx, plan, selected, inUse)).map((w) => `cleanup: ${w}`));
      }
    }
  } finally {
    await locks.release();
  }

  const services = [...changing.map((s) => results.get(s.key) as ServiceResult), ...unchangedResults];
  const interrupted = deps.signal.aborted;
  const failed =
    services.some((s) => isFailedOutcome(s.outcome)) ||
    oneOffs.some((o) => o.outcome === 'failed') ||
    problems.some((p) => !p.startsWith('cleanup:'));
  const outcome: ApplyResult['outcome'] = interrupted ? 'interrupted' : failed ? 'failed' : 'succeeded';
  const durationMs = deps.clock.now() - start;
  await notify(ctx, {
    event: outcome,
    durationMs,
    services: services
      .filter((s) => s.outcome !== 'unchanged')
      .map((s) => ({
        key: s.key,
        service: s.service,
        from: plan.services.find((p) => p.key === s.key)?.live?.taskDefinitionArn,
        to: s.taskDefinitionArn,
        outcome: s.outcome,
        ...(s.reason ? { reason: s.reason } : {}),
      })),
  });
  emit({ type: 'apply.finished', runId: options.runId, outcome, durationMs, services: services.map(finishedEntry) });
  return { runId: options.runId, outcome, dryRun: options.dryRun, durationMs, services, oneOffs, problems };
}

function finishedEntry(s: ServiceResult): { key: string; outcome: ServiceResult['outcome']; taskDefinitionArn?: string; reason?: string } {
  return {
    key: s.key,
    outcome: s.outcome,
    ...(s.taskDefinitionArn ? { taskDefinitionArn: s.taskDefinitionArn } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
  };
}

/** Tag keys the plan shows as removed from the service (paths `tags[<key>]`, kind `remove`). */
function removedTagKeys(sp: ServicePlan): string[] {
  return sp.changes.flatMap((c) => (c.scope === 'service' && c.kind === 'remove' ? (/^tags\[(.+)\]$/.exec(c.path)?.slice(1) ?? []) : []));
}

export function targetFor(sp: ServicePlan, taskDefinitionArn: string, timeoutMs: number): DeployTarget {
  return {
    key: sp.key,
    service: sp.service,
    cluster: sp.cluster,
    strategy: sp.strategy,
    create: sp.action === 'create',
    taskDefinitionArn,
    previousTaskDefinitionArn: sp.live?.taskDefinitionArn,
    previousDeploymentId: sp.live?.primaryDeploymentId,
    desiredCount: sp.desired.desiredCount,
    deployment: sp.desired.deployment,
    settings: sp.action === 'create' || sp.serviceChanged ? sp.desired.service : undefined,
    removeTags: removedTagKeys(sp),
    timeoutMs,
    onFailure: sp.onFailure,
    purpose: 'deploy',
  };
}

async function deployService(ctx: EngineContext, sp: ServicePlan, timeoutMs: number): Promise<ServiceResult> {
  const start = ctx.clock.now();
  const base = { key: sp.key, service: sp.service, cluster: sp.cluster };
  const strategy = strategyFor(sp.strategy);
  let result: ServiceResult;
  // Ctrl-C came after this service's turn began (while the lock was refreshed): start nothing, not even a
  // registration.
  if (ctx.signal.aborted) {
    result = {
      ...base,
      outcome: 'skipped',
      reason: 'not started: interrupted',
      ...(sp.live?.taskDefinitionArn ? { taskDefinitionArn: sp.live.taskDefinitionArn } : {}),
    };
    ctx.emit({
      type: 'service.finished',
      service: sp.key,
      outcome: 'skipped',
      durationMs: 0,
      reason: 'not started: interrupted',
      ...(sp.live?.taskDefinitionArn ? { taskDefinitionArn: sp.live.taskDefinitionArn } : {}),
    });
    return result;
  }
  try {
    const arn = await taskDefinitionFor(ctx, sp);
    if (!strategy) throw new UsageError('STRATEGY_UNAVAILABLE', `no strategy for ${sp.strategy.type}`);
    const r = await strategy.deploy(targetFor(sp, arn, timeoutMs), ctx);
    result = { ...base, ...r };
    if (r.outcome === 'succeeded') await markDeployed(ctx, arn);
  } catch (error) {
    // Registration or an unexpected error before the rollout started: the service is where it was.
    result = {
      ...base,
      outcome: 'failed',
      reason: errorMessage(error),
      ...(sp.live?.taskDefinitionArn ? { taskDefinitionArn: sp.live.taskDefinitionArn } : {}),
    };
  }
  ctx.emit({
    type: 'service.finished',
    service: sp.key,
    outcome: result.outcome,
    durationMs: ctx.clock.now() - start,
    ...(result.taskDefinitionArn ? { taskDefinitionArn: result.taskDefinitionArn } : {}),
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.stoppedTasks ? { stoppedTasks: result.stoppedTasks } : {}),
  });
  return result;
}

/**
 * Tags a revision whose deployment completed, so `rollback` can find "the previous successful deployment"
 * even where the service deployments API has no history. A failure here is a warning.
 */
export async function markDeployed(ctx: EngineContext, arn: string): Promise<void> {
  try {
    await ctx.calls.mutate(
      { service: 'ECS', operation: 'TagResource', summary: `mark ${shortTaskDefinition(arn)} as deployed (${TAG_DEPLOYED})` },
      (signal) =>
        ctx.ports.ecs.tagResource(
          { resourceArn: arn, tags: [{ key: TAG_DEPLOYED, value: new Date(ctx.clock.now()).toISOString() }] },
          { signal },
        ),
    );
  } catch (error) {
    ctx.emit({ type: 'log', level: 'warn', message: `could not tag ${shortTaskDefinition(arn)} as deployed: ${errorMessage(error)}` });
  }
}

async function cleanup(ctx: EngineContext, plan: Plan, selected: ServicePlan[], inUse: Set<string>): Promise<string[]> {
  const families = new Set<string>();
  for (const s of selected) {
    families.add(s.desired.taskDefinition.family);
    if (s.live?.taskDefinitionArn) families.add(taskDefinitionFamily(s.live.taskDefinitionArn));
  }
  // Every deployment of every service in the plan (not only the selected ones) keeps its revision.
  try {
    const described = await describeServices(
      ctx.ports,
      plan.services.filter((s) => s.live),
      { signal: ctx.hardSignal },
    );
    for (const svc of described.all()) {
      if (svc.taskDefinition) inUse.add(svc.taskDefinition);
      for (const d of svc.deployments ?? []) if (d.taskDefinition) inUse.add(d.taskDefinition);
    }
    // Scheduled targets of every rule in the manifest, moved in this run or not.
    for (const st of plan.scheduledTargets) {
      for (const t of await listRuleTargets(ctx, st.rule, st.eventBus)) {
        if (t.EcsParameters?.TaskDefinitionArn) inUse.add(t.EcsParameters.TaskDefinitionArn);
      }
    }
  } catch (error) {
    const w = `skipped: could not read which revisions are in use: ${errorMessage(error)}`;
    ctx.emit({ type: 'log', level: 'warn', message: w });
    return [w];
  }
  // Revisions registered in this run (used by the services and the one-off tasks that ran with them).
  for (const r of ctx.registered.values()) inUse.add(await r);
  return cleanupRevisions(ctx, [...families], plan.keepRevisions, inUse);
}
