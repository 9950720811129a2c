/**
 * How ECS moves traffic in a BLUE_GREEN, LINEAR or CANARY deployment (§1.8): it rewrites the forward action of the
 * production and test listener rules (or an NLB listener's default action) with both target groups and their
 * weights. ALB weights are integers 0–999 (§3.1): a whole percentage is written as it is (90/10), a fractional one
 * in tenths (975/25 for 2.5 %), so the relative weights are exactly the percentage.
 */
import type { WorldContext } from '../context.js';
import { clone } from '../input.js';
import type { JsonObject } from '../types.js';

/** Integer weights for blue and green that split traffic exactly `greenPercent` % to green. */
export function ruleWeights(greenPercent: number): { blue: number; green: number } {
  if (Number.isInteger(greenPercent)) return { blue: 100 - greenPercent, green: greenPercent };
  const green = Math.round(greenPercent * 10);
  return { blue: 1000 - green, green };
}

/** Sets the forward action of a listener rule (ALB) or a listener (NLB) to blue/green with green at `greenPercent`. */
export function setTrafficWeights(
  w: WorldContext,
  ruleOrListener: string | undefined,
  blue: string,
  green: string,
  greenPercent: number,
): void {
  if (!ruleOrListener) return;
  const weights = ruleWeights(greenPercent);
  const forward: JsonObject = {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: blue, Weight: weights.blue },
        { TargetGroupArn: green, Weight: weights.green },
      ],
      TargetGroupStickinessConfig: { Enabled: false },
    },
  };
  const rule = w.st.elbv2.rules[ruleOrListener];
  if (rule) {
    const sticky = rule.actions.find((a) => a.Type === 'forward')?.ForwardConfig;
    // Stickiness stays as the rule had it: ECS moves weights, not settings.
    if (sticky && typeof sticky === 'object' && !Array.isArray(sticky) && sticky.TargetGroupStickinessConfig) {
      (forward.ForwardConfig as JsonObject).TargetGroupStickinessConfig = clone(sticky.TargetGroupStickinessConfig) as JsonObject;
    }
    rule.actions = rule.actions.map((a) =>
      a.Type === 'forward' ? { ...forward, ...(a.Order !== undefined ? { Order: a.Order } : {}) } : a,
    );
    if (rule.isDefault) {
      const listener = w.st.elbv2.listeners[rule.listenerArn];
      if (listener) listener.defaultActions = clone(rule.actions) as JsonObject[];
    }
    return;
  }
  const listener = w.st.elbv2.listeners[ruleOrListener];
  if (!listener) return;
  listener.defaultActions = [forward];
  for (const r of Object.values(w.st.elbv2.rules))
    if (r.listenerArn === listener.arn && r.isDefault) r.actions = clone(listener.defaultActions);
}

/** Actions other than forward on the rule (redirect, fixed-response, authenticate-*): ECS-native B/G fails (§1.8). */
export function mixedActions(w: WorldContext, ruleOrListener: string | undefined): string[] {
  if (!ruleOrListener) return [];
  const actions = w.st.elbv2.rules[ruleOrListener]?.actions ?? w.st.elbv2.listeners[ruleOrListener]?.defaultActions ?? [];
  return actions.map((a) => String(a.Type)).filter((t) => t !== 'forward');
}
