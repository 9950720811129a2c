/** Load balancers: CreateLoadBalancer (idempotent by name), DescribeLoadBalancers. */
import type { WorldContext } from '../context.js';
import { reqString, stringList, type Input } from '../input.js';
import { createLoadBalancerState } from './create.js';
import { lbOut } from './output.js';
import { loadBalancer, notFound } from './state.js';

export function createLoadBalancer(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'Name', 'ValidationError');
  const existing = Object.values(w.st.elbv2.loadBalancers).find((lb) => lb.name === name);
  return { LoadBalancers: [lbOut(existing ?? createLoadBalancerState(w, name, undefined, input))] };
}

export function describeLoadBalancers(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.LoadBalancerArns);
  const names = stringList(input.Names);
  let lbs = Object.values(w.st.elbv2.loadBalancers);
  if (arns.length) lbs = arns.map((a) => loadBalancer(w, a));
  if (names.length) {
    lbs = names.map((n) => {
      const lb = Object.values(w.st.elbv2.loadBalancers).find((x) => x.name === n);
      if (!lb) throw notFound('LoadBalancerNotFound', `Load balancers '[${n}]' not found`);
      return lb;
    });
  }
  return { LoadBalancers: lbs.map(lbOut) };
}
