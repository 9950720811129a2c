/**
 * ECS's own BLUE_GREEN, LINEAR and CANARY deployments (aws-semantics §1.8–§1.10): a service deployment that walks
 * the lifecycle stages in order on the sandbox clock, with the hooks configured for each stage.
 *
 *   [RECONCILE_SERVICE] → PRE_SCALE_UP → SCALE_UP (green tasks in the green target group) → POST_SCALE_UP
 *   → TEST_TRAFFIC_SHIFT (test rule 100 % green) → POST_TEST_TRAFFIC_SHIFT
 *   → ( PRE_PRODUCTION_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT (production rule to the step's weight, then the
 *       step's bake unless at 100 %) ) once per step → POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME → CLEAN_UP (blue
 *   scaled to 0) → SUCCESSFUL; the green target group now serves production (target groups alternate).
 *
 * A stage's hooks must all complete before the next stage: a PAUSE hook waits (AWAITING_ACTION) for
 * ContinueServiceDeployment, a Lambda hook answers what the scenario says (IN_PROGRESS: asked again after 30 s);
 * FAILED, a timeout with action ROLLBACK, the circuit breaker or a deployment alarm (with rollback), and a
 * ContinueServiceDeployment or StopServiceDeployment ROLLBACK roll back: traffic back to blue on both rules, green
 * scaled in, blue PRIMARY again (ROLLBACK_SUCCESSFUL).
 */
import type { WorldContext } from '../context.js';
import { hookAnswerFor } from '../scenario.js';
import type { DeploymentState, LifecycleHookRunState, NativeLifecycleState, ServiceDeploymentState, ServiceState } from '../types.js';
import {
  configuredHooks,
  effectiveLoadBalancers,
  managedLoadBalancer,
  type NativeStrategy,
  productionSteps,
  productionTargetGroupOf,
  stepBakeMs,
} from './native-config.js';
import { mixedActions, setTrafficWeights } from './native-traffic.js';
import { absorbOutcomes, launch, min, serviceEvent, stopForScaling, stopOrder, tasksOf } from './service-tasks.js';
import { countsHealthy, isLive } from './tasks.js';

/** How long a Lambda hook that answered IN_PROGRESS waits before it is invoked again (callBackDelay default, §1.9). */
const CALLBACK_DELAY_MS = 30_000;

/** Statuses in which the lifecycle still moves (the deployment is not decided). */
const MOVING = new Set(['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);

/** Does this service deployment's lifecycle still need stepping? */
export function nativeInMotion(sd: ServiceDeploymentState | undefined): sd is ServiceDeploymentState & { native: NativeLifecycleState } {
  return sd?.native !== undefined && MOVING.has(sd.status);
}

/**
 * The lifecycle of a new service deployment of a BLUE_GREEN, LINEAR or CANARY service. `blue` is the deployment
 * serving production when it started (undefined for a new service).
 */
export function startNativeLifecycle(
  svc: ServiceState,
  sd: ServiceDeploymentState,
  strategy: NativeStrategy,
  blue: DeploymentState | undefined,
): NativeLifecycleState {
  const dc = sd.deploymentConfiguration;
  const managed = managedLoadBalancer(svc);
  const production = productionTargetGroupOf(svc);
  const primary = typeof managed?.lb.targetGroupArn === 'string' ? managed.lb.targetGroupArn : undefined;
  const alternate = typeof managed?.adv.alternateTargetGroupArn === 'string' ? managed.adv.alternateTargetGroupArn : undefined;
  // Blue serves from the production target group; green takes the other one. A new service has no blue side: its
  // first revision goes straight into the production target group.
  const green = blue ? (production === primary ? alternate : primary) : production;
  const other = green === primary ? alternate : primary;
  return {
    strategy,
    stage: 'PRE_SCALE_UP',
    stageSince: sd.createdAt,
    steps: productionSteps(strategy, dc),
    stepsDone: 0,
    stepBakeMs: stepBakeMs(strategy, dc),
    bakeMs: (typeof dc.bakeTimeInMinutes === 'number' ? dc.bakeTimeInMinutes : 0) * 60_000,
    ...(blue ? { blueDeploymentId: blue.id } : {}),
    ...(other ? { blueTargetGroup: other } : {}),
    ...(green ? { greenTargetGroup: green } : {}),
    ...(typeof managed?.adv.productionListenerRule === 'string' ? { productionRule: managed.adv.productionListenerRule } : {}),
    ...(typeof managed?.adv.testListenerRule === 'string' ? { testRule: managed.adv.testListenerRule } : {}),
    productionWeight: 0,
    testWeight: 0,
    hooks: [],
  };
}

interface Run {
  w: WorldContext;
  svc: ServiceState;
  green: DeploymentState;
  blue: DeploymentState | undefined;
  sd: ServiceDeploymentState;
  n: NativeLifecycleState;
}

/** Advances a BLUE_GREEN / LINEAR / CANARY deployment to `w.now`; returns when it next needs attention. */
export function stepNative(w: WorldContext, svc: ServiceState, green: DeploymentState, sd: ServiceDeploymentState): number | undefined {
  const n = sd.native as NativeLifecycleState;
  const blue = n.blueDeploymentId ? svc.deployments.find((d) => d.id === n.blueDeploymentId) : undefined;
  const run: Run = { w, svc, green, blue, sd, n };
  const byId = new Map(svc.deployments.map((d) => [d.id, d]));
  const cb = circuitBreakerOf(sd);
  absorbOutcomes(w, svc, tasksOf(w, svc), (id) => (id ? byId.get(id) : undefined), cb.resetOnHealthyTask);
  if (sd.status === 'PENDING') start(run);
  let wake: number | undefined;
  if (sd.status === 'IN_PROGRESS') detectFailure(run);
  if (sd.status === 'IN_PROGRESS') wake = advanceStages(run);
  if (sd.status === 'ROLLBACK_REQUESTED' || sd.status === 'ROLLBACK_IN_PROGRESS') wake = min(wake, stepRollback(run));
  if (sd.status === 'IN_PROGRESS') {
    wake = min(wake, keepGreenUp(run));
    if (sd.alarms.status === 'MONITORING') wake = min(wake, Math.floor(w.now / 60_000) * 60_000 + 60_000);
  }
  stopStrays(run);
  sd.circuitBreaker.failureCount = green.failedTasks;
  return wake;
}

function circuitBreakerOf(sd: ServiceDeploymentState): { enable: boolean; rollback: boolean; resetOnHealthyTask: boolean } {
  const cb = sd.deploymentConfiguration.deploymentCircuitBreaker;
  const o = cb && typeof cb === 'object' && !Array.isArray(cb) ? cb : {};
  return { enable: o.enable === true, rollback: o.rollback === true, resetOnHealthyTask: o.resetOnHealthyTask !== false };
}

function alarmsOf(sd: ServiceDeploymentState): { rollback: boolean } {
  const a = sd.deploymentConfiguration.alarms;
  return { rollback: a !== null && typeof a === 'object' && !Array.isArray(a) && a.rollback === true };
}

function start(run: Run): void {
  const { w, sd, n } = run;
  sd.status = 'IN_PROGRESS';
  sd.startedAt = w.now;
  sd.updatedAt = w.now;
  // "B/G is not supported when listener rules mix forward with non-forward actions: the deployment fails" (§1.8).
  for (const rule of [n.productionRule, n.testRule]) {
    const others = mixedActions(w, rule);
    if (others.length > 0) {
      stopWithoutRollback(
        run,
        `The listener rule ${rule} has ${others.join(', ')} actions besides forward; blue/green needs forward only.`,
      );
      return;
    }
  }
  const activeRevisions = run.svc.deployments.filter((d) => d.id !== run.green.id && tasksOf(w, run.svc).some((t) => t.ownerId === d.id));
  enter(run, activeRevisions.length > 1 ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP');
}

/** Circuit breaker (green's failed tasks) and deployment alarms, as for a rolling deployment (§1.4, §1.5). */
function detectFailure(run: Run): void {
  const { w, green, sd } = run;
  const cb = circuitBreakerOf(sd);
  if (cb.enable && green.failedTasks >= sd.circuitBreaker.threshold) {
    sd.circuitBreaker.status = 'TRIGGERED';
    fail(run, 'ECS deployment circuit breaker: tasks failed to start.', 'tasks failed to start', cb.rollback);
    return;
  }
  if (sd.alarms.status !== 'MONITORING') return;
  const triggered = sd.alarms.alarmNames.filter(
    (name) => !green.ignoredAlarms.includes(name) && w.st.cloudwatch.alarms[name]?.stateValue === 'ALARM',
  );
  if (triggered.length === 0) return;
  sd.alarms.status = 'TRIGGERED';
  sd.alarms.triggeredAlarmNames = triggered;
  fail(run, `ECS deployment alarms: alarm(s) ${triggered.join(', ')} in ALARM state.`, 'alarm detected', alarmsOf(sd).rollback);
}

/** A failure the deployment detected itself: rolled back when the method that detected it says so (§1.5). */
function fail(run: Run, reason: string, short: string, rollback: boolean): void {
  serviceEvent(run.w, run.svc, `(deployment ${run.green.id}) deployment failed: ${short}.`);
  if (rollback) requestNativeRollback(run.w, run.svc, run.sd, reason);
  else stopWithoutRollback(run, reason);
}

/** Detection without rollback: the deployment stops where it is and launches nothing more (§1.4, §1.10). */
function stopWithoutRollback(run: Run, reason: string): void {
  const { w, green, sd } = run;
  green.rolloutState = 'FAILED';
  green.rolloutStateReason = reason;
  green.updatedAt = w.now;
  sd.status = 'STOPPED';
  sd.statusReason = reason;
  sd.stoppedAt = w.now;
  sd.finishedAt = w.now;
  sd.updatedAt = w.now;
  for (const h of run.n.hooks) if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
}

/**
 * Rolls a BLUE_GREEN / LINEAR / CANARY deployment back (a hook, ContinueServiceDeployment or StopServiceDeployment
 * ROLLBACK, the circuit breaker, an alarm). Only a deployment still undecided can be rolled back.
 */
export function requestNativeRollback(w: WorldContext, svc: ServiceState, sd: ServiceDeploymentState, reason: string): boolean {
  const n = sd.native;
  if (!n || (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')) return false;
  const green = svc.deployments.find((d) => d.id === sd.deploymentId);
  const blue = n.blueDeploymentId ? svc.deployments.find((d) => d.id === n.blueDeploymentId) : undefined;
  sd.status = 'ROLLBACK_REQUESTED';
  sd.statusReason = reason;
  sd.updatedAt = w.now;
  sd.rollback = { reason, startedAt: w.now, serviceRevisionArn: blue?.serviceRevisionArn ?? '' };
  if (green) {
    green.rolloutState = 'FAILED';
    green.rolloutStateReason = reason;
    green.updatedAt = w.now;
  }
  for (const h of n.hooks) if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
  if (blue) serviceEvent(w, svc, `rolling back to deployment ${blue.id}.`);
  w.activateService(svc.serviceArn);
  return true;
}

// ---------------------------------------------------------------------------------------------- stages

function enter(run: Run, stage: string): void {
  const { w, svc, n, sd } = run;
  n.stage = stage;
  n.stageSince = w.now;
  delete n.waitUntil;
  sd.updatedAt = w.now;
  n.hooks = configuredHooks(sd.deploymentConfiguration)
    .filter((h) => h.stages.includes(stage))
    .map((h) => {
      const runState: LifecycleHookRunState = {
        hookId: `${h.targetType === 'PAUSE' ? 'ecs-pause' : 'ecs-hook'}-${hookSuffix(w)}`,
        targetType: h.targetType,
        status: h.targetType === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
        expiresAt: w.now + h.timeoutMs,
        timeoutAction: h.timeoutAction,
        ...(h.targetArn ? { targetArn: h.targetArn } : {}),
        ...(h.hookDetails !== undefined ? { hookDetails: h.hookDetails } : {}),
      };
      if (h.targetType === 'AWS_LAMBDA' && h.targetArn)
        runState.answerAt = w.now + hookAnswerFor(w.scenario, h.targetArn, stage).seconds * 1000;
      return runState;
    });
  switch (stage) {
    case 'SCALE_UP':
      launchGreen(run, svc.desiredCount);
      break;
    case 'TEST_TRAFFIC_SHIFT':
      n.testWeight = 100;
      shift(run, n.testRule, 100);
      break;
    case 'PRODUCTION_TRAFFIC_SHIFT': {
      const pct = n.steps[n.stepsDone] ?? 100;
      n.stepsDone += 1;
      n.productionWeight = pct;
      shift(run, n.productionRule, pct);
      break;
    }
    case 'BAKE_TIME':
      n.waitUntil = w.now + n.bakeMs;
      break;
    case 'CLEAN_UP': {
      const blueTasks = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId !== run.green.id);
      stopForScaling(w, svc, blueTasks, `Scaling activity initiated by (deployment ${run.green.id})`);
      break;
    }
  }
}

/** 43 characters like ECS's hook ids (`ecs-pause-e7tK9G_WRJqNF_…`). */
function hookSuffix(w: WorldContext): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (let i = 0; i < 43; i++) s += alphabet[Math.floor(w.random() * alphabet.length)];
  return s;
}

function shift(run: Run, ruleOrListener: string | undefined, greenPercent: number): void {
  const { n } = run;
  if (!n.blueTargetGroup || !n.greenTargetGroup) return;
  setTrafficWeights(run.w, ruleOrListener, n.blueTargetGroup, n.greenTargetGroup, greenPercent);
}

function launchGreen(run: Run, count: number): void {
  const { w, svc, green, n } = run;
  if (count <= 0) return;
  launch(w, svc, { ...svc, id: green.id }, green.taskDefinition, count, effectiveLoadBalancers(svc, n.greenTargetGroup));
}

/** Green keeps its desired count from SCALE_UP on (a crashed task is replaced, unless the scheduler backs off). */
function keepGreenUp(run: Run): number | undefined {
  const { w, svc, green, n } = run;
  if (n.stage === 'PRE_SCALE_UP' || n.stage === 'RECONCILE_SERVICE') return undefined;
  const live = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId === green.id);
  const missing = svc.desiredCount - live.length;
  if (missing > 0) {
    if (green.backoffUntil !== undefined && w.now < green.backoffUntil) return green.backoffUntil;
    launchGreen(run, missing);
    return w.now + 1000;
  }
  if (missing < 0) {
    stopForScaling(w, svc, [...live].sort(stopOrder).slice(0, -missing), `Scaling activity initiated by (deployment ${green.id})`);
  }
  return undefined;
}

/** Tasks of neither side (a deployment this one superseded) are stopped. */
function stopStrays(run: Run): void {
  const { w, svc, green, blue } = run;
  const strays = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId !== green.id && t.ownerId !== blue?.id);
  if (strays.length > 0) stopForScaling(w, svc, strays, `Scaling activity initiated by (deployment ${green.id})`);
}

type StageResult = { next: string } | { wake: number | undefined } | { failed: string };

function advanceStages(run: Run): number | undefined {
  for (let guard = 0; guard < 64; guard++) {
    const r = stageStep(run);
    if ('failed' in r) {
      serviceEvent(run.w, run.svc, `(deployment ${run.green.id}) deployment failed: ${r.failed}`);
      requestNativeRollback(run.w, run.svc, run.sd, r.failed);
      return undefined;
    }
    if ('wake' in r) return r.wake;
    enter(run, r.next);
    if (run.sd.status !== 'IN_PROGRESS') return undefined;
  }
  return run.w.now + 1000;
}

function stageStep(run: Run): StageResult {
  const { w, svc, n, green } = run;
  const hooks = settleHooks(run);
  if ('failed' in hooks || hooks.wake !== undefined) return hooks;
  switch (n.stage) {
    case 'RECONCILE_SERVICE':
      return { next: 'PRE_SCALE_UP' };
    case 'PRE_SCALE_UP':
      return { next: 'SCALE_UP' };
    case 'SCALE_UP': {
      const mine = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId === green.id);
      if (mine.length >= svc.desiredCount && mine.every(countsHealthy)) return { next: 'POST_SCALE_UP' };
      return { wake: w.now + 1000 };
    }
    case 'POST_SCALE_UP':
      return { next: 'TEST_TRAFFIC_SHIFT' };
    case 'TEST_TRAFFIC_SHIFT':
      return { next: 'POST_TEST_TRAFFIC_SHIFT' };
    case 'POST_TEST_TRAFFIC_SHIFT':
      return { next: 'PRE_PRODUCTION_TRAFFIC_SHIFT' };
    case 'PRE_PRODUCTION_TRAFFIC_SHIFT':
      return { next: 'PRODUCTION_TRAFFIC_SHIFT' };
    case 'PRODUCTION_TRAFFIC_SHIFT':
      if (n.productionWeight >= 100) return { next: 'POST_PRODUCTION_TRAFFIC_SHIFT' };
      // The step's bake time, then the next step (§1.8: not applied after 100 %).
      n.waitUntil ??= w.now + n.stepBakeMs;
      return w.now >= n.waitUntil ? { next: 'PRE_PRODUCTION_TRAFFIC_SHIFT' } : { wake: n.waitUntil };
    case 'POST_PRODUCTION_TRAFFIC_SHIFT':
      return { next: 'BAKE_TIME' };
    case 'BAKE_TIME':
      return w.now >= (n.waitUntil ?? w.now) ? { next: 'CLEAN_UP' } : { wake: n.waitUntil };
    case 'CLEAN_UP': {
      const left = tasksOf(w, svc).some((t) => t.ownerId !== green.id && t.lastStatus !== 'STOPPED');
      if (left) return { wake: w.now + 1000 };
      complete(run);
      return { wake: undefined };
    }
    default:
      return { wake: undefined };
  }
}

/**
 * The hooks of the current stage: Lambda answers come in, expiries turn into TIMED_OUT. `{ wake: undefined }` when
 * every hook completed (or there are none), `{ wake: t }` while one still runs, `{ failed }` when one rolls back.
 */
function settleHooks(run: Run): { wake: number | undefined } | { failed: string } {
  const { w, n } = run;
  let wake: number | undefined;
  for (const h of n.hooks) {
    if ((h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') && w.now >= h.expiresAt) h.status = 'TIMED_OUT';
    if (h.status === 'IN_PROGRESS' && h.answerAt !== undefined && w.now >= h.answerAt) {
      const answer = hookAnswerFor(w.scenario, h.targetArn ?? '', n.stage).status;
      if (answer === 'IN_PROGRESS') h.answerAt = w.now + CALLBACK_DELAY_MS;
      else h.status = answer;
    }
  }
  for (const h of n.hooks) {
    const what = h.targetType === 'PAUSE' ? `pause hook ${h.hookId}` : `lifecycle hook ${h.targetArn ?? h.hookId}`;
    if (h.status === 'FAILED') return { failed: `The ${what} failed at ${n.stage}.` };
    if (h.status === 'TIMED_OUT' && h.timeoutAction === 'ROLLBACK') return { failed: `The ${what} timed out at ${n.stage}.` };
    if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') {
      wake = min(wake, min(h.expiresAt, h.status === 'IN_PROGRESS' ? h.answerAt : undefined));
    }
  }
  return { wake };
}

function complete(run: Run): void {
  const { w, svc, green, sd, n } = run;
  green.rolloutState = 'COMPLETED';
  green.rolloutStateReason = `ECS deployment ${green.id} completed.`;
  green.updatedAt = w.now;
  svc.lastCompleted = { id: green.id, taskDefinition: green.taskDefinition };
  svc.deployments = [green];
  if (n.greenTargetGroup && managedLoadBalancer(svc)) svc.productionTargetGroup = n.greenTargetGroup;
  sd.status = 'SUCCESSFUL';
  sd.finishedAt = w.now;
  sd.updatedAt = w.now;
  if (sd.circuitBreaker.status === 'MONITORING') sd.circuitBreaker.status = 'MONITORING_COMPLETE';
  if (sd.alarms.status === 'MONITORING') sd.alarms.status = 'MONITORING_COMPLETE';
  n.hooks = [];
  serviceEvent(w, svc, `(deployment ${green.id}) deployment completed.`);
}

// ---------------------------------------------------------------------------------------------- rollback

/** Traffic back to blue first (both rules), then green scaled in and blue back at its count: ROLLBACK_SUCCESSFUL. */
function stepRollback(run: Run): number | undefined {
  const { w, svc, green, blue, sd, n } = run;
  if (sd.status === 'ROLLBACK_REQUESTED') {
    sd.status = 'ROLLBACK_IN_PROGRESS';
    sd.updatedAt = w.now;
    n.productionWeight = 0;
    n.testWeight = 0;
    shift(run, n.productionRule, 0);
    shift(run, n.testRule, 0);
    n.hooks = [];
    const greenTasks = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId === green.id);
    stopForScaling(w, svc, greenTasks, `Scaling activity initiated by (deployment ${green.id})`);
    if (!blue) {
      sd.status = 'ROLLBACK_FAILED';
      sd.statusReason = `${sd.statusReason ?? 'Rolled back'}; there is no previous service revision to roll back to.`;
      sd.finishedAt = w.now;
      return undefined;
    }
    blue.status = 'PRIMARY';
    blue.desiredCount = svc.desiredCount;
    blue.updatedAt = w.now;
    green.status = 'ACTIVE';
    svc.taskDefinition = blue.taskDefinition;
    svc.deployments = [blue, ...svc.deployments.filter((d) => d !== blue)];
  }
  if (!blue) return undefined;
  const live = tasksOf(w, svc).filter((t) => isLive(t));
  const blueLive = live.filter((t) => t.ownerId === blue.id);
  // Blue may have been scaled in already (a failure in CLEAN_UP): it comes back to its count, in its target group.
  if (blueLive.length < svc.desiredCount) {
    launch(w, svc, blue, blue.taskDefinition, svc.desiredCount - blueLive.length, effectiveLoadBalancers(svc, n.blueTargetGroup));
    return w.now + 1000;
  }
  const greenLeft = tasksOf(w, svc).some((t) => t.ownerId === green.id && t.lastStatus !== 'STOPPED');
  if (greenLeft || !blueLive.every(countsHealthy)) return w.now + 1000;
  sd.status = 'ROLLBACK_SUCCESSFUL';
  sd.finishedAt = w.now;
  sd.updatedAt = w.now;
  blue.rolloutState = 'COMPLETED';
  svc.deployments = [blue];
  svc.lastCompleted = { id: blue.id, taskDefinition: blue.taskDefinition };
  return undefined;
}

/**
 * A newer deployment replaces this one before it was decided (another UpdateService): ECS puts the traffic back on
 * blue; the new deployment starts from blue, and the green tasks of this one are stopped as strays.
 */
export function supersedeNative(w: WorldContext, sd: ServiceDeploymentState): void {
  const n = sd.native;
  if (!n?.blueTargetGroup || !n.greenTargetGroup) return;
  if (n.productionWeight > 0) setTrafficWeights(w, n.productionRule, n.blueTargetGroup, n.greenTargetGroup, 0);
  if (n.testWeight > 0) setTrafficWeights(w, n.testRule, n.blueTargetGroup, n.greenTargetGroup, 0);
  n.productionWeight = 0;
  n.testWeight = 0;
  for (const h of n.hooks) if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
}

/**
 * Seeding: the service's first BLUE_GREEN / LINEAR / CANARY deployment as if it had run its course: green's tasks in
 * the production target group, both rules on it, SUCCESSFUL. (settleService then makes the tasks healthy.)
 */
export function settleNativeDeployment(w: WorldContext, svc: ServiceState): void {
  const sd = svc.currentServiceDeployment ? w.st.ecs.serviceDeployments[svc.currentServiceDeployment] : undefined;
  if (!nativeInMotion(sd)) return;
  const green = svc.deployments.find((d) => d.id === sd.deploymentId);
  if (!green) return;
  const n = sd.native;
  const run: Run = { w, svc, green, blue: undefined, sd, n };
  const live = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId === green.id);
  if (live.length < svc.desiredCount) launchGreen(run, svc.desiredCount - live.length);
  for (const t of tasksOf(w, svc)) if (isLive(t) && t.ownerId !== green.id) stopForScaling(w, svc, [t], 'Seeded');
  sd.status = 'IN_PROGRESS';
  sd.startedAt = w.now;
  n.testWeight = 100;
  n.productionWeight = 100;
  n.stepsDone = n.steps.length;
  n.stage = 'CLEAN_UP';
  shift(run, n.testRule, 100);
  shift(run, n.productionRule, 100);
  complete(run);
}
