/**
 * The ECS service scheduler: what happens to a service between two API calls. Rolling deployments honour
 * minimumHealthyPercent / maximumPercent (§1.2), the circuit breaker counts failed tasks against its threshold
 * (§1.4), deployment alarms fail a deployment (§1.5), a failure with rollback starts a deployment back to the last
 * COMPLETED one, and service events carry AWS's message forms (§1.7). CODE_DEPLOY services keep their task sets
 * at `ceil(desired × scale)` tasks (§1.3).
 */
import type { WorldContext } from '../context.js';
import { isRecord, list } from '../input.js';
import type { DeploymentState, JsonObject, ServiceDeploymentState, ServiceState, TaskSetState, TaskState } from '../types.js';
import { findTaskDefinition } from './task-definitions.js';
import { advanceTask, countsHealthy, isLive, stopTask } from './tasks.js';
import { effectiveLoadBalancers, managedLoadBalancer, nativeStrategyOf, productionTargetGroupOf } from './native-config.js';
import {
  nativeInMotion,
  settleNativeDeployment,
  startNativeLifecycle,
  stepNative,
  supersedeNative,
} from './service-deployment-lifecycle.js';
import { absorbOutcomes, launch, min, serviceEvent, stopForScaling, stopOrder, tasksOf } from './service-tasks.js';

export interface ThresholdConfiguration {
  type: string;
  value: number;
}

/**
 * The circuit breaker's failure threshold (§1.4): COUNT uses the value; percentages are value% of the desired
 * count rounded up, BOUNDED_PERCENT (the default, 50) clamped to [3, 200].
 */
export function circuitBreakerThreshold(config: ThresholdConfiguration | undefined, desiredCount: number): number {
  const type = config?.type ?? 'BOUNDED_PERCENT';
  const value = config?.value ?? 50;
  if (type === 'COUNT') return Math.max(1, value);
  const pct = Math.ceil((value * desiredCount) / 100);
  if (type === 'UNBOUNDED_PERCENT') return Math.max(1, pct);
  return Math.min(200, Math.max(3, pct));
}

/** min healthy = ceil(desired × min%), max = floor(desired × max%) (§1.2). */
export function rollingBounds(
  desiredCount: number,
  minimumHealthyPercent: number,
  maximumPercent: number,
): { minHealthy: number; maxTasks: number } {
  return {
    minHealthy: Math.ceil((desiredCount * minimumHealthyPercent) / 100),
    maxTasks: Math.floor((desiredCount * maximumPercent) / 100),
  };
}

interface DeploymentSettings {
  min: number;
  max: number;
  cb: { enable: boolean; rollback: boolean; resetOnHealthyTask: boolean; threshold: ThresholdConfiguration | undefined };
  alarms: { enable: boolean; rollback: boolean; names: string[] };
}

export function settingsOf(svc: ServiceState): DeploymentSettings {
  const dc = svc.deploymentConfiguration;
  const cb = isRecord(dc.deploymentCircuitBreaker) ? dc.deploymentCircuitBreaker : {};
  const tc = isRecord(cb.thresholdConfiguration) ? cb.thresholdConfiguration : undefined;
  const al = isRecord(dc.alarms) ? dc.alarms : {};
  return {
    min: typeof dc.minimumHealthyPercent === 'number' ? dc.minimumHealthyPercent : 100,
    max: typeof dc.maximumPercent === 'number' ? dc.maximumPercent : 200,
    cb: {
      enable: cb.enable === true,
      rollback: cb.rollback === true,
      resetOnHealthyTask: cb.resetOnHealthyTask !== false,
      threshold: tc ? { type: String(tc.type), value: Number(tc.value) } : undefined,
    },
    alarms: { enable: al.enable === true, rollback: al.rollback === true, names: list(al.alarmNames).map(String) },
  };
}

// ---------------------------------------------------------------------------------------------- deployments

/** A new PRIMARY deployment of `taskDefinition` (UpdateService, CreateService, or a rollback). */
export function createDeployment(w: WorldContext, svc: ServiceState, taskDefinition: string, rollbackOf?: string): DeploymentState {
  const id = `ecs-svc/${w.digits(19)}`;
  const clusterName = svc.clusterArn.split('/').pop() ?? 'default';
  const revisionArn = w.arn('ecs', `service-revision/${clusterName}/${svc.serviceName}/${w.digits(19)}`);
  const sdArn = w.arn('ecs', `service-deployment/${clusterName}/${svc.serviceName}/${w.hex(21)}`);
  const settings = settingsOf(svc);
  const td = findTaskDefinition(w, taskDefinition);
  w.st.ecs.serviceRevisions[revisionArn] = {
    serviceRevisionArn: revisionArn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    taskDefinition,
    createdAt: w.now,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    networkConfiguration: svc.networkConfiguration,
    loadBalancers: svc.loadBalancers,
    containerImages: list(td?.td.containerDefinitions)
      .filter(isRecord)
      .map((c) => ({ containerName: String(c.name), image: String(c.image) })),
  };
  const previous = svc.deployments.filter((d) => d.status !== 'INACTIVE');
  const previousPrimary = previous.find((d) => d.status === 'PRIMARY');
  const replaced = previousPrimary ? w.st.ecs.serviceDeployments[previousPrimary.serviceDeploymentArn] : undefined;
  // A BLUE_GREEN / LINEAR / CANARY deployment replaced half-way was never blue: its own blue still is.
  const replacedHalfWay = replaced?.native && (replaced.status === 'PENDING' || replaced.status === 'IN_PROGRESS') ? replaced : undefined;
  const ignored = settings.alarms.names.filter((n) => w.st.cloudwatch.alarms[n]?.stateValue === 'ALARM');
  const dep: DeploymentState = {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: svc.desiredCount,
    createdAt: w.now,
    updatedAt: w.now,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    networkConfiguration: svc.networkConfiguration,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    failedTasks: 0,
    consecutiveFailures: 0,
    serviceDeploymentArn: rollbackOf ?? sdArn,
    serviceRevisionArn: revisionArn,
    ignoredAlarms: ignored,
    rollbackOf,
  };
  for (const d of previous) {
    if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    d.updatedAt = w.now;
    // A deployment superseded before it finished is stopped (§1.10 STOPPED).
    const sd = w.st.ecs.serviceDeployments[d.serviceDeploymentArn];
    if (!rollbackOf && sd && (sd.status === 'PENDING' || sd.status === 'IN_PROGRESS')) {
      supersedeNative(w, sd);
      sd.status = 'STOPPED';
      sd.statusReason = 'Superseded by a newer service deployment.';
      sd.stoppedAt = w.now;
      sd.updatedAt = w.now;
    }
  }
  svc.deployments = [dep, ...previous];
  svc.taskDefinition = taskDefinition;
  svc.steady = false;
  if (!rollbackOf) {
    w.st.ecs.serviceDeployments[sdArn] = {
      serviceDeploymentArn: sdArn,
      serviceArn: svc.serviceArn,
      clusterArn: svc.clusterArn,
      createdAt: w.now,
      updatedAt: w.now,
      sourceServiceRevisions: previous.map((d) => d.serviceRevisionArn),
      targetServiceRevision: revisionArn,
      status: 'PENDING',
      deploymentConfiguration: JSON.parse(JSON.stringify(svc.deploymentConfiguration)) as JsonObject,
      circuitBreaker: {
        status: settings.cb.enable ? 'MONITORING' : 'DISABLED',
        failureCount: 0,
        threshold: circuitBreakerThreshold(settings.cb.threshold, svc.desiredCount),
      },
      alarms: {
        status: settings.alarms.enable ? 'MONITORING' : 'DISABLED',
        alarmNames: settings.alarms.names,
        triggeredAlarmNames: [],
      },
      deploymentId: id,
    };
    svc.currentServiceDeployment = sdArn;
    const native = nativeStrategyOf(svc.deploymentConfiguration);
    const sd = w.st.ecs.serviceDeployments[sdArn];
    if (native && sd) {
      const blueId = replacedHalfWay ? replacedHalfWay.native?.blueDeploymentId : previousPrimary?.id;
      const blue = previous.find((d) => d.id === blueId && tasksOf(w, svc).some((t) => t.ownerId === d.id && isLive(t)));
      sd.native = startNativeLifecycle(svc, sd, native, blue);
    }
    const revision = w.st.ecs.serviceRevisions[revisionArn];
    const managed = managedLoadBalancer(svc);
    if (revision && managed) {
      const tg = sd?.native?.greenTargetGroup ?? productionTargetGroupOf(svc);
      revision.resolvedLoadBalancers = [
        {
          ...(tg ? { targetGroupArn: tg } : {}),
          ...(typeof managed.adv.productionListenerRule === 'string' ? { productionListenerRule: managed.adv.productionListenerRule } : {}),
        },
      ];
    }
  }
  w.activateService(svc.serviceArn);
  return dep;
}

function failDeployment(w: WorldContext, svc: ServiceState, dep: DeploymentState, cause: 'circuit' | 'alarm', alarms: string[]): void {
  const settings = settingsOf(svc);
  dep.rolloutState = 'FAILED';
  dep.updatedAt = w.now;
  dep.rolloutStateReason =
    cause === 'circuit'
      ? 'ECS deployment circuit breaker: tasks failed to start.'
      : `ECS deployment alarms: alarm(s) ${alarms.join(', ')} in ALARM state.`;
  serviceEvent(w, svc, `(deployment ${dep.id}) deployment failed: ${cause === 'circuit' ? 'tasks failed to start' : 'alarm detected'}.`);
  const sd = w.st.ecs.serviceDeployments[dep.serviceDeploymentArn];
  if (sd) {
    sd.updatedAt = w.now;
    if (cause === 'circuit') sd.circuitBreaker.status = 'TRIGGERED';
    else {
      sd.alarms.status = 'TRIGGERED';
      sd.alarms.triggeredAlarmNames = alarms;
    }
  }
  const wantsRollback = cause === 'circuit' ? settings.cb.rollback : settings.alarms.rollback;
  // "The rollback method requires a previous deployment in COMPLETED state" (§1.4).
  const target = svc.lastCompleted;
  if (wantsRollback && target && !dep.rollbackOf) {
    serviceEvent(w, svc, `rolling back to deployment ${target.id}.`);
    const reason =
      cause === 'circuit'
        ? `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`
        : `ECS deployment alarms: rolling back to deploymentId ${target.id}.`;
    const rb = createDeployment(w, svc, target.taskDefinition, dep.serviceDeploymentArn);
    if (sd) {
      sd.status = 'ROLLBACK_IN_PROGRESS';
      sd.statusReason = reason;
      sd.rollback = { reason, startedAt: w.now, serviceRevisionArn: rb.serviceRevisionArn };
    }
  } else if (sd) {
    // Detection without rollback: the deployment is stopped where it is and launches nothing more (§1.4, §1.10).
    sd.status = dep.rollbackOf ? 'ROLLBACK_FAILED' : 'STOPPED';
    sd.statusReason = dep.rolloutStateReason;
    sd.stoppedAt = w.now;
    sd.finishedAt = w.now;
  }
}

/**
 * StopServiceDeployment ROLLBACK on a rolling deployment: "works even if rollback wasn't configured" (§1.10). ECS
 * deploys the last COMPLETED revision again; without one the deployment just stops.
 */
export function rollBackRolling(w: WorldContext, svc: ServiceState, sd: ServiceDeploymentState, reason: string): void {
  const dep = svc.deployments.find((d) => d.id === sd.deploymentId);
  const target = svc.lastCompleted;
  sd.updatedAt = w.now;
  sd.statusReason = reason;
  if (dep) {
    dep.rolloutState = 'FAILED';
    dep.rolloutStateReason = reason;
    dep.updatedAt = w.now;
  }
  if (!target || target.id === sd.deploymentId) {
    sd.status = 'STOPPED';
    sd.stoppedAt = w.now;
    sd.finishedAt = w.now;
    return;
  }
  serviceEvent(w, svc, `rolling back to deployment ${target.id}.`);
  const rb = createDeployment(w, svc, target.taskDefinition, sd.serviceDeploymentArn);
  sd.status = 'ROLLBACK_IN_PROGRESS';
  sd.rollback = { reason, startedAt: w.now, serviceRevisionArn: rb.serviceRevisionArn };
}

function completeDeployment(w: WorldContext, svc: ServiceState, dep: DeploymentState): void {
  dep.rolloutState = 'COMPLETED';
  dep.rolloutStateReason = `ECS deployment ${dep.id} completed.`;
  dep.updatedAt = w.now;
  svc.lastCompleted = { id: dep.id, taskDefinition: dep.taskDefinition };
  svc.deployments = [dep];
  serviceEvent(w, svc, `(deployment ${dep.id}) deployment completed.`);
  const sd = w.st.ecs.serviceDeployments[dep.serviceDeploymentArn];
  if (sd) {
    sd.status = dep.rollbackOf ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL';
    sd.finishedAt = w.now;
    sd.updatedAt = w.now;
    if (sd.circuitBreaker.status === 'MONITORING') sd.circuitBreaker.status = 'MONITORING_COMPLETE';
    if (sd.alarms.status === 'MONITORING') sd.alarms.status = 'MONITORING_COMPLETE';
  }
}

/** ECS watches deployment alarms for a bake period it derives from the alarms' configuration (§1.5). */
function bakeMs(w: WorldContext, names: string[]): number {
  let ms = 0;
  for (const n of names) {
    const a = w.st.cloudwatch.alarms[n];
    if (!a) continue;
    const period = typeof a.config.Period === 'number' ? a.config.Period : 60;
    const evals = typeof a.config.EvaluationPeriods === 'number' ? a.config.EvaluationPeriods : 1;
    ms = Math.max(ms, period * evals * 1000);
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------- stepping

/** Advances one service to `w.now`. Returns when it next needs attention, or undefined once it is settled. */
export function stepService(w: WorldContext, svc: ServiceState): number | undefined {
  let wake: number | undefined;
  for (const t of tasksOf(w, svc)) wake = min(wake, advanceTask(w, t));
  svc.taskArns = svc.taskArns.filter((a) => {
    const t = w.st.ecs.tasks[a];
    return t !== undefined && t.lastStatus !== 'STOPPED';
  });
  if (svc.status === 'DRAINING' || svc.status === 'INACTIVE') {
    for (const t of tasksOf(w, svc)) if (isLive(t)) stopTask(w, t, 'Service is being deleted', 'ServiceSchedulerInitiated');
    for (const t of tasksOf(w, svc)) wake = min(wake, advanceTask(w, t));
    if (!tasksOf(w, svc).some((t) => t.lastStatus !== 'STOPPED')) {
      svc.status = 'INACTIVE';
      return undefined;
    }
    return wake;
  }
  const next = svc.deploymentController.type === 'ECS' ? stepRolling(w, svc) : stepTaskSets(w, svc);
  wake = min(wake, next);
  for (const t of tasksOf(w, svc)) wake = min(wake, advanceTask(w, t));
  return wake !== undefined && wake <= w.now ? w.now + 1000 : wake;
}

function stepRolling(w: WorldContext, svc: ServiceState): number | undefined {
  const settings = settingsOf(svc);
  const p = svc.deployments[0];
  if (!p) return undefined;
  // BLUE_GREEN, LINEAR and CANARY deployments follow their own lifecycle until they are decided (green may no
  // longer be PRIMARY by then: a rollback makes blue PRIMARY again while green drains).
  const current = svc.currentServiceDeployment ? w.st.ecs.serviceDeployments[svc.currentServiceDeployment] : undefined;
  const green = current ? svc.deployments.find((d) => d.id === current.deploymentId) : undefined;
  if (nativeInMotion(current) && green) return stepNative(w, svc, green, current);
  let wake: number | undefined;
  const byId = new Map(svc.deployments.map((d) => [d.id, d]));
  const all = tasksOf(w, svc);
  absorbOutcomes(w, svc, all, (id) => (id ? byId.get(id) : undefined), settings.cb.resetOnHealthyTask);
  const sd = w.st.ecs.serviceDeployments[p.serviceDeploymentArn];
  if (sd && sd.status === 'PENDING') {
    sd.status = 'IN_PROGRESS';
    sd.startedAt = w.now;
    sd.updatedAt = w.now;
  }
  if (p.rolloutState === 'IN_PROGRESS') {
    const threshold = circuitBreakerThreshold(settings.cb.threshold, svc.desiredCount);
    if (sd && !p.rollbackOf) {
      sd.circuitBreaker.failureCount = p.failedTasks;
      sd.circuitBreaker.threshold = threshold;
    }
    const triggered = settings.alarms.enable
      ? settings.alarms.names.filter((n) => !p.ignoredAlarms.includes(n) && w.st.cloudwatch.alarms[n]?.stateValue === 'ALARM')
      : [];
    if (settings.cb.enable && p.failedTasks >= threshold) failDeployment(w, svc, p, 'circuit', []);
    else if (triggered.length) failDeployment(w, svc, p, 'alarm', triggered);
  }
  const primary = svc.deployments[0] as DeploymentState;
  const live = tasksOf(w, svc).filter(isLive);
  const mine = live.filter((t) => t.ownerId === primary.id);
  const others = live.filter((t) => t.ownerId !== primary.id);
  const desired = svc.desiredCount;
  primary.desiredCount = desired;
  let started = 0;
  let stopping: TaskState[] = [];
  if (primary.rolloutState !== 'FAILED') {
    const { minHealthy, maxTasks } = rollingBounds(desired, settings.min, settings.max);
    if (mine.length > desired) stopping.push(...[...mine].sort(stopOrder).slice(0, mine.length - desired));
    let starts = Math.max(0, Math.min(desired - mine.length, maxTasks - live.length));
    if (primary.backoffUntil !== undefined && w.now < primary.backoffUntil) {
      if (starts > 0 && !primary.backoffReported) {
        primary.backoffReported = true;
        serviceEvent(w, svc, 'is unable to consistently start tasks successfully.');
      }
      starts = 0;
      wake = min(wake, primary.backoffUntil);
    }
    const healthy = live.filter(countsHealthy).length - stopping.filter(countsHealthy).length;
    let budget = healthy - minHealthy;
    for (const t of [...others].sort(stopOrder)) {
      if (!countsHealthy(t)) stopping.push(t);
      else if (budget > 0) {
        stopping.push(t);
        budget--;
      }
    }
    stopping = [...new Set(stopping)];
    if (starts === 0 && stopping.length === 0 && others.length > 0 && mine.every(countsHealthy) && !primary.unableReported) {
      primary.unableReported = true;
      serviceEvent(
        w,
        svc,
        'was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.',
      );
    }
    stopForScaling(w, svc, stopping, `Scaling activity initiated by (deployment ${primary.id})`);
    started = launch(w, svc, { ...svc, id: primary.id }, primary.taskDefinition, starts, effectiveLoadBalancers(svc)).length;
  }
  if (started || stopping.length) svc.steady = false;
  // Deployments whose tasks are all gone leave the list (they become INACTIVE).
  const remaining = tasksOf(w, svc).filter((t) => t.lastStatus !== 'STOPPED');
  // A FAILED deployment stays listed while the rollback that replaced it is in progress.
  svc.deployments = svc.deployments.filter(
    (d, i) =>
      i === 0 || remaining.some((t) => t.ownerId === d.id) || (d.rolloutState === 'FAILED' && primary.rolloutState === 'IN_PROGRESS'),
  );
  const mineNow = remaining.filter((t) => isLive(t) && t.ownerId === primary.id);
  const settled =
    mineNow.length === desired && mineNow.every(countsHealthy) && remaining.every((t) => t.ownerId === primary.id && isLive(t));
  if (primary.rolloutState === 'IN_PROGRESS' && settled) {
    if (settings.alarms.enable && settings.alarms.names.length && primary.bakeUntil === undefined) {
      primary.bakeUntil = w.now + bakeMs(w, settings.alarms.names);
    }
    if (primary.bakeUntil === undefined || w.now >= primary.bakeUntil) completeDeployment(w, svc, primary);
    else wake = min(wake, primary.bakeUntil);
  }
  if (primary.rolloutState === 'IN_PROGRESS' && settings.alarms.enable) {
    // Alarms change state on minute boundaries: look again at the next one.
    wake = min(wake, Math.floor(w.now / 60_000) * 60_000 + 60_000);
  }
  if (settled && primary.rolloutState !== 'IN_PROGRESS' && svc.deployments.length === 1 && !svc.steady) {
    svc.steady = true;
    serviceEvent(w, svc, 'has reached a steady state.');
  }
  if (started) wake = min(wake, w.now + 1000);
  return wake;
}

// ---------------------------------------------------------------------------------------------- task sets

export function computedDesiredCount(svc: ServiceState, ts: TaskSetState): number {
  return ts.status === 'DRAINING' ? 0 : Math.ceil((svc.desiredCount * ts.scale) / 100);
}

function stepTaskSets(w: WorldContext, svc: ServiceState): number | undefined {
  let wake: number | undefined;
  const byId = new Map(svc.taskSets.map((s) => [s.id, s]));
  absorbOutcomes(w, svc, tasksOf(w, svc), (id) => (id ? byId.get(id) : undefined), true);
  let changed = false;
  for (const ts of svc.taskSets) {
    const want = computedDesiredCount(svc, ts);
    const live = tasksOf(w, svc).filter((t) => isLive(t) && t.ownerId === ts.id);
    if (live.length > want) {
      stopForScaling(w, svc, [...live].sort(stopOrder).slice(0, live.length - want), `Scaling activity initiated by (deployment ${ts.id})`);
      changed = true;
    } else if (live.length < want) {
      if (ts.backoffUntil !== undefined && w.now < ts.backoffUntil) wake = min(wake, ts.backoffUntil);
      else if (launch(w, svc, ts, ts.taskDefinition, want - live.length, ts.loadBalancers).length) changed = true;
    }
  }
  const remaining = tasksOf(w, svc).filter((t) => t.lastStatus !== 'STOPPED');
  svc.taskSets = svc.taskSets.filter((ts) => ts.status !== 'DRAINING' || remaining.some((t) => t.ownerId === ts.id));
  let allSteady = true;
  for (const ts of svc.taskSets) {
    const mine = remaining.filter((t) => t.ownerId === ts.id);
    const steady = mine.length === computedDesiredCount(svc, ts) && mine.every(countsHealthy);
    const status = steady ? 'STEADY_STATE' : 'STABILIZING';
    if (status !== ts.stabilityStatus) {
      ts.stabilityStatus = status;
      ts.stabilityStatusAt = w.now;
      ts.updatedAt = w.now;
    }
    if (!steady) allSteady = false;
  }
  if (changed) {
    svc.steady = false;
    wake = min(wake, w.now + 1000);
  }
  if (allSteady && svc.taskSets.length === 1 && !svc.steady) {
    svc.steady = true;
    serviceEvent(w, svc, 'has reached a steady state.');
  }
  return wake;
}

/**
 * Puts a service straight into its steady state: every task RUNNING and healthy, targets healthy, the
 * deployment COMPLETED. Used by seeding, so a seeded world starts settled at the current time.
 */
export function settleService(w: WorldContext, svc: ServiceState): void {
  const started = w.now;
  settleNativeDeployment(w, svc);
  for (let guard = 0; guard < 5; guard++) {
    stepService(w, svc);
    for (const t of tasksOf(w, svc)) {
      if (t.desiredStatus !== 'RUNNING') continue;
      if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING') {
        t.pendingAt = Math.min(t.pendingAt, started);
        t.runningAt = Math.min(t.runningAt, started);
      }
      advanceTask(w, t);
      if (t.healthyAt !== undefined) t.healthyAt = Math.min(t.healthyAt, started);
      for (const target of t.targets) {
        const tg = w.st.elbv2.targetGroups[target.targetGroupArn];
        const x = tg?.targets.find((y) => y.taskArn === t.taskArn);
        if (x?.healthyAt !== undefined) x.healthyAt = Math.min(x.healthyAt, started);
      }
      advanceTask(w, t);
    }
    const p = svc.deployments[0];
    if (p?.bakeUntil !== undefined) p.bakeUntil = Math.min(p.bakeUntil, started);
  }
  stepService(w, svc);
}
