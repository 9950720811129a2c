/**
 * ELBv2 state shared by the API modules and the rest of the world: lookups (not found is AWS's error), target
 * registration and draining, and the CloudWatch dimensions of load balancers and target groups.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import type { ListenerState, LoadBalancerState, RuleState, TargetGroupState, TargetState } from '../types.js';

export const DEFAULT_VPC = 'vpc-0sandbox00000000';

export function notFound(code: string, message: string): SandboxApiError {
  return new SandboxApiError(code, message, 400);
}

export function validation(message: string): SandboxApiError {
  return new SandboxApiError('ValidationError', message, 400);
}

export function targetGroupOrUndefined(w: WorldContext, arn: string): TargetGroupState | undefined {
  return w.st.elbv2.targetGroups[arn];
}

export function targetGroup(w: WorldContext, arn: string): TargetGroupState {
  const tg = w.st.elbv2.targetGroups[arn];
  if (!tg) throw notFound('TargetGroupNotFound', 'One or more target groups not found');
  return tg;
}

/** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension (§4.2). */
export function targetGroupDimension(arn: string): string {
  return arn.slice(arn.indexOf('targetgroup/'));
}

/** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension (§4.2). */
export function loadBalancerDimension(arn: string): string {
  return arn.slice(arn.indexOf('loadbalancer/') + 'loadbalancer/'.length);
}

export function registerTarget(tg: TargetGroupState, target: TargetState): void {
  tg.targets = tg.targets.filter((t) => !(t.id === target.id && t.port === target.port));
  tg.targets.push(target);
}

export function setTargetState(t: TargetState, state: TargetState['state']): void {
  t.state = state;
  if (state === 'healthy') delete t.healthyAt;
  if (state === 'unhealthy') delete t.unhealthyAt;
}

/** Starts draining a target; returns when draining ends (deregistration delay). */
export function drainTarget(w: WorldContext, tg: TargetGroupState, id: string, port: number): number {
  const t = tg.targets.find((x) => x.id === id && x.port === port);
  const until = w.now + tg.deregistrationDelaySeconds * 1000;
  if (t && t.state !== 'draining') {
    t.state = 'draining';
    delete t.healthyAt;
    delete t.unhealthyAt;
    t.drainUntil = until;
  }
  return t?.drainUntil ?? w.now;
}

/** Drops targets whose draining is over. */
export function sweepTargets(w: WorldContext, tg: TargetGroupState): void {
  if (tg.targets.some((t) => t.state === 'draining' && (t.drainUntil ?? 0) <= w.now)) {
    tg.targets = tg.targets.filter((t) => !(t.state === 'draining' && (t.drainUntil ?? 0) <= w.now));
  }
}

export function loadBalancer(w: WorldContext, arn: string): LoadBalancerState {
  const lb = w.st.elbv2.loadBalancers[arn];
  if (!lb) throw notFound('LoadBalancerNotFound', 'One or more load balancers not found');
  return lb;
}

export function listener(w: WorldContext, arn: string): ListenerState {
  const l = w.st.elbv2.listeners[arn];
  if (!l) throw notFound('ListenerNotFound', 'One or more listeners not found');
  return l;
}

export function rule(w: WorldContext, arn: string): RuleState {
  const r = w.st.elbv2.rules[arn];
  if (!r) throw notFound('RuleNotFound', 'One or more rules not found');
  return r;
}
