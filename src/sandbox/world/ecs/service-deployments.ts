/** The service deployments API (§1.10): ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, date, isRecord, list, optNumber, optString, reqString, toMillis, type Input } from '../input.js';
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
  return compact({
    serviceDeploymentArn: sd.serviceDeploymentArn,
    serviceArn: sd.serviceArn,
    clusterArn: sd.clusterArn,
    createdAt: new Date(sd.createdAt),
    startedAt: date(sd.startedAt),
    finishedAt: date(sd.finishedAt),
    stoppedAt: date(sd.stoppedAt),
    updatedAt: new Date(sd.updatedAt),
    sourceServiceRevisions: sd.sourceServiceRevisions.map((r) => revisionSummary(r, undefined)),
    targetServiceRevision: revisionSummary(sd.targetServiceRevision, sd.deploymentId),
    status: sd.status,
    statusReason: sd.statusReason,
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
        createdAt: new Date(r.createdAt),
      }),
    );
  }
  return { serviceRevisions, failures };
}
