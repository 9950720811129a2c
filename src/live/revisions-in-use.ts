/**
 * Which task definition revisions the services of a whole region use, for cleanup: two environments (or two
 * manifests) may share a family, so the services of the plan alone cannot say what is safe to deregister.
 *
 *   ListClusters ─► ListServices per cluster (100 a page) ─► DescribeServices, 10 a call, all clusters at once
 *   ─► every revision a service, any of its deployments (PRIMARY, ACTIVE, draining) or task sets runs
 *   ─► for services running a family being cleaned up: the revision a `rollback` would go back to (their previous
 *      SUCCESSFUL service deployment: ListServiceDeployments + DescribeServiceRevisions)
 *
 * Calls: 1 ListClusters per 100 clusters, 1 ListServices per 100 services of a cluster, 1 DescribeServices per 10
 * services, and 2 per service that runs a family being cleaned up, all under one limit on calls in flight.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import { serviceName, taskDefinitionFamily } from '../util/arn.js';
import { chunk } from '../util/chunk.js';
import { createLimit, type Limit, mapLimited } from './concurrency.js';
import { describeServiceBatch } from './describe-services.js';

export interface RegionUse {
  /** Every revision a service of the region runs or is moving to or from (ARNs). */
  inUse: Set<string>;
  /** Revisions a `rollback` of a service running one of `families` would go back to (ARNs). */
  rollbackTargets: Set<string>;
  /**
   * Services running one of `families` whose rollback target could not be read (an API or an account without the
   * service deployments history), with the revision each runs.
   */
  unknownRollbackTargets: { service: string; taskDefinitionArn: string }[];
}

async function pages<T>(read: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await read(token);
    out.push(...page.items);
    token = page.next;
  } while (token);
  return out;
}

/** The revisions a service runs: its own, its deployments' (draining ones included) and its task sets'. */
function revisionsOf(svc: EcsService): string[] {
  return [
    svc.taskDefinition,
    ...(svc.deployments ?? []).map((d) => d.taskDefinition),
    ...(svc.taskSets ?? []).map((t) => t.taskDefinition),
  ].filter((a): a is string => Boolean(a));
}

/**
 * The revision a rollback of `svc` would choose: the newest SUCCESSFUL service deployment's other than the one it
 * runs (as `ecsdeploy rollback` looks for it). Undefined when there is none; throws when it cannot be read.
 */
async function previousSuccessful(
  ports: AwsPorts,
  cluster: string,
  svc: EcsService,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const o = signal ? { signal } : undefined;
  const listed = await ports.ecs.listServiceDeployments(
    { cluster, service: svc.serviceName ?? '', status: ['SUCCESSFUL'], maxResults: 20 },
    o,
  );
  const briefs = [...(listed.serviceDeployments ?? [])].sort(
    (a, b) => new Date(b.finishedAt ?? b.createdAt ?? 0).getTime() - new Date(a.finishedAt ?? a.createdAt ?? 0).getTime(),
  );
  const arns = [...new Set(briefs.map((b) => b.targetServiceRevisionArn).filter((a): a is string => Boolean(a)))].slice(0, 20);
  if (arns.length === 0) return undefined;
  const revisions = await ports.ecs.describeServiceRevisions({ serviceRevisionArns: arns }, o);
  const byArn = new Map((revisions.serviceRevisions ?? []).map((r) => [r.serviceRevisionArn, r.taskDefinition]));
  for (const a of arns) {
    const td = byArn.get(a);
    if (td && td !== svc.taskDefinition) return td;
  }
  return undefined;
}

export async function readRegionUse(
  ports: AwsPorts,
  families: ReadonlySet<string>,
  o: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<RegionUse> {
  const { signal } = o;
  const options = signal ? { signal } : undefined;
  const limit: Limit = createLimit(o.concurrency ?? 8, signal);
  const clusters = await pages((token) =>
    limit(async () => {
      const out = await ports.ecs.listClusters({ maxResults: 100, ...(token ? { nextToken: token } : {}) }, options);
      return { items: out.clusterArns ?? [], next: out.nextToken };
    }),
  );
  const perCluster = await mapLimited(clusters, limit, async (cluster) => ({
    cluster,
    names: await pages(async (token) => {
      const out = await ports.ecs.listServices({ cluster, maxResults: 100, ...(token ? { nextToken: token } : {}) }, options);
      return { items: (out.serviceArns ?? []).map(serviceName), next: out.nextToken };
    }),
  }));
  const batches = perCluster.flatMap(({ cluster, names }) => chunk(names, 10).map((services) => ({ cluster, services })));
  const described = (
    await mapLimited(batches, limit, async (b) => ({ cluster: b.cluster, services: await describeServiceBatch(ports, b, options) }))
  ).flatMap((b) => b.services.map((svc) => ({ cluster: b.cluster, svc })));

  const inUse = new Set<string>();
  for (const { svc } of described) for (const arn of revisionsOf(svc)) inUse.add(arn);
  const rollbackTargets = new Set<string>();
  const unknownRollbackTargets: RegionUse['unknownRollbackTargets'] = [];
  const cleaned = described.filter(
    ({ svc }) => svc.status !== 'INACTIVE' && svc.taskDefinition && families.has(taskDefinitionFamily(svc.taskDefinition)),
  );
  await mapLimited(cleaned, limit, async ({ cluster, svc }) => {
    try {
      const target = await previousSuccessful(ports, cluster, svc, signal);
      if (target) rollbackTargets.add(target);
    } catch {
      unknownRollbackTargets.push({ service: svc.serviceName ?? '', taskDefinitionArn: svc.taskDefinition as string });
    }
  });
  return { inUse, rollbackTargets, unknownRollbackTargets };
}
