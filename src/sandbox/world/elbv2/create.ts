/** Creating load balancers, target groups, listeners and rules (the API and seeding share these). */
import type { WorldContext } from '../context.js';
import { isRecord, optString, recordList, reqString, stringList, toNumber, type Input } from '../input.js';
import type { JsonObject, ListenerState, LoadBalancerState, RuleState, TargetGroupState } from '../types.js';
import { DEFAULT_VPC } from './state.js';

export function createLoadBalancerState(w: WorldContext, name: string, arn?: string, input: Input = {}): LoadBalancerState {
  const lbArn = arn ?? w.arn('elasticloadbalancing', `loadbalancer/app/${name}/${w.hex(16)}`);
  const lb: LoadBalancerState = {
    arn: lbArn,
    name,
    type: optString(input, 'Type') ?? 'application',
    scheme: optString(input, 'Scheme') ?? 'internet-facing',
    createdAt: w.now,
    vpcId: DEFAULT_VPC,
    securityGroups: stringList(input.SecurityGroups),
    subnets: stringList(input.Subnets),
  };
  w.st.elbv2.loadBalancers[lbArn] = lb;
  return lb;
}

export function createTargetGroupState(w: WorldContext, input: Input, arn?: string): TargetGroupState {
  const name = reqString(input, 'Name', 'ValidationError');
  const num = (k: string, d: number) => toNumber(input[k], k) ?? d;
  const tgArn = arn ?? w.arn('elasticloadbalancing', `targetgroup/${name}/${w.hex(16)}`);
  const protocol = optString(input, 'Protocol') ?? 'HTTP';
  const tg: TargetGroupState = {
    arn: tgArn,
    name,
    protocol,
    port: num('Port', 80),
    vpcId: optString(input, 'VpcId') ?? DEFAULT_VPC,
    targetType: optString(input, 'TargetType') ?? 'instance',
    // AWS's defaults for an HTTP target group.
    healthCheck: {
      protocol: optString(input, 'HealthCheckProtocol') ?? protocol,
      port: optString(input, 'HealthCheckPort') ?? 'traffic-port',
      path: optString(input, 'HealthCheckPath') ?? '/',
      intervalSeconds: num('HealthCheckIntervalSeconds', 30),
      timeoutSeconds: num('HealthCheckTimeoutSeconds', 5),
      healthyThresholdCount: num('HealthyThresholdCount', 5),
      unhealthyThresholdCount: num('UnhealthyThresholdCount', 2),
      matcher: isRecord(input.Matcher) && typeof input.Matcher.HttpCode === 'string' ? input.Matcher.HttpCode : '200',
    },
    deregistrationDelaySeconds: 300,
    targets: [],
    tags: recordList(input.Tags).map((t) => ({ key: String(t.Key), value: String(t.Value ?? '') })),
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
