/** Listener and rule actions: normalized as DescribeRules returns them, forward weights, the rule clients hit. */
import type { WorldContext } from '../context.js';
import { clone, isRecord, recordList, toBool, toNumber } from '../input.js';
import type { JsonObject, ListenerState, RuleState } from '../types.js';
import { targetGroup, validation } from './state.js';

/** Normalizes actions the way DescribeRules returns them; validates target groups and weights. */
export function normalizeActions(w: WorldContext, raw: unknown): JsonObject[] {
  const actions = recordList(raw);
  if (!actions.length) throw validation('At least one action must be specified');
  return actions.map((a) => {
    const type = String(a.Type ?? '');
    if (!type) throw validation('Action type must be specified');
    const out: Record<string, unknown> = { ...clone(a), Type: type };
    if (a.Order !== undefined) out.Order = toNumber(a.Order, 'Order');
    if (type !== 'forward') return out as JsonObject;
    const fc = isRecord(a.ForwardConfig) ? a.ForwardConfig : undefined;
    let tgs = recordList(fc?.TargetGroups).map((t) => ({
      TargetGroupArn: String(t.TargetGroupArn ?? ''),
      Weight: toNumber(t.Weight, 'Weight') ?? 1,
    }));
    if (!tgs.length && typeof a.TargetGroupArn === 'string') tgs = [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
    if (!tgs.length) throw validation('A target group ARN must be specified');
    for (const t of tgs) {
      targetGroup(w, t.TargetGroupArn);
      if (t.Weight < 0 || t.Weight > 999 || !Number.isInteger(t.Weight)) throw validation('Target group weight must be between 0 and 999');
    }
    const sticky = isRecord(fc?.TargetGroupStickinessConfig) ? fc.TargetGroupStickinessConfig : {};
    const stickiness: Record<string, unknown> = { Enabled: toBool(sticky.Enabled) ?? false };
    if (sticky.DurationSeconds !== undefined) stickiness.DurationSeconds = toNumber(sticky.DurationSeconds, 'DurationSeconds');
    delete out.TargetGroupArn;
    if (tgs.length === 1) out.TargetGroupArn = tgs[0]?.TargetGroupArn;
    out.ForwardConfig = { TargetGroups: tgs, TargetGroupStickinessConfig: stickiness };
    return out as JsonObject;
  });
}

/** Relative weights of the forward action, e.g. [{arn, weight}]. */
export function forwardWeights(actions: JsonObject[]): { targetGroupArn: string; weight: number }[] {
  const fwd = actions.find((a) => a.Type === 'forward');
  const fc = fwd?.ForwardConfig;
  if (!isRecord(fc)) return [];
  return recordList(fc.TargetGroups).map((t) => ({ targetGroupArn: String(t.TargetGroupArn), weight: Number(t.Weight ?? 1) }));
}

/**
 * The rule a listener's simulated clients hit: the highest-priority (lowest number) forwarding rule, else the
 * default action. The sandbox's clients all match the listener's first rule (documented in docs/sandbox.md).
 */
export function servingRule(w: WorldContext, listener: ListenerState): RuleState | undefined {
  let best: RuleState | undefined;
  let fallback: RuleState | undefined;
  for (const r of Object.values(w.st.elbv2.rules)) {
    if (r.listenerArn !== listener.arn) continue;
    if (r.isDefault) {
      fallback = r;
      continue;
    }
    if (!forwardWeights(r.actions).length) continue;
    if (!best || Number(r.priority) < Number(best.priority)) best = r;
  }
  return best ?? fallback;
}
