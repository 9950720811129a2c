/** Listener rules: create, describe, modify (whole lists replaced, §3.1), delete. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, optString, recordList, reqString, stringList, toNumber, type Input } from '../input.js';
import type { JsonObject } from '../types.js';
import { normalizeActions } from './actions.js';
import { createRuleState } from './create.js';
import { ruleOut } from './output.js';
import { listener, rule, validation } from './state.js';

export function createRule(w: WorldContext, input: Input): Record<string, unknown> {
  const l = listener(w, reqString(input, 'ListenerArn', 'ValidationError'));
  const priority = toNumber(input.Priority, 'Priority');
  if (priority === undefined || priority < 1 || priority > 50000) throw validation('Priority must be between 1 and 50000');
  if (Object.values(w.st.elbv2.rules).some((r) => r.listenerArn === l.arn && r.priority === String(priority))) {
    throw new SandboxApiError('PriorityInUse', `Priority '${priority}' is currently in use`);
  }
  const conditions = recordList(input.Conditions) as JsonObject[];
  const r = createRuleState(w, l, priority, clone(conditions), normalizeActions(w, input.Actions));
  return { Rules: [ruleOut(r)] };
}

export function describeRules(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.RuleArns);
  const lArn = optString(input, 'ListenerArn');
  if (!arns.length && !lArn) throw validation('You must specify either listener ARN or rule ARNs');
  let rs = arns.length ? arns.map((a) => rule(w, a)) : Object.values(w.st.elbv2.rules);
  if (lArn) {
    listener(w, lArn);
    rs = rs.filter((r) => r.listenerArn === lArn);
  }
  rs = [...rs].sort((a, b) => (a.isDefault ? 1 : b.isDefault ? -1 : Number(a.priority) - Number(b.priority)));
  return { Rules: rs.map(ruleOut) };
}

export function modifyRule(w: WorldContext, input: Input): Record<string, unknown> {
  const r = rule(w, reqString(input, 'RuleArn', 'ValidationError'));
  // ModifyRule replaces whole lists (§3.1).
  if (input.Actions !== undefined) {
    const actions = normalizeActions(w, input.Actions);
    if (r.isDefault) {
      const l = w.st.elbv2.listeners[r.listenerArn];
      if (l) l.defaultActions = clone(actions);
    }
    r.actions = actions;
  }
  if (input.Conditions !== undefined) {
    if (r.isDefault) throw new SandboxApiError('OperationNotPermitted', 'Conditions cannot be modified on the default rule');
    r.conditions = clone(recordList(input.Conditions) as JsonObject[]);
  }
  return { Rules: [ruleOut(r)] };
}

export function deleteRule(w: WorldContext, input: Input): Record<string, unknown> {
  const r = rule(w, reqString(input, 'RuleArn', 'ValidationError'));
  if (r.isDefault) throw new SandboxApiError('OperationNotPermitted', 'Default rule cannot be deleted');
  delete w.st.elbv2.rules[r.arn];
  return {};
}
