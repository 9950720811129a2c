/**
 * Rolling deployment with the ECS deployment controller: the short story every strategy tells.
 *
 *   read the service ─► Create/UpdateService ─► the PRIMARY deployment it started ─► follow THAT deployment
 *   ─► the rollback policy judges the verdict (succeeded, rolled back by ECS, onFailure, onInterrupt)
 *
 * The writes are in `ecs-service-writes.ts`, the follower in `follow-ecs-deployment.ts`, what happens after a
 * verdict in `rollback-policy.ts`.
 */
import type { EcsService } from '../aws/ports.js';
import { errorMessage } from '../util/error-text.js';
import { describeFailureDetection } from './circuit-breaker.js';
import { cannotProgress, startServiceDeployment } from './ecs-service-writes.js';
import { followEcsDeployment } from './follow-ecs-deployment.js';
import { judgeEcsDeployment } from './rollback-policy.js';
import { Rollout } from './rollout.js';
import type { DeployResult, DeployStrategy } from './types.js';

/** How long a service we just created may still read as MISSING (the ECS API is eventually consistent). */
const CREATE_VISIBLE_MS = 60_000;

export const rollingStrategy: DeployStrategy = {
  type: 'rolling',

  resources(target) {
    return [{ kind: 'ecs-service', cluster: target.cluster, service: target.service, role: 'service', creates: target.create }];
  },

  preflight(target, services) {
    const service = services.find(target.cluster, target.service);
    const controller = service?.deploymentController?.type ?? 'ECS';
    if (!target.create && service && controller !== 'ECS') {
      return [`service ${target.service} uses the ${controller} deployment controller; the rolling strategy needs ECS`];
    }
    const stuck = cannotProgress(target, service);
    return stuck ? [stuck] : [];
  },

  deploy(target, context) {
    return deployRolling(new Rollout(target, context));
  },
};

async function deployRolling(rollout: Rollout): Promise<DeployResult> {
  const { target, context } = rollout;
  let live: EcsService | undefined;
  if (!target.create) {
    try {
      live = await context.watcher.next(target.cluster, target.service, 0, context.hardSignal);
    } catch (error) {
      return rollout.result('failed', target.previousTaskDefinitionArn, { reason: `could not read the service: ${errorMessage(error)}` });
    }
    if (live?.status !== 'ACTIVE') {
      return rollout.result('failed', target.previousTaskDefinitionArn, {
        reason: `service ${target.service} is ${live?.status ?? 'MISSING'} in cluster ${target.cluster}`,
      });
    }
  }
  rollout.treatAsHistory(live);
  const previous = live?.taskDefinition ?? target.previousTaskDefinitionArn;
  const previousPrimary = live?.deployments?.find((d) => d.status === 'PRIMARY')?.id ?? target.previousDeploymentId;

  // A Ctrl-C that came while the revision was being registered: start nothing new.
  if (context.signal.aborted) {
    return rollout.result('interrupted', previous, { reason: 'interrupted before the update: the service was not changed' });
  }
  context.emit({ type: 'service.phase', service: target.key, phase: target.create ? 'creating' : 'updating' });
  const start = await startServiceDeployment(rollout, live, previous, previousPrimary);
  if (!start.started) return start.result;

  const { deploymentId, sameDeployment } = start;
  context.emit({
    type: 'service.started',
    service: target.key,
    strategy: 'rolling',
    fromTaskDefinition: previous,
    toTaskDefinition: target.taskDefinitionArn,
    deploymentId,
  });
  rollout.showEventsFrom(start.deployment.createdAt);
  const detection = describeFailureDetection(start.service);
  context.emit({
    type: 'service.phase',
    service: target.key,
    phase: 'waiting',
    detail: `deployment ${deploymentId}${detection ? `; ${detection}` : ''}`,
  });

  const verdict = await followEcsDeployment(context, {
    key: target.key,
    cluster: target.cluster,
    service: target.service,
    deploymentId,
    previousTaskDefinitionArn: previous,
    deadline: rollout.deadline,
    signal: context.signal,
    events: rollout.serviceEvents,
    sameDeployment,
    ...(previousPrimary && !sameDeployment ? { staleDeploymentId: previousPrimary } : {}),
    ...(target.create ? { missingIsStaleUntil: context.clock.now() + CREATE_VISIBLE_MS } : {}),
  });
  return judgeEcsDeployment(rollout, verdict, deploymentId, previous);
}
