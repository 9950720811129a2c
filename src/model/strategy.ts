/** Strategy settings as resolved from the manifest (durations already in milliseconds). */

export interface RollingStrategy {
  type: 'rolling';
}

export interface AlarmGate {
  /** CloudWatch alarm names that must not enter ALARM while the gate holds. */
  alarms: string[];
  /** How long to hold, in ms. */
  holdMs: number;
}

export interface BlueGreenStrategy {
  type: 'blue-green';
  application: string;
  deploymentGroup: string;
  /** e.g. `CodeDeployDefault.ECSAllAtOnce`; unset: the deployment group's own. */
  deploymentConfig?: string;
  container: { name: string; port: number };
  /** Optional gate while only test traffic reaches the replacement task set. */
  testTrafficGate?: AlarmGate;
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
  periodSeconds?: number;
}

export interface MetricCheck {
  name: string;
  /** CloudWatch metric-math expression over the query ids. */
  expression: string;
  queries: Record<string, MetricQuery>;
  /** Pass when the value is <= max and/or >= min. */
  max?: number;
  min?: number;
}

export type NoDataPolicy = 'inconclusive' | 'pause' | 'fail' | 'pass';

export interface GateConfig {
  intervalMs: number;
  /** Failed evaluations tolerated before the gate fails. */
  failureLimit: number;
  /** Inconclusive evaluations tolerated before the gate fails. */
  inconclusiveLimit: number;
  noData: NoDataPolicy;
  alarms: string[];
  metrics: MetricCheck[];
}

export interface CanaryStep {
  /** Percentage of traffic on the canary target group, 1..100, strictly increasing. */
  weight: number;
  pauseMs: number;
}

export interface CanaryStrategy {
  type: 'canary';
  /** Listener rule ARN whose forward action is weighted. */
  rule?: string;
  /** Listener ARN (the default action is weighted) when no rule is given. */
  listener?: string;
  stable: { service?: string; targetGroup: string };
  canary: { service: string; targetGroup: string; count: number | 'follow-weight' };
  steps: CanaryStep[];
  gate: GateConfig;
}

export type StrategyConfig = RollingStrategy | BlueGreenStrategy | CanaryStrategy;
export type StrategyType = StrategyConfig['type'];
