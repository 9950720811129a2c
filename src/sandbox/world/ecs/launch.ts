/**
 * Where tasks run: a launch type, or a capacity provider strategy (API_CreateService, API_RunTask,
 * API_PutClusterCapacityProviders). One or the other, never both; with neither, the cluster's default capacity
 * provider strategy applies, and without one EC2. The capacity providers the sandbox knows are AWS's built-in
 * FARGATE and FARGATE_SPOT (CreateCapacityProvider is not served), and both run tasks on Fargate.
 */
import { SandboxApiError } from '../../errors.js';
import { isRecord, list, toNumber } from '../input.js';
import type { ClusterState, JsonObject, TaskDefinitionState } from '../types.js';

export const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'];
export const BUILT_IN_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

function invalid(message: string): never {
  throw new SandboxApiError('InvalidParameterException', message);
}

export interface Placement {
  launchType?: string;
  capacityProviderStrategy?: JsonObject[];
}

/** A capacity provider strategy as AWS stores it: weight and base as numbers (the API's defaults are 0). */
export function readStrategy(v: unknown): JsonObject[] {
  return list(v)
    .filter(isRecord)
    .map((s) => {
      const item: JsonObject = { capacityProvider: String(s.capacityProvider ?? '') };
      const weight = toNumber(s.weight, 'weight');
      const base = toNumber(s.base, 'base');
      item.weight = weight ?? 0;
      item.base = base ?? 0;
      return item;
    });
}

export function checkLaunchType(launchType: string | undefined): void {
  if (launchType !== undefined && !LAUNCH_TYPES.includes(launchType)) invalid(`launch type should be one of [${LAUNCH_TYPES.join(',')}]`);
}

/** Every provider of a strategy must be associated with the cluster. */
export function checkStrategy(cluster: ClusterState, strategy: JsonObject[]): void {
  const associated = cluster.capacityProviders ?? [];
  for (const s of strategy) {
    if (!associated.includes(String(s.capacityProvider))) {
      invalid(
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
  }
}

/** The launch type or strategy a service, task set or RunTask gets from its input and its cluster. */
export function placementOf(cluster: ClusterState, input: { launchType?: string; capacityProviderStrategy?: unknown }): Placement {
  checkLaunchType(input.launchType);
  const strategy = readStrategy(input.capacityProviderStrategy);
  if (input.launchType !== undefined && strategy.length) {
    invalid('Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.');
  }
  if (input.launchType !== undefined) return { launchType: input.launchType };
  if (strategy.length) {
    checkStrategy(cluster, strategy);
    return { capacityProviderStrategy: strategy };
  }
  const fallback = cluster.defaultCapacityProviderStrategy ?? [];
  if (fallback.length) return { capacityProviderStrategy: JSON.parse(JSON.stringify(fallback)) as JsonObject[] };
  return { launchType: 'EC2' };
}

/** The capacity provider a task of this strategy lands on: the one with a base, else the heaviest. */
export function chosenProvider(strategy: JsonObject[] | undefined): string | undefined {
  if (!strategy?.length) return undefined;
  const withBase = strategy.find((s) => Number(s.base) > 0);
  const heaviest = [...strategy].sort((a, b) => Number(b.weight) - Number(a.weight))[0];
  return String((withBase ?? heaviest)?.capacityProvider);
}

/** The launch type tasks actually run with: FARGATE for the built-in providers. */
export function effectiveLaunchType(p: Placement): string {
  if (p.launchType) return p.launchType;
  return BUILT_IN_CAPACITY_PROVIDERS.includes(chosenProvider(p.capacityProviderStrategy) ?? '') ? 'FARGATE' : 'EC2';
}

/** A task definition runs only where its compatibilities allow (API_TaskDefinition `compatibilities`). */
export function checkCompatibility(td: TaskDefinitionState, p: Placement): void {
  const launchType = effectiveLaunchType(p);
  const compatible = list(td.td.compatibilities).map(String);
  if (!compatible.includes(launchType)) invalid(`Task definition does not support launch_type ${launchType}.`);
}
