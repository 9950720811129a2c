/**
 * ELBv2 (query protocol: every input leaf is a string). Load balancers, target groups with targets whose health
 * follows the tasks behind them, listeners and rules whose forward actions carry relative weights 0–999 (§3.1).
 */
import { SandboxApiError } from '../errors.js';
import type { WorldContext } from './context.js';
import { clone, compact, date, isRecord, optString, recordList, reqString, stringList, toBool, toNumber, type Input } from './input.js';
import type { JsonObject, ListenerState, LoadBalancerState, RuleState, TargetGroupState, TargetState } from './types.js';

const DEFAULT_VPC = 'vpc-0sandbox00000000';

function notFound(code: string, message: string): SandboxApiError {
  return new SandboxApiError(code, message, 400);
}

function validation(message: string): SandboxApiError {
  return new SandboxApiError('ValidationError', message, 400);
}

export function targetGroupOrUndefined(w: WorldContext, arn: string): TargetGroupState | undefined {
  return w.st.elbv2.targetGroups[arn];
}

function targetGroup(w: WorldContext, arn: string): TargetGroupState {
  const tg = w.st.elbv2.targetGroups[arn];
  if (!tg) throw notFound('TargetGroupNotFound', `Target groups '${arn}' not found`);
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

// ---------------------------------------------------------------------------------------------- creation

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

/** Normalizes actions the way DescribeRules returns them; validates target groups and weights. */
export function normalizeActions(w: WorldContext, raw: unknown): JsonObject[] {
  const actions = recordList(raw);
  if (!actions.length) throw validation('At least one action must be specified');
  return actions.map((a) => {
    const type = String(a.Type ?? '');
    if (!type) throw validation('Action type must be specified');
    const out: Record<string, unknown> = { ...clone(a), Type: type };
    if (a.Order !== undefined) out.Order = toNumber(a.Order, 'Order');
    if (type !== 'forward') return out as JsonObject;
    const fc = isRecord(a.ForwardConfig) ? a.ForwardConfig : undefined;
    let tgs = recordList(fc?.TargetGroups).map((t) => ({
      TargetGroupArn: String(t.TargetGroupArn ?? ''),
      Weight: toNumber(t.Weight, 'Weight') ?? 1,
    }));
    if (!tgs.length && typeof a.TargetGroupArn === 'string') tgs = [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }];
    if (!tgs.length) throw validation('A target group ARN must be specified');
    for (const t of tgs) {
      targetGroup(w, t.TargetGroupArn);
      if (t.Weight < 0 || t.Weight > 999 || !Number.isInteger(t.Weight)) throw validation('Target group weight must be between 0 and 999');
    }
    const sticky = isRecord(fc?.TargetGroupStickinessConfig) ? fc.TargetGroupStickinessConfig : {};
    const stickiness: Record<string, unknown> = { Enabled: toBool(sticky.Enabled) ?? false };
    if (sticky.DurationSeconds !== undefined) stickiness.DurationSeconds = toNumber(sticky.DurationSeconds, 'DurationSeconds');
    delete out.TargetGroupArn;
    if (tgs.length === 1) out.TargetGroupArn = tgs[0]?.TargetGroupArn;
    out.ForwardConfig = { TargetGroups: tgs, TargetGroupStickinessConfig: stickiness };
    return out as JsonObject;
  });
}

/** Relative weights of the forward action, e.g. [{arn, weight}]. */
export function forwardWeights(actions: JsonObject[]): { targetGroupArn: string; weight: number }[] {
  const fwd = actions.find((a) => a.Type === 'forward');
  const fc = fwd?.ForwardConfig;
  if (!isRecord(fc)) return [];
  return recordList(fc.TargetGroups).map((t) => ({ targetGroupArn: String(t.TargetGroupArn), weight: Number(t.Weight ?? 1) }));
}

/**
 * The rule a listener's simulated clients hit: the highest-priority (lowest number) forwarding rule, else the
 * default action. The sandbox's clients all match the listener's first rule (documented in docs/sandbox.md).
 */
export function servingRule(w: WorldContext, listener: ListenerState): RuleState | undefined {
  let best: RuleState | undefined;
  let fallback: RuleState | undefined;
  for (const r of Object.values(w.st.elbv2.rules)) {
    if (r.listenerArn !== listener.arn) continue;
    if (r.isDefault) {
      fallback = r;
      continue;
    }
    if (!forwardWeights(r.actions).length) continue;
    if (!best || Number(r.priority) < Number(best.priority)) best = r;
  }
  return best ?? fallback;
}

// ---------------------------------------------------------------------------------------------- output

function lbOut(lb: LoadBalancerState): Record<string, unknown> {
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

function loadBalancerArnsOf(w: WorldContext, tgArn: string): string[] {
  const lbs = new Set<string>();
  for (const r of Object.values(w.st.elbv2.rules)) {
    if (forwardWeights(r.actions).some((t) => t.targetGroupArn === tgArn)) {
      const l = w.st.elbv2.listeners[r.listenerArn];
      if (l) lbs.add(l.loadBalancerArn);
    }
  }
  return [...lbs];
}

function tgOut(w: WorldContext, tg: TargetGroupState): Record<string, unknown> {
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

function listenerOut(l: ListenerState): Record<string, unknown> {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: clone(l.defaultActions),
  };
}

function ruleOut(r: RuleState): Record<string, unknown> {
  return { RuleArn: r.arn, Priority: r.priority, Conditions: clone(r.conditions), Actions: clone(r.actions), IsDefault: r.isDefault };
}

// ---------------------------------------------------------------------------------------------- API

function loadBalancer(w: WorldContext, arn: string): LoadBalancerState {
  const lb = w.st.elbv2.loadBalancers[arn];
  if (!lb) throw notFound('LoadBalancerNotFound', `Load balancers '${arn}' not found`);
  return lb;
}

function listener(w: WorldContext, arn: string): ListenerState {
  const l = w.st.elbv2.listeners[arn];
  if (!l) throw notFound('ListenerNotFound', `Listener '${arn}' not found`);
  return l;
}

function rule(w: WorldContext, arn: string): RuleState {
  const r = w.st.elbv2.rules[arn];
  if (!r) throw notFound('RuleNotFound', `Rule '${arn}' not found`);
  return r;
}

export const elbv2Operations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  CreateLoadBalancer(w, input) {
    const name = reqString(input, 'Name', 'ValidationError');
    const existing = Object.values(w.st.elbv2.loadBalancers).find((lb) => lb.name === name);
    return { LoadBalancers: [lbOut(existing ?? createLoadBalancerState(w, name, undefined, input))] };
  },
  DescribeLoadBalancers(w, input) {
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
  },
  CreateTargetGroup(w, input) {
    const name = reqString(input, 'Name', 'ValidationError');
    if (Object.values(w.st.elbv2.targetGroups).some((t) => t.name === name)) {
      throw new SandboxApiError('DuplicateTargetGroupName', 'A target group with the same name exists, but with different settings');
    }
    return { TargetGroups: [tgOut(w, createTargetGroupState(w, input))] };
  },
  DescribeTargetGroups(w, input) {
    const arns = stringList(input.TargetGroupArns);
    const names = stringList(input.Names);
    const lbArn = optString(input, 'LoadBalancerArn');
    let tgs = Object.values(w.st.elbv2.targetGroups);
    if (arns.length) tgs = arns.map((a) => targetGroup(w, a));
    if (names.length) {
      tgs = names.map((n) => {
        const tg = Object.values(w.st.elbv2.targetGroups).find((x) => x.name === n);
        if (!tg) throw notFound('TargetGroupNotFound', `One or more target groups not found`);
        return tg;
      });
    }
    if (lbArn) {
      loadBalancer(w, lbArn);
      tgs = tgs.filter((tg) => loadBalancerArnsOf(w, tg.arn).includes(lbArn));
    }
    return { TargetGroups: tgs.map((tg) => tgOut(w, tg)) };
  },
  CreateListener(w, input) {
    const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
    const port = toNumber(input.Port, 'Port') ?? 80;
    if (Object.values(w.st.elbv2.listeners).some((l) => l.loadBalancerArn === lb.arn && l.port === port)) {
      throw new SandboxApiError('DuplicateListener', 'A listener already exists on this port for this load balancer');
    }
    const l = createListenerState(w, lb, port, normalizeActions(w, input.DefaultActions));
    if (input.Protocol) l.protocol = String(input.Protocol);
    return { Listeners: [listenerOut(l)] };
  },
  DescribeListeners(w, input) {
    const arns = stringList(input.ListenerArns);
    const lbArn = optString(input, 'LoadBalancerArn');
    if (!arns.length && !lbArn) throw validation('You must specify either listener ARNs or a load balancer ARN');
    let ls = arns.length ? arns.map((a) => listener(w, a)) : Object.values(w.st.elbv2.listeners);
    if (lbArn) {
      loadBalancer(w, lbArn);
      ls = ls.filter((l) => l.loadBalancerArn === lbArn);
    }
    return { Listeners: ls.map(listenerOut) };
  },
  ModifyListener(w, input) {
    const l = listener(w, reqString(input, 'ListenerArn', 'ValidationError'));
    if (input.Port !== undefined) l.port = toNumber(input.Port, 'Port') ?? l.port;
    if (input.Protocol !== undefined) l.protocol = String(input.Protocol);
    if (input.DefaultActions !== undefined) {
      l.defaultActions = normalizeActions(w, input.DefaultActions);
      for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === l.arn && r.isDefault) r.actions = clone(l.defaultActions);
    }
    return { Listeners: [listenerOut(l)] };
  },
  CreateRule(w, input) {
    const l = listener(w, reqString(input, 'ListenerArn', 'ValidationError'));
    const priority = toNumber(input.Priority, 'Priority');
    if (priority === undefined || priority < 1 || priority > 50000) throw validation('Priority must be between 1 and 50000');
    if (Object.values(w.st.elbv2.rules).some((r) => r.listenerArn === l.arn && r.priority === String(priority))) {
      throw new SandboxApiError('PriorityInUse', `Priority '${priority}' is currently in use`);
    }
    const conditions = recordList(input.Conditions) as JsonObject[];
    const r = createRuleState(w, l, priority, clone(conditions), normalizeActions(w, input.Actions));
    return { Rules: [ruleOut(r)] };
  },
  DescribeRules(w, input) {
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
  },
  ModifyRule(w, input) {
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
  },
  DeleteRule(w, input) {
    const r = rule(w, reqString(input, 'RuleArn', 'ValidationError'));
    if (r.isDefault) throw new SandboxApiError('OperationNotPermitted', 'Default rule cannot be deleted');
    delete w.st.elbv2.rules[r.arn];
    return {};
  },
  RegisterTargets(w, input) {
    const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
    for (const t of recordList(input.Targets)) {
      const port = toNumber(t.Port, 'Port') ?? tg.port;
      registerTarget(tg, {
        id: String(t.Id),
        port,
        state: 'initial',
        healthyAt: w.now + tg.healthCheck.intervalSeconds * tg.healthCheck.healthyThresholdCount * 1000,
      });
    }
    return {};
  },
  DeregisterTargets(w, input) {
    const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
    for (const t of recordList(input.Targets)) drainTarget(w, tg, String(t.Id), toNumber(t.Port, 'Port') ?? tg.port);
    return {};
  },
  DescribeTargetHealth(w, input) {
    const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
    sweepTargets(w, tg);
    // Targets registered by hand (not tasks) turn healthy on their own.
    for (const t of tg.targets) if (!t.taskArn && t.healthyAt !== undefined && w.now >= t.healthyAt) setTargetState(t, 'healthy');
    const wanted = recordList(input.Targets);
    const descriptions = (
      wanted.length
        ? wanted.map((x) => {
            const port = toNumber(x.Port, 'Port');
            return (
              tg.targets.find((t) => t.id === String(x.Id) && (port === undefined || t.port === port)) ?? {
                id: String(x.Id),
                port: port ?? tg.port,
                state: 'unused' as const,
              }
            );
          })
        : tg.targets
    ).map((t) => ({
      Target: { Id: t.id, Port: t.port },
      HealthCheckPort: String(t.port),
      TargetHealth: compact({
        State: t.state,
        Reason: REASONS[t.state],
        Description: DESCRIPTIONS[t.state],
      }),
    }));
    return { TargetHealthDescriptions: descriptions };
  },
  ModifyTargetGroupAttributes(w, input) {
    const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
    for (const a of recordList(input.Attributes)) {
      if (a.Key === 'deregistration_delay.timeout_seconds') tg.deregistrationDelaySeconds = toNumber(a.Value, 'Value') ?? 300;
    }
    return { Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) }] };
  },
  DescribeTargetGroupAttributes(w, input) {
    const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
    return { Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) }] };
  },
};

const REASONS: Record<string, string | undefined> = {
  initial: 'Elb.InitialHealthChecking',
  unhealthy: 'Target.FailedHealthChecks',
  draining: 'Target.DeregistrationInProgress',
  unused: 'Target.NotRegistered',
  healthy: undefined,
};
const DESCRIPTIONS: Record<string, string | undefined> = {
  initial: 'Initial health checks in progress',
  unhealthy: 'Health checks failed',
  draining: 'Target deregistration is in progress',
  unused: 'Target is not registered to the target group',
  healthy: undefined,
};
