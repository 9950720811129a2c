/** Strategy settings as resolved from the manifest (durations already in milliseconds). */

export interface RollingStrategy {
  type: 'rolling';
}

/**
 * The blue-green test-traffic gate: the same gate as a canary's, held once for `holdMs` while only test traffic
 * reaches the replacement task set. `targetGroup: canary` names the replacement side, `stable` the original.
 */
export interface TestTrafficGate extends GateConfig {
  /** How long to hold, in ms. */
  holdMs: number;
  /**
   * After the hold passes, stop the run for a person (exit code 3) while the deployment waits Ready: `ecsdeploy
   * promote` reroutes production traffic, `ecsdeploy abort` stops the deployment with rollback.
   * @default absent (false)
   */
  approval?: true;
}

/**
 * The blue-green production-traffic gate: held while CodeDeploy shifts production traffic to the replacement task
 * set (from the first shift until all of it is there, plus `bakeMs`), with `canary` the replacement (green) and
 * `stable` the original (blue) target group, both serving production traffic meanwhile.
 */
export interface ProductionTrafficGate extends GateConfig {
  /** How long to keep judging after all production traffic is on the replacement, in ms. */
  bakeMs: number;
}

export interface BlueGreenStrategy {
  type: 'blue-green';
  application: string;
  deploymentGroup: string;
  /** e.g. `CodeDeployDefault.ECSAllAtOnce`; unset: the deployment group's own. */
  deploymentConfig?: string;
  container: { name: string; port: number };
  /** Optional gate while only test traffic reaches the replacement task set. */
  testTrafficGate?: TestTrafficGate;
  /** Optional gate while production traffic shifts to the replacement task set (canary and linear configs). */
  productionTrafficGate?: ProductionTrafficGate;
  /** CodeDeploy lifecycle hooks (Lambda names) copied into the AppSpec. */
  hooks?: Record<string, string>;
}

export interface MetricQuery {
  /** `Namespace MetricName`, e.g. `AWS/ApplicationELB RequestCount`. */
  metric: string;
  /** `canary`, `stable`, or a target group name/ARN whose TargetGroup/LoadBalancer dimensions are used. */
  targetGroup?: string;
  dimensions?: Record<string, string>;
  stat: string;
  /** Defaults to the gate interval (in seconds). */
  periodSeconds: number;
}

/**
 * Compare the canary with the stable side: the same expression, with every `targetGroup: canary` query moved to
 * the stable target group, over the same window. Each limit given must hold; at least one is given.
 */
export interface BaselineLimits {
  /** canary − stable must be ≤ this. */
  maxIncrease?: number;
  /** canary ÷ stable must be ≤ this (> 0). Skipped when stable is 0: see docs/gates.md. */
  maxRatio?: number;
}

export interface MetricCheck {
  name: string;
  /** CloudWatch metric-math expression over the query ids (evaluated by CloudWatch). */
  expression: string;
  queries: Record<string, MetricQuery>;
  /** Pass when the value is <= max and/or >= min. */
  max?: number;
  min?: number;
  baseline?: BaselineLimits;
  /** Inconclusive when query `query` (its latest datapoint, on each side compared) is below `min`. */
  minSample?: { query: string; min: number };
}

/** A one-off ECS task run as a gate check (e.g. a smoke test); exit code 0 passes. Same shape as `before:` tasks. */
export interface GateTaskCheck {
  name: string;
  /** Manifest key of the service whose new task definition, cluster and network configuration the task uses. */
  taskDefinitionOf: string;
  command?: string[];
  container?: string;
  environment?: Record<string, string>;
  timeoutMs: number;
}

export type NoDataPolicy = 'inconclusive' | 'pause' | 'fail' | 'pass';

export interface GateConfig {
  intervalMs: number;
  /** How long after a metric period ends its datapoints are read (CloudWatch publishes them after the fact). */
  metricDelayMs: number;
  /** Failed evaluations tolerated: one more fails the gate. */
  failureLimit: number;
  /** Inconclusive evaluations tolerated: one more pauses the rollout for a person to decide. */
  inconclusiveLimit: number;
  noData: NoDataPolicy;
  /**
   * Minimum requests (ALB `RequestCount`, Sum) on the canary target group in a window — and on the stable one for
   * baseline checks — below which the metric checks are inconclusive. Unset: no minimum.
   */
  minRequests?: number;
  alarms: string[];
  metrics: MetricCheck[];
  tasks: GateTaskCheck[];
}

/** A canary step: hold `weight` for `pauseMs` while the gate evaluates, or until a person approves. */
export type CanaryStep = { weight: number; pauseMs: number } | { weight: number; approval: true };

export interface CanaryStrategy {
  type: 'canary';
  /** Listener rule ARN whose forward action is weighted. */
  rule?: string;
  /** Listener ARN (the default action is weighted) when no rule is given. */
  listener?: string;
  stable: { service?: string; targetGroup: string };
  canary: { service: string; targetGroup: string; count: number | 'follow-weight' };
  /** Percentages of traffic on the canary target group, 1..100, strictly increasing. */
  steps: CanaryStep[];
  gate: GateConfig;
}

/** ECS's own strategies (controller ECS, `deploymentConfiguration.strategy`), by ecsdeploy's name for each. */
export const ECS_NATIVE_STRATEGIES = {
  'ecs-blue-green': 'BLUE_GREEN',
  'ecs-linear': 'LINEAR',
  'ecs-canary': 'CANARY',
} as const;

export type EcsNativeType = keyof typeof ECS_NATIVE_STRATEGIES;

/** A Lambda function ECS runs at lifecycle stages (`DeploymentLifecycleHook` with targetType AWS_LAMBDA, §1.9). */
export interface EcsLambdaHook {
  functionArn: string;
  /** The role ECS assumes to invoke it. */
  roleArn: string;
  /** `DeploymentLifecycleHookStage` values. */
  stages: string[];
  /** Passed to the function on every invocation (`hookDetails`). */
  details?: Record<string, unknown>;
  timeoutMinutes: number;
  onTimeout: 'ROLLBACK' | 'CONTINUE';
}

/**
 * ECS-native blue/green, linear or canary (aws-semantics §1.8): ECS moves the traffic between the service's target
 * group and the alternate one; ecsdeploy holds its gates while pause hooks it adds keep the deployment waiting.
 */
export interface EcsNativeStrategy {
  type: EcsNativeType;
  /** Target group ARN ECS alternates with the service's load balancer target group. */
  alternateTargetGroup: string;
  /** ALB listener rule ARN (or NLB listener ARN) of production traffic. */
  productionListenerRule: string;
  /** ALB listener rule ARN (or NLB listener ARN) of test traffic. */
  testListenerRule?: string;
  /** The IAM role ECS uses to call Elastic Load Balancing. */
  roleArn: string;
  /** Minutes blue keeps running after production moved (the rollback window), 0–1440. */
  bakeTimeMinutes: number;
  /** ecs-linear: percent per step (a multiple of 0.1, 3–100) and minutes between steps (0–1440). */
  linear?: { stepPercent: number; stepBakeTimeMinutes: number };
  /** ecs-canary: percent of the first step (a multiple of 0.1, 0.1–100) and minutes before the rest (0–1440). */
  canary?: { canaryPercent: number; canaryBakeTimeMinutes: number };
  hooks: EcsLambdaHook[];
  /** Held with test traffic on green and no production traffic yet (needs a test listener rule). */
  testTrafficGate?: TestTrafficGate;
  /** Held before each production step after the first (green carries production) and once all traffic moved. */
  productionGate?: TestTrafficGate;
  /** Stop for a person (exit code 3): before production traffic moves at all, or before every production step. */
  approval?: { at: 'before-production' | 'every-step'; timeoutMs: number };
}

export function isEcsNative(config: StrategyConfig): config is EcsNativeStrategy {
  return config.type in ECS_NATIVE_STRATEGIES;
}

export type StrategyConfig = RollingStrategy | BlueGreenStrategy | CanaryStrategy | EcsNativeStrategy;
export type StrategyType = StrategyConfig['type'];

/** The ids a metric-math expression refers to: each with its offset, for checking them and for renaming them. */
export interface ExpressionId {
  id: string;
  /** Offset of the id's first character in the expression. */
  at: number;
}

const EXPRESSION_TOKEN = /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|./gy;

/**
 * Query ids in a CloudWatch metric-math expression: identifiers that start with a lowercase letter (as ids must,
 * aws-semantics.md §4.2) and are not a function call; function names and keywords (FILL, IF, REPEAT, AND) are
 * upper case, and text inside quotes (SEARCH strings) is skipped. Metrics Insights queries (`SELECT ...`) name
 * metrics, not ids: they have none.
 */
export function expressionIds(expression: string): ExpressionId[] {
  if (/^\s*SELECT\b/i.test(expression)) return [];
  const out: ExpressionId[] = [];
  EXPRESSION_TOKEN.lastIndex = 0;
  for (let m = EXPRESSION_TOKEN.exec(expression); m; m = EXPRESSION_TOKEN.exec(expression)) {
    const token = m[0];
    if (!/^[a-z]/.test(token)) continue;
    const rest = expression.slice(EXPRESSION_TOKEN.lastIndex);
    if (/^\s*\(/.test(rest)) continue;
    out.push({ id: token, at: m.index });
  }
  return out;
}
