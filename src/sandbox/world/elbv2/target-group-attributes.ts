/**
 * Target group attributes with AWS's defaults by protocol and target type (API_TargetGroupAttribute):
 * deregistration delay (it drives draining), stickiness (checked per protocol: cookies for HTTP(S), source_ip for
 * the NLB protocols, source_ip_dest_ip[_proto] for GENEVE), load balancing, slow start, target group health.
 * ModifyTargetGroupAttributes answers with every attribute, as Describe does.
 */
import type { WorldContext } from '../context.js';
import { recordList, reqString, type Input } from '../input.js';
import type { TargetGroupState } from '../types.js';
import { targetGroup, validation } from './state.js';

const HTTP = ['HTTP', 'HTTPS'];
const NLB = ['TCP', 'TLS', 'UDP', 'TCP_UDP'];

const HEALTH: Record<string, string> = {
  'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
};

/** Every attribute of the target group with its default, deregistration delay as currently set. */
function defaults(tg: TargetGroupState): Record<string, string> {
  const delay = { 'deregistration_delay.timeout_seconds': String(tg.deregistrationDelaySeconds) };
  if (tg.targetType === 'lambda') return { 'stickiness.enabled': 'false', 'lambda.multi_value_headers.enabled': 'false' };
  if (tg.protocol === 'GENEVE') {
    return {
      ...delay,
      'stickiness.enabled': 'false',
      'stickiness.type': 'source_ip_dest_ip_proto',
      'target_failover.on_deregistration': 'no_rebalance',
      'target_failover.on_unhealthy': 'no_rebalance',
    };
  }
  if (NLB.includes(tg.protocol)) {
    const udp = tg.protocol === 'UDP' || tg.protocol === 'TCP_UDP';
    return {
      ...delay,
      'deregistration_delay.connection_termination.enabled': udp ? 'true' : 'false',
      'stickiness.enabled': 'false',
      'stickiness.type': 'source_ip',
      'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
      'preserve_client_ip.enabled': tg.targetType === 'ip' && !udp ? 'false' : 'true',
      'proxy_protocol_v2.enabled': 'false',
      'target_health_state.unhealthy.connection_termination.enabled': 'true',
      'target_health_state.unhealthy.draining_interval_seconds': '0',
      ...HEALTH,
    };
  }
  return {
    ...delay,
    'stickiness.enabled': 'false',
    'stickiness.type': 'lb_cookie',
    'stickiness.lb_cookie.duration_seconds': '86400',
    'stickiness.app_cookie.cookie_name': '',
    'stickiness.app_cookie.duration_seconds': '86400',
    'load_balancing.algorithm.type': 'round_robin',
    'load_balancing.algorithm.anomaly_mitigation': 'off',
    'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
    'slow_start.duration_seconds': '0',
    ...HEALTH,
  };
}

function attributesOf(tg: TargetGroupState): { Key: string; Value: string }[] {
  return Object.entries({ ...defaults(tg), ...(tg.attributes ?? {}) }).map(([Key, Value]) => ({ Key, Value }));
}

/** The stickiness types each protocol allows, as AWS words the refusals. */
function checkStickiness(tg: TargetGroupState, type: string): void {
  if (tg.protocol === 'GENEVE') {
    if (type !== 'source_ip_dest_ip' && type !== 'source_ip_dest_ip_proto') {
      throw validation(`'${type}' must be one of [source_ip_dest_ip_proto, source_ip_dest_ip]`);
    }
    return;
  }
  if (!['app_cookie', 'lb_cookie', 'source_ip'].includes(type))
    throw validation("'Stickiness type' must be one of [app_cookie, lb_cookie, source_ip]");
  const ok = HTTP.includes(tg.protocol) ? type !== 'source_ip' : type === 'source_ip';
  if (!ok) throw validation(`Stickiness type '${type}' is not supported for target groups with the ${tg.protocol} protocol`);
  // TLS target groups take no stickiness at all.
  if (tg.protocol === 'TLS') throw validation('You cannot enable stickiness on target groups with the TLS protocol');
}

export function describeTargetGroupAttributes(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  return { Attributes: attributesOf(tg) };
}

export function modifyTargetGroupAttributes(w: WorldContext, input: Input): Record<string, unknown> {
  const tg = targetGroup(w, reqString(input, 'TargetGroupArn', 'ValidationError'));
  const known = defaults(tg);
  const changes: Record<string, string> = {};
  for (const a of recordList(input.Attributes)) changes[String(a.Key ?? '')] = String(a.Value ?? '');
  const checkKeys = () => {
    for (const key of Object.keys(changes)) if (!(key in known)) throw validation(`Target group attribute key '${key}' is not recognized`);
  };
  // On a Gateway target group the keys are judged first; elsewhere stickiness is: a cookie name on an NLB target
  // group is refused for the cookie, not for the key.
  if (tg.protocol === 'GENEVE') checkKeys();
  const merged = { ...known, ...(tg.attributes ?? {}), ...changes };
  if (merged['stickiness.enabled'] === 'true' && merged['stickiness.type']) checkStickiness(tg, merged['stickiness.type']);
  checkKeys();
  const delay = changes['deregistration_delay.timeout_seconds'];
  if (delay !== undefined) {
    const seconds = Number(delay);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
      throw validation("'deregistration_delay.timeout_seconds' must be between 0 and 3600");
    }
    tg.deregistrationDelaySeconds = seconds;
    delete changes['deregistration_delay.timeout_seconds'];
  }
  tg.attributes = { ...(tg.attributes ?? {}), ...changes };
  return { Attributes: attributesOf(tg) };
}
