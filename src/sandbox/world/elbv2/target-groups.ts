/**
 * Target groups: Create (checked as AWS checks them: name, protocol, port, VPC, health check), Describe (by ARN,
 * name or load balancer; all of them by name), ModifyTargetGroup (health checks), Delete (not while an action
 * forwards to it). The sandbox knows no VPCs: any VPC id is accepted.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { isRecord, optBool, optString, reqString, stringList, toNumber, type Input } from '../input.js';
import type { TargetGroupState } from '../types.js';
import { targetGroupInUse } from './actions.js';
import { createTargetGroupState, targetGroupSettings } from './create.js';
import { loadBalancerArnsOf, tgOut } from './output.js';
import { loadBalancer, notFound, targetGroup, validation } from './state.js';

const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'];
const TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb'];
const NAME_PATTERN = '(?!.*--)(?!^-)(?!.*-$)^[A-Za-z0-9-]+$';

function checkName(name: string): void {
  if (name.length > 32) throw validation(`Target group name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    throw validation(`Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  }
  if (name.includes('--') || name.startsWith('-') || name.endsWith('-')) {
    throw validation(
      `1 validation error detected: Value '${name}' at 'targetGroup.targetGroupArn.targetGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${NAME_PATTERN}`,
    );
  }
}

function checkProtocol(value: string | undefined, member: string): void {
  if (value !== undefined && !PROTOCOLS.includes(value)) {
    throw validation(
      `Value ${value} at '${member}' failed to satisfy constraint: Member must satisfy enum value set: ['HTTPS', 'HTTP', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE']`,
    );
  }
}

/** Lambda target groups take no port, protocol or VPC; every other type needs a port and a VPC. */
function checkShape(input: Input, targetType: string): void {
  if (targetType === 'lambda') {
    for (const [member, label] of [
      ['Port', 'Port'],
      ['VpcId', 'VPC ID'],
      ['Protocol', 'Protocol'],
    ] as const) {
      if (input[member] !== undefined) throw validation(`${label} cannot be specified for target groups with target type 'lambda'`);
    }
    return;
  }
  if (input.Port === undefined || input.Port === '') throw validation('A port must be specified');
  if (input.VpcId === undefined || input.VpcId === '') throw validation('A VPC ID must be specified');
}

/** HTTP(S) health checks must time out before the next one; the others may take the whole interval. */
function checkHealthTimes(tg: Pick<TargetGroupState, 'protocol' | 'healthCheck'>): void {
  const { timeoutSeconds: timeout, intervalSeconds: interval } = tg.healthCheck;
  const http = tg.protocol === 'HTTP' || tg.protocol === 'HTTPS';
  if (http ? timeout >= interval : timeout > interval) {
    throw validation(`Health check timeout '${timeout}' must be smaller than ${http ? '' : 'or equal to '}the interval '${interval}'`);
  }
}

export function createTargetGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'Name', 'ValidationError');
  checkName(name);
  const targetType = optString(input, 'TargetType') ?? 'instance';
  if (!TARGET_TYPES.includes(targetType)) {
    throw validation(
      `1 validation error detected: Value '${targetType}' at 'targetType' failed to satisfy constraint: Member must satisfy enum value set: [${TARGET_TYPES.join(', ')}]`,
    );
  }
  checkShape(input, targetType);
  checkProtocol(optString(input, 'Protocol'), 'protocol');
  checkProtocol(optString(input, 'HealthCheckProtocol'), 'healthCheckProtocol');
  const existing = Object.values(w.st.elbv2.targetGroups).find((t) => t.name === name);
  if (existing) {
    throw new SandboxApiError('DuplicateTargetGroupName', 'A target group with the same name exists, but with different settings');
  }
  checkHealthTimes(targetGroupSettings(input));
  return { TargetGroups: [tgOut(w, createTargetGroupState(w, input))] };
}

export function describeTargetGroups(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.TargetGroupArns);
  const names = stringList(input.Names);
  const lbArn = optString(input, 'LoadBalancerArn');
  let tgs = Object.values(w.st.elbv2.targetGroups);
  if (arns.length) tgs = arns.map((a) => targetGroup(w, a));
  if (names.length) {
    tgs = names.map((n) => {
      const tg = Object.values(w.st.elbv2.targetGroups).find((x) => x.name === n);
      if (!tg) throw notFound('TargetGroupNotFound', 'One or more target groups not found');
      return tg;
    });
  }
  if (lbArn) {
    loadBalancer(w, lbArn);
    tgs = tgs.filter((tg) => loadBalancerArnsOf(w, tg.arn).includes(lbArn));
  }
  // Asked for by ARN or name, in the order asked; otherwise all of them, by name.
  const ordered = arns.length || names.length ? tgs : [...tgs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { TargetGroups: ordered.map((tg) => tgOut(w, tg)) };
}

/** ModifyTargetGroup changes the health check only. */
export function modifyTargetGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  checkProtocol(optString(input, 'HealthCheckProtocol'), 'healthCheckProtocol');
  const hc = { ...tg.healthCheck };
  const num = (k: string) => toNumber(input[k], k);
  hc.protocol = optString(input, 'HealthCheckProtocol') ?? hc.protocol;
  hc.port = optString(input, 'HealthCheckPort') ?? hc.port;
  hc.path = optString(input, 'HealthCheckPath') ?? hc.path;
  hc.intervalSeconds = num('HealthCheckIntervalSeconds') ?? hc.intervalSeconds;
  hc.timeoutSeconds = num('HealthCheckTimeoutSeconds') ?? hc.timeoutSeconds;
  hc.healthyThresholdCount = num('HealthyThresholdCount') ?? hc.healthyThresholdCount;
  hc.unhealthyThresholdCount = num('UnhealthyThresholdCount') ?? hc.unhealthyThresholdCount;
  if (isRecord(input.Matcher) && typeof input.Matcher.HttpCode === 'string') hc.matcher = input.Matcher.HttpCode;
  checkHealthTimes({ protocol: tg.protocol, healthCheck: hc });
  tg.healthCheck = hc;
  const enabled = optBool(input, 'HealthCheckEnabled');
  if (enabled !== undefined) tg.healthCheckEnabled = enabled;
  return { TargetGroups: [tgOut(w, tg)] };
}

export function deleteTargetGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const arn = reqString(input, 'TargetGroupArn', 'ValidationError');
  if (!w.st.elbv2.targetGroups[arn]) return {};
  if (targetGroupInUse(w, arn)) {
    throw new SandboxApiError('ResourceInUse', `The target group '${arn}' is currently in use by a listener or a rule`);
  }
  delete w.st.elbv2.targetGroups[arn];
  return {};
}
