/**
 * Listener rules: Create (conditions checked as AWS checks them, conditions.ts), Describe, Modify (whole lists
 * replaced, §3.1), SetRulePriorities, Delete. Priorities are 1–50000 and unique within a listener; the default
 * rule's cannot change.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, optNumber, optString, recordList, reqString, stringList, toNumber, type Input } from '../input.js';
import type { RuleState } from '../types.js';
import { normalizeActions } from './actions.js';
import { readConditions } from './conditions.js';
import { createRuleState } from './create.js';
import { ruleOut } from './output.js';
import { listener, rule, validation } from './state.js';
import { applyTags, tagsFrom } from './tags.js';

function priorityOf(v: unknown): number {
  const p = toNumber(v, 'Priority');
  if (p === undefined || !Number.isInteger(p) || p < 1 || p > 50000) throw validation('Priority must be between 1 and 50000');
  return p;
}

function priorityInUse(): SandboxApiError {
  return new SandboxApiError('PriorityInUse', 'The specified priority is in use.');
}

export function createRule(w: WorldContext, input: Input): Record<string, unknown> {
  const l = listener(w, reqString(input, 'ListenerArn', 'ValidationError'));
  const priority = priorityOf(input.Priority);
  const conditions = readConditions(input.Conditions);
  const actions = normalizeActions(w, input.Actions);
  if (Object.values(w.st.elbv2.rules).some((r) => r.listenerArn === l.arn && r.priority === String(priority))) throw priorityInUse();
  const r = createRuleState(w, l, priority, conditions, actions);
  applyTags(r, tagsFrom(input.Tags));
  return { Rules: [ruleOut(r)] };
}

/** The listener's rules by priority, the default rule last. */
function byPriority(rules: RuleState[]): RuleState[] {
  return [...rules].sort((a, b) => (a.isDefault ? 1 : b.isDefault ? -1 : Number(a.priority) - Number(b.priority)));
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
  const size = optNumber(input, 'PageSize') ?? 400;
  if (size < 1 || size > 400) throw validation('Page size must be between 1 and 400');
  const start = Number(optString(input, 'Marker') ?? 0);
  const sorted = byPriority(rs);
  const page = sorted.slice(start, start + size);
  return { Rules: page.map(ruleOut), ...(start + size < sorted.length ? { NextMarker: String(start + size) } : {}) };
}

export function modifyRule(w: WorldContext, input: Input): Record<string, unknown> {
  const r = rule(w, reqString(input, 'RuleArn', 'ValidationError'));
  // ModifyRule replaces whole lists (§3.1); everything is checked before anything changes.
  const actions = input.Actions !== undefined ? normalizeActions(w, input.Actions) : undefined;
  const conditions = input.Conditions !== undefined ? readConditions(input.Conditions) : undefined;
  if (conditions && r.isDefault) throw new SandboxApiError('OperationNotPermitted', 'Conditions cannot be modified on the default rule');
  if (actions) {
    if (r.isDefault) {
      const l = w.st.elbv2.listeners[r.listenerArn];
      if (l) l.defaultActions = clone(actions);
    }
    r.actions = actions;
  }
  if (conditions) r.conditions = conditions;
  return { Rules: [ruleOut(r)] };
}

/** Reorders rules: "as long as there are no priority conflicts in the new order" (API_SetRulePriorities). */
export function setRulePriorities(w: WorldContext, input: Input): Record<string, unknown> {
  const wanted = recordList(input.RulePriorities).map((p) => ({
    rule: rule(w, String(p.RuleArn ?? '')),
    priority: priorityOf(p.Priority),
  }));
  for (const { rule: r } of wanted) {
    if (r.isDefault) throw new SandboxApiError('OperationNotPermitted', 'The default rule priority cannot be modified');
  }
  const moving = new Set(wanted.map((x) => x.rule.arn));
  const taken = new Set<string>();
  for (const r of Object.values(w.st.elbv2.rules)) if (!moving.has(r.arn) && !r.isDefault) taken.add(`${r.listenerArn}#${r.priority}`);
  for (const { rule: r, priority } of wanted) {
    const key = `${r.listenerArn}#${priority}`;
    if (taken.has(key)) throw priorityInUse();
    taken.add(key);
  }
  for (const { rule: r, priority } of wanted) r.priority = String(priority);
  return { Rules: wanted.map((x) => ruleOut(x.rule)) };
}

export function deleteRule(w: WorldContext, input: Input): Record<string, unknown> {
  const r = rule(w, reqString(input, 'RuleArn', 'ValidationError'));
  if (r.isDefault) throw new SandboxApiError('OperationNotPermitted', 'Default rule cannot be deleted');
  delete w.st.elbv2.rules[r.arn];
  return {};
}
