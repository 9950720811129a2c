/**
 * Listener and rule actions (API_Action): checked as AWS checks them, normalized the way DescribeRules returns
 * them (a forward action always carries ForwardConfig, and TargetGroupArn when it has one target group), forward
 * weights, and the rule the simulated clients hit. An OIDC client secret is accepted and never kept: AWS does not
 * return it, and a sandbox never repeats a secret.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, isRecord, recordList, toBool, toNumber } from '../input.js';
import type { JsonObject, ListenerState, RuleState } from '../types.js';
import { notFound, validation } from './state.js';

const TYPES = ['forward', 'authenticate-oidc', 'authenticate-cognito', 'redirect', 'fixed-response', 'jwt-validation'];
/** API_FixedResponseActionConfig: ContentType's valid values and StatusCode's pattern. */
const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];
const STATUS_CODE = /^(2|4|5)\d\d$/;

function checkFixedResponse(a: Record<string, unknown>): void {
  const cfg = isRecord(a.FixedResponseConfig) ? a.FixedResponseConfig : undefined;
  if (!cfg) throw validation("A 'FixedResponseConfig' must be specified for a fixed-response action");
  const status = String(cfg.StatusCode ?? '');
  if (!STATUS_CODE.test(status)) {
    throw validation(
      `1 validation error detected: Value '${status}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(2|4|5)\\d\\d$`,
    );
  }
  if (cfg.ContentType !== undefined && !CONTENT_TYPES.includes(String(cfg.ContentType))) {
    throw new SandboxApiError(
      'InvalidLoadBalancerAction',
      `The content type '${String(cfg.ContentType)}' must be one of [${CONTENT_TYPES.join(', ')}]`,
    );
  }
}

function forwardConfig(w: WorldContext, a: Record<string, unknown>, out: Record<string, unknown>): void {
  const fc = isRecord(a.ForwardConfig) ? a.ForwardConfig : undefined;
  let tgs = recordList(fc?.TargetGroups).map((t) => ({
    TargetGroupArn: String(t.TargetGroupArn ?? ''),
    Weight: toNumber(t.Weight, 'Weight') ?? 1,
  }));
  if (!tgs.length && typeof a.TargetGroupArn === 'string') tgs = [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
  if (!tgs.length) throw validation('A target group ARN must be specified');
  for (const t of tgs) {
    if (!w.st.elbv2.targetGroups[t.TargetGroupArn]) throw notFound('TargetGroupNotFound', `Target group '${t.TargetGroupArn}' not found`);
    if (t.Weight < 0 || t.Weight > 999 || !Number.isInteger(t.Weight)) throw validation('Target group weight must be between 0 and 999');
  }
  const sticky = isRecord(fc?.TargetGroupStickinessConfig) ? fc.TargetGroupStickinessConfig : {};
  const stickiness: Record<string, unknown> = { Enabled: toBool(sticky.Enabled) ?? false };
  if (sticky.DurationSeconds !== undefined) stickiness.DurationSeconds = toNumber(sticky.DurationSeconds, 'DurationSeconds');
  delete out.TargetGroupArn;
  if (tgs.length === 1) out.TargetGroupArn = tgs[0]?.TargetGroupArn;
  out.ForwardConfig = { TargetGroups: tgs, TargetGroupStickinessConfig: stickiness };
}

/** Checks actions and returns them as DescribeRules shows them. */
export function normalizeActions(w: WorldContext, raw: unknown): JsonObject[] {
  const actions = recordList(raw);
  if (!actions.length) throw validation('At least one action must be specified');
  return actions.map((a) => {
    const type = String(a.Type ?? '');
    if (!type) throw validation('Action type must be specified');
    if (!TYPES.includes(type)) throw validation(`The action type '${type}' must be one of [${TYPES.join(', ')}]`);
    const out: Record<string, unknown> = { ...clone(a), Type: type };
    if (a.Order !== undefined) out.Order = toNumber(a.Order, 'Order');
    if (type === 'forward') forwardConfig(w, a, out);
    if (type === 'fixed-response') checkFixedResponse(a);
    if (type === 'authenticate-oidc' && isRecord(out.AuthenticateOidcConfig)) delete out.AuthenticateOidcConfig.ClientSecret;
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

/** Does any action of any listener or rule forward to this target group? */
export function targetGroupInUse(w: WorldContext, tgArn: string): boolean {
  return Object.values(w.st.elbv2.rules).some((r) => forwardWeights(r.actions).some((t) => t.targetGroupArn === tgArn));
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
