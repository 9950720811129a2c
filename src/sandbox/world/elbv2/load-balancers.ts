/**
 * Load balancers: Create (idempotent by name), Describe (by ARN or name, paginated), Delete (with their listeners
 * and rules; a missing one is not an error), attributes, security groups, subnets, IP address type. The sandbox
 * knows no VPCs: subnets and security groups are kept as given.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { optNumber, optString, recordList, reqString, stringList, type Input } from '../input.js';
import { createLoadBalancerState } from './create.js';
import { lbOut } from './output.js';
import { loadBalancer, notFound, validation } from './state.js';
import { applyTags, tagsFrom } from './tags.js';

const TYPES = ['application', 'network', 'gateway'];
const SCHEMES = ['internet-facing', 'internal'];
const IP_ADDRESS_TYPES = ['ipv4', 'dualstack'];
/**
 * A load balancer created through the API provisions for this long before it is active. AWS takes a few minutes;
 * the sandbox keeps the state change (waiters see it) but not the wait.
 */
const PROVISIONING_MS = 15_000;

function enumError(value: string, member: string, allowed: string[]): never {
  throw validation(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

function checkEnum(value: string | undefined, member: string, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value)) enumError(value, member, allowed);
}

export function createLoadBalancer(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'Name', 'ValidationError');
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name) || name.startsWith('internal-')) {
    throw validation(
      `The load balancer name '${name}' must be at most 32 alphanumeric characters or hyphens, and must not begin or end with a hyphen`,
    );
  }
  checkEnum(optString(input, 'Type'), 'type', TYPES);
  checkEnum(optString(input, 'Scheme'), 'scheme', SCHEMES);
  checkEnum(optString(input, 'IpAddressType'), 'ipAddressType', IP_ADDRESS_TYPES);
  const existing = Object.values(w.st.elbv2.loadBalancers).find((lb) => lb.name === name);
  if (existing) return { LoadBalancers: [lbOut(w, existing)] };
  const lb = createLoadBalancerState(w, name, undefined, input);
  lb.provisioningUntil = w.now + PROVISIONING_MS;
  applyTags(lb, tagsFrom(input.Tags));
  return { LoadBalancers: [lbOut(w, lb)] };
}

export function describeLoadBalancers(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.LoadBalancerArns);
  const names = stringList(input.Names);
  let lbs = Object.values(w.st.elbv2.loadBalancers);
  if (arns.length) lbs = arns.map((a) => loadBalancer(w, a));
  if (names.length) {
    lbs = names.map((n) => {
      const lb = Object.values(w.st.elbv2.loadBalancers).find((x) => x.name === n);
      if (!lb) throw notFound('LoadBalancerNotFound', 'One or more load balancers not found');
      return lb;
    });
  }
  const size = optNumber(input, 'PageSize') ?? 400;
  if (size < 1 || size > 400) throw validation('Page size must be between 1 and 400');
  const start = Number(optString(input, 'Marker') ?? 0);
  const page = lbs.slice(start, start + size);
  return { LoadBalancers: page.map((lb) => lbOut(w, lb)), ...(start + size < lbs.length ? { NextMarker: String(start + size) } : {}) };
}

export function deleteLoadBalancer(w: WorldContext, input: Input): Record<string, unknown> {
  const arn = reqString(input, 'LoadBalancerArn', 'ValidationError');
  const lb = w.st.elbv2.loadBalancers[arn];
  // "If the load balancer does not exist or has already been deleted, the call succeeds."
  if (!lb) return {};
  if (lb.attributes?.['deletion_protection.enabled'] === 'true') {
    throw new SandboxApiError('OperationNotPermitted', `Load balancer '${arn}' cannot be deleted because deletion protection is enabled`);
  }
  for (const l of Object.values(w.st.elbv2.listeners)) {
    if (l.loadBalancerArn !== arn) continue;
    for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === l.arn) delete w.st.elbv2.rules[r.arn];
    delete w.st.elbv2.listeners[l.arn];
  }
  delete w.st.elbv2.loadBalancers[arn];
  return {};
}

export function setSecurityGroups(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  lb.securityGroups = stringList(input.SecurityGroups);
  return { SecurityGroupIds: [...lb.securityGroups] };
}

export function setSubnets(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  const subnets = stringList(input.Subnets);
  for (const m of recordList(input.SubnetMappings)) if (m.SubnetId !== undefined) subnets.push(String(m.SubnetId));
  if (!subnets.length) throw validation('Subnets or SubnetMappings must be specified');
  lb.subnets = subnets;
  return { AvailabilityZones: (lbOut(w, lb).AvailabilityZones as unknown[]) ?? [] };
}

export function setIpAddressType(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  const type = reqString(input, 'IpAddressType', 'ValidationError');
  checkEnum(type, 'ipAddressType', IP_ADDRESS_TYPES);
  lb.ipAddressType = type;
  return { IpAddressType: type };
}
