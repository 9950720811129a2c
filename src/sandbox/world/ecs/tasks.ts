/**
 * ECS tasks: their life cycle (PROVISIONING → PENDING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING →
 * STOPPED), health (40 s rule without checks, container health checks, target health behind a load balancer —
 * aws-semantics §1.2), draining on stop, and the RunTask / DescribeTasks / ListTasks / StopTask API.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { drainTarget, registerTarget, setTargetState, targetGroupOrUndefined } from '../elbv2/index.js';
import { clone, compact, date, isRecord, list, optNumber, optString, reqString, type Input } from '../input.js';
import { behaviourFor } from '../scenario.js';
import type { ClusterState, JsonObject, Tag, TaskDefinitionState, TaskState } from '../types.js';
import { checkCompatibility, checkLaunchType, chosenProvider, effectiveLaunchType, placementOf } from './launch.js';
import { paginate, taskDefinition } from './task-definitions.js';

/** Seconds a task without load balancer or container health check takes to count as healthy (§1.2). */
export const NO_HEALTH_CHECK_SECONDS = 40;
/** Seconds an awsvpc task spends provisioning its ENI before PENDING. */
const PROVISIONING_SECONDS = 1;
/** Seconds from SIGTERM to STOPPED once draining is over (stop + deprovision). */
const STOPPING_SECONDS = 3;
/** How long a one-off (RunTask) container runs before it exits by itself. */
export const ONE_OFF_RUN_SECONDS = 10;
/** ECS keeps stopped tasks visible for about an hour. */
const STOPPED_RETENTION_MS = 3_600_000;

export interface NewTask {
  cluster: ClusterState;
  td: TaskDefinitionState;
  group: string;
  serviceName?: string;
  ownerId?: string;
  startedBy?: string;
  launchType: string;
  capacityProviderName?: string;
  platformVersion?: string;
  overrides?: JsonObject;
  tags?: Tag[];
  loadBalancers?: JsonObject[];
  healthCheckGracePeriodSeconds?: number;
}

function containerDefs(td: TaskDefinitionState): Record<string, unknown>[] {
  return list(td.td.containerDefinitions).filter(isRecord);
}

export function createTask(w: WorldContext, n: NewTask): TaskState {
  const id = w.hex(32);
  const clusterName = n.cluster.clusterName;
  const taskArn = w.arn('ecs', `task/${clusterName}/${id}`);
  const defs = containerDefs(n.td);
  const behaviour = behaviourFor(
    w.scenario,
    defs.map((c) => ({ image: String(c.image), essential: c.essential !== false })),
  );
  const pendingAt = w.now + PROVISIONING_SECONDS * 1000;
  const ip = w.nextIp();
  const targets: TaskState['targets'] = [];
  for (const lb of n.loadBalancers ?? []) {
    if (typeof lb.targetGroupArn === 'string' && typeof lb.containerPort === 'number') {
      targets.push({ targetGroupArn: lb.targetGroupArn, port: lb.containerPort });
    }
  }
  const task: TaskState = {
    taskArn,
    clusterArn: n.cluster.clusterArn,
    group: n.group,
    serviceName: n.serviceName,
    ownerId: n.ownerId,
    startedBy: n.startedBy,
    taskDefinitionArn: String(n.td.td.taskDefinitionArn),
    launchType: n.launchType,
    capacityProviderName: n.capacityProviderName,
    platformVersion: n.launchType === 'FARGATE' ? (n.platformVersion ?? '1.4.0') : undefined,
    cpu: typeof n.td.td.cpu === 'string' ? n.td.td.cpu : undefined,
    memory: typeof n.td.td.memory === 'string' ? n.td.td.memory : undefined,
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    healthStatus: 'UNKNOWN',
    createdAt: w.now,
    containers: defs.map((c) => ({
      name: String(c.name),
      image: String(c.image),
      essential: c.essential !== false,
      lastStatus: 'PENDING',
      healthStatus: c.healthCheck ? 'UNKNOWN' : undefined,
    })),
    behaviour,
    privateIp: ip,
    availabilityZone: `${w.region}${'abc'[w.st.ipSeq % 3]}`,
    overrides: n.overrides,
    tags: n.tags ?? [],
    pendingAt,
    runningAt: pendingAt + behaviour.startSeconds * 1000,
    targets,
    hasContainerHealthCheck: defs.some((c) => c.essential !== false && isRecord(c.healthCheck)),
    hcGraceUntil: undefined,
  };
  if (n.healthCheckGracePeriodSeconds) task.hcGraceUntil = task.runningAt + n.healthCheckGracePeriodSeconds * 1000;
  for (const c of task.containers) if (c.healthStatus === undefined) delete c.healthStatus;
  w.st.ecs.tasks[taskArn] = task;
  return task;
}

function containerHealthTimes(w: WorldContext, task: TaskState): { healthy: number; unhealthy: number } {
  const td = w.st.ecs.tasks[task.taskArn] ? taskDefinition(w, task.taskDefinitionArn) : undefined;
  let interval = 30;
  let retries = 3;
  let startPeriod = 0;
  for (const c of td ? containerDefs(td) : []) {
    if (c.essential === false || !isRecord(c.healthCheck)) continue;
    interval = typeof c.healthCheck.interval === 'number' ? c.healthCheck.interval : interval;
    retries = typeof c.healthCheck.retries === 'number' ? c.healthCheck.retries : retries;
    startPeriod = typeof c.healthCheck.startPeriod === 'number' ? c.healthCheck.startPeriod : startPeriod;
  }
  return {
    healthy: task.runningAt + Math.max(5, Math.min(interval, startPeriod || interval)) * 1000,
    unhealthy: task.runningAt + (startPeriod + interval * retries) * 1000,
  };
}

/** RUNNING: containers up, targets registered, health outcome planned. */
function becomeRunning(w: WorldContext, task: TaskState): void {
  task.lastStatus = 'RUNNING';
  task.startedAt = w.now;
  task.pullStoppedAt = w.now;
  for (const c of task.containers) c.lastStatus = 'RUNNING';
  const b = task.behaviour;
  let healthy = w.now + NO_HEALTH_CHECK_SECONDS * 1000;
  let unhealthy: number | undefined;
  let checked = false;
  if (task.hasContainerHealthCheck) {
    const t = containerHealthTimes(w, task);
    checked = true;
    if (b.failHealthChecks) unhealthy = t.unhealthy;
    else healthy = t.healthy;
  }
  for (const target of task.targets) {
    const tg = targetGroupOrUndefined(w, target.targetGroupArn);
    if (!tg) continue;
    const hc = tg.healthCheck;
    const goodAt = w.now + hc.intervalSeconds * hc.healthyThresholdCount * 1000;
    const badAt = w.now + hc.intervalSeconds * hc.unhealthyThresholdCount * 1000;
    registerTarget(tg, {
      id: task.privateIp,
      port: target.port,
      state: 'initial',
      taskArn: task.taskArn,
      healthyAt: b.failHealthChecks ? undefined : goodAt,
      unhealthyAt: b.failHealthChecks ? badAt : undefined,
    });
    if (b.failHealthChecks) unhealthy = Math.min(unhealthy ?? badAt, badAt);
    else healthy = checked ? Math.max(healthy, goodAt) : goodAt;
    checked = true;
  }
  if (unhealthy !== undefined) {
    // The grace period hides failing checks from the scheduler until it ends (§1.2).
    task.unhealthyAt = Math.max(unhealthy, task.hcGraceUntil ?? 0);
  } else {
    task.healthyAt = healthy;
  }
}

function finishStop(w: WorldContext, task: TaskState): void {
  task.lastStatus = 'STOPPED';
  task.stoppedAt = w.now;
  task.executionStoppedAt = task.executionStoppedAt ?? w.now;
  for (const c of task.containers) {
    c.lastStatus = 'STOPPED';
    if (c.exitCode === undefined && task.startedAt !== undefined) c.exitCode = 0;
  }
  task.targets = [];
  w.st.stoppedTasks.push(task.taskArn);
}

/** Asks a task to stop: deregisters its targets (draining), then stops it (§3.2 draining, §1.2 SIGTERM). */
export function stopTask(w: WorldContext, task: TaskState, reason: string, stopCode: string): void {
  if (task.desiredStatus === 'STOPPED') return;
  task.desiredStatus = 'STOPPED';
  task.stoppingAt = w.now;
  task.stoppedReason = reason;
  task.stopCode = stopCode;
  let drainUntil = w.now;
  if (task.lastStatus === 'RUNNING') {
    for (const target of task.targets) {
      const tg = targetGroupOrUndefined(w, target.targetGroupArn);
      if (tg) drainUntil = Math.max(drainUntil, drainTarget(w, tg, task.privateIp, target.port));
    }
    task.lastStatus = task.targets.length ? 'DEACTIVATING' : 'STOPPING';
  } else {
    task.lastStatus = 'STOPPING';
  }
  task.drainUntil = drainUntil;
  task.stopAt = drainUntil + STOPPING_SECONDS * 1000;
}

/** The task exits on its own (crash or a one-off task finishing). */
function exitTask(w: WorldContext, task: TaskState, exitCode: number, crashed: boolean): void {
  for (const c of task.containers) {
    if (c.essential) {
      c.exitCode = exitCode;
      c.reason = crashed ? `Essential container exited with code ${exitCode}` : undefined;
      if (c.reason === undefined) delete c.reason;
    }
  }
  task.executionStoppedAt = w.now;
  stopTask(w, task, 'Essential container in task exited', 'EssentialContainerExited');
}

/**
 * Advances one task to `w.now`. Returns the next time it needs attention. Sets `task.counted` when the
 * scheduler learns something (healthy, or failed to start / failed health checks).
 */
export function advanceTask(w: WorldContext, task: TaskState): number | undefined {
  const now = w.now;
  if (task.lastStatus === 'STOPPED') return undefined;
  if (task.desiredStatus === 'STOPPED') {
    if (task.drainUntil !== undefined && now >= task.drainUntil && task.lastStatus === 'DEACTIVATING') task.lastStatus = 'STOPPING';
    if (task.stopAt !== undefined && now >= task.stopAt) {
      finishStop(w, task);
      return undefined;
    }
    if (task.lastStatus === 'DEACTIVATING') return task.drainUntil;
    return task.stopAt;
  }
  if (task.lastStatus === 'PROVISIONING' && now >= task.pendingAt) {
    task.lastStatus = 'PENDING';
    task.pullStartedAt = task.pendingAt;
  }
  if (task.lastStatus === 'PENDING' && now >= task.runningAt) {
    task.pullStoppedAt = task.runningAt;
    if (task.behaviour.crashOnStart) {
      task.counted = 'failed';
      exitTask(w, task, task.behaviour.exitCode ?? 1, true);
      return task.stopAt;
    }
    becomeRunning(w, task);
    if (!task.serviceName) task.exitAt = now + ONE_OFF_RUN_SECONDS * 1000;
  }
  if (task.lastStatus === 'PROVISIONING') return task.pendingAt;
  if (task.lastStatus === 'PENDING') return task.runningAt;
  // RUNNING
  let next: number | undefined;
  for (const target of task.targets) {
    const tg = targetGroupOrUndefined(w, target.targetGroupArn);
    const t = tg?.targets.find((x) => x.id === task.privateIp && x.port === target.port);
    if (!tg || !t) continue;
    if (t.healthyAt !== undefined) {
      if (now >= t.healthyAt) setTargetState(t, 'healthy');
      else next = Math.min(next ?? t.healthyAt, t.healthyAt);
    }
    if (t.unhealthyAt !== undefined) {
      if (now >= t.unhealthyAt) setTargetState(t, 'unhealthy');
      else next = Math.min(next ?? t.unhealthyAt, t.unhealthyAt);
    }
  }
  if (task.healthyAt !== undefined && !task.counted) {
    if (now >= task.healthyAt) {
      task.counted = 'healthy';
      if (task.hasContainerHealthCheck) {
        task.healthStatus = 'HEALTHY';
        for (const c of task.containers) if (c.healthStatus) c.healthStatus = 'HEALTHY';
      }
    } else next = Math.min(next ?? task.healthyAt, task.healthyAt);
  }
  if (task.unhealthyAt !== undefined && !task.counted) {
    if (now >= task.unhealthyAt) {
      task.counted = 'failed';
      if (task.hasContainerHealthCheck) {
        task.healthStatus = 'UNHEALTHY';
        for (const c of task.containers) if (c.healthStatus) c.healthStatus = 'UNHEALTHY';
      }
    } else next = Math.min(next ?? task.unhealthyAt, task.unhealthyAt);
  }
  if (task.exitAt !== undefined) {
    if (now >= task.exitAt) {
      exitTask(w, task, task.behaviour.exitCode ?? 0, false);
      return task.stopAt;
    }
    next = Math.min(next ?? task.exitAt, task.exitAt);
  }
  return next;
}

/** Is the task healthy for minimumHealthyPercent and steady state? */
export function countsHealthy(task: TaskState): boolean {
  return task.desiredStatus === 'RUNNING' && task.lastStatus === 'RUNNING' && task.counted === 'healthy';
}

export function isLive(task: TaskState): boolean {
  return task.desiredStatus === 'RUNNING' && task.lastStatus !== 'STOPPED';
}

/** Forgets stopped tasks an hour after they stopped. */
export function pruneStoppedTasks(w: WorldContext): void {
  const q = w.st.stoppedTasks;
  let i = 0;
  while (i < q.length) {
    const t = w.st.ecs.tasks[q[i] as string];
    if (t && (t.stoppedAt ?? 0) + STOPPED_RETENTION_MS > w.now) break;
    if (t) delete w.st.ecs.tasks[t.taskArn];
    i++;
  }
  if (i) q.splice(0, i);
}

export function taskId(taskArn: string): string {
  return taskArn.split('/').pop() ?? taskArn;
}

// ---------------------------------------------------------------------------------------------- output

export function taskOut(w: WorldContext, t: TaskState, includeTags: boolean): Record<string, unknown> {
  const attachmentId = t.taskArn.slice(-36).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  const out: Record<string, unknown> = compact({
    taskArn: t.taskArn,
    clusterArn: t.clusterArn,
    taskDefinitionArn: t.taskDefinitionArn,
    overrides: t.overrides ? clone(t.overrides) : { containerOverrides: [], inferenceAcceleratorOverrides: [] },
    lastStatus: t.lastStatus,
    desiredStatus: t.desiredStatus,
    cpu: t.cpu,
    memory: t.memory,
    containers: t.containers.map((c) =>
      compact({
        containerArn: w.arn('ecs', `container/${t.taskArn.split('task/')[1]}/${c.name}`),
        taskArn: t.taskArn,
        name: c.name,
        image: c.image,
        lastStatus: c.lastStatus,
        exitCode: c.exitCode,
        reason: c.reason,
        networkBindings: [],
        networkInterfaces: [{ attachmentId, privateIpv4Address: t.privateIp }],
        healthStatus: c.healthStatus ?? 'UNKNOWN',
      }),
    ),
    startedBy: t.startedBy,
    version: t.lastStatus === 'STOPPED' ? 4 : t.lastStatus === 'RUNNING' ? 2 : 1,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    connectivity: 'CONNECTED',
    connectivityAt: date(t.createdAt),
    pullStartedAt: date(t.pullStartedAt),
    pullStoppedAt: date(t.pullStoppedAt),
    executionStoppedAt: date(t.executionStoppedAt),
    createdAt: date(t.createdAt),
    startedAt: date(t.startedAt),
    stoppingAt: date(t.stoppingAt),
    stoppedAt: date(t.stoppedAt),
    group: t.group,
    launchType: t.launchType,
    capacityProviderName: t.capacityProviderName,
    platformVersion: t.platformVersion,
    platformFamily: t.launchType === 'FARGATE' ? 'Linux' : undefined,
    availabilityZone: t.availabilityZone,
    attachments: [
      {
        id: attachmentId,
        type: 'ElasticNetworkInterface',
        status: t.lastStatus === 'STOPPED' ? 'DELETED' : 'ATTACHED',
        details: [{ name: 'privateIPv4Address', value: t.privateIp }],
      },
    ],
    healthStatus: t.healthStatus,
    enableExecuteCommand: false,
  });
  if (includeTags) out.tags = clone(t.tags);
  return out;
}

// ---------------------------------------------------------------------------------------------- API

export function runTask(w: WorldContext, input: Input): Record<string, unknown> {
  // Parameters are checked before anything is looked up.
  checkLaunchType(optString(input, 'launchType'));
  const cluster = w.cluster(optString(input, 'cluster'));
  const td = taskDefinition(w, reqString(input, 'taskDefinition'));
  if (td.td.status !== 'ACTIVE') throw new SandboxApiError('ClientException', 'TaskDefinition is inactive');
  const count = optNumber(input, 'count') ?? 1;
  if (count < 1 || count > 10) throw new SandboxApiError('InvalidParameterException', 'count must be between 1 and 10');
  const placement = placementOf(cluster, {
    launchType: optString(input, 'launchType'),
    capacityProviderStrategy: input.capacityProviderStrategy,
  });
  checkCompatibility(td, placement);
  if (td.td.networkMode === 'awsvpc' && !isRecord(input.networkConfiguration)) {
    throw new SandboxApiError(
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  }
  const family = String(td.td.family);
  const tags = list(input.tags)
    .filter(isRecord)
    .map((t) => ({ key: String(t.key), value: String(t.value ?? '') }));
  const tasks: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const task = createTask(w, {
      cluster,
      td: applyContainerOverrides(td, input.overrides),
      group: optString(input, 'group') ?? `family:${family}`,
      startedBy: optString(input, 'startedBy'),
      // As in AWS: the launch type asked for, else the cluster's default capacity provider strategy, else EC2.
      // The sandbox models no EC2 capacity: such tasks are placed as if an instance had room.
      launchType: effectiveLaunchType(placement),
      capacityProviderName: chosenProvider(placement.capacityProviderStrategy),
      platformVersion: optString(input, 'platformVersion'),
      overrides: isRecord(input.overrides) ? (clone(input.overrides) as JsonObject) : undefined,
      tags,
    });
    // RunTask tasks are recorded against the registered definition, not the overridden copy.
    task.taskDefinitionArn = String(td.td.taskDefinitionArn);
    w.activateTask(task.taskArn);
    tasks.push(taskOut(w, task, false));
  }
  return { tasks, failures: [] };
}

/** A copy of the task definition whose container images/commands follow `overrides.containerOverrides`. */
function applyContainerOverrides(td: TaskDefinitionState, overrides: unknown): TaskDefinitionState {
  if (!isRecord(overrides)) return td;
  const copy = clone(td);
  for (const o of list(overrides.containerOverrides).filter(isRecord)) {
    const c = containerDefs(copy).find((x) => x.name === o.name);
    if (c && typeof o.image === 'string') c.image = o.image;
  }
  return copy;
}

export function describeTasks(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const refs = list(input.tasks).map(String);
  if (!refs.length) throw new SandboxApiError('InvalidParameterException', 'Tasks cannot be empty.');
  if (refs.length > 100) throw new SandboxApiError('InvalidParameterException', 'Tasks cannot have more than 100 elements.');
  const includeTags = list(input.include).includes('TAGS');
  const tasks: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const ref of refs) {
    const arn = ref.startsWith('arn:') ? ref : w.arn('ecs', `task/${cluster.clusterName}/${ref}`);
    const t = w.st.ecs.tasks[arn];
    if (t && t.clusterArn === cluster.clusterArn) tasks.push(taskOut(w, t, includeTags));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { tasks, failures };
}

export function listTasks(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const serviceName = optString(input, 'serviceName');
  if (serviceName !== undefined) w.service(cluster, serviceName);
  const family = optString(input, 'family');
  const startedBy = optString(input, 'startedBy');
  const desired = optString(input, 'desiredStatus') ?? 'RUNNING';
  const launchType = optString(input, 'launchType');
  const svcName = serviceName?.startsWith('arn:') ? serviceName.split('/').pop() : serviceName;
  const arns: string[] = [];
  for (const t of Object.values(w.st.ecs.tasks)) {
    if (t.clusterArn !== cluster.clusterArn) continue;
    if (svcName !== undefined && t.serviceName !== svcName) continue;
    if (family !== undefined && !t.taskDefinitionArn.includes(`task-definition/${family}:`)) continue;
    if (startedBy !== undefined && t.startedBy !== startedBy) continue;
    if (launchType !== undefined && t.launchType !== launchType) continue;
    if (t.desiredStatus !== desired) continue;
    arns.push(t.taskArn);
  }
  return paginate(arns, input, 'taskArns', 100);
}

export function stopTaskApi(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const ref = reqString(input, 'task');
  const arn = ref.startsWith('arn:') ? ref : w.arn('ecs', `task/${cluster.clusterName}/${ref}`);
  const t = w.st.ecs.tasks[arn];
  if (!t) throw new SandboxApiError('InvalidParameterException', 'The referenced task was not found.');
  stopTask(w, t, optString(input, 'reason') ?? 'Task stopped by user', 'UserInitiated');
  if (t.serviceName) {
    const svc = cluster.services[t.serviceName];
    if (svc) {
      svc.steady = false;
      w.activateService(svc.serviceArn);
    }
  } else {
    w.activateTask(t.taskArn);
  }
  return { task: taskOut(w, t, false) };
}
