/**
 * Described ECS services by cluster and service, whether the manifest names them by name or by ARN. INACTIVE
 * services (deleted, still listed by DescribeServices for a while) are treated as missing.
 */
import type { JsonObject } from '../model/task-definition.js';
import { clusterName, serviceName } from '../util/arn.js';

export class ServiceIndex {
  readonly #byKey = new Map<string, JsonObject>();

  add(cluster: string, described: JsonObject): void {
    if (described.status === 'INACTIVE') return;
    const name = typeof described.serviceName === 'string' ? described.serviceName : undefined;
    if (!name) return;
    this.#byKey.set(`${clusterName(cluster)}|${name}`, described);
  }

  find(cluster: string, service: string): JsonObject | undefined {
    return this.#byKey.get(`${clusterName(cluster)}|${serviceName(service)}`);
  }
}
