/**
 * The service deployments API (§1.10): ListServiceDeployments, DescribeServiceDeployments (with the lifecycle
 * stage, hook details and traffic weights of BLUE_GREEN / LINEAR / CANARY deployments), DescribeServiceRevisions,
 * and the two calls that act on a deployment: ContinueServiceDeployment (a PAUSE hook's answer) and
 * StopServiceDeployment (ROLLBACK).
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, date, isRecord, list, optNumber, optString, reqString, toMillis, type Input } from '../input.js';
import type { LifecycleHookRunState, ServiceDeploymentState, ServiceState } from '../types.js';
import { rollBackRolling } from './scheduler.js';
import { requestNativeRollback } from './service-deployment-lifecycle.js';
import { paginate } from './task-definitions.js';
import { isLive } from './tasks.js';

function sdOut(w: WorldContext, arn: string): Record<string, unknown> | undefined {
  const sd = w.st.ecs.serviceDeployments[arn];
  if (!sd) return undefined;
  const svc = w.serviceByArn(sd.serviceArn);
  const revisionSummary = (revArn: string, deploymentId: string | undefined) => {
    let running = 0;
    let pending = 0;
    let requested = 0;
    for (const a of svc?.taskArns ?? []) {
      const t = w.st.ecs.tasks[a];
      if (!t) continue;
      const rev = svc?.deployments.find((d) => d.id === t.ownerId)?.serviceRevisionArn;
      if (rev !== revArn && t.ownerId !== deploymentId) continue;
      if (isLive(t)) requested++;
      if (t.lastStatus === 'RUNNING') running++;
      else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
    }
    return { arn: revArn, requestedTaskCount: requested, runningTaskCount: running, pendingTaskCount: pending };
  };
  const n = sd.native;
  // BLUE_GREEN / LINEAR / CANARY: the weights ECS asked for, green on the target revision, blue on the source one.
  const blueRevision = n?.blueDeploymentId ? svc?.deployments.find((d) => d.id === n.blueDeploymentId)?.serviceRevisionArn : undefined;
  const weights = (revArn: string, isTarget: boolean) =>
    n && (isTarget || revArn === blueRevision)
      ? {
          requestedTestTrafficWeight: isTarget ? n.testWeight : 100 - n.testWeight,
          requestedProductionTrafficWeight: isTarget ? n.productionWeight : 100 - n.productionWeight,
        }
      : {};
  return compact({
    serviceDeploymentArn: sd.serviceDeploymentArn,
    serviceArn: sd.serviceArn,
    clusterArn: sd.clusterArn,
    createdAt: new Date(sd.createdAt),
    startedAt: date(sd.startedAt),
    finishedAt: date(sd.finishedAt),
    stoppedAt: date(sd.stoppedAt),
    updatedAt: new Date(sd.updatedAt),
    sourceServiceRevisions: sd.sourceServiceRevisions.map((r) => ({ ...revisionSummary(r, undefined), ...weights(r, false) })),
    targetServiceRevision: { ...revisionSummary(sd.targetServiceRevision, sd.deploymentId), ...weights(sd.targetServiceRevision, true) },
    status: sd.status,
    statusReason: sd.statusReason,
    lifecycleStage: n?.stage,
    lifecycleHookDetails: n ? n.hooks.map(hookDetailOut) : undefined,
    deploymentConfiguration: clone(sd.deploymentConfiguration),
    rollback: sd.rollback
      ? { reason: sd.rollback.reason, startedAt: new Date(sd.rollback.startedAt), serviceRevisionArn: sd.rollback.serviceRevisionArn }
      : undefined,
    deploymentCircuitBreaker: clone(sd.circuitBreaker),
    alarms: clone(sd.alarms),
  });
}

export function listServiceDeployments(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const svc = w.findService(cluster, reqString(input, 'service'));
  if (!svc) throw new SandboxApiError('ServiceNotFoundException', 'Service not found.');
  const statuses = list(input.status).map(String);
  const created = isRecord(input.createdAt) ? input.createdAt : {};
  const before = toMillis(created.before);
  const after = toMillis(created.after);
  const all = Object.values(w.st.ecs.serviceDeployments)
    .filter((sd) => sd.serviceArn === svc.serviceArn)
    .filter((sd) => !statuses.length || statuses.includes(sd.status))
    .filter((sd) => (before === undefined || sd.createdAt < before) && (after === undefined || sd.createdAt > after))
    .sort((a, b) => b.createdAt - a.createdAt);
  const page = paginate(
    all.map((sd) => sd.serviceDeploymentArn),
    { ...input, maxResults: optNumber(input, 'maxResults') ?? 20 },
    'arns',
    100,
  );
  const briefs = (page.arns as string[]).map((arn) => {
    const sd = w.st.ecs.serviceDeployments[arn];
    if (!sd) return {};
    return compact({
      serviceDeploymentArn: sd.serviceDeploymentArn,
      serviceArn: sd.serviceArn,
      clusterArn: sd.clusterArn,
      startedAt: date(sd.startedAt),
      createdAt: new Date(sd.createdAt),
      finishedAt: date(sd.finishedAt),
      targetServiceRevisionArn: sd.targetServiceRevision,
      status: sd.status,
      statusReason: sd.statusReason,
    });
  });
  return compact({ serviceDeployments: briefs, nextToken: page.nextToken as string | undefined });
}

export function describeServiceDeployments(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = list(input.serviceDeploymentArns).map(String);
  if (!arns.length) throw new SandboxApiError('InvalidParameterException', 'serviceDeploymentArns cannot be empty.');
  if (arns.length > 20) throw new SandboxApiError('InvalidParameterException', 'serviceDeploymentArns cannot have more than 20 elements.');
  const serviceDeployments: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const arn of arns) {
    const out = sdOut(w, arn);
    if (out) serviceDeployments.push(out);
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
}

export function describeServiceRevisions(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = list(input.serviceRevisionArns).map(String);
  const serviceRevisions: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const arn of arns) {
    const r = w.st.ecs.serviceRevisions[arn];
    if (!r) {
      failures.push({ arn, reason: 'MISSING' });
      continue;
    }
    serviceRevisions.push(
      compact({
        serviceRevisionArn: r.serviceRevisionArn,
        serviceArn: r.serviceArn,
        clusterArn: r.clusterArn,
        taskDefinition: r.taskDefinition,
        launchType: r.launchType,
        platformVersion: r.platformVersion,
        networkConfiguration: r.networkConfiguration ? clone(r.networkConfiguration) : undefined,
        loadBalancers: clone(r.loadBalancers),
        containerImages: clone(r.containerImages),
        resolvedConfiguration: r.resolvedLoadBalancers ? { loadBalancers: clone(r.resolvedLoadBalancers) } : undefined,
        createdAt: new Date(r.createdAt),
      }),
    );
  }
  return { serviceRevisions, failures };
}

function hookDetailOut(h: LifecycleHookRunState): Record<string, unknown> {
  return compact({
    hookId: h.hookId,
    targetType: h.targetType,
    targetArn: h.targetArn,
    status: h.status,
    expiresAt: new Date(h.expiresAt),
    timeoutAction: h.timeoutAction,
  });
}

/** The service deployment an action names, with its service; AWS's error when there is none. */
function actionable(w: WorldContext, input: Input): { sd: ServiceDeploymentState; svc: ServiceState } {
  const arn = reqString(input, 'serviceDeploymentArn');
  const sd = w.st.ecs.serviceDeployments[arn];
  const svc = sd ? w.serviceByArn(sd.serviceArn) : undefined;
  if (!sd || !svc) {
    throw new SandboxApiError(
      'ServiceDeploymentNotFoundException',
      `The service deployment ${arn} does not exist. Use ListServiceDeployments to find the ARNs of a service's deployments.`,
    );
  }
  return { sd, svc };
}

/** "Continues or rolls back an Amazon ECS service deployment that is paused at a lifecycle hook" (§1.10). */
export function continueServiceDeployment(w: WorldContext, input: Input): Record<string, unknown> {
  const hookId = reqString(input, 'hookId');
  const action = optString(input, 'action') ?? 'CONTINUE';
  if (action !== 'CONTINUE' && action !== 'ROLLBACK') {
    throw new SandboxApiError('InvalidParameterException', `action must be CONTINUE or ROLLBACK, not ${action}.`);
  }
  const { sd, svc } = actionable(w, input);
  // Preconditions: the deployment is IN_PROGRESS and the hook is AWAITING_ACTION (continue-service-deployment).
  if (sd.status !== 'IN_PROGRESS') {
    throw new SandboxApiError(
      'InvalidParameterException',
      `The service deployment is ${sd.status}; only an IN_PROGRESS deployment can be continued.`,
    );
  }
  const hook = sd.native?.hooks.find((h) => h.hookId === hookId);
  if (hook?.targetType !== 'PAUSE') {
    throw new SandboxApiError('InvalidParameterException', `The service deployment has no pause hook ${hookId} at its current stage.`);
  }
  if (hook.status !== 'AWAITING_ACTION') {
    throw new SandboxApiError('InvalidParameterException', `The pause hook ${hookId} is ${hook.status}, not AWAITING_ACTION.`);
  }
  if (action === 'CONTINUE') hook.status = 'SUCCEEDED';
  else {
    hook.status = 'FAILED';
    requestNativeRollback(w, svc, sd, `Rolled back by ContinueServiceDeployment at the pause hook ${hookId} (${sd.native?.stage}).`);
  }
  sd.updatedAt = w.now;
  w.activateService(svc.serviceArn);
  return { serviceDeploymentArn: sd.serviceDeploymentArn };
}

const FINISHED = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

/**
 * StopServiceDeployment with ROLLBACK (§1.10): PENDING or IN_PROGRESS → ROLLBACK_REQUESTED, then the rollback;
 * a deployment already stopping or rolling back goes on doing so; a finished one is a conflict. ABORT is in the
 * model but not documented as usable: refused.
 */
export function stopServiceDeployment(w: WorldContext, input: Input): Record<string, unknown> {
  const stopType = optString(input, 'stopType') ?? 'ROLLBACK';
  if (stopType !== 'ROLLBACK') {
    throw new SandboxApiError('InvalidParameterException', `stopType ${stopType} is not supported; the valid value is ROLLBACK.`);
  }
  const { sd, svc } = actionable(w, input);
  if (FINISHED.has(sd.status)) {
    throw new SandboxApiError('ConflictException', `The service deployment is ${sd.status} and cannot be stopped.`);
  }
  if (sd.status === 'PENDING' || sd.status === 'IN_PROGRESS') {
    const reason = 'Rolled back by StopServiceDeployment.';
    if (sd.native) requestNativeRollback(w, svc, sd, reason);
    else rollBackRolling(w, svc, sd, reason);
  }
  w.activateService(svc.serviceArn);
  return { serviceDeploymentArn: sd.serviceDeploymentArn };
}
