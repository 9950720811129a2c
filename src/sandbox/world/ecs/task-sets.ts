/**
 * Task sets of a CODE_DEPLOY service (§1.3): the blue and green sets a CodeDeploy deployment moves traffic between.
 * The scheduler keeps each at `ceil(desired × scale)` tasks.
 */
import type { WorldContext } from '../context.js';
import { clone, compact } from '../input.js';
import type { JsonObject, ServiceState, TaskSetState } from '../types.js';
import { computedDesiredCount } from './scheduler.js';

export function createTaskSet(
  w: WorldContext,
  svc: ServiceState,
  taskDefinitionArn: string,
  o: { status: TaskSetState['status']; scale: number; loadBalancers: JsonObject[]; externalId?: string; startedBy?: string },
): TaskSetState {
  const id = `ecs-svc/${w.digits(19)}`;
  const clusterName = svc.clusterArn.split('/').pop() ?? 'default';
  const ts: TaskSetState = {
    id,
    taskSetArn: w.arn('ecs', `task-set/${clusterName}/${svc.serviceName}/${id}`),
    status: o.status,
    taskDefinition: taskDefinitionArn,
    startedBy: o.startedBy,
    externalId: o.externalId,
    scale: o.scale,
    createdAt: w.now,
    updatedAt: w.now,
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: w.now,
    launchType: svc.launchType,
    platformVersion: svc.platformVersion,
    networkConfiguration: svc.networkConfiguration,
    loadBalancers: o.loadBalancers,
    consecutiveFailures: 0,
  };
  svc.taskSets.push(ts);
  svc.steady = false;
  w.activateService(svc.serviceArn);
  return ts;
}

function taskSetCounts(w: WorldContext, svc: ServiceState, ts: TaskSetState): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const a of svc.taskArns) {
    const t = w.st.ecs.tasks[a];
    if (!t || t.ownerId !== ts.id) continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
  }
  return { running, pending };
}

export function taskSetOut(w: WorldContext, svc: ServiceState, ts: TaskSetState): Record<string, unknown> {
  const { running, pending } = taskSetCounts(w, svc, ts);
  return compact({
    id: ts.id,
    taskSetArn: ts.taskSetArn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    startedBy: ts.startedBy,
    externalId: ts.externalId,
    status: ts.status,
    taskDefinition: ts.taskDefinition,
    computedDesiredCount: computedDesiredCount(svc, ts),
    pendingCount: pending,
    runningCount: running,
    createdAt: new Date(ts.createdAt),
    updatedAt: new Date(ts.updatedAt),
    launchType: ts.launchType,
    platformVersion: ts.platformVersion,
    networkConfiguration: ts.networkConfiguration ? clone(ts.networkConfiguration) : undefined,
    loadBalancers: clone(ts.loadBalancers),
    serviceRegistries: [],
    scale: { value: ts.scale, unit: 'PERCENT' },
    stabilityStatus: ts.stabilityStatus,
    stabilityStatusAt: new Date(ts.stabilityStatusAt),
  });
}
