/**
 * The canary ECS service's side of a canary: deploying the new revision to it (judged by its own deployment id, as
 * rolling does), resizing it, waiting until its tasks run and its targets are healthy in the canary target group,
 * and scaling it in.
 */
import type { EcsService } from '../aws/ports.js';
import { shortTaskDefinition } from '../util/arn.js';
import { backoffDelay } from '../util/backoff.js';
import { errorMessage } from '../util/error-text.js';
import { healthyTargets } from './canary-traffic.js';
import { startServiceDeployment } from './ecs-service-writes.js';
import { type FollowVerdict, followEcsDeployment } from './follow-ecs-deployment.js';
import { Rollout } from './rollout.js';
import type { DeployTarget, StrategyContext } from './types.js';

export interface CanaryServiceRef {
  /** Manifest key, for events. */
  key: string;
  cluster: string;
  service: string;
  targetGroupArn: string;
}

/** The deployment of the new revision to the canary service: its verdict, or why it never started. */
export type CanaryDeployment =
  | { kind: 'followed'; deploymentId: string; verdict: FollowVerdict }
  | { kind: 'not-started'; reason: string; dryRun: boolean };

/** A target for the canary service: only its task definition and desired count change (its own settings stay). */
function canaryTarget(target: DeployTarget, ref: CanaryServiceRef, live: EcsService, desiredCount: number): DeployTarget {
  return {
    ...target,
    service: ref.service,
    create: false,
    previousTaskDefinitionArn: live.taskDefinition,
    previousDeploymentId: live.deployments?.find((d) => d.status === 'PRIMARY')?.id,
    desiredCount,
    deployment: {},
    settings: undefined,
    removeTags: [],
    onFailure: 'leave',
  };
}

/** UpdateService(canary, new revision, `desiredCount`) and follow that deployment, by id, until `deadline`. */
export async function deployCanaryRevision(
  target: DeployTarget,
  context: StrategyContext,
  ref: CanaryServiceRef,
  live: EcsService,
  desiredCount: number,
  deadline: number,
): Promise<CanaryDeployment> {
  const rollout = new Rollout(canaryTarget(target, ref, live, desiredCount), context);
  rollout.treatAsHistory(live);
  const previousPrimary = live.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  const start = await startServiceDeployment(rollout, live, live.taskDefinition, previousPrimary);
  if (!start.started) {
    return { kind: 'not-started', reason: start.result.reason ?? 'the canary service was not updated', dryRun: context.calls.dryRun };
  }
  rollout.showEventsFrom(start.deployment.createdAt);
  context.emit({
    type: 'service.phase',
    service: target.key,
    phase: 'deploying-canary',
    detail: `${ref.service}: deployment ${start.deploymentId} of ${shortTaskDefinition(target.taskDefinitionArn)}, ${desiredCount} task(s)`,
  });
  const verdict = await followEcsDeployment(context, {
    key: target.key,
    cluster: ref.cluster,
    service: ref.service,
    deploymentId: start.deploymentId,
    previousTaskDefinitionArn: live.taskDefinition,
    deadline,
    signal: context.signal,
    events: rollout.serviceEvents,
    sameDeployment: start.sameDeployment,
    ...(previousPrimary && !start.sameDeployment ? { staleDeploymentId: previousPrimary } : {}),
  });
  return { kind: 'followed', deploymentId: start.deploymentId, verdict };
}

/** UpdateService(canary, desiredCount) only. */
export async function resizeCanary(context: StrategyContext, ref: CanaryServiceRef, desiredCount: number): Promise<void> {
  await context.calls.mutate(
    { service: 'ECS', operation: 'UpdateService', summary: `${ref.service} in ${ref.cluster}: desiredCount → ${desiredCount}` },
    (signal) => context.ports.ecs.updateService({ cluster: ref.cluster, service: ref.service, desiredCount }, { signal }),
  );
}

/**
 * Waits until the canary service runs `count` tasks and as many targets are healthy in the canary target group
 * (aws-semantics.md §3.2, §3.3), or `deadline`. Resolves undefined when ready, else why not; rejects when `signal`
 * aborts.
 */
export async function waitCanaryReady(
  context: StrategyContext,
  ref: CanaryServiceRef,
  count: number,
  deadline: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (context.calls.dryRun) return undefined;
  let last = 'not read yet';
  for (let attempt = 0; ; attempt += 1) {
    const remaining = deadline - context.clock.now();
    if (remaining <= 0) return `the canary service ${ref.service} was not ready in time (${last})`;
    const svc = await context.watcher.next(
      ref.cluster,
      ref.service,
      attempt === 0 ? 0 : Math.min(backoffDelay(attempt), remaining),
      signal,
    );
    if (svc?.status !== 'ACTIVE') return `the canary service ${ref.service} is ${svc?.status ?? 'MISSING'}`;
    const running = svc.runningCount ?? 0;
    let health: { healthy: number; total: number };
    try {
      health = await healthyTargets(context.ports, ref.targetGroupArn, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      last = `target health could not be read: ${errorMessage(error)}`;
      continue;
    }
    last = `${running}/${count} running, ${health.healthy} healthy target(s)`;
    if (running >= count && health.healthy >= count) return undefined;
    context.emit({ type: 'service.phase', service: ref.key, phase: 'waiting-canary', detail: `${ref.service}: ${last}` });
  }
}
