/**
 * ECS-native BLUE_GREEN, LINEAR and CANARY configuration (§1.8, §1.9): what CreateService and UpdateService accept
 * in `deploymentConfiguration` (strategy, bake time, linear and canary settings, lifecycle hooks with AWS's ranges)
 * and in `loadBalancers[].advancedConfiguration` (alternate target group, production and test listener rules, role),
 * checked as the API checks them, and read back typed for the lifecycle.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { isRecord, list } from '../input.js';
import type { Json, JsonObject, ServiceState } from '../types.js';

export type NativeStrategy = 'BLUE_GREEN' | 'LINEAR' | 'CANARY';

const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'];
const NATIVE: readonly string[] = ['BLUE_GREEN', 'LINEAR', 'CANARY'];

/** The stages a hook may name (`DeploymentLifecycleHookStage`). */
export const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;

/** "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages" (§1.9). */
const NO_PAUSE_STAGES = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];

/** Defaults from the API reference (LinearConfiguration, CanaryConfiguration, the hook timeout). */
export const DEFAULT_STEP_PERCENT = 10;
export const DEFAULT_STEP_BAKE_MINUTES = 6;
export const DEFAULT_CANARY_PERCENT = 5;
export const DEFAULT_CANARY_BAKE_MINUTES = 10;
export const DEFAULT_HOOK_TIMEOUT_MINUTES = 1440;

function invalid(message: string): SandboxApiError {
  return new SandboxApiError('InvalidParameterException', message);
}

/** A multiple of 0.1 (with a little room for binary fractions). */
function tenths(v: number): boolean {
  return Math.abs(v * 10 - Math.round(v * 10)) < 1e-6;
}

function checkMinutes(v: unknown, what: string, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`${what} must be an integer between ${min} and ${max}.`);
  }
}

function checkPercent(v: unknown, what: string, min: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || v < min || v > 100 || !tenths(v)) {
    throw invalid(`${what} must be a multiple of 0.1 between ${min.toFixed(1)} and 100.0.`);
  }
}

function checkHook(raw: unknown, i: number): void {
  if (!isRecord(raw)) throw invalid(`lifecycleHooks[${i}] must be an object.`);
  const type = raw.targetType ?? 'AWS_LAMBDA';
  if (type !== 'AWS_LAMBDA' && type !== 'PAUSE') throw invalid(`lifecycleHooks[${i}].targetType must be AWS_LAMBDA or PAUSE.`);
  const stages = list(raw.lifecycleStages).map(String);
  if (!stages.length) throw invalid(`lifecycleHooks[${i}].lifecycleStages must name at least one stage.`);
  for (const stage of stages) {
    if (!(HOOK_STAGES as readonly string[]).includes(stage)) {
      throw invalid(`lifecycleHooks[${i}].lifecycleStages: ${stage} is not a lifecycle stage (${HOOK_STAGES.join(', ')}).`);
    }
    if (type === 'PAUSE' && NO_PAUSE_STAGES.includes(stage)) {
      throw invalid(`PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages.`);
    }
  }
  if (type === 'AWS_LAMBDA') {
    if (typeof raw.hookTargetArn !== 'string' || !raw.hookTargetArn) throw invalid(`lifecycleHooks[${i}].hookTargetArn is required.`);
    if (typeof raw.roleArn !== 'string' || !raw.roleArn) throw invalid(`lifecycleHooks[${i}].roleArn is required.`);
  }
  const timeout = raw.timeoutConfiguration;
  if (timeout !== undefined) {
    if (!isRecord(timeout)) throw invalid(`lifecycleHooks[${i}].timeoutConfiguration must be an object.`);
    checkMinutes(timeout.timeoutInMinutes, `lifecycleHooks[${i}].timeoutConfiguration.timeoutInMinutes`, 1, 20160);
    if (timeout.action !== undefined && timeout.action !== 'ROLLBACK' && timeout.action !== 'CONTINUE') {
      throw invalid(`lifecycleHooks[${i}].timeoutConfiguration.action must be ROLLBACK or CONTINUE.`);
    }
  }
}

/**
 * Checks the deployment configuration a service will have (after the update) and its load balancers: AWS's
 * ranges, settings only valid with their strategy, and the resources an advanced configuration names.
 */
export function checkNativeConfiguration(w: WorldContext, controller: string, dc: JsonObject, loadBalancers: JsonObject[]): void {
  const strategy = dc.strategy ?? 'ROLLING';
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy)) {
    throw invalid(`deploymentConfiguration.strategy must be one of ${STRATEGIES.join(', ')}.`);
  }
  if (NATIVE.includes(strategy) && controller !== 'ECS') {
    throw invalid(`The ${strategy} deployment strategy is only supported with the ECS deployment controller.`);
  }
  if (dc.linearConfiguration !== undefined && strategy !== 'LINEAR') {
    throw invalid('linearConfiguration is only valid when the deployment strategy is LINEAR.');
  }
  if (dc.canaryConfiguration !== undefined && strategy !== 'CANARY') {
    throw invalid('canaryConfiguration is only valid when the deployment strategy is CANARY.');
  }
  if (strategy === 'BLUE_GREEN' && dc.bakeTimeInMinutes === undefined) {
    throw invalid('bakeTimeInMinutes is required when the deployment strategy is BLUE_GREEN.');
  }
  checkMinutes(dc.bakeTimeInMinutes, 'bakeTimeInMinutes', 0, 1440);
  if (isRecord(dc.linearConfiguration)) {
    checkPercent(dc.linearConfiguration.stepPercent, 'linearConfiguration.stepPercent', 3);
    checkMinutes(dc.linearConfiguration.stepBakeTimeInMinutes, 'linearConfiguration.stepBakeTimeInMinutes', 0, 1440);
  }
  if (isRecord(dc.canaryConfiguration)) {
    checkPercent(dc.canaryConfiguration.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1);
    checkMinutes(dc.canaryConfiguration.canaryBakeTimeInMinutes, 'canaryConfiguration.canaryBakeTimeInMinutes', 0, 1440);
  }
  list(dc.lifecycleHooks).forEach(checkHook);
  for (const lb of loadBalancers) {
    const adv = lb.advancedConfiguration;
    if (adv === undefined) continue;
    if (!isRecord(adv)) throw invalid('loadBalancers[].advancedConfiguration must be an object.');
    if (!NATIVE.includes(strategy)) {
      throw invalid('advancedConfiguration is only supported with the BLUE_GREEN, LINEAR and CANARY deployment strategies.');
    }
    const alternate = adv.alternateTargetGroupArn;
    if (typeof alternate !== 'string' || !w.st.elbv2.targetGroups[alternate]) {
      throw invalid(`The alternate target group ${String(alternate)} does not exist.`);
    }
    if (alternate === lb.targetGroupArn) throw invalid('The alternate target group must differ from the target group.');
    if (typeof adv.productionListenerRule !== 'string' || !listenerOrRule(w, adv.productionListenerRule)) {
      throw invalid(`The production listener rule ${String(adv.productionListenerRule)} does not exist.`);
    }
    if (adv.testListenerRule !== undefined && (typeof adv.testListenerRule !== 'string' || !listenerOrRule(w, adv.testListenerRule))) {
      throw invalid(`The test listener rule ${String(adv.testListenerRule)} does not exist.`);
    }
    if (typeof adv.roleArn !== 'string' || !adv.roleArn.startsWith('arn:')) {
      throw invalid('advancedConfiguration.roleArn must be the ARN of the role Amazon ECS uses to call Elastic Load Balancing.');
    }
  }
}

/** An ALB listener rule ARN, or an NLB listener ARN (§1.8), that exists. */
function listenerOrRule(w: WorldContext, arn: string): boolean {
  return w.st.elbv2.rules[arn] !== undefined || w.st.elbv2.listeners[arn] !== undefined;
}

/** The service's strategy, when it is one of ECS's own blue/green strategies. */
export function nativeStrategyOf(dc: JsonObject): NativeStrategy | undefined {
  return NATIVE.includes(String(dc.strategy)) ? (dc.strategy as NativeStrategy) : undefined;
}

function num(v: Json | undefined, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** Green's production percentage after each step (rounded to tenths, so 3 × 33.3 ends at exactly 100). */
export function productionSteps(strategy: NativeStrategy, dc: JsonObject): number[] {
  if (strategy === 'BLUE_GREEN') return [100];
  if (strategy === 'CANARY') {
    const c = isRecord(dc.canaryConfiguration) ? (dc.canaryConfiguration as JsonObject) : {};
    const pct = num(c.canaryPercent, DEFAULT_CANARY_PERCENT);
    return pct >= 100 ? [100] : [pct, 100];
  }
  const l = isRecord(dc.linearConfiguration) ? (dc.linearConfiguration as JsonObject) : {};
  const step = num(l.stepPercent, DEFAULT_STEP_PERCENT);
  const out: number[] = [];
  for (let k = 1; Math.round(k * step * 10) / 10 < 100; k++) out.push(Math.round(k * step * 10) / 10);
  out.push(100);
  return out;
}

/** The wait between production steps (not applied after 100 %), in ms. */
export function stepBakeMs(strategy: NativeStrategy, dc: JsonObject): number {
  if (strategy === 'LINEAR') {
    const l = isRecord(dc.linearConfiguration) ? (dc.linearConfiguration as JsonObject) : {};
    return num(l.stepBakeTimeInMinutes, DEFAULT_STEP_BAKE_MINUTES) * 60_000;
  }
  if (strategy === 'CANARY') {
    const c = isRecord(dc.canaryConfiguration) ? (dc.canaryConfiguration as JsonObject) : {};
    return num(c.canaryBakeTimeInMinutes, DEFAULT_CANARY_BAKE_MINUTES) * 60_000;
  }
  return 0;
}

export interface ConfiguredHook {
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  stages: string[];
  timeoutMs: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  hookDetails?: Json;
}

/** The lifecycle hooks of a deployment's configuration, with their defaults. */
export function configuredHooks(dc: JsonObject): ConfiguredHook[] {
  return list(dc.lifecycleHooks)
    .filter(isRecord)
    .map((h) => {
      const t = isRecord(h.timeoutConfiguration) ? h.timeoutConfiguration : {};
      return {
        targetType: h.targetType === 'PAUSE' ? 'PAUSE' : 'AWS_LAMBDA',
        ...(typeof h.hookTargetArn === 'string' ? { targetArn: h.hookTargetArn } : {}),
        stages: list(h.lifecycleStages).map(String),
        timeoutMs: (typeof t.timeoutInMinutes === 'number' ? t.timeoutInMinutes : DEFAULT_HOOK_TIMEOUT_MINUTES) * 60_000,
        timeoutAction: t.action === 'CONTINUE' ? 'CONTINUE' : 'ROLLBACK',
        ...(h.hookDetails !== undefined ? { hookDetails: h.hookDetails as Json } : {}),
      };
    });
}

/** The load balancer entry with an advanced configuration: the one ECS shifts traffic for. */
export function managedLoadBalancer(svc: ServiceState): { lb: JsonObject; adv: JsonObject } | undefined {
  for (const lb of svc.loadBalancers) if (isRecord(lb.advancedConfiguration)) return { lb, adv: lb.advancedConfiguration as JsonObject };
  return undefined;
}

/** The target group serving production now: the configured one, or the alternate after an odd number of deployments. */
export function productionTargetGroupOf(svc: ServiceState): string | undefined {
  const managed = managedLoadBalancer(svc);
  const primary = managed?.lb.targetGroupArn;
  const alternate = managed?.adv.alternateTargetGroupArn;
  if (svc.productionTargetGroup && (svc.productionTargetGroup === primary || svc.productionTargetGroup === alternate)) {
    return svc.productionTargetGroup;
  }
  return typeof primary === 'string' ? primary : undefined;
}

/**
 * The load balancers tasks register with: the managed entry's target group is the one serving production (so a
 * task replaced after a blue/green deployment joins the side that has the traffic).
 */
export function effectiveLoadBalancers(svc: ServiceState, targetGroupArn?: string): JsonObject[] {
  const managed = managedLoadBalancer(svc);
  if (!managed) return svc.loadBalancers;
  const tg = targetGroupArn ?? productionTargetGroupOf(svc);
  return svc.loadBalancers.map((lb) => (lb === managed.lb && tg ? { ...lb, targetGroupArn: tg } : lb));
}
