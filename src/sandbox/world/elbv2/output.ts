/** ELBv2 output shapes, with the members AWS leaves out for a type or protocol left out here too. */
import type { WorldContext } from '../context.js';
import { clone, compact, date } from '../input.js';
import type { ListenerState, LoadBalancerState, RuleState, TargetGroupState } from '../types.js';
import { forwardWeights } from './actions.js';
import { dnsName } from './create.js';

export function lbOut(w: WorldContext, lb: LoadBalancerState): Record<string, unknown> {
  const provisioning = lb.provisioningUntil !== undefined && w.now < lb.provisioningUntil;
  return compact({
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName ?? dnsName(lb.name, lb.scheme, lb.arn, w.region),
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: date(lb.createdAt),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: provisioning ? 'provisioning' : 'active' },
    Type: lb.type,
    // The sandbox knows no subnets: each is put in the region's zones a, b, c... in order.
    AvailabilityZones: lb.subnets.map((s, i) => ({ ZoneName: `${w.region}${'abcdef'[i % 6]}`, SubnetId: s })),
    SecurityGroups: lb.type === 'gateway' ? undefined : lb.securityGroups,
    IpAddressType: lb.ipAddressType ?? 'ipv4',
  });
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
  const lambda = tg.targetType === 'lambda';
  const http = tg.protocol === 'HTTP' || tg.protocol === 'HTTPS';
  const httpCheck = tg.healthCheck.protocol === 'HTTP' || tg.healthCheck.protocol === 'HTTPS';
  return compact({
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: lambda ? undefined : tg.protocol,
    Port: lambda ? undefined : tg.port,
    VpcId: lambda ? undefined : tg.vpcId,
    HealthCheckProtocol: lambda ? undefined : tg.healthCheck.protocol,
    HealthCheckPort: lambda ? undefined : tg.healthCheck.port,
    HealthCheckEnabled: tg.healthCheckEnabled ?? true,
    HealthCheckIntervalSeconds: tg.healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: tg.healthCheck.timeoutSeconds,
    HealthyThresholdCount: tg.healthCheck.healthyThresholdCount,
    UnhealthyThresholdCount: tg.healthCheck.unhealthyThresholdCount,
    HealthCheckPath: httpCheck || lambda ? tg.healthCheck.path || '/' : undefined,
    Matcher: tg.healthCheck.matcher ? { HttpCode: tg.healthCheck.matcher } : undefined,
    LoadBalancerArns: loadBalancerArnsOf(w, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: http ? 'HTTP1' : undefined,
    IpAddressType: lambda ? undefined : (tg.ipAddressType ?? 'ipv4'),
  });
}

export function listenerOut(l: ListenerState): Record<string, unknown> {
  // A Gateway Load Balancer's listener has neither port nor protocol.
  const gateway = l.port === 0;
  return compact({
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: gateway ? undefined : l.port,
    Protocol: gateway ? undefined : l.protocol,
    Certificates: l.certificates ? clone(l.certificates) : undefined,
    SslPolicy: l.sslPolicy,
    DefaultActions: clone(l.defaultActions),
    AlpnPolicy: l.alpnPolicy ? [...l.alpnPolicy] : undefined,
  });
}

export function ruleOut(r: RuleState): Record<string, unknown> {
  return { RuleArn: r.arn, Priority: r.priority, Conditions: clone(r.conditions), Actions: clone(r.actions), IsDefault: r.isDefault };
}
