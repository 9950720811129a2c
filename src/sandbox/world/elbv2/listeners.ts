/** Listeners: create, describe, modify (their default actions are the default rule's). */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, optString, reqString, stringList, toNumber, type Input } from '../input.js';
import { normalizeActions } from './actions.js';
import { createListenerState } from './create.js';
import { listenerOut } from './output.js';
import { listener, loadBalancer, validation } from './state.js';

export function createListener(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  const port = toNumber(input.Port, 'Port') ?? 80;
  if (Object.values(w.st.elbv2.listeners).some((l) => l.loadBalancerArn === lb.arn && l.port === port)) {
    throw new SandboxApiError('DuplicateListener', 'A listener already exists on this port for this load balancer');
  }
  const l = createListenerState(w, lb, port, normalizeActions(w, input.DefaultActions));
  if (input.Protocol) l.protocol = String(input.Protocol);
  return { Listeners: [listenerOut(l)] };
}

export function describeListeners(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.ListenerArns);
  const lbArn = optString(input, 'LoadBalancerArn');
  if (!arns.length && !lbArn) throw validation('You must specify either listener ARNs or a load balancer ARN');
  let ls = arns.length ? arns.map((a) => listener(w, a)) : Object.values(w.st.elbv2.listeners);
  if (lbArn) {
    loadBalancer(w, lbArn);
    ls = ls.filter((l) => l.loadBalancerArn === lbArn);
  }
  return { Listeners: ls.map(listenerOut) };
}

export function modifyListener(w: WorldContext, input: Input): Record<string, unknown> {
  const l = listener(w, reqString(input, 'ListenerArn', 'ValidationError'));
  if (input.Port !== undefined) l.port = toNumber(input.Port, 'Port') ?? l.port;
  if (input.Protocol !== undefined) l.protocol = String(input.Protocol);
  if (input.DefaultActions !== undefined) {
    l.defaultActions = normalizeActions(w, input.DefaultActions);
    for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === l.arn && r.isDefault) r.actions = clone(l.defaultActions);
  }
  return { Listeners: [listenerOut(l)] };
}
