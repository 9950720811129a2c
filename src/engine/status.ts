/**
 * `ecsdeploy status`: per service the running revision, counts, deployments (with rollout state and reason), the
 * ecsdeploy lock (its run and expiry) and the latest events. One DescribeServices per cluster per 10 services.
 */
import type { AwsPorts, EcsDeployment, EcsService } from '../aws/ports.js';
import { describeServices } from '../live/describe-services.js';
import { ecsNativeStatuses } from './ecs-native-status.js';
import { codeDeployStatuses } from '../strategies/codedeploy-status.js';
import { canaryStatuses } from './canary-status.js';
import type { ResolvedService } from '../model/manifest.js';
import type { DeploymentStatus, LockStatus, ServiceStatusReport } from '../model/status.js';
import { LOCK_TAG, parseLock } from '../plan/in-flight.js';
import { shortTaskDefinition } from '../util/arn.js';

export interface StatusOptions {
  signal?: AbortSignal;
  /** Latest service events per service. @default 5 */
  events?: number;
  /** Epoch ms, to tell an expired lock from a live one (the engine clock). @default Date.now() */
  now?: number;
}

const iso = (d: Date | string | undefined): string | undefined => (d ? new Date(d).toISOString() : undefined);

function deploymentStatus(d: EcsDeployment): DeploymentStatus {
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    taskDefinitionArn: d.taskDefinition ?? '',
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    running: d.runningCount ?? 0,
    pending: d.pendingCount ?? 0,
    desired: d.desiredCount ?? 0,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

type EcsTaskSet = NonNullable<EcsService['taskSets']>[number];

/** CODE_DEPLOY services have task sets, not deployments: PRIMARY serves production, ACTIVE is the other side. */
function taskSetStatus(t: EcsTaskSet): DeploymentStatus {
  return {
    id: t.id ?? '',
    status: t.status ?? '',
    taskDefinitionArn: t.taskDefinition ?? '',
    rolloutState: undefined,
    rolloutStateReason: t.stabilityStatus,
    running: t.runningCount ?? 0,
    pending: t.pendingCount ?? 0,
    desired: t.computedDesiredCount ?? 0,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}

export function lockStatus(svc: EcsService | undefined, now: number): LockStatus | undefined {
  const value = svc?.tags?.find((t) => t.key === LOCK_TAG)?.value;
  const lock = value ? parseLock(value) : undefined;
  if (!lock) return undefined;
  return { runId: lock.runId, expiresAt: new Date(lock.expiresAt).toISOString(), expired: lock.expiresAt <= now };
}

function statusReport(s: ResolvedService, svc: EcsService | undefined, eventCount: number, now: number): ServiceStatusReport {
  const found = Boolean(svc && svc.status !== 'INACTIVE');
  const deployments = found
    ? [...(svc?.deployments ?? []).map(deploymentStatus), ...(svc?.taskSets ?? []).map(taskSetStatus)].sort((a, b) =>
        (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
      )
    : [];
  const taskSets = found ? (svc?.taskSets ?? []) : [];
  return {
    key: s.key,
    service: s.service,
    cluster: s.cluster,
    found,
    status: svc?.status,
    taskDefinitionArn: found ? svc?.taskDefinition : undefined,
    revision: found && svc?.taskDefinition ? shortTaskDefinition(svc.taskDefinition) : undefined,
    running: found ? (svc?.runningCount ?? 0) : 0,
    pending: found ? (svc?.pendingCount ?? 0) : 0,
    desired: found ? (svc?.desiredCount ?? 0) : 0,
    strategy: s.strategy.type,
    deploymentController: svc?.deploymentController?.type,
    deployments,
    inProgress:
      deployments.some((d) => d.rolloutState === 'IN_PROGRESS') ||
      (taskSets.length === 0 && deployments.length > 1 && deployments.every((d) => !d.rolloutState)) ||
      taskSets.length > 1 ||
      taskSets.some((t) => t.stabilityStatus === 'STABILIZING'),
    events: found ? (svc?.events ?? []).slice(0, eventCount).map((e) => ({ at: iso(e.createdAt) ?? '', message: e.message ?? '' })) : [],
    ...(found && lockStatus(svc, now) ? { lock: lockStatus(svc, now) as LockStatus } : {}),
  };
}

export async function buildStatusReports(
  ports: AwsPorts,
  services: ResolvedService[],
  options: StatusOptions = {},
): Promise<ServiceStatusReport[]> {
  // With tags: the lock lives in one.
  const found = await describeServices(ports, services, { include: ['TAGS'], ...(options.signal ? { signal: options.signal } : {}) });
  const signal = options.signal ?? new AbortController().signal;
  const [canaries, codedeploy] = await Promise.all([canaryStatuses(ports, services, signal), codeDeployStatuses(ports, services, signal)]);
  const ecsNative = await ecsNativeStatuses(ports, services, (c, n) => found.find(c, n), signal);
  const now = options.now ?? Date.now();
  return services.map((s) => {
    const report = statusReport(s, found.find(s.cluster, s.service), options.events ?? 5, now);
    const canary = canaries.get(s.key);
    const deployment = codedeploy.get(s.key);
    // A blue-green service is in progress while its CodeDeploy deployment is (a draining task set is not news).
    const inProgress = deployment?.deployment ? { inProgress: deployment.deployment.inFlight } : {};
    const native = ecsNative.get(s.key);
    const nativeInProgress = native?.deployment ? { inProgress: report.inProgress || native.deployment.inFlight } : {};
    return {
      ...report,
      ...inProgress,
      ...nativeInProgress,
      ...(canary ? { canary } : {}),
      ...(deployment ? { codedeploy: deployment } : {}),
      ...(native ? { ecsNative: native } : {}),
    };
  });
}
