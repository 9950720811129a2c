/**
 * ELBv2 (query protocol: every input leaf is a string). Load balancers, target groups with targets whose health
 * follows the tasks behind them, listeners and rules whose forward actions carry relative weights 0–999 (§3.1),
 * their attributes and tags.
 */
import type { WorldContext } from '../context.js';
import type { Input } from '../input.js';
import { createListener, deleteListener, describeListeners, modifyListener } from './listeners.js';
import { describeLoadBalancerAttributes, modifyLoadBalancerAttributes } from './load-balancer-attributes.js';
import {
  createLoadBalancer,
  deleteLoadBalancer,
  describeLoadBalancers,
  setIpAddressType,
  setSecurityGroups,
  setSubnets,
} from './load-balancers.js';
import { createRule, deleteRule, describeRules, modifyRule, setRulePriorities } from './rules.js';
import { addTags, describeTags, removeTags } from './tags.js';
import { describeTargetGroupAttributes, modifyTargetGroupAttributes } from './target-group-attributes.js';
import { createTargetGroup, deleteTargetGroup, describeTargetGroups, modifyTargetGroup } from './target-groups.js';
import { deregisterTargets, describeTargetHealth, registerTargets } from './targets.js';

export { forwardWeights, normalizeActions, servingRule, targetGroupInUse } from './actions.js';
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
  DeleteLoadBalancer: deleteLoadBalancer,
  DescribeLoadBalancerAttributes: describeLoadBalancerAttributes,
  ModifyLoadBalancerAttributes: modifyLoadBalancerAttributes,
  SetSecurityGroups: setSecurityGroups,
  SetSubnets: setSubnets,
  SetIpAddressType: setIpAddressType,
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  ModifyTargetGroupAttributes: modifyTargetGroupAttributes,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
  CreateRule: createRule,
  DescribeRules: describeRules,
  ModifyRule: modifyRule,
  SetRulePriorities: setRulePriorities,
  DeleteRule: deleteRule,
  AddTags: addTags,
  RemoveTags: removeTags,
  DescribeTags: describeTags,
};
