/**
 * An ECS-native strategy (ecs-blue-green, ecs-linear, ecs-canary) in the shapes ECS takes (aws-semantics §1.8,
 * §1.9): the `deploymentConfiguration` members and the load balancer's `advancedConfiguration`. Pure, so the
 * manifest's resolution, the plan and the sandbox's seeding all say the same thing.
 *
 * ecsdeploy's own pause hooks are not here: they are added to one deployment's UpdateService and removed once it is
 * decided (strategies/ecs-native-hooks.ts), and `plan` never shows them.
 */
import type { EcsNativeDeploymentConfiguration } from './manifest.js';
import { ECS_NATIVE_STRATEGIES, type EcsLambdaHook, type EcsNativeStrategy } from './strategy.js';
import type { JsonObject } from './task-definition.js';

/** A hook as UpdateService takes it, every default written out (so a plan compares like with like). */
function lambdaHookConfiguration(h: EcsLambdaHook): JsonObject {
  return {
    targetType: 'AWS_LAMBDA',
    hookTargetArn: h.functionArn,
    roleArn: h.roleArn,
    lifecycleStages: [...h.stages],
    ...(h.details !== undefined ? { hookDetails: structuredClone(h.details) as JsonObject } : {}),
    timeoutConfiguration: { timeoutInMinutes: h.timeoutMinutes, action: h.onTimeout },
  };
}

export function nativeDeploymentConfiguration(s: EcsNativeStrategy): EcsNativeDeploymentConfiguration {
  return {
    strategy: ECS_NATIVE_STRATEGIES[s.type],
    bakeTimeInMinutes: s.bakeTimeMinutes,
    ...(s.linear
      ? { linearConfiguration: { stepPercent: s.linear.stepPercent, stepBakeTimeInMinutes: s.linear.stepBakeTimeMinutes } }
      : {}),
    ...(s.canary
      ? { canaryConfiguration: { canaryPercent: s.canary.canaryPercent, canaryBakeTimeInMinutes: s.canary.canaryBakeTimeMinutes } }
      : {}),
    lifecycleHooks: s.hooks.map(lambdaHookConfiguration),
  };
}

/** `loadBalancers[].advancedConfiguration` of the target group ECS shifts traffic for. */
export function advancedConfiguration(s: EcsNativeStrategy): JsonObject {
  return {
    alternateTargetGroupArn: s.alternateTargetGroup,
    productionListenerRule: s.productionListenerRule,
    ...(s.testListenerRule ? { testListenerRule: s.testListenerRule } : {}),
    roleArn: s.roleArn,
  };
}

/** The `hookDetails` key that marks a pause hook as ecsdeploy's: `{ "ecsdeploy": { "runId": "..." } }`. */
export const PAUSE_OWNER_KEY = 'ecsdeploy';

/** The run whose pause hook this is, when it is one of ecsdeploy's (a PAUSE hook whose hookDetails name a run). */
export function pauseHookRun(hook: unknown): string | undefined {
  if (!hook || typeof hook !== 'object' || Array.isArray(hook)) return undefined;
  const h = hook as { targetType?: unknown; hookDetails?: unknown };
  if (h.targetType !== 'PAUSE' || !h.hookDetails || typeof h.hookDetails !== 'object') return undefined;
  const owner = (h.hookDetails as Record<string, unknown>)[PAUSE_OWNER_KEY];
  if (!owner || typeof owner !== 'object') return undefined;
  const runId = (owner as { runId?: unknown }).runId;
  return typeof runId === 'string' ? runId : '';
}
