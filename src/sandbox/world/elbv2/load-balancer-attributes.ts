/**
 * Load balancer attributes with AWS's defaults per type (API_LoadBalancerAttribute). Only keys of the load
 * balancer's type are accepted; ALB cross-zone load balancing is always on.
 */
import type { WorldContext } from '../context.js';
import { recordList, reqString, type Input } from '../input.js';
import { loadBalancer, validation } from './state.js';

const COMMON: Record<string, string> = {
  'deletion_protection.enabled': 'false',
  'access_logs.s3.enabled': 'false',
  'access_logs.s3.bucket': '',
  'access_logs.s3.prefix': '',
  'zonal_shift.config.enabled': 'false',
};

const DEFAULTS: Record<string, Record<string, string>> = {
  application: {
    ...COMMON,
    'load_balancing.cross_zone.enabled': 'true',
    'ipv6.deny_all_igw_traffic': 'false',
    'idle_timeout.timeout_seconds': '60',
    'client_keep_alive.seconds': '3600',
    'connection_logs.s3.enabled': 'false',
    'connection_logs.s3.bucket': '',
    'connection_logs.s3.prefix': '',
    'routing.http.desync_mitigation_mode': 'defensive',
    'routing.http.drop_invalid_header_fields.enabled': 'false',
    'routing.http.preserve_host_header.enabled': 'false',
    'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
    'routing.http.xff_client_port.enabled': 'false',
    'routing.http.xff_header_processing.mode': 'append',
    'routing.http2.enabled': 'true',
    'waf.fail_open.enabled': 'false',
  },
  network: {
    ...COMMON,
    'load_balancing.cross_zone.enabled': 'false',
    'ipv6.deny_all_igw_traffic': 'false',
    'dns_record.client_routing_policy': 'any_availability_zone',
  },
  gateway: { 'deletion_protection.enabled': 'false', 'load_balancing.cross_zone.enabled': 'false' },
};

function attributesOf(type: string, set: Record<string, string> | undefined): { Key: string; Value: string }[] {
  const all = { ...(DEFAULTS[type] ?? DEFAULTS.application), ...(set ?? {}) };
  return Object.entries(all).map(([Key, Value]) => ({ Key, Value }));
}

export function describeLoadBalancerAttributes(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  return { Attributes: attributesOf(lb.type, lb.attributes) };
}

export function modifyLoadBalancerAttributes(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  const known = DEFAULTS[lb.type] ?? DEFAULTS.application ?? {};
  const changes: Record<string, string> = {};
  for (const a of recordList(input.Attributes)) {
    const key = String(a.Key ?? '');
    const value = String(a.Value ?? '');
    if (!(key in known) && !key.startsWith('health_check_logs.') && key !== 'secondary_ips.auto_assigned.per_subnet') {
      throw validation(`Load balancer attribute key '${key}' is not recognized`);
    }
    if (lb.type === 'application' && key === 'load_balancing.cross_zone.enabled' && value !== 'true') {
      throw validation(
        "Load balancer attribute key 'load_balancing.cross_zone.enabled' cannot be modified for an Application Load Balancer",
      );
    }
    changes[key] = value;
  }
  lb.attributes = { ...(lb.attributes ?? {}), ...changes };
  return { Attributes: attributesOf(lb.type, lb.attributes) };
}
