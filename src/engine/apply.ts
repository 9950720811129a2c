/**
 * Carries out a Plan, as a sequence of named steps:
 *
 *   selectChanges ─► refuse: blocked, strategy unavailable        (nothing read yet)
 *   lock + preflight ─► refuse: busy (lock / deployment in progress), a strategy's preflight
 *   announceStart ─► apply.started, notify
 *   runOneOffs (`before`, in order; any failure stops here, no service touched)
 *   deployServices (dependsOn order, ≤ concurrency at once: register once → strategy.deploy → service.finished)
 *   afterCleanRun: moveScheduledTargets, cleanUpAfterRun (only when everything succeeded)
 *   release locks ─► finishApply: notify, apply.finished (where every service stands)
 *
 * A failure starts nothing new (dependents and the rest are `skipped`); in-flight rollouts finish. The first
 * Ctrl-C starts nothing new either, and in-flight rollouts do what `onInterrupt` says; the second stops waiting.
 */
import { PlanError, UsageError } from '../errors/index.js';
import { isFailedOutcome, isPausedOutcome } from '../events/outcomes.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { unsupportedReason } from '../strategies/select.js';
import { refuseResumeOfAnotherRevision } from './canary-revision.js';
import { cleanUpAfterRun } from './cleanup.js';
import type { EngineContext } from './context.js';
import { deployService, targetFor } from './deploy-service.js';
import { acquireLocks, type HeldLocks, touchedServices } from './lock.js';
import { notify } from './notify.js';
import { runOneOffs, stoppingOneOff } from './one-off.js';
import { createRunContext, finishRun, lockTtlMs, type Run, reportServiceFinished, startRun, untouchedResult } from './run.js';
import { runInOrder } from './schedule.js';
import { moveScheduledTargets } from './scheduled-targets.js';
import type { ApplyDeps, ApplyOptions, ApplyResult, OneOffResult, ServiceResult } from './types.js';

/** The services of the plan the run covers: all, or those named by `--service` (manifest key or ECS name). */
function selectPlanServices(plan: Plan, names: string[] | undefined): ServicePlan[] {
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
  const run = startRun(deps, options.runId, options.dryRun);
  const { selected, changing, unchanged } = selectChanges(plan, options, deps);
  if (changing.length === 0) return finishRun(run, 'no-change', unchanged);

  const eachCall = (options.notifyEachCall ?? plan.notify.eachCall) && plan.notify.sns;
  const ctx = createRunContext(deps, run, plan, options, eachCall || undefined);
  const locks = await lockChangingServices(ctx, plan, changing);
  let oneOffs: OneOffResult[] = [];
  let services: ServiceResult[] = [];
  let problems: string[] = [];
  try {
    refuseOnPreflight(ctx, changing, locks);
    if (ctx.options.continuation === 'resume') {
      await refuseResumeOfAnotherRevision(
        ctx,
        changing.filter((s) => s.inFlight?.kind === 'canary'),
      );
    }
    await refuseOnChecks(ctx, changing);
    await announceStart(ctx, changing);
    oneOffs = await runOneOffs(ctx, plan, new Set(selected.map((s) => s.key)), locks.refresh);
    services = await deployServices(ctx, changing, locks, stoppingOneOff(oneOffs));
    const clean = !stoppingOneOff(oneOffs) && !ctx.signal.aborted && services.every((s) => deployed(ctx, s));
    if (clean) problems = await afterCleanRun(ctx, plan, selected);
  } finally {
    await locks.release();
  }
  return finishApply(ctx, run, plan, { services: [...services, ...unchanged], oneOffs, problems });
}

/** The selected services, split into those the run changes and those it leaves; refuses what cannot be applied. */
function selectChanges(
  plan: Plan,
  options: ApplyOptions,
  deps: ApplyDeps,
): { selected: ServicePlan[]; changing: ServicePlan[]; unchanged: ServiceResult[] } {
  const selected = selectPlanServices(plan, options.services);
  if (options.continuation) return selectCanariesInFlight(selected, options.continuation);
  refuseCanariesInFlight(selected);
  refuseCodeDeployInFlight(selected);
  const changing = selected.filter((s) => s.action !== 'no-change');
  const blocked = changing.filter((s) => s.action === 'blocked');
  if (blocked.length > 0) {
    throw new PlanError(
      'PLAN_BLOCKED',
      `the plan cannot be applied:\n${blocked.flatMap((s) => s.blockedReasons.map((r) => `  - ${s.key}: ${r}`)).join('\n')}`,
      { hint: 'these settings cannot be changed by UpdateService; recreate the service or change the manifest' },
    );
  }
  const unavailable = changing.map((s) => ({ s, why: unsupportedReason(s.strategy, deps.strategies) })).filter((x) => x.why);
  if (unavailable.length > 0) {
    throw new UsageError('STRATEGY_UNAVAILABLE', unavailable.map((x) => `${x.s.key}: ${x.why}`).join('\n'), {
      hint: 'deploy these services with `strategy: { type: rolling }`, or leave them out with --service',
    });
  }
  const unchanged = selected.filter((s) => s.action === 'no-change').map((s) => untouchedResult(s, 'unchanged'));
  return { selected, changing, unchanged };
}

/**
 * A canary in flight (running, paused, interrupted, or left by a run that died) holds its service until someone
 * decides: another apply must neither start over it nor pass it by. Not even --force: promote, abort or resume it.
 */
function refuseCanariesInFlight(selected: ServicePlan[]): void {
  const held = selected.filter((s) => s.inFlight?.kind === 'canary');
  if (held.length === 0) return;
  const lines = held.flatMap((s) => [
    `  - ${s.key}: a canary is in flight: ${s.inFlight?.state} (run ${s.inFlight?.runId ?? s.inFlight?.id})`,
    ...(s.inFlight?.next ?? []).map((command) => `      ${command}`),
  ]);
  throw new UsageError('SERVICE_BUSY', `refusing to deploy:\n${lines.join('\n')}`, {
    hint: 'promote it (ecsdeploy promote), abort it (ecsdeploy abort), or continue it (ecsdeploy apply --resume); see docs/canary.md',
  });
}

/**
 * A CodeDeploy deployment in flight on a blue-green service's group (someone's, a run that died in its ready wait, or
 * one left in its termination wait) must be decided first: CodeDeploy would refuse a second one anyway.
 */
function refuseCodeDeployInFlight(selected: ServicePlan[]): void {
  const held = selected.filter((s) => s.inFlight?.kind === 'codedeploy');
  if (held.length === 0) return;
  const lines = held.flatMap((s) => [
    `  - ${s.key}: ${s.inFlight?.state}${s.inFlight?.runId ? ` (started by ecsdeploy run ${s.inFlight.runId})` : ''}`,
    ...(s.inFlight?.next ?? []).map((command) => `      ${command}`),
  ]);
  throw new UsageError('SERVICE_BUSY', `refusing to deploy:\n${lines.join('\n')}`, {
    hint: 'promote it (ecsdeploy promote), abort it (ecsdeploy abort), or follow it with its gates (ecsdeploy apply --resume); see docs/blue-green.md',
  });
}

/** `promote`, `abort`, `apply --resume`: exactly the selected services with a canary or blue-green deployment in flight. */
function selectCanariesInFlight(
  selected: ServicePlan[],
  continuation: NonNullable<ApplyOptions['continuation']>,
): { selected: ServicePlan[]; changing: ServicePlan[]; unchanged: ServiceResult[] } {
  const changing = selected.filter((s) => s.inFlight?.kind === 'canary' || s.inFlight?.kind === 'codedeploy');
  if (changing.length === 0) {
    const verb = continuation === 'promote-full' ? 'promote' : continuation;
    throw new UsageError(
      'CANARY_NOT_IN_FLIGHT',
      `nothing to ${verb}: no canary or blue-green deployment is in flight for ${selected.map((s) => s.key).join(', ')}`,
      {
        hint: 'a canary in flight is recorded as ecsdeploy:canary:* tags on its canary service, a blue-green one is the CodeDeploy deployment of its group; `ecsdeploy plan` and `ecsdeploy status` show them',
      },
    );
  }
  const unchanged = selected.filter((s) => !changing.includes(s)).map((s) => untouchedResult(s, 'unchanged'));
  return { selected: changing, changing, unchanged };
}

function timeoutOf(ctx: EngineContext, sp: ServicePlan): number {
  return ctx.options.timeoutMs ?? sp.timeoutMs;
}

/**
 * Locks every ECS service the changing services' strategies will touch (a canary's stable and canary services
 * alike) before anything changes. The lock must outlive one step of the run (a rollout and the rollback that may
 * follow it, or a one-off task); it is refreshed around every step, so a run of many services keeps it and a
 * killed run frees it soon.
 */
function lockChangingServices(ctx: EngineContext, plan: Plan, changing: ServicePlan[]): Promise<HeldLocks> {
  const longest = Math.max(...changing.map((s) => timeoutOf(ctx, s)), ...plan.before.map((b) => b.timeoutMs));
  return acquireLocks(
    ctx,
    changing.flatMap((s) => touchedServices(ctx.strategies(s.strategy), targetFor(s, '', timeoutOf(ctx, s)))),
    lockTtlMs(longest),
    { allowCanaryInFlight: ctx.options.continuation !== undefined },
  );
}

/** Each strategy's read-only checks, on the services as read before locking: any problem refuses the run. */
function refuseOnPreflight(ctx: EngineContext, changing: ServicePlan[], locks: HeldLocks): void {
  const problems = changing.flatMap(
    (s) => ctx.strategies(s.strategy)?.preflight(targetFor(s, '', timeoutOf(ctx, s)), locks.described) ?? [],
  );
  if (problems.length > 0) throw new UsageError('PREFLIGHT_FAILED', problems.join('\n'));
}

/** Each strategy's checks that need AWS reads (a canary's rule and weights), still before anything changes. */
async function refuseOnChecks(ctx: EngineContext, changing: ServicePlan[]): Promise<void> {
  const problems: string[] = [];
  for (const s of changing) {
    const check = ctx.strategies(s.strategy)?.check;
    if (check) problems.push(...(await check(targetFor(s, '', timeoutOf(ctx, s), ctx.options.continuation), ctx)));
  }
  if (problems.length > 0) throw new UsageError('PREFLIGHT_FAILED', problems.join('\n'));
}

async function announceStart(ctx: EngineContext, changing: ServicePlan[]): Promise<void> {
  ctx.emit({ type: 'apply.started', runId: ctx.options.runId, services: changing.map((s) => s.key), dryRun: ctx.options.dryRun });
  await notify(ctx, {
    event: 'started',
    services: changing.map((s) => ({ key: s.key, service: s.service, from: s.live?.taskDefinitionArn })),
  });
}

/** Done as far as the run goes: succeeded, or (under --dry-run) skipped after announcing its calls. */
function deployed(ctx: EngineContext, result: ServiceResult | undefined): boolean {
  return result?.outcome === 'succeeded' || (ctx.options.dryRun && result?.outcome === 'skipped');
}

/**
 * The services, in dependsOn order, up to `concurrency` at once, each between two lock heartbeats. Once a one-off
 * task stopped the run, a service failed or Ctrl-C came, nothing new starts; what did not start is reported
 * `skipped` with the reason. Results come in plan order.
 */
async function deployServices(
  ctx: EngineContext,
  changing: ServicePlan[],
  locks: HeldLocks,
  oneOffStop: OneOffResult | undefined,
): Promise<ServiceResult[]> {
  const results = new Map<string, ServiceResult>();
  let failedAny = false;
  const state = await runInOrder(
    changing,
    ctx.options.concurrency,
    async (sp) => {
      await locks.refresh();
      const r = await deployService(ctx, sp, timeoutOf(ctx, sp));
      results.set(sp.key, r);
      await locks.refresh();
      const ok = deployed(ctx, r);
      if (!ok) failedAny = true;
      return ok;
    },
    () => {
      if (oneOffStop)
        return `not started: one-off task ${oneOffStop.name} ${oneOffStop.outcome === 'failed' ? 'failed' : 'was interrupted'}`;
      if (ctx.signal.aborted) return 'not started: interrupted';
      if (failedAny) return 'not started: an earlier service failed';
      return undefined;
    },
  );
  return changing.map((sp) => {
    const done = results.get(sp.key);
    if (done) return done;
    const st = state.get(sp.key);
    const skipped = untouchedResult(sp, 'skipped', st?.status === 'skipped' ? st.reason : 'not started');
    reportServiceFinished(ctx.emit, skipped, 0);
    return skipped;
  });
}

/**
 * After a clean run only: the scheduled targets move to the new revisions, then, when they all moved, old
 * revisions are cleaned up (its problems are warnings, marked `cleanup:`). Returns the problems.
 */
async function afterCleanRun(ctx: EngineContext, plan: Plan, selected: ServicePlan[]): Promise<string[]> {
  const inUse = new Set<string>();
  const problems = await moveScheduledTargets(ctx, plan, new Set(selected.map((s) => s.key)), inUse);
  if (problems.length > 0 || plan.keepRevisions <= 0) return problems;
  return (await cleanUpAfterRun(ctx, plan, selected, inUse)).map((w) => `cleanup: ${w}`);
}

/** The run's verdict, the closing notification, and apply.finished. */
async function finishApply(
  ctx: EngineContext,
  run: Run,
  plan: Plan,
  done: { services: ServiceResult[]; oneOffs: OneOffResult[]; problems: string[] },
): Promise<ApplyResult> {
  const { services, oneOffs, problems } = done;
  const failed =
    services.some((s) => isFailedOutcome(s.outcome)) ||
    oneOffs.some((o) => o.outcome === 'failed') ||
    problems.some((p) => !p.startsWith('cleanup:'));
  const paused = services.some((s) => isPausedOutcome(s.outcome));
  const outcome: ApplyResult['outcome'] = ctx.signal.aborted ? 'interrupted' : failed ? 'failed' : paused ? 'paused' : 'succeeded';
  const durationMs = run.elapsedMs();
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
  return finishRun(run, outcome, services, { oneOffs, problems, durationMs });
}
