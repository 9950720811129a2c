/** ECS clusters: CreateCluster, DescribeClusters, ListClusters, and the counts a cluster reports. */
import type { WorldContext } from '../context.js';
import { clone, list, optString, tagsOf, type Input } from '../input.js';
import type { ClusterState } from '../types.js';
import { paginate } from './task-definitions.js';

function clusterOut(w: WorldContext, c: ClusterState, includeTags: boolean): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  let active = 0;
  for (const s of Object.values(c.services)) {
    if (s.status !== 'ACTIVE') continue;
    active++;
    for (const a of s.taskArns) {
      const t = w.st.ecs.tasks[a];
      if (t?.lastStatus === 'RUNNING') running++;
      else if (t && (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING')) pending++;
    }
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
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  };
  if (includeTags) out.tags = clone(w.st.ecs.resourceTags[c.clusterArn] ?? []);
  return out;
}

function createClusterState(w: WorldContext, name: string): ClusterState {
  const arn = w.arn('ecs', `cluster/${name}`);
  const existing = w.st.ecs.clusters[arn];
  if (existing && existing.status === 'ACTIVE') return existing;
  const c: ClusterState = {
    clusterArn: arn,
    clusterName: name,
    status: 'ACTIVE',
    createdAt: w.now,
    services: existing?.services ?? {},
    settings: [{ name: 'containerInsights', value: 'disabled' }],
  };
  w.st.ecs.clusters[arn] = c;
  return c;
}

export function createCluster(w: WorldContext, input: Input): Record<string, unknown> {
  const name = optString(input, 'clusterName') ?? 'default';
  const c = createClusterState(w, name);
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
