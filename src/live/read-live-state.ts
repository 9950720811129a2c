/**
 * Reads what runs in AWS for the services of a manifest: one DescribeServices per 10 services of a cluster (the
 * API's limit, aws-semantics.md §6.1), one DescribeTaskDefinition per distinct live task definition (none for
 * those in the cache), all with bounded concurrency, then the strategy preflight. Reads only.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { LiveServiceState, LiveState, PreflightIssue } from '../model/live.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { JsonObject } from '../model/task-definition.js';
import { chunk, mapWithConcurrency } from './concurrency.js';
import { runPreflight } from './preflight.js';
import { ServiceIndex } from './service-index.js';
import type { TaskDefinitionCache } from './task-definition-cache.js';
import { toJson, toJsonObject } from './to-json.js';

export interface ReadLiveStateOptions {
  signal?: AbortSignal;
  /** Described task definitions by ARN; omit to always describe. */
  cache?: TaskDefinitionCache;
  /** AWS calls in flight at once; default 8. */
  concurrency?: number;
}

export const DEFAULT_CONCURRENCY = 8;
/** DescribeServices accepts at most 10 services per call. */
export const DESCRIBE_SERVICES_BATCH = 10;

function callsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) {
    const delta = n - (before[name] ?? 0);
    if (delta > 0) out[name] = delta;
  }
  return out;
}

/** ECS service names to describe per cluster: the manifest's services, plus the canary services strategies need. */
function servicesToDescribe(manifest: ResolvedManifest): Map<string, Set<string>> {
  const byCluster = new Map<string, Set<string>>();
  const add = (cluster: string, service: string) => {
    const names = byCluster.get(cluster) ?? new Set<string>();
    names.add(service);
    byCluster.set(cluster, names);
  };
  for (const s of manifest.services) {
    add(s.cluster, s.service);
    if (s.strategy.type === 'canary') {
      add(s.cluster, s.strategy.canary.service);
      if (s.strategy.stable.service) add(s.cluster, s.strategy.stable.service);
    }
  }
  return byCluster;
}

/**
 * The task definition a service runs now. For CodeDeploy (and external) controllers the PRIMARY task set is what
 * serves traffic; the service-level field can lag behind it.
 */
export function currentTaskDefinitionArn(service: JsonObject): string | undefined {
  const taskSets = Array.isArray(service.taskSets) ? service.taskSets : [];
  for (const ts of taskSets) {
    if (ts && typeof ts === 'object' && !Array.isArray(ts) && ts.status === 'PRIMARY' && typeof ts.taskDefinition === 'string') {
      return ts.taskDefinition;
    }
  }
  return typeof service.taskDefinition === 'string' ? service.taskDefinition : undefined;
}

export async function readLiveState(ports: AwsPorts, manifest: ResolvedManifest, options: ReadLiveStateOptions = {}): Promise<LiveState> {
  const { signal, cache } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const before = ports.calls.counts();
  const index = new ServiceIndex();
  const missingClusters = new Set<string>();

  // 1. Services, 10 per call, every cluster's batches sharing one concurrency budget.
  const batches = [...servicesToDescribe(manifest)].flatMap(([cluster, names]) =>
    chunk([...names], DESCRIBE_SERVICES_BATCH).map((batch) => ({ cluster, batch })),
  );
  await mapWithConcurrency(
    batches,
    concurrency,
    async ({ cluster, batch }) => {
      try {
        const out = await ports.ecs.describeServices({ cluster, services: batch, include: ['TAGS'] }, { signal });
        for (const svc of out.services ?? []) index.add(cluster, toJsonObject(svc));
      } catch (error) {
        // A cluster that does not exist holds none of its services; say so in preflight rather than fail the plan.
        if (error instanceof AwsApiError && error.awsCode === 'ClusterNotFoundException') {
          missingClusters.add(cluster);
          return;
        }
        throw error;
      }
    },
    signal,
  );

  // 2. Task definitions: one call per distinct ARN the services run, none for cached ones.
  const arns = new Set<string>();
  for (const s of manifest.services) {
    const described = index.find(s.cluster, s.service);
    const arn = described && currentTaskDefinitionArn(described);
    if (arn) arns.add(arn);
  }
  const taskDefinitions = new Map<string, JsonObject>();
  await mapWithConcurrency(
    [...arns],
    concurrency,
    async (arn) => {
      const cached = await cache?.get(arn);
      if (cached) {
        taskDefinitions.set(arn, cached);
        return;
      }
      const out = await ports.ecs.describeTaskDefinition({ taskDefinition: arn, include: ['TAGS'] }, { signal });
      if (!out.taskDefinition) return;
      const td = toJsonObject(out.taskDefinition);
      if (out.tags && out.tags.length > 0) td.tags = toJson(out.tags);
      taskDefinitions.set(arn, td);
      await cache?.set(arn, td);
    },
    signal,
  );

  const services: LiveServiceState[] = manifest.services.map((s) => {
    const described = index.find(s.cluster, s.service);
    const arn = described && currentTaskDefinitionArn(described);
    return {
      key: s.key,
      cluster: s.cluster,
      service: s.service,
      described,
      taskDefinition: arn ? taskDefinitions.get(arn) : undefined,
    };
  });

  // 3. What the strategies need besides the service itself.
  const preflight: PreflightIssue[] = [];
  for (const s of manifest.services) {
    if (missingClusters.has(s.cluster)) {
      preflight.push({ service: s.key, message: `ECS cluster "${s.cluster}" does not exist in ${ports.region}` });
    }
  }
  preflight.push(
    ...(await runPreflight(ports, manifest, {
      findService: (cluster, name) => index.find(cluster, name),
      missingClusters,
      signal,
      concurrency,
    })),
  );

  return { services, preflight, calls: callsSince(before, ports.calls.counts()) };
}
