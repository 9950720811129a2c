/**
 * Gates decide whether a rollout may go on: CloudWatch alarms that must stay out of ALARM, and metric-math
 * checks with a pass/fail/inconclusive policy (aws-semantics.md §4, §7.5–7.6). Used by the canary strategy
 * between steps and by blue-green while only test traffic reaches the replacement. Interfaces only for now:
 * the implementations arrive with those strategies.
 */
import type { AwsPorts } from '../aws/ports.js';
import type { GateConfig } from '../model/strategy.js';
import type { Clock } from '../util/clock.js';

export type GateOutcome = 'pass' | 'fail' | 'inconclusive';

export interface GateCheckResult {
  name: string;
  outcome: GateOutcome;
  value?: number;
  detail?: string;
}

/** One evaluation: every alarm and metric check over the window [`from`, `to`]. */
export interface GateEvaluation {
  outcome: GateOutcome;
  checks: GateCheckResult[];
}

export interface GateWindow {
  /** Epoch ms. */
  from: number;
  to: number;
  /** Resolved dimensions for `targetGroup: canary|stable` queries. */
  targetGroups: Record<string, { targetGroup: string; loadBalancer: string }>;
}

export interface Gate {
  evaluate(window: GateWindow, deps: { ports: AwsPorts; signal: AbortSignal }): Promise<GateEvaluation>;
}

/**
 * Folds successive evaluations into a verdict with `failureLimit` / `inconclusiveLimit` / `noData` (the Argo
 * Rollouts model): `continue` while within the limits, `fail` beyond them, `pass` when the hold is over.
 */
export interface GatePolicy {
  readonly config: GateConfig;
  record(evaluation: GateEvaluation): 'continue' | 'pass' | 'fail';
}

export interface GateRunner {
  /** Evaluates every `config.intervalMs` until `holdMs` passes or the policy fails; waits through `clock`. */
  hold(
    gate: Gate,
    policy: GatePolicy,
    holdMs: number,
    deps: { ports: AwsPorts; clock: Clock; signal: AbortSignal },
  ): Promise<{ verdict: 'pass' | 'fail'; evaluations: GateEvaluation[] }>;
}
