/** Written strategy settings → StrategyConfig (durations in ms, defaults filled). Shapes are schema-checked. */
import type { CanaryStep, EcsNativeStrategy, GateConfig, MetricCheck, StrategyConfig, TestTrafficGate } from '../model/strategy.js';
import { parseDuration } from '../util/duration.js';
import { stringMap } from './common.js';
import type { WrittenEcsNative, WrittenGate, WrittenMetricCheck, WrittenStrategy } from './written.js';

const ms = (d: string | undefined, fallback: number): number => (d === undefined ? fallback : (parseDuration(d) ?? fallback));

export const DEFAULT_GATE_INTERVAL_MS = 60_000;
/** ALB publishes a minute's metrics after the minute; reading them a minute later finds them there. */
export const DEFAULT_METRIC_DELAY_MS = 60_000;
/** A gate task (a smoke test) should be quick; `before:` tasks (migrations) default to 20m. */
export const DEFAULT_GATE_TASK_TIMEOUT_MS = 5 * 60_000;
/** The `pause` that holds a canary step until a person approves (exit code 3). */
export const UNTIL_APPROVED = 'until-approved';

function resolveMetricCheck(m: WrittenMetricCheck, intervalMs: number): MetricCheck {
  return {
    name: m.name,
    expression: m.expression,
    queries: Object.fromEntries(
      Object.entries(m.queries).map(([id, q]) => [
        id,
        {
          metric: q.metric,
          ...(q.targetGroup !== undefined && { targetGroup: q.targetGroup }),
          ...(q.dimensions !== undefined && { dimensions: { ...q.dimensions } }),
          stat: q.stat,
          periodSeconds: Math.max(1, Math.round(ms(q.period, intervalMs) / 1000)),
        },
      ]),
    ),
    ...(m.max !== undefined && { max: m.max }),
    ...(m.min !== undefined && { min: m.min }),
    ...(m.baseline !== undefined && {
      baseline: {
        ...(m.baseline.maxIncrease !== undefined && { maxIncrease: m.baseline.maxIncrease }),
        ...(m.baseline.maxRatio !== undefined && { maxRatio: m.baseline.maxRatio }),
      },
    }),
    ...(m.minSample !== undefined && { minSample: { query: m.minSample.query, min: m.minSample.min } }),
  };
}

/** A written gate (the canary's `gate`, or a test-traffic gate without its `hold`) with its defaults filled. */
export function resolveGate(g: WrittenGate | undefined): GateConfig {
  const w = g ?? {};
  const intervalMs = ms(w.interval, DEFAULT_GATE_INTERVAL_MS);
  return {
    intervalMs,
    metricDelayMs: ms(w.metricDelay, DEFAULT_METRIC_DELAY_MS),
    failureLimit: w.failureLimit ?? 0,
    inconclusiveLimit: w.inconclusiveLimit ?? 0,
    noData: w.noData ?? 'inconclusive',
    ...(w.minRequests !== undefined && { minRequests: w.minRequests }),
    alarms: [...(w.alarms ?? [])],
    metrics: (w.metrics ?? []).map((m) => resolveMetricCheck(m, intervalMs)),
    tasks: (w.tasks ?? []).map((t) => ({
      name: t.name,
      taskDefinitionOf: t.taskDefinitionOf,
      ...(t.command !== undefined && { command: [...t.command] }),
      ...(t.container !== undefined && { container: t.container }),
      ...(t.environment !== undefined && { environment: stringMap(t.environment) }),
      timeoutMs: ms(t.timeout, DEFAULT_GATE_TASK_TIMEOUT_MS),
    })),
  };
}

function resolveStep(s: { weight: number; pause: string }): CanaryStep {
  return s.pause === UNTIL_APPROVED ? { weight: s.weight, approval: true } : { weight: s.weight, pauseMs: ms(s.pause, 0) };
}

/** AWS's defaults (LinearConfiguration, CanaryConfiguration, DeploymentLifecycleHookTimeoutConfiguration). */
export const DEFAULT_STEP_PERCENT = 10;
export const DEFAULT_STEP_BAKE = '6m';
export const DEFAULT_CANARY_PERCENT = 5;
export const DEFAULT_CANARY_BAKE = '10m';
export const DEFAULT_HOOK_TIMEOUT = '24h';
/** ecsdeploy's: a few minutes in which blue still runs and a rollback is instant (AWS requires a value). */
export const DEFAULT_BAKE_TIME = '5m';
/** How long a deployment waits for approval before ECS rolls it back (the pause hook's timeout). */
export const DEFAULT_APPROVAL_TIMEOUT = '24h';

const minutes = (d: string | undefined, fallback: string): number => Math.round(ms(d, parseDuration(fallback) ?? 0) / 60_000);

function heldGate(g: (WrittenGate & { hold: string }) | undefined): TestTrafficGate | undefined {
  return g ? { ...resolveGate(g), holdMs: ms(g.hold, 0) } : undefined;
}

function resolveEcsNative(w: WrittenEcsNative): EcsNativeStrategy {
  return {
    type: w.type,
    alternateTargetGroup: w.alternateTargetGroup,
    productionListenerRule: w.productionListenerRule,
    ...(w.testListenerRule !== undefined && { testListenerRule: w.testListenerRule }),
    roleArn: w.role,
    bakeTimeMinutes: minutes(w.bakeTime, DEFAULT_BAKE_TIME),
    ...(w.type === 'ecs-linear' && {
      linear: {
        stepPercent: w.linear?.stepPercent ?? DEFAULT_STEP_PERCENT,
        stepBakeTimeMinutes: minutes(w.linear?.stepBakeTime, DEFAULT_STEP_BAKE),
      },
    }),
    ...(w.type === 'ecs-canary' && {
      canary: {
        canaryPercent: w.canary?.canaryPercent ?? DEFAULT_CANARY_PERCENT,
        canaryBakeTimeMinutes: minutes(w.canary?.canaryBakeTime, DEFAULT_CANARY_BAKE),
      },
    }),
    hooks: (w.hooks ?? []).map((h) => ({
      functionArn: h.function,
      roleArn: h.role,
      stages: [...h.stages],
      ...(h.details !== undefined && { details: structuredClone(h.details) }),
      timeoutMinutes: minutes(h.timeout, DEFAULT_HOOK_TIMEOUT),
      onTimeout: h.onTimeout ?? 'ROLLBACK',
    })),
    ...(w.testTrafficGate && { testTrafficGate: heldGate(w.testTrafficGate) }),
    ...(w.productionGate && { productionGate: heldGate(w.productionGate) }),
    ...(w.approval && { approval: { at: w.approval.at, timeoutMs: ms(w.approval.timeout, parseDuration(DEFAULT_APPROVAL_TIMEOUT) ?? 0) } }),
  };
}

export function resolveStrategy(w: WrittenStrategy | undefined, serviceName: string): StrategyConfig {
  if (w === undefined || w.type === 'rolling') return { type: 'rolling' };
  if (w.type !== 'blue-green' && w.type !== 'canary') return resolveEcsNative(w);
  if (w.type === 'blue-green') {
    const t = w.testTrafficGate;
    const p = w.productionTrafficGate;
    return {
      type: 'blue-green',
      application: w.application,
      deploymentGroup: w.deploymentGroup,
      ...(w.deploymentConfig !== undefined && { deploymentConfig: w.deploymentConfig }),
      container: { name: w.container.name, port: w.container.port },
      ...(t && { testTrafficGate: { ...resolveGate(t), holdMs: ms(t.hold, 0), ...(t.approval === true && { approval: true }) } }),
      ...(p && { productionTrafficGate: { ...resolveGate(p), bakeMs: ms(p.bake, 0) } }),
      ...(w.hooks && { hooks: { ...w.hooks } }),
    };
  }
  return {
    type: 'canary',
    ...(w.rule !== undefined && { rule: w.rule }),
    ...(w.listener !== undefined && { listener: w.listener }),
    stable: { service: w.stable.service ?? serviceName, targetGroup: w.stable.targetGroup },
    canary: { service: w.canary.service, targetGroup: w.canary.targetGroup, count: w.canary.count ?? 'follow-weight' },
    steps: w.steps.map(resolveStep),
    gate: resolveGate(w.gate),
  };
}
