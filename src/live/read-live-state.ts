/**
 * Reads what runs in AWS for the services of a manifest: one DescribeServices per 10 services of a cluster (the
 * API's limit, aws-semantics.md §6.1), one DescribeTaskDefinition per distinct live task definition (none for
 * those in the cache), all with bounded concurrency, then the strategy preflight and the rollouts in flight that
 * DescribeServices does not show (CodeDeploy, ECS service deployments). Reads only.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { LiveServiceState, LiveState, PreflightIssue } from '../model/live.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { JsonObject } from '../model/task-definition.js';
import { canonicalJson } from '../plan/json.js';
import { redactDeep, sensitivityTest } from '../plan/sensitive.js';
import { clusterName, serviceName } from '../util/arn.js';
import { createLimit, mapLimited } from './concurrency.js';
import { describeServiceBatch, type ServiceRef, serviceBatches } from './describe-services.js';
import { runPreflight } from './preflight.js';
import { ServiceIndex } from './service-index.js';
import type { TaskDefinitionCache } from './task-definition-cache.js';
import { toJson, toJsonObject } from './to-json.js';
import { readUndecidedRollouts } from './undecided-rollouts.js';

export interface ReadLiveStateOptions {
  signal?: AbortSignal;
  /** Described task definitions by ARN; omit to always describe. */
  cache?: TaskDefinitionCache;
  /** AWS calls in flight at once; default 8. */
  concurrency?: number;
}

export const DEFAULT_CONCURRENCY = 8;

function callsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(after)) {
    const delta = n - (before[name] ?? 0);
    if (delta > 0) out[name] = delta;
  }
  return out;
}

/** The ECS services to describe: the manifest's services, plus the canary services strategies need. */
function servicesToDescribe(manifest: ResolvedManifest): ServiceRef[] {
  return manifest.services.flatMap((s) => [
    { cluster: s.cluster, service: s.service },
    ...(s.strategy.type === 'canary' ? [{ cluster: s.cluster, service: s.strategy.canary.service }] : []),
    ...(s.strategy.type === 'canary' && s.strategy.stable.service ? [{ cluster: s.cluster, service: s.strategy.stable.service }] : []),
  ]);
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

/** Does the described task definition hold a value the plan would redact (an environment secret, a token option)? */
function holdsSensitiveValue(td: JsonObject, marked: readonly string[]): boolean {
  return canonicalJson(redactDeep(td, sensitivityTest(marked))) !== canonicalJson(td);
}

export async function readLiveState(ports: AwsPorts, manifest: ResolvedManifest, options: ReadLiveStateOptions = {}): Promise<LiveState> {
  const { signal, cache } = options;
  const marked = [...new Set(manifest.services.flatMap((s) => s.sensitive))];
  const limit = createLimit(options.concurrency ?? DEFAULT_CONCURRENCY, signal);
  const before = ports.calls.counts();
  const index = new ServiceIndex();
  const missingClusters = new Set<string>();
  const wanted = new Set(manifest.services.map((s) => `${clusterName(s.cluster)}|${serviceName(s.service)}`));

  // Task definitions are described as soon as the batch naming them returns (not after every batch), once per
  // distinct ARN, none for cached ones; all calls share one concurrency limit.
  const taskDefinitions = new Map<string, Promise<JsonObject | undefined>>();
  const writes: Promise<void>[] = [];
  const readTaskDefinition = (arn: string): Promise<JsonObject | undefined> => {
    let pending = taskDefinitions.get(arn);
    if (!pending) {
      pending = (async () => {
        const cached = await cache?.get(arn);
        if (cached) return cached;
        const out = await limit(() => ports.ecs.describeTaskDefinition({ taskDefinition: arn, include: ['TAGS'] }, { signal }));
        if (!out.taskDefinition) return undefined;
        const td = toJsonObject(out.taskDefinition);
        if (out.tags && out.tags.length > 0) td.tags = toJson(out.tags);
        // Written off the critical path; awaited before the read returns. Sensitive values never go to disk
        // (house rule 9): a revision that holds one is described again next time instead.
        if (cache && !holdsSensitiveValue(td, marked)) writes.push(cache.set(arn, td));
        return td;
      })();
      // Observed here so a failure while the services phase is still running is never an unhandled rejection;
      // it is rethrown when the results are collected below.
      pending.catch(() => undefined);
      taskDefinitions.set(arn, pending);
    }
    return pending;
  };

  // 1. Services, 10 per call per cluster.
  await mapLimited(serviceBatches(servicesToDescribe(manifest)), limit, async (batch) => {
    const { cluster } = batch;
    try {
      for (const svc of await describeServiceBatch(ports, batch, { include: ['TAGS'], ...(signal ? { signal } : {}) })) {
        const described = toJsonObject(svc);
        index.add(cluster, described);
        const arn = described.status !== 'INACTIVE' ? currentTaskDefinitionArn(described) : undefined;
        if (arn && wanted.has(`${clusterName(cluster)}|${String(described.serviceName)}`)) void readTaskDefinition(arn);
      }
    } catch (error) {
      // A cluster that does not exist holds none of its services; say so in preflight rather than fail the plan.
      if (error instanceof AwsApiError && error.awsCode === 'ClusterNotFoundException') {
        missingClusters.add(clusterName(cluster));
        return;
      }
      throw error;
    }
  });

  // 2. Preflight and the rollouts DescribeServices does not show (need every service described) run while the
  // task definitions still arrive.
  const findService = (cluster: string, name: string) => index.find(cluster, name);
  const preflightIssues = runPreflight(ports, manifest, { findService, missingClusters, signal, limit });
  const undecided = readUndecidedRollouts(ports, manifest, findService, limit, signal);
  const [resolved, issues, rollouts] = await Promise.all([
    Promise.all([...taskDefinitions].map(async ([arn, pending]) => [arn, await pending] as const)),
    preflightIssues,
    undecided,
  ]);
  const byArn = new Map(resolved);

  const services: LiveServiceState[] = manifest.services.map((s) => {
    const described = index.find(s.cluster, s.service);
    const arn = described && currentTaskDefinitionArn(described);
    return {
      key: s.key,
      cluster: s.cluster,
      service: s.service,
      described,
      taskDefinition: arn ? byArn.get(arn) : undefined,
      ...rollouts.get(s.key),
      ...(s.strategy.type === 'canary' ? { canaryService: index.find(s.cluster, s.strategy.canary.service) } : {}),
    };
  });

  const preflight: PreflightIssue[] = [];
  for (const s of manifest.services) {
    if (missingClusters.has(clusterName(s.cluster))) {
      preflight.push({ service: s.key, message: `ECS cluster "${s.cluster}" does not exist in ${ports.region}` });
    }
  }
  preflight.push(...issues);
  await Promise.all(writes);

  return { region: ports.region, services, preflight, calls: callsSince(before, ports.calls.counts()) };
}
