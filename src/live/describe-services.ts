/**
 * DescribeServices, batched the way the API wants it: one call per cluster per 10 services (aws-semantics.md
 * §6.1). Every reader of ECS services goes through here (plan's live read, the lock, status, cleanup, rollback,
 * the poller strategies wait on), so the batching rules live in one place:
 *
 * - a cluster written by name in one place and by ARN in another is one cluster, asked for as first written;
 * - a service named twice (by name or by ARN) is asked for once;
 * - INACTIVE services (deleted, still listed for a while) count as missing unless a caller asks for them.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import { clusterName, serviceName } from '../util/arn.js';
import { chunk } from '../util/chunk.js';

/** DescribeServices accepts at most 10 services per call. */
const DESCRIBE_SERVICES_BATCH = 10;

export interface ServiceRef {
  cluster: string;
  service: string;
}

/** One DescribeServices call's worth: a cluster and at most 10 service names (or ARNs). */
export interface ServiceBatch<R extends ServiceRef = ServiceRef> {
  cluster: string;
  services: string[];
  /** The references this call answers (several may name the same service). */
  refs: R[];
}

export interface DescribeServicesOptions {
  signal?: AbortSignal;
  /** `['TAGS']` to read the services' tags too (the lock lives in one). */
  include?: 'TAGS'[];
}

function refKey(cluster: string, service: string): string {
  return `${clusterName(cluster)}|${serviceName(service)}`;
}

/** Groups services by cluster and cuts each cluster's list into calls of at most 10. */
export function serviceBatches<R extends ServiceRef>(refs: Iterable<R>): ServiceBatch<R>[] {
  const byCluster = new Map<string, { cluster: string; services: Map<string, R[]> }>();
  for (const ref of refs) {
    const name = clusterName(ref.cluster);
    let group = byCluster.get(name);
    if (!group) {
      group = { cluster: ref.cluster, services: new Map() };
      byCluster.set(name, group);
    }
    const key = serviceName(ref.service);
    group.services.set(key, [...(group.services.get(key) ?? []), ref]);
  }
  return [...byCluster.values()].flatMap((group) =>
    chunk([...group.services.values()], DESCRIBE_SERVICES_BATCH).map((named) => ({
      cluster: group.cluster,
      // Asked for as first written.
      services: named.map((same) => (same[0] as R).service),
      refs: named.flat(),
    })),
  );
}

/** One DescribeServices call: the services ECS returned, whatever their status (missing ones are not listed). */
export async function describeServiceBatch(
  ports: AwsPorts,
  batch: Pick<ServiceBatch, 'cluster' | 'services'>,
  options: DescribeServicesOptions = {},
): Promise<EcsService[]> {
  const out = await ports.ecs.describeServices(
    { cluster: batch.cluster, services: batch.services, ...(options.include ? { include: options.include } : {}) },
    options.signal ? { signal: options.signal } : undefined,
  );
  return out.services ?? [];
}

/** Described services, found by cluster and service, each given by name or by ARN. */
export class DescribedServices {
  readonly #byKey = new Map<string, EcsService>();
  readonly #all: EcsService[] = [];

  add(cluster: string, services: readonly EcsService[]): void {
    for (const svc of services) {
      this.#all.push(svc);
      if (!svc.serviceName) continue;
      const key = refKey(cluster, svc.serviceName);
      // A service deleted and created again is listed twice; the live one is the one that counts.
      if (this.#byKey.has(key) && svc.status === 'INACTIVE') continue;
      this.#byKey.set(key, svc);
    }
  }

  /** The service, or undefined when ECS does not list it or lists it INACTIVE. */
  find(cluster: string, service: string): EcsService | undefined {
    const svc = this.#byKey.get(refKey(cluster, service));
    return svc?.status === 'INACTIVE' ? undefined : svc;
  }

  /** The service as ECS lists it, INACTIVE included (followers tell a deleted service from a missing read). */
  findAny(cluster: string, service: string): EcsService | undefined {
    return this.#byKey.get(refKey(cluster, service));
  }

  /** Every service ECS returned, whatever its status. */
  all(): readonly EcsService[] {
    return this.#all;
  }
}

/** Describes every service named, one call per batch, all batches at once. */
export async function describeServices(
  ports: AwsPorts,
  refs: Iterable<ServiceRef>,
  options: DescribeServicesOptions = {},
): Promise<DescribedServices> {
  const described = new DescribedServices();
  const batches = serviceBatches(refs);
  await Promise.all(
    batches.map(async (batch) => {
      described.add(batch.cluster, await describeServiceBatch(ports, batch, options));
    }),
  );
  return described;
}
