/**
 * Listeners: Create (port and protocol checked against the load balancer's type; HTTPS and TLS need exactly one
 * certificate), Describe, Modify (its default actions are the default rule's), Delete (with its rules). The
 * sandbox knows no certificates: any ARN is accepted.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, optString, recordList, reqString, stringList, toNumber, type Input } from '../input.js';
import type { JsonObject, ListenerState, LoadBalancerState } from '../types.js';
import { normalizeActions } from './actions.js';
import { createListenerState } from './create.js';
import { listenerOut } from './output.js';
import { listener, loadBalancer, notFound, validation } from './state.js';
import { applyTags, tagsFrom } from './tags.js';

const PROTOCOLS = ['HTTP', 'HTTPS', 'UDP', 'TCP', 'TLS', 'TCP_UDP'];
const BY_TYPE: Record<string, string[]> = { application: ['HTTP', 'HTTPS'], network: ['UDP', 'TCP', 'TLS', 'TCP_UDP'] };
const SECURE = ['HTTPS', 'TLS'];

function checkProtocol(lb: LoadBalancerState, protocol: string): void {
  if (!PROTOCOLS.includes(protocol) && protocol !== 'GENEVE') {
    throw validation(
      `1 validation error detected: Value '${protocol}' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [${PROTOCOLS.join(', ')}]`,
    );
  }
  const allowed = BY_TYPE[lb.type] ?? [];
  if (!allowed.includes(protocol)) throw validation(`Listener protocol '${protocol}' must be one of '${allowed.join(', ')}'`);
}

function certificatesOf(input: Input, protocol: string): JsonObject[] | undefined {
  if (input.Certificates === undefined && !SECURE.includes(protocol)) return undefined;
  const certs = recordList(input.Certificates).map((c) => ({ CertificateArn: String(c.CertificateArn ?? '') }) as JsonObject);
  if (SECURE.includes(protocol) && certs.length !== 1) {
    throw new SandboxApiError(
      'InvalidConfigurationRequest',
      `You must provide a list containing exactly one certificate if the listener protocol is ${protocol}.`,
    );
  }
  return certs;
}

/** Port and protocol of a new listener: required, except on a Gateway Load Balancer, which takes neither. */
function portAndProtocol(lb: LoadBalancerState, input: Input): { port: number; protocol: string } {
  if (lb.type === 'gateway') {
    if (input.Port !== undefined) throw validation('A port cannot be specified for gateway listeners');
    if (input.Protocol !== undefined) throw validation('A protocol cannot be specified for gateway listeners');
    return { port: 0, protocol: 'GENEVE' };
  }
  const port = toNumber(input.Port, 'Port');
  if (port === undefined) throw validation('A listener port must be specified');
  const protocol = optString(input, 'Protocol');
  if (protocol === undefined) throw validation('A listener protocol must be specified');
  checkProtocol(lb, protocol);
  return { port, protocol };
}

export function createListener(w: WorldContext, input: Input): Record<string, unknown> {
  const lb = loadBalancer(w, reqString(input, 'LoadBalancerArn', 'ValidationError'));
  const { port, protocol } = portAndProtocol(lb, input);
  if (Object.values(w.st.elbv2.listeners).some((l) => l.loadBalancerArn === lb.arn && l.port === port)) {
    throw new SandboxApiError('DuplicateListener', 'A listener already exists on this port for this load balancer');
  }
  const certificates = certificatesOf(input, protocol);
  const actions = normalizeActions(w, input.DefaultActions);
  const l = createListenerState(w, lb, port, actions);
  l.protocol = protocol;
  if (certificates) l.certificates = certificates;
  if (SECURE.includes(protocol)) l.sslPolicy = optString(input, 'SslPolicy') ?? 'ELBSecurityPolicy-2016-08';
  const alpn = stringList(input.AlpnPolicy);
  if (alpn.length) l.alpnPolicy = alpn;
  applyTags(l, tagsFrom(input.Tags));
  return { Listeners: [listenerOut(l)] };
}

export function describeListeners(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = stringList(input.ListenerArns);
  const lbArn = optString(input, 'LoadBalancerArn');
  if (!arns.length && !lbArn) throw validation('You must specify either listener ARNs or a load balancer ARN');
  let ls = arns.length ? arns.map((a) => listener(w, a)) : Object.values(w.st.elbv2.listeners);
  if (lbArn) {
    loadBalancer(w, lbArn);
    ls = ls.filter((l) => l.loadBalancerArn === lbArn);
  }
  return { Listeners: ls.map(listenerOut) };
}

function setDefaultActions(w: WorldContext, l: ListenerState, actions: JsonObject[]): void {
  l.defaultActions = actions;
  for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === l.arn && r.isDefault) r.actions = clone(actions);
}

export function modifyListener(w: WorldContext, input: Input): Record<string, unknown> {
  const l = listener(w, reqString(input, 'ListenerArn', 'ValidationError'));
  const lb = loadBalancer(w, l.loadBalancerArn);
  const protocol = optString(input, 'Protocol') ?? l.protocol;
  if (input.Protocol !== undefined) checkProtocol(lb, protocol);
  const certificates =
    input.Certificates !== undefined || (SECURE.includes(protocol) && !l.certificates) ? certificatesOf(input, protocol) : l.certificates;
  const actions = input.DefaultActions !== undefined ? normalizeActions(w, input.DefaultActions) : undefined;
  const port = toNumber(input.Port, 'Port');
  if (
    port !== undefined &&
    port !== l.port &&
    Object.values(w.st.elbv2.listeners).some((x) => x.loadBalancerArn === lb.arn && x.port === port)
  ) {
    throw new SandboxApiError('DuplicateListener', 'A listener already exists on this port for this load balancer');
  }
  if (port !== undefined) l.port = port;
  l.protocol = protocol;
  if (certificates) l.certificates = certificates;
  if (SECURE.includes(protocol)) l.sslPolicy = optString(input, 'SslPolicy') ?? l.sslPolicy ?? 'ELBSecurityPolicy-2016-08';
  else {
    delete l.sslPolicy;
    delete l.certificates;
  }
  if (actions) setDefaultActions(w, l, actions);
  return { Listeners: [listenerOut(l)] };
}

export function deleteListener(w: WorldContext, input: Input): Record<string, unknown> {
  const arn = reqString(input, 'ListenerArn', 'ValidationError');
  if (!w.st.elbv2.listeners[arn]) throw notFound('ListenerNotFound', 'One or more listeners not found');
  for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === arn) delete w.st.elbv2.rules[r.arn];
  delete w.st.elbv2.listeners[arn];
  return {};
}
