/**
 * Carries out a Plan, as a sequence of named steps:
 *
 *   refuse or wait: a rollout in flight (SERVICE_BUSY; with --wait follow it to its verdict, then plan again;
 *                   a canary in flight is only ever moved on by promote, abort or apply --resume: `continuation`)
 *   selectChanges ─► refuse: blocked, strategy unavailable        (nothing read yet)
 *   lock + preflight ─► refuse: busy (lock / deployment in progress), a strategy's preflight
 *   announceStart ─► apply.started, notify
 *   registerTaskFamilies (task-only families that changed; a failure stops here, no service touched)
 *   runOneOffs (`before`, in order; any failure stops here, no service touched)
 *   deployServices (dependsOn order, ≤ concurrency at once: register once → strategy.deploy → service.finished)
 *   afterCleanRun: moveScheduledTargets, cleanUpAfterRun (only when everything succeeded)
 *   release locks ─► finishApply: notify, apply.finished (where every service stands)
 *
 * A failure starts nothing new (dependents and the rest are `skipped`); in-flight rollouts finish. The first
 * Ctrl-C starts nothing new either, and in-flight rollouts do what `onInterrupt` says; the second stops waiting.
 * Every step the plan promised that did not happen (a one-off task, a scheduled target, the cleanup) is reported
 * with why (`step.skipped`), as a service that did not start is (`service.finished`, `skipped`).
 */
import { InternalError, PlanError, UsageError } from '../errors/index.js';
import { isFailedOutcome, isPausedOutcome } from '../events/outcomes.js';
import type { SkippedStep } from '../events/types.js';
import { continuableInFlight } from '../plan/ecs-native-in-flight.js';
import type { Plan, ServicePlan, TaskPlan } from '../plan/types.js';
import { unsupportedReason } from '../strategies/select.js';
import { refuseResumeOfAnotherRevision } from './canary-revision.js';
import { cleanUpAfterRun } from './cleanup.js';
import type { EngineContext } from './context.js';
import { deployService, targetFor } from './deploy-service.js';
import { followable, IN_FLIGHT_FOLLOWERS, type InFlightVerdict, inFlightRefusal } from './in-flight.js';
import { acquireLocks, type HeldLocks, type LockTarget, touchedServices } from './lock.js';
import { notify } from './notify.js';
import { runOneOffs, stoppingOneOff } from './one-off.js';
import { taskFamilyRevision } from './register.js';
import { createRunContext, finishRun, type Run, reportServiceFinished, runDeadline, startRun, untouchedResult } from './run.js';
import { runInOrder } from './schedule.js';
import { moveScheduledTargets } from './scheduled-targets.js';
import { errorMessage } from '../util/error-text.js';
import type { ApplyDeps, ApplyOptions, ApplyResult, OneOffResult, ServiceResult, SkippedStepResult } from './types.js';

/** Rounds of "wait for what is in flight, plan again" before giving up on a service someone keeps deploying. */
const MAX_WAIT_ROUNDS = 3;

/**
 * The services and task-only families of the plan the run covers: all, or those named by `--service` (manifest
 * key or ECS name; a task by its key).
 */
function selectPlanServices(plan: Plan, names: string[] | undefined): { services: ServicePlan[]; tasks: TaskPlan[] } {
  const tasks = plan.tasks ?? [];
  if (!names || names.length === 0) return { services: plan.services, tasks };
  const unknown = names.filter((n) => !plan.services.some((s) => s.key === n || s.service === n) && !tasks.some((t) => t.key === n));
  if (unknown.length > 0) {
    throw new UsageError('SERVICE_UNKNOWN', `no such service in the plan: ${unknown.join(', ')}`, {
      hint: `services in the plan: ${[...plan.services, ...tasks].map((s) => s.key).join(', ')}`,
    });
  }
  return {
    services: plan.services.filter((s) => names.includes(s.key) || names.includes(s.service)),
    tasks: tasks.filter((t) => names.includes(t.key)),
  };
}

/**
 * The selected services with a rollout in flight that this run must not simply go ahead with: all of them, except
 * those --force deploys over (it is for deploying over a rollout in flight; a service with nothing to deploy gains
 * nothing from it). Never a canary in flight (nor an ECS-native deployment ecsdeploy drives: `continuableInFlight`),
 * not even with --force: it holds its service until someone promotes, aborts or resumes it. None for those
 * commands (`options.continuation`): the canary is what they move on.
 */
function undecided(plan: Plan, options: ApplyOptions): ServicePlan[] {
  if (options.continuation) return [];
  const forced = (s: ServicePlan) => options.force && s.action !== 'no-change' && !continuableInFlight(s);
  return selectPlanServices(plan, options.services).services.filter((s) => s.inFlight && !forced(s));
}

/**
 * Throws SERVICE_BUSY when a selected service has a rollout in flight and the run may not wait for it (no --wait, or
 * it waits for a person, or it is a canary). The command calls it before asking for confirmation; `applyPlan`
 * again. Never for promote, abort and `apply --resume`.
 */
export function refuseInFlight(plan: Plan, options: ApplyOptions): void {
  const refused = undecided(plan, options);
  const cannotWait = refused.filter((s) => !followable(s.inFlight as NonNullable<ServicePlan['inFlight']>));
  if (cannotWait.length > 0) throw inFlightRefusal(cannotWait, options);
  if (refused.length > 0 && !options.wait) throw inFlightRefusal(refused, options);
}

export async function applyPlan(plan: Plan, deps: ApplyDeps, options: ApplyOptions): Promise<ApplyResult> {
  const run = startRun(deps, options.runId, options.dryRun);
  let current = plan;
  for (let round = 0; ; round += 1) {
    refuseInFlight(current, options);
    const waiting = undecided(current, options);
    if (waiting.length === 0) break;
    // Someone keeps starting new rollouts: stop waiting for them.
    if (round >= MAX_WAIT_ROUNDS) throw inFlightRefusal(waiting, options);
    const waited = await waitForInFlight(deps, run, current, waiting, options);
    if (waited) return waited;
    if (!deps.replan) throw new InternalError('apply --wait needs a way to plan again');
    current = await deps.replan();
  }
  return applyChanges(run, current, deps, options);
}

/**
 * Follows each rollout in flight to its verdict (all at once), as `--wait` asks. Undefined when every one
 * succeeded (the caller plans again); otherwise the run's result: failed, timed out or interrupted, with nothing
 * new started.
 */
async function waitForInFlight(
  deps: ApplyDeps,
  run: Run,
  plan: Plan,
  waiting: ServicePlan[],
  options: ApplyOptions,
): Promise<ApplyResult | undefined> {
  const ctx = createRunContext(deps, run, plan, options);
  const verdicts = await Promise.all(
    waiting.map(async (sp): Promise<[ServicePlan, InFlightVerdict]> => {
      const f = sp.inFlight as NonNullable<ServicePlan['inFlight']>;
      const follow = IN_FLIGHT_FOLLOWERS[f.kind];
      if (!follow) throw new InternalError(`no follower for a rollout of kind ${f.kind}`);
      ctx.emit({ type: 'service.phase', service: sp.key, phase: 'waiting', detail: `for the rollout in flight: ${f.id} (${f.state})` });
      return [sp, await follow(ctx, sp, f, ctx.clock.now() + timeoutOf(ctx, sp))];
    }),
  );
  const bad = verdicts.filter(([, v]) => v.outcome !== 'succeeded');
  if (bad.length === 0) {
    for (const [sp, v] of verdicts) ctx.emit({ type: 'log', message: `${sp.key}: ${v.text}; planning again` });
    return undefined;
  }
  const interrupted = ctx.signal.aborted;
  const why = bad.map(([sp, v]) => `${sp.key}'s rollout in flight ${v.outcome === 'timed-out' ? 'timed out' : v.outcome}`).join(', ');
  const results = selectPlanServices(plan, options.services).services.map((sp) => {
    const v = verdicts.find(([w]) => w.key === sp.key)?.[1];
    if (!v || v.outcome === 'succeeded') return untouchedResult(sp, 'skipped', `not started: ${why}`);
    const r: ServiceResult = {
      key: sp.key,
      service: sp.service,
      cluster: sp.cluster,
      outcome: v.outcome === 'timed-out' ? 'timed-out' : v.outcome === 'interrupted' ? 'interrupted' : 'failed',
      reason: `the rollout in flight did not land: ${v.text}; ecsdeploy deployed nothing`,
      ...(v.taskDefinitionArn
        ? { taskDefinitionArn: v.taskDefinitionArn }
        : sp.live
          ? { taskDefinitionArn: sp.live.taskDefinitionArn }
          : {}),
    };
    reportServiceFinished(ctx.emit, r, run.elapsedMs());
    return r;
  });
  return finishRun(run, interrupted ? 'interrupted' : 'failed', results);
}

/** The plan as it stands now (nothing in flight, or forced over): refuse what cannot be applied, then apply. */
async function applyChanges(run: Run, plan: Plan, deps: ApplyDeps, options: ApplyOptions): Promise<ApplyResult> {
  const { selected, changing, unchanged, tasks, changingTasks } = selectChanges(plan, options, deps);
  if (changing.length === 0 && changingTasks.length === 0) return finishRun(run, 'no-change', unchanged);
  const covered = new Set([...selected.map((s) => s.key), ...tasks.map((t) => t.key)]);

  const eachCall = (options.notifyEachCall ?? plan.notify.eachCall) && plan.notify.sns;
  const ctx = createRunContext(deps, run, plan, options, eachCall || undefined);
  const locks = await lockChangingServices(ctx, run, plan, changing);
  let oneOffs: OneOffResult[] = [];
  let services: ServiceResult[] = [];
  let problems: string[] = [];
  const skipped: SkippedStepResult[] = [];
  try {
    refuseOnPreflight(ctx, changing, locks);
    if (ctx.options.continuation === 'resume') {
      await refuseResumeOfAnotherRevision(
        ctx,
        changing.filter((s) => s.inFlight?.kind === 'canary'),
      );
    }
    await refuseOnChecks(ctx, changing);
    await announceStart(ctx, changing, changingTasks);
    problems = await registerTaskFamilies(ctx, changingTasks);
    const notRegistered = problems[0];
    if (!notRegistered) oneOffs = await runOneOffs(ctx, plan, covered, locks.refresh);
    for (const o of oneOffs)
      if (o.outcome === 'skipped' && o.reason !== 'dry run') skipped.push(skip(ctx, 'one-off', o.name, o.reason ?? ''));
    const stop = notRegistered ? `not started: ${notRegistered}` : stopReasonOf(stoppingOneOff(oneOffs));
    services = await deployServices(ctx, changing, locks, stop);
    const notClean = notRegistered ? `a task family could not be registered` : whyNotClean(ctx, oneOffs, services);
    if (notClean) skipped.push(...skipAfterServices(ctx, plan, covered, notClean));
    else {
      const after = await afterCleanRun(ctx, plan, selected, tasks);
      problems = after.problems;
      skipped.push(...after.skipped);
    }
  } finally {
    await locks.release();
  }
  return finishApply(ctx, run, plan, { services: [...services, ...unchanged], oneOffs, problems, skipped });
}

/** The selected services, split into those the run changes and those it leaves; refuses what cannot be applied. */
interface Selection {
  selected: ServicePlan[];
  changing: ServicePlan[];
  unchanged: ServiceResult[];
  /** The task-only families the run covers, and those it changes (registers, or moves the targets of). */
  tasks: TaskPlan[];
  changingTasks: TaskPlan[];
}

function selectChanges(plan: Plan, options: ApplyOptions, deps: ApplyDeps): Selection {
  const { services: selected, tasks } = selectPlanServices(plan, options.services);
  if (options.continuation) return { ...selectCanariesInFlight(selected, options.continuation), tasks: [], changingTasks: [] };
  // A plain apply never gets here with a canary in flight: refuseInFlight refused it.
  const changing = selected.filter((s) => s.action !== 'no-change');
  const changingTasks = tasks.filter((t) => t.action !== 'no-change');
  const blocked = [...changing, ...changingTasks].filter((s) => s.action === 'blocked');
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
  return { selected, changing, unchanged, tasks, changingTasks };
}

/** `promote`, `abort`, `apply --resume`: exactly the selected services with a canary, an ECS-native or a blue-green deployment in flight. */
function selectCanariesInFlight(
  selected: ServicePlan[],
  continuation: NonNullable<ApplyOptions['continuation']>,
): { selected: ServicePlan[]; changing: ServicePlan[]; unchanged: ServiceResult[] } {
  const changing = selected.filter(continuableInFlight);
  if (changing.length === 0) {
    const verb = continuation === 'promote-full' ? 'promote' : continuation;
    throw new UsageError(
      'CANARY_NOT_IN_FLIGHT',
      `nothing to ${verb}: no canary, ECS-native or blue-green deployment is in flight for ${selected.map((s) => s.key).join(', ')}`,
      {
        hint: 'a canary in flight is recorded as ecsdeploy:canary:* tags on its canary service, an ECS-native deployment as ecsdeploy:ecs-native:* tags on its service, a blue-green one is the CodeDeploy deployment of its group; `ecsdeploy plan` and `ecsdeploy status` show them',
      },
    );
  }
  const unchanged = selected.filter((s) => !changing.includes(s)).map((s) => untouchedResult(s, 'unchanged'));
  return { selected: changing, changing, unchanged };
}

function timeoutOf(ctx: EngineContext, sp: ServicePlan): number {
  return ctx.options.timeoutMs ?? sp.timeoutMs;
}

function lockTargetsOf(ctx: EngineContext, sp: ServicePlan): LockTarget[] {
  return touchedServices(ctx.strategies(sp.strategy), targetFor(sp, '', timeoutOf(ctx, sp)));
}

/**
 * Locks every ECS service the changing services' strategies will touch (a canary's stable and canary services
 * alike) before anything changes, until the run's deadline at the latest: every one-off task and service one after
 * the other, each service's rollout and the rollback that may follow it.
 */
function lockChangingServices(ctx: EngineContext, run: Run, plan: Plan, changing: ServicePlan[]): Promise<HeldLocks> {
  const deadline = runDeadline(run.startedAt, {
    oneOffTimeoutsMs: plan.before.map((b) => b.timeoutMs),
    serviceTimeoutsMs: changing.map((s) => timeoutOf(ctx, s)),
  });
  return acquireLocks(
    ctx,
    changing.flatMap((s) => lockTargetsOf(ctx, s)),
    // A continued ECS-native deployment is in progress by definition: that is what promote, abort and resume act on.
    { deadline, allowCanaryInFlight: ctx.options.continuation !== undefined, allowInProgress: ctx.options.continuation !== undefined },
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

async function announceStart(ctx: EngineContext, changing: ServicePlan[], tasks: TaskPlan[]): Promise<void> {
  ctx.emit({
    type: 'apply.started',
    runId: ctx.options.runId,
    services: changing.map((s) => s.key),
    ...(tasks.length > 0 && { tasks: tasks.map((t) => t.key) }),
    dryRun: ctx.options.dryRun,
  });
  await notify(ctx, {
    event: 'started',
    services: changing.map((s) => ({ key: s.key, service: s.service, from: s.live?.taskDefinitionArn })),
  });
}

/**
 * The task-only families that changed get their new revision now, once each (the one-off tasks and scheduled
 * targets that use them take it from there). Returns the problems (already emitted as errors): any stops the run
 * before a one-off task or service starts.
 */
async function registerTaskFamilies(ctx: EngineContext, tasks: TaskPlan[]): Promise<string[]> {
  const problems: string[] = [];
  for (const t of tasks.filter((x) => x.taskDefinitionChanged)) {
    if (ctx.signal.aborted) break;
    try {
      await taskFamilyRevision(ctx, t);
    } catch (error) {
      const problem = `could not register a new revision of task ${t.key} (family ${t.family}): ${errorMessage(error)}`;
      ctx.emit({ type: 'log', level: 'error', message: problem });
      problems.push(problem);
    }
  }
  return problems;
}

function stopReasonOf(oneOff: OneOffResult | undefined): string | undefined {
  if (!oneOff) return undefined;
  return `not started: one-off task ${oneOff.name} ${oneOff.outcome === 'failed' ? 'failed' : 'was interrupted'}`;
}

/** Done as far as the run goes: succeeded, or (under --dry-run) skipped after announcing its calls. */
function deployed(ctx: EngineContext, result: ServiceResult | undefined): boolean {
  return result?.outcome === 'succeeded' || (ctx.options.dryRun && result?.outcome === 'skipped');
}

/**
 * The services, in dependsOn order, up to `concurrency` at once, each between two lock heartbeats. Once a one-off
 * task stopped the run, a service failed or Ctrl-C came, nothing new starts; what did not start is reported
 * `skipped` with the reason, and its locks are released at once (a run that dies later leaves no lock on a service
 * it never touched). Results come in plan order.
 */
async function deployServices(
  ctx: EngineContext,
  changing: ServicePlan[],
  locks: HeldLocks,
  stop: string | undefined,
): Promise<ServiceResult[]> {
  const results = new Map<string, ServiceResult>();
  const releasing: Promise<void>[] = [];
  const skippedKeys = new Set<string>();
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
      if (stop) return stop;
      if (ctx.signal.aborted) return 'not started: interrupted';
      if (failedAny) return 'not started: an earlier service failed';
      return undefined;
    },
    // Released while the others still deploy: a run that dies later leaves no lock on a service it never touched
    // (unless another service of the run touches it too).
    (sp) => {
      skippedKeys.add(sp.key);
      const others = changing.filter((o) => !skippedKeys.has(o.key)).flatMap((o) => lockTargetsOf(ctx, o));
      const mine = lockTargetsOf(ctx, sp).filter((t) => !others.some((o) => o.cluster === t.cluster && o.service === t.service));
      releasing.push(locks.release(mine));
    },
  );
  await Promise.all(releasing);
  return changing.map((sp) => {
    const done = results.get(sp.key);
    if (done) return done;
    const st = state.get(sp.key);
    const skipped = untouchedResult(sp, 'skipped', st?.status === 'skipped' ? st.reason : 'not started');
    reportServiceFinished(ctx.emit, skipped, 0);
    return skipped;
  });
}

/** Reports a promised step that did not happen (`step.skipped`) and returns it. */
function skip(ctx: EngineContext, step: SkippedStep, name: string, reason: string): SkippedStepResult {
  ctx.emit({ type: 'step.skipped', step, name, reason });
  return { step, name, reason };
}

/** Why the steps after the services may not run (they need every service deployed), or undefined when they may. */
function whyNotClean(ctx: EngineContext, oneOffs: OneOffResult[], services: ServiceResult[]): string | undefined {
  const stop = stoppingOneOff(oneOffs);
  if (stop) return `one-off task ${stop.name} ${stop.outcome === 'failed' ? 'failed' : 'was interrupted'}`;
  if (ctx.signal.aborted) return 'interrupted';
  const bad = services.filter((s) => !deployed(ctx, s));
  if (bad.length === 0) return undefined;
  return bad.map((s) => `${s.key} ${s.outcome === 'skipped' ? 'did not start' : s.outcome}`).join(', ');
}

/** The scheduled targets and the cleanup the plan promised, reported as not done because `reason`. */
function skipAfterServices(ctx: EngineContext, plan: Plan, covered: Set<string>, reason: string): SkippedStepResult[] {
  const out = plan.scheduledTargets
    .filter((t) => covered.has(t.taskDefinitionOf))
    .map((t) => skip(ctx, 'scheduled-target', scheduledTargetName(t), `not moved: ${reason}`));
  if (plan.keepRevisions > 0) out.push(skip(ctx, 'cleanup', 'old revisions', `not cleaned up: ${reason}`));
  return out;
}

function scheduledTargetName(t: Plan['scheduledTargets'][number]): string {
  return `rule ${t.rule}${t.targetId ? ` target ${t.targetId}` : ''} (task definition of ${t.taskDefinitionOf})`;
}

/**
 * After a clean run only: the scheduled targets move to the new revisions, then, when they all moved, old
 * revisions are cleaned up (its problems are warnings, marked `cleanup:`). Returns the problems, and the cleanup
 * when it did not happen.
 */
async function afterCleanRun(
  ctx: EngineContext,
  plan: Plan,
  selected: ServicePlan[],
  tasks: TaskPlan[],
): Promise<{ problems: string[]; skipped: SkippedStepResult[] }> {
  const inUse = new Set<string>();
  const covered = new Set([...selected.map((s) => s.key), ...tasks.map((t) => t.key)]);
  const problems = await moveScheduledTargets(ctx, plan, covered, inUse);
  if (plan.keepRevisions <= 0) return { problems, skipped: [] };
  if (problems.length > 0) {
    const n = problems.length;
    return {
      problems,
      skipped: [skip(ctx, 'cleanup', 'old revisions', `not cleaned up: ${n} scheduled target${n === 1 ? '' : 's'} could not be moved`)],
    };
  }
  return {
    problems: (
      await cleanUpAfterRun(
        ctx,
        plan,
        selected,
        inUse,
        tasks.map((t) => t.family),
      )
    ).map((w) => `cleanup: ${w}`),
    skipped: [],
  };
}

/** The run's verdict, the closing notification, and apply.finished. */
async function finishApply(
  ctx: EngineContext,
  run: Run,
  plan: Plan,
  done: { services: ServiceResult[]; oneOffs: OneOffResult[]; problems: string[]; skipped: SkippedStepResult[] },
): Promise<ApplyResult> {
  const { services, oneOffs, problems, skipped } = done;
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
    ...(skipped.length > 0 ? { skipped } : {}),
  });
  return finishRun(run, outcome, services, { oneOffs, problems, skipped, durationMs });
}
