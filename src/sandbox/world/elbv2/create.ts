/** Creating load balancers, target groups, listeners and rules (the API and seeding share these). */
import type { WorldContext } from '../context.js';
import { isRecord, optBool, optString, recordList, reqString, stringList, toNumber, type Input } from '../input.js';
import type { JsonObject, ListenerState, LoadBalancerState, RuleState, TargetGroupState } from '../types.js';
import { DEFAULT_VPC } from './state.js';

/** The ARN path segment of each load balancer type. */
const ARN_KIND: Record<string, string> = { application: 'app', network: 'net', gateway: 'gwy' };

/** AWS's form, NAME-DIGITS.REGION.elb.amazonaws.com (internal-... for an internal one); digits from the ARN's id. */
export function dnsName(name: string, scheme: string, arn: string, region: string): string {
  const digits = String(Number.parseInt(arn.slice(-10), 16) % 10_000_000_000).padStart(10, '1');
  return `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${region}.elb.amazonaws.com`;
}

export function createLoadBalancerState(w: WorldContext, name: string, arn?: string, input: Input = {}): LoadBalancerState {
  const type = optString(input, 'Type') ?? 'application';
  const lbArn = arn ?? w.arn('elasticloadbalancing', `loadbalancer/${ARN_KIND[type] ?? 'app'}/${name}/${w.hex(16)}`);
  const scheme = optString(input, 'Scheme') ?? 'internet-facing';
  const subnets = stringList(input.Subnets);
  for (const m of recordList(input.SubnetMappings)) if (m.SubnetId !== undefined) subnets.push(String(m.SubnetId));
  const lb: LoadBalancerState = {
    arn: lbArn,
    name,
    type,
    scheme,
    createdAt: w.now,
    vpcId: DEFAULT_VPC,
    securityGroups: stringList(input.SecurityGroups),
    subnets,
    ipAddressType: optString(input, 'IpAddressType') ?? 'ipv4',
    dnsName: dnsName(name, scheme, lbArn, w.region),
  };
  w.st.elbv2.loadBalancers[lbArn] = lb;
  return lb;
}

/** AWS's health check defaults by protocol (API_CreateTargetGroup): HTTP(S) 30 s/5 s, TCP-like 30 s/10 s, GENEVE 10 s/5 s. */
function healthDefaults(protocol: string | undefined, targetType: string): { interval: number; timeout: number; healthy: number } {
  if (targetType === 'lambda') return { interval: 35, timeout: 30, healthy: 5 };
  if (protocol === 'GENEVE') return { interval: 10, timeout: 5, healthy: 5 };
  if (protocol === 'HTTP' || protocol === 'HTTPS') return { interval: 30, timeout: 5, healthy: 5 };
  return { interval: 30, timeout: 10, healthy: 5 };
}

/** The protocol and health check a CreateTargetGroup input describes, with AWS's defaults filled. */
export function targetGroupSettings(input: Input): Pick<TargetGroupState, 'protocol' | 'targetType' | 'healthCheck'> {
  const num = (k: string) => toNumber(input[k], k);
  const targetType = optString(input, 'TargetType') ?? 'instance';
  const protocol = optString(input, 'Protocol') ?? (targetType === 'lambda' ? '' : 'HTTP');
  const d = healthDefaults(protocol, targetType);
  const interval = num('HealthCheckIntervalSeconds');
  const timeout = num('HealthCheckTimeoutSeconds');
  const http = protocol === 'HTTP' || protocol === 'HTTPS' || targetType === 'lambda';
  const healthProtocol = optString(input, 'HealthCheckProtocol') ?? (protocol === 'GENEVE' ? 'TCP' : protocol || 'HTTP');
  return {
    protocol,
    targetType,
    healthCheck: {
      protocol: healthProtocol,
      port: optString(input, 'HealthCheckPort') ?? (protocol === 'GENEVE' ? '80' : 'traffic-port'),
      path: optString(input, 'HealthCheckPath') ?? (healthProtocol === 'HTTP' || healthProtocol === 'HTTPS' ? '/' : ''),
      // Without both, the one given moves the other so that the timeout fits in the interval.
      intervalSeconds: interval ?? Math.max(d.interval, timeout ?? 0),
      timeoutSeconds: timeout ?? (interval !== undefined && !http ? Math.min(d.timeout, interval) : d.timeout),
      healthyThresholdCount: num('HealthyThresholdCount') ?? d.healthy,
      unhealthyThresholdCount: num('UnhealthyThresholdCount') ?? 2,
      matcher: isRecord(input.Matcher) && typeof input.Matcher.HttpCode === 'string' ? input.Matcher.HttpCode : http ? '200' : '',
    },
  };
}

export function createTargetGroupState(w: WorldContext, input: Input, arn?: string): TargetGroupState {
  const name = reqString(input, 'Name', 'ValidationError');
  const tgArn = arn ?? w.arn('elasticloadbalancing', `targetgroup/${name}/${w.hex(16)}`);
  const settings = targetGroupSettings(input);
  const tg: TargetGroupState = {
    arn: tgArn,
    name,
    ...settings,
    port: toNumber(input.Port, 'Port') ?? 0,
    vpcId: optString(input, 'VpcId') ?? (settings.targetType === 'lambda' ? '' : DEFAULT_VPC),
    deregistrationDelaySeconds: 300,
    targets: [],
    tags: recordList(input.Tags).map((t) => ({ key: String(t.Key), value: String(t.Value ?? '') })),
    ipAddressType: optString(input, 'IpAddressType') ?? 'ipv4',
    healthCheckEnabled: optBool(input, 'HealthCheckEnabled') ?? settings.targetType !== 'lambda',
  };
  w.st.elbv2.targetGroups[tgArn] = tg;
  return tg;
}

export function createListenerState(
  w: WorldContext,
  lb: LoadBalancerState,
  port: number,
  actions: JsonObject[],
  arn?: string,
): ListenerState {
  const lbPath = lb.arn.slice(lb.arn.indexOf('loadbalancer/') + 'loadbalancer/'.length);
  const listenerArn = arn ?? `${lb.arn.slice(0, lb.arn.indexOf('loadbalancer/'))}listener/${lbPath}/${w.hex(16)}`;
  const listener: ListenerState = { arn: listenerArn, loadBalancerArn: lb.arn, port, protocol: 'HTTP', defaultActions: actions };
  w.st.elbv2.listeners[listenerArn] = listener;
  const ruleArn = `${listenerArn.replace(':listener/', ':listener-rule/')}/${w.hex(16)}`;
  w.st.elbv2.rules[ruleArn] = { arn: ruleArn, listenerArn, priority: 'default', conditions: [], actions, isDefault: true };
  return listener;
}

export function createRuleState(
  w: WorldContext,
  listener: ListenerState,
  priority: number,
  conditions: JsonObject[],
  actions: JsonObject[],
  arn?: string,
): RuleState {
  const ruleArn = arn ?? `${listener.arn.replace(':listener/', ':listener-rule/')}/${w.hex(16)}`;
  const rule: RuleState = { arn: ruleArn, listenerArn: listener.arn, priority: String(priority), conditions, actions, isDefault: false };
  w.st.elbv2.rules[ruleArn] = rule;
  return rule;
}
