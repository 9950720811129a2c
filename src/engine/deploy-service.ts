/**
 * One service's turn in a run: register its revision (once per run), hand it to its strategy, tag the revision
 * once its deployment completed, and report `service.finished`. Whatever goes wrong before the rollout started
 * leaves the service where it was, and says so.
 */
import { UsageError } from '../errors/index.js';
import { continuableInFlight } from '../plan/ecs-native-in-flight.js';
import type { ServicePlan } from '../plan/types.js';
import type { DeployTarget } from '../strategies/types.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';
import { revisionInFlight } from './canary-revision.js';
import { TAG_DEPLOYED, taskDefinitionFor } from './register.js';
import { reportServiceFinished, untouchedResult } from './run.js';
import type { ServiceResult } from './types.js';

/** Tag keys the plan shows as removed from the service (paths `tags[<key>]`, kind `remove`). */
function removedTagKeys(sp: ServicePlan): string[] {
  return sp.changes.flatMap((c) => (c.scope === 'service' && c.kind === 'remove' ? (/^tags\[(.+)\]$/.exec(c.path)?.slice(1) ?? []) : []));
}

/** What the strategy gets for a planned service: what the plan showed, to be deployed as `taskDefinitionArn`. */
export function targetFor(
  sp: ServicePlan,
  taskDefinitionArn: string,
  timeoutMs: number,
  continuation?: DeployTarget['continuation'],
): DeployTarget {
  return {
    key: sp.key,
    service: sp.service,
    cluster: sp.cluster,
    strategy: sp.strategy,
    create: sp.action === 'create',
    taskDefinitionArn,
    previousTaskDefinitionArn: sp.live?.taskDefinitionArn,
    previousDeploymentId: sp.live?.primaryDeploymentId,
    desiredCount: sp.desired.desiredCount,
    deployment: sp.desired.deployment,
    settings: sp.action === 'create' || sp.serviceChanged ? sp.desired.service : undefined,
    removeTags: removedTagKeys(sp),
    timeoutMs,
    onFailure: sp.onFailure,
    purpose: 'deploy',
    ...(continuation && continuableInFlight(sp) ? { continuation } : {}),
  };
}

export async function deployService(ctx: EngineContext, sp: ServicePlan, timeoutMs: number): Promise<ServiceResult> {
  const start = ctx.clock.now();
  // Ctrl-C came after this service's turn began (while the lock was refreshed): start nothing, not even a
  // registration.
  if (ctx.signal.aborted) {
    const skipped = untouchedResult(sp, 'skipped', 'not started: interrupted');
    reportServiceFinished(ctx.emit, skipped, 0);
    return skipped;
  }
  const base = { key: sp.key, service: sp.service, cluster: sp.cluster };
  let result: ServiceResult;
  try {
    const continuation = ctx.options.continuation;
    const arn = continuation && sp.inFlight ? revisionInFlight(sp, continuation) : await taskDefinitionFor(ctx, sp);
    const strategy = ctx.strategies(sp.strategy);
    if (!strategy) throw new UsageError('STRATEGY_UNAVAILABLE', `no strategy for ${sp.strategy.type}`);
    const r = await strategy.deploy(targetFor(sp, arn, timeoutMs, continuation), ctx);
    result = { ...base, ...r };
    if (r.outcome === 'succeeded') await markDeployed(ctx, arn);
  } catch (error) {
    // Registration or an unexpected error before the rollout started: the service is where it was.
    result = {
      ...base,
      outcome: 'failed',
      reason: errorMessage(error),
      ...(sp.live?.taskDefinitionArn ? { taskDefinitionArn: sp.live.taskDefinitionArn } : {}),
    };
  }
  reportServiceFinished(ctx.emit, result, ctx.clock.now() - start);
  return result;
}

/**
 * Tags a revision whose deployment completed, so `rollback` can find "the previous successful deployment"
 * even where the service deployments API has no history. A failure here is a warning.
 */
async function markDeployed(ctx: EngineContext, arn: string): Promise<void> {
  try {
    await ctx.calls.mutate(
      { service: 'ECS', operation: 'TagResource', summary: `mark ${shortTaskDefinition(arn)} as deployed (${TAG_DEPLOYED})` },
      (signal) =>
        ctx.ports.ecs.tagResource(
          { resourceArn: arn, tags: [{ key: TAG_DEPLOYED, value: new Date(ctx.clock.now()).toISOString() }] },
          { signal },
        ),
    );
  } catch (error) {
    ctx.emit({ type: 'log', level: 'warn', message: `could not tag ${shortTaskDefinition(arn)} as deployed: ${errorMessage(error)}` });
  }
}
