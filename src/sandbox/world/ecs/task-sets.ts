/**
 * Task sets: the blue and green sets a CodeDeploy deployment moves traffic between (§1.3), and those an EXTERNAL
 * deployment controller manages itself through the task set API (Create/Describe/Update/DeleteTaskSet,
 * UpdateServicePrimaryTaskSet). The scheduler keeps each at `ceil(desired × scale)` tasks.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, isRecord, list, optBool, optString, reqString, tagsOf, toNumber, type Input } from '../input.js';
import type { JsonObject, ServiceState, TaskSetState } from '../types.js';
import { checkCompatibility, placementOf } from './launch.js';
import { checkLoadBalancers, normalizeLoadBalancers } from './load-balancers.js';
import { computedDesiredCount } from './scheduler.js';
import { taskDefinition } from './task-definitions.js';

export function createTaskSet(
  w: WorldContext,
  svc: ServiceState,
  taskDefinitionArn: string,
  o: {
    status: TaskSetState['status'];
    scale: number;
    loadBalancers: JsonObject[];
    externalId?: string;
    startedBy?: string;
    launchType?: string;
    capacityProviderStrategy?: JsonObject[];
    platformVersion?: string;
    networkConfiguration?: JsonObject;
  },
): TaskSetState {
  const placed = o.launchType !== undefined || o.capacityProviderStrategy !== undefined;
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
    launchType: placed ? o.launchType : svc.launchType,
    capacityProviderStrategy: placed ? o.capacityProviderStrategy : svc.capacityProviderStrategy,
    platformVersion: o.platformVersion ?? svc.platformVersion,
    networkConfiguration: o.networkConfiguration ?? svc.networkConfiguration,
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
    capacityProviderStrategy: ts.capacityProviderStrategy ? clone(ts.capacityProviderStrategy) : undefined,
    platformVersion: ts.platformVersion,
    networkConfiguration: ts.networkConfiguration ? clone(ts.networkConfiguration) : undefined,
    loadBalancers: clone(ts.loadBalancers),
    serviceRegistries: [],
    scale: { value: ts.scale, unit: 'PERCENT' },
    stabilityStatus: ts.stabilityStatus,
    stabilityStatusAt: new Date(ts.stabilityStatusAt),
  });
}

// ---------------------------------------------------------------------------------------------- API (EXTERNAL)

/** The service of a task set call: it must exist and use the EXTERNAL deployment controller. */
function externalService(w: WorldContext, input: Input): ServiceState {
  const cluster = w.cluster(reqString(input, 'cluster'));
  const svc = w.service(cluster, reqString(input, 'service'));
  if (svc.deploymentController.type !== 'EXTERNAL') {
    throw new SandboxApiError(
      'InvalidParameterException',
      'Amazon ECS only supports task set management on services configured to use external deployment controllers.',
    );
  }
  return svc;
}

/** A task set by ARN, or by the `ecs-svc/...` id its ARN ends with. */
function findTaskSet(svc: ServiceState, ref: string): TaskSetState | undefined {
  return svc.taskSets.find((ts) => ts.taskSetArn === ref || ts.id === ref || ts.taskSetArn.endsWith(`/${ref}`));
}

function taskSet(svc: ServiceState, ref: string): TaskSetState {
  const ts = findTaskSet(svc, ref);
  if (!ts) throw new SandboxApiError('TaskSetNotFoundException', 'The specified task set does not exist.');
  return ts;
}

function scaleOf(v: unknown): number {
  if (!isRecord(v)) return 100;
  const value = toNumber(v.value, 'scale.value') ?? 100;
  if (value < 0 || value > 100) throw new SandboxApiError('InvalidParameterException', 'scale.value must be between 0 and 100.');
  return value;
}

function withTags(w: WorldContext, svc: ServiceState, ts: TaskSetState, include: boolean): Record<string, unknown> {
  const out = taskSetOut(w, svc, ts);
  if (include) out.tags = clone(w.st.ecs.resourceTags[ts.taskSetArn] ?? []);
  return out;
}

export function createTaskSetApi(w: WorldContext, input: Input): Record<string, unknown> {
  const svc = externalService(w, input);
  const cluster = w.cluster(reqString(input, 'cluster'));
  const tdRef = reqString(input, 'taskDefinition');
  const td = taskDefinition(w, tdRef);
  if (td.td.status !== 'ACTIVE') throw new SandboxApiError('ClientException', 'TaskDefinition is inactive');
  const placement = placementOf(cluster, {
    launchType: optString(input, 'launchType'),
    capacityProviderStrategy: input.capacityProviderStrategy,
  });
  checkCompatibility(td, placement);
  const loadBalancers = normalizeLoadBalancers(input.loadBalancers);
  checkLoadBalancers(w, loadBalancers, tdRef);
  const ts = createTaskSet(w, svc, String(td.td.taskDefinitionArn), {
    status: 'ACTIVE',
    scale: scaleOf(input.scale),
    loadBalancers,
    externalId: optString(input, 'externalId'),
    launchType: placement.launchType,
    capacityProviderStrategy: placement.capacityProviderStrategy,
    platformVersion: optString(input, 'platformVersion') ?? (placement.launchType === 'FARGATE' ? 'LATEST' : undefined),
    networkConfiguration: isRecord(input.networkConfiguration) ? (clone(input.networkConfiguration) as JsonObject) : undefined,
  });
  const tags = tagsOf(input.tags);
  if (tags.length) w.st.ecs.resourceTags[ts.taskSetArn] = tags;
  return { taskSet: taskSetOut(w, svc, ts) };
}

export function describeTaskSets(w: WorldContext, input: Input): Record<string, unknown> {
  const svc = externalService(w, input);
  const refs = list(input.taskSets).map(String);
  const include = list(input.include).includes('TAGS');
  const taskSets: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  if (!refs.length) for (const ts of svc.taskSets) taskSets.push(withTags(w, svc, ts, include));
  for (const ref of refs) {
    const ts = findTaskSet(svc, ref);
    if (ts) taskSets.push(withTags(w, svc, ts, include));
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { taskSets, failures };
}

export function updateTaskSet(w: WorldContext, input: Input): Record<string, unknown> {
  const svc = externalService(w, input);
  const ts = taskSet(svc, reqString(input, 'taskSet'));
  ts.scale = scaleOf(input.scale);
  ts.updatedAt = w.now;
  svc.steady = false;
  w.activateService(svc.serviceArn);
  return { taskSet: taskSetOut(w, svc, ts) };
}

/** The new primary set's task definition becomes the service's; the old primary stays ACTIVE. */
export function updateServicePrimaryTaskSet(w: WorldContext, input: Input): Record<string, unknown> {
  const svc = externalService(w, input);
  const primary = taskSet(svc, reqString(input, 'primaryTaskSet'));
  for (const ts of svc.taskSets) {
    if (ts.status === 'PRIMARY' && ts !== primary) {
      ts.status = 'ACTIVE';
      ts.updatedAt = w.now;
    }
  }
  primary.status = 'PRIMARY';
  primary.updatedAt = w.now;
  svc.taskDefinition = primary.taskDefinition;
  return { taskSet: taskSetOut(w, svc, primary) };
}

/**
 * A deleted task set drains: its tasks stop and it disappears once they have. "If true [force], you can delete a
 * task set even if it hasn't been scaled down to zero" (API_DeleteTaskSet): without force, it must have been.
 */
export function deleteTaskSet(w: WorldContext, input: Input): Record<string, unknown> {
  const svc = externalService(w, input);
  const ts = taskSet(svc, reqString(input, 'taskSet'));
  if (ts.status === 'DRAINING') throw new SandboxApiError('TaskSetNotFoundException', 'The specified task set does not exist.');
  if (optBool(input, 'force') !== true && computedDesiredCount(svc, ts) > 0) {
    throw new SandboxApiError(
      'InvalidParameterException',
      'The task set has not been scaled down to zero. Update its scale to 0 first, or delete it with force.',
    );
  }
  ts.status = 'DRAINING';
  ts.updatedAt = w.now;
  svc.steady = false;
  w.activateService(svc.serviceArn);
  return { taskSet: taskSetOut(w, svc, ts) };
}
