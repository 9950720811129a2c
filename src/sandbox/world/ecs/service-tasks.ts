/**
 * What the scheduler does with a service's tasks, shared by rolling deployments (scheduler.ts) and ECS-native
 * blue/green deployments (service-deployment-lifecycle.ts): listing them, launching and stopping them with AWS's
 * service event messages (§1.7), and absorbing what they told the scheduler (healthy, failed: §1.4).
 */
import type { WorldContext } from '../context.js';
import type { JsonObject, ServiceState, TaskState } from '../types.js';
import { chosenProvider, effectiveLaunchType } from './launch.js';
import { findTaskDefinition } from './task-definitions.js';
import { countsHealthy, createTask, stopTask, taskId } from './tasks.js';

export function tasksOf(w: WorldContext, svc: ServiceState): TaskState[] {
  const out: TaskState[] = [];
  for (const arn of svc.taskArns) {
    const t = w.st.ecs.tasks[arn];
    if (t) out.push(t);
  }
  return out;
}

export function serviceEvent(w: WorldContext, svc: ServiceState, text: string): void {
  w.serviceEvent(svc, `(service ${svc.serviceName}) ${text}`);
}

export function min(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Records what tasks told the scheduler (healthy / failed) on their deployment; stops failed tasks. */
export function absorbOutcomes(
  w: WorldContext,
  svc: ServiceState,
  tasks: TaskState[],
  owner: (id: string | undefined) => { failedTasks?: number; consecutiveFailures: number; backoffUntil?: number } | undefined,
  resetOnHealthy: boolean,
): void {
  for (const t of tasks) {
    if (!t.counted || t.healthReported) continue;
    t.healthReported = true;
    const o = owner(t.ownerId);
    if (t.counted === 'healthy') {
      if (o) {
        o.consecutiveFailures = 0;
        if (resetOnHealthy && o.failedTasks !== undefined) o.failedTasks = 0;
      }
      continue;
    }
    if (t.desiredStatus === 'RUNNING') {
      const tg = t.targets[0]?.targetGroupArn;
      if (tg && t.behaviour.failHealthChecks && !t.hasContainerHealthCheck) {
        serviceEvent(w, svc, `(task ${taskId(t.taskArn)}) is unhealthy in (target-group ${tg}) due to (reason Health checks failed).`);
        stopTask(w, t, `Task failed ELB health checks in (target-group ${tg})`, 'ServiceSchedulerInitiated');
      } else {
        serviceEvent(w, svc, `(task ${taskId(t.taskArn)}) failed container health checks.`);
        stopTask(w, t, 'Task failed container health checks', 'ServiceSchedulerInitiated');
      }
    }
    if (o) {
      if (o.failedTasks !== undefined) o.failedTasks++;
      o.consecutiveFailures++;
      // The scheduler backs off a service that keeps failing to start tasks (§1.7).
      if (o.consecutiveFailures >= 3) o.backoffUntil = w.now + Math.min(300_000, 15_000 * 2 ** (o.consecutiveFailures - 3));
    }
  }
}

export function launch(
  w: WorldContext,
  svc: ServiceState,
  owner: { id: string; launchType?: string; capacityProviderStrategy?: JsonObject[]; platformVersion?: string },
  taskDefinition: string,
  count: number,
  loadBalancers: JsonObject[],
): TaskState[] {
  const ownerId = owner.id;
  const td = findTaskDefinition(w, taskDefinition);
  const cluster = w.st.ecs.clusters[svc.clusterArn];
  if (!td || !cluster || count <= 0) return [];
  const started: TaskState[] = [];
  for (let i = 0; i < count; i++) {
    const t = createTask(w, {
      cluster,
      td,
      group: `service:${svc.serviceName}`,
      serviceName: svc.serviceName,
      ownerId,
      startedBy: ownerId,
      launchType: effectiveLaunchType(owner),
      capacityProviderName: chosenProvider(owner.capacityProviderStrategy),
      platformVersion: owner.platformVersion,
      loadBalancers,
      healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
      tags: [],
    });
    svc.taskArns.push(t.taskArn);
    started.push(t);
  }
  serviceEvent(w, svc, `has started ${started.length} tasks: ${started.map((t) => `(task ${taskId(t.taskArn)})`).join(' ')}.`);
  return started;
}

export function stopForScaling(w: WorldContext, svc: ServiceState, tasks: TaskState[], reason: string): void {
  if (!tasks.length) return;
  for (const t of tasks) stopTask(w, t, reason, 'ServiceSchedulerInitiated');
  serviceEvent(w, svc, `has stopped ${tasks.length} running tasks: ${tasks.map((t) => `(task ${taskId(t.taskArn)})`).join(' ')}.`);
}

/** Not-yet-healthy first, then oldest: the order the scheduler gives up tasks in. */
export function stopOrder(a: TaskState, b: TaskState): number {
  const ha = countsHealthy(a) ? 1 : 0;
  const hb = countsHealthy(b) ? 1 : 0;
  return ha - hb || a.createdAt - b.createdAt;
}
