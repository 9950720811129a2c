/** ELBv2 output shapes. */
import type { WorldContext } from '../context.js';
import { clone, date } from '../input.js';
import type { ListenerState, LoadBalancerState, RuleState, TargetGroupState } from '../types.js';
import { forwardWeights } from './actions.js';

export function lbOut(lb: LoadBalancerState): Record<string, unknown> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: `${lb.name}-${lb.arn.slice(-8)}.sandbox.elb.localhost`,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s, i) => ({ ZoneName: `zone-${i}`, SubnetId: s })),
    SecurityGroups: lb.securityGroups,
    IpAddressType: 'ipv4',
  };
}

export function loadBalancerArnsOf(w: WorldContext, tgArn: string): string[] {
  const lbs = new Set<string>();
  for (const r of Object.values(w.st.elbv2.rules)) {
    if (forwardWeights(r.actions).some((t) => t.targetGroupArn === tgArn)) {
      const l = w.st.elbv2.listeners[r.listenerArn];
      if (l) lbs.add(l.loadBalancerArn);
    }
  }
  return [...lbs];
}

export function tgOut(w: WorldContext, tg: TargetGroupState): Record<string, unknown> {
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: tg.healthCheck.protocol,
    HealthCheckPort: tg.healthCheck.port,
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: tg.healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: tg.healthCheck.timeoutSeconds,
    HealthyThresholdCount: tg.healthCheck.healthyThresholdCount,
    UnhealthyThresholdCount: tg.healthCheck.unhealthyThresholdCount,
    HealthCheckPath: tg.healthCheck.path,
    Matcher: { HttpCode: tg.healthCheck.matcher },
    LoadBalancerArns: loadBalancerArnsOf(w, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: 'HTTP1',
    IpAddressType: 'ipv4',
  };
}

export function listenerOut(l: ListenerState): Record<string, unknown> {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: clone(l.defaultActions),
  };
}

export function ruleOut(r: RuleState): Record<string, unknown> {
  return { RuleArn: r.arn, Priority: r.priority, Conditions: clone(r.conditions), Actions: clone(r.actions), IsDefault: r.isDefault };
}
