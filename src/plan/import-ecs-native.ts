/**
 * `ecsdeploy init` for a service ECS deploys with its own BLUE_GREEN, LINEAR or CANARY strategy: the manifest's
 * `ecs-blue-green` / `ecs-linear` / `ecs-canary` strategy written from the live deployment configuration and the
 * load balancer's `advancedConfiguration` (which the manifest says in the strategy, not on the load balancer), so
 * `plan` then shows no changes. ecsdeploy's own pause hooks are never imported. Pure.
 */
import { pauseHookRun } from '../model/ecs-native.js';
import { ECS_NATIVE_STRATEGIES } from '../model/strategy.js';
import type { Json, JsonObject } from '../model/task-definition.js';
import { isObject } from './json.js';

const TYPE_OF: Record<string, string> = Object.fromEntries(Object.entries(ECS_NATIVE_STRATEGIES).map(([type, aws]) => [aws, type]));

/** `5m`: ECS's whole minutes as a manifest duration. */
function minutes(v: Json | undefined): string | undefined {
  return typeof v === 'number' ? `${v}m` : undefined;
}

/** The manifest strategy of an ECS-native service; undefined when the service is not one (or lacks its load balancer). */
export function importEcsNativeStrategy(described: JsonObject): JsonObject | undefined {
  const dc = described.deploymentConfiguration;
  const type = isObject(dc) && typeof dc.strategy === 'string' ? TYPE_OF[dc.strategy] : undefined;
  if (!type || !isObject(dc)) return undefined;
  const lbs = Array.isArray(described.loadBalancers) ? described.loadBalancers.filter(isObject) : [];
  const adv = lbs.map((lb) => lb.advancedConfiguration).find(isObject);
  if (!adv) return undefined;
  const out: JsonObject = { type };
  if (typeof adv.alternateTargetGroupArn === 'string') out.alternateTargetGroup = adv.alternateTargetGroupArn;
  if (typeof adv.productionListenerRule === 'string') out.productionListenerRule = adv.productionListenerRule;
  if (typeof adv.testListenerRule === 'string') out.testListenerRule = adv.testListenerRule;
  if (typeof adv.roleArn === 'string') out.role = adv.roleArn;
  const bake = minutes(dc.bakeTimeInMinutes);
  if (bake) out.bakeTime = bake;
  const linear = dc.linearConfiguration;
  if (type === 'ecs-linear' && isObject(linear)) {
    out.linear = { stepPercent: linear.stepPercent ?? 10, stepBakeTime: minutes(linear.stepBakeTimeInMinutes) ?? '6m' };
  }
  const canary = dc.canaryConfiguration;
  if (type === 'ecs-canary' && isObject(canary)) {
    out.canary = { canaryPercent: canary.canaryPercent ?? 5, canaryBakeTime: minutes(canary.canaryBakeTimeInMinutes) ?? '10m' };
  }
  const hooks = (Array.isArray(dc.lifecycleHooks) ? dc.lifecycleHooks.filter(isObject) : [])
    .filter((h) => h.targetType !== 'PAUSE' && pauseHookRun(h) === undefined)
    .map(lambdaHook);
  if (hooks.length > 0) out.hooks = hooks;
  return out;
}

function lambdaHook(h: JsonObject): JsonObject {
  const timeout = isObject(h.timeoutConfiguration) ? h.timeoutConfiguration : {};
  return {
    function: h.hookTargetArn ?? '',
    role: h.roleArn ?? '',
    stages: Array.isArray(h.lifecycleStages) ? h.lifecycleStages : [],
    ...(isObject(h.hookDetails) ? { details: h.hookDetails } : {}),
    ...(minutes(timeout.timeoutInMinutes) ? { timeout: minutes(timeout.timeoutInMinutes) as string } : {}),
    ...(typeof timeout.action === 'string' ? { onTimeout: timeout.action } : {}),
  };
}

/** The load balancers as the manifest writes them for an ECS-native service: without `advancedConfiguration`. */
export function withoutAdvancedConfiguration(loadBalancers: Json): Json {
  if (!Array.isArray(loadBalancers)) return loadBalancers;
  return loadBalancers.map((lb) => {
    if (!isObject(lb)) return lb;
    const { advancedConfiguration: _adv, ...rest } = lb;
    return rest;
  });
}
