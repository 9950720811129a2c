/**
 * ELBv2 (query protocol: every input leaf is a string). Load balancers, target groups with targets whose health
 * follows the tasks behind them, listeners and rules whose forward actions carry relative weights 0–999 (§3.1).
 */
import type { WorldContext } from '../context.js';
import type { Input } from '../input.js';
import { createListener, describeListeners, modifyListener } from './listeners.js';
import { createLoadBalancer, describeLoadBalancers } from './load-balancers.js';
import { createRule, deleteRule, describeRules, modifyRule } from './rules.js';
import {
  createTargetGroup,
  deregisterTargets,
  describeTargetGroupAttributes,
  describeTargetGroups,
  describeTargetHealth,
  modifyTargetGroupAttributes,
  registerTargets,
} from './target-groups.js';

export { forwardWeights, normalizeActions, servingRule } from './actions.js';
export { createListenerState, createLoadBalancerState, createRuleState, createTargetGroupState } from './create.js';
export {
  drainTarget,
  loadBalancerDimension,
  registerTarget,
  setTargetState,
  sweepTargets,
  targetGroupDimension,
  targetGroupOrUndefined,
} from './state.js';

export const elbv2Operations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  CreateRule: createRule,
  DescribeRules: describeRules,
  ModifyRule: modifyRule,
  DeleteRule: deleteRule,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
};
