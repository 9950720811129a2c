/**
 * ECS clusters: Create, Describe, List, Update, Delete, and the capacity providers a cluster offers its services
 * and tasks (PutClusterCapacityProviders). A deleted cluster stays describable as INACTIVE.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, isRecord, list, optString, reqString, tagsOf, type Input } from '../input.js';
import type { ClusterState, JsonObject } from '../types.js';
import { BUILT_IN_CAPACITY_PROVIDERS, checkStrategy, readStrategy } from './launch.js';
import { paginate } from './task-definitions.js';

function clusterOut(w: WorldContext, c: ClusterState, includeTags: boolean): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  let active = 0;
  for (const s of Object.values(c.services)) {
    if (s.status !== 'ACTIVE') continue;
    active++;
  }
  for (const t of Object.values(w.st.ecs.tasks)) {
    if (t.clusterArn !== c.clusterArn) continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
  }
  const out: Record<string, unknown> = {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: active,
    statistics: [],
    settings: clone(c.settings),
    capacityProviders: [...(c.capacityProviders ?? [])],
    defaultCapacityProviderStrategy: clone(c.defaultCapacityProviderStrategy ?? []),
  };
  if (c.configuration) out.configuration = clone(c.configuration);
  if (c.serviceConnectDefaults) out.serviceConnectDefaults = clone(c.serviceConnectDefaults);
  if (includeTags) out.tags = clone(w.st.ecs.resourceTags[c.clusterArn] ?? []);
  return out;
}

/** Associates capacity providers (only the built-in ones exist here) and the default strategy with a cluster. */
function setCapacityProviders(c: ClusterState, providers: unknown, strategy: unknown): void {
  const names = list(providers).map(String);
  for (const n of names) {
    if (!BUILT_IN_CAPACITY_PROVIDERS.includes(n)) {
      throw new SandboxApiError(
        'InvalidParameterException',
        `The specified capacity provider '${n}' does not exist. Specify a valid capacity provider and try again.`,
      );
    }
  }
  const next: ClusterState = { ...c, capacityProviders: names };
  const defaults = readStrategy(strategy);
  checkStrategy(next, defaults);
  c.capacityProviders = names;
  c.defaultCapacityProviderStrategy = defaults;
}

function createClusterState(w: WorldContext, name: string, input: Input): ClusterState {
  const arn = w.arn('ecs', `cluster/${name}`);
  const existing = w.st.ecs.clusters[arn];
  if (existing && existing.status === 'ACTIVE') return existing;
  const c: ClusterState = {
    clusterArn: arn,
    clusterName: name,
    status: 'ACTIVE',
    createdAt: w.now,
    services: existing?.services ?? {},
    settings:
      input.settings !== undefined
        ? (list(input.settings).filter(isRecord) as JsonObject[])
        : [{ name: 'containerInsights', value: 'disabled' }],
  };
  if (isRecord(input.configuration)) c.configuration = clone(input.configuration) as JsonObject;
  if (isRecord(input.serviceConnectDefaults)) c.serviceConnectDefaults = clone(input.serviceConnectDefaults) as JsonObject;
  setCapacityProviders(c, input.capacityProviders, input.defaultCapacityProviderStrategy);
  w.st.ecs.clusters[arn] = c;
  return c;
}

export function createCluster(w: WorldContext, input: Input): Record<string, unknown> {
  const name = optString(input, 'clusterName') ?? 'default';
  const c = createClusterState(w, name, input);
  const tags = tagsOf(input.tags);
  if (tags.length) w.st.ecs.resourceTags[c.clusterArn] = tags;
  return { cluster: clusterOut(w, c, false) };
}

export function describeClusters(w: WorldContext, input: Input): Record<string, unknown> {
  const refs = list(input.clusters).map(String);
  const includeTags = list(input.include).includes('TAGS');
  const clusters: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const ref of refs.length ? refs : ['default']) {
    const c = w.st.ecs.clusters[w.clusterArnFor(ref)];
    if (c) clusters.push(clusterOut(w, c, includeTags));
    else failures.push({ arn: w.clusterArnFor(ref), reason: 'MISSING' });
  }
  return { clusters, failures };
}

export function listClusters(w: WorldContext, input: Input): Record<string, unknown> {
  const arns = Object.values(w.st.ecs.clusters)
    .filter((c) => c.status === 'ACTIVE')
    .map((c) => c.clusterArn);
  return paginate(arns, input, 'clusterArns', 100);
}

export function putClusterCapacityProviders(w: WorldContext, input: Input): Record<string, unknown> {
  const c = w.cluster(reqString(input, 'cluster'));
  setCapacityProviders(c, input.capacityProviders, input.defaultCapacityProviderStrategy);
  return { cluster: clusterOut(w, c, false) };
}

export function updateCluster(w: WorldContext, input: Input): Record<string, unknown> {
  const c = w.cluster(reqString(input, 'cluster'));
  if (input.settings !== undefined) c.settings = list(input.settings).filter(isRecord) as JsonObject[];
  if (isRecord(input.configuration)) c.configuration = clone(input.configuration) as JsonObject;
  if (isRecord(input.serviceConnectDefaults)) c.serviceConnectDefaults = clone(input.serviceConnectDefaults) as JsonObject;
  return { cluster: clusterOut(w, c, false) };
}

export function updateClusterSettings(w: WorldContext, input: Input): Record<string, unknown> {
  const c = w.cluster(reqString(input, 'cluster'));
  c.settings = list(input.settings).filter(isRecord) as JsonObject[];
  return { cluster: clusterOut(w, c, false) };
}

/** Only an empty cluster can be deleted (API_DeleteCluster); it stays describable as INACTIVE. */
export function deleteCluster(w: WorldContext, input: Input): Record<string, unknown> {
  const c = w.cluster(reqString(input, 'cluster'));
  if (Object.values(c.services).some((s) => s.status !== 'INACTIVE')) {
    throw new SandboxApiError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
  }
  if (Object.values(w.st.ecs.tasks).some((t) => t.clusterArn === c.clusterArn && t.lastStatus !== 'STOPPED')) {
    throw new SandboxApiError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
  }
  c.status = 'INACTIVE';
  return { cluster: clusterOut(w, c, false) };
}
