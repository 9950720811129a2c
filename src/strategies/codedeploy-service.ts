/**
 * What a blue-green rollout reads and writes besides the CodeDeploy deployment itself:
 *
 * - the settings UpdateService may still change on a CODE_DEPLOY service (desired count, deployment
 *   configuration, health check grace period, placement, managed tags, tag propagation: aws-semantics.md §1.1),
 *   written before the deployment starts (UpdateService starts no deployment on such a service), and its tags;
 *   everything else the plan changes goes through the AppSpec (network, platform version, capacity providers);
 * - the group's deployment not in a final state, whoever started it (one at a time per group, §2.5);
 * - the revision a deployment installs (its replacement task set, which CodeDeploy tags with the deployment id).
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import type { BlueGreenStrategy } from '../model/strategy.js';
import { errorMessage } from '../util/error-text.js';
import type { DeployTarget, StrategyContext } from './types.js';

type UpdateServiceInput = Parameters<AwsPorts['ecs']['updateService']>[0];

/** What UpdateService may change on a CODE_DEPLOY service besides the desired count and deployment configuration. */
const CODE_DEPLOY_UPDATABLE = [
  'healthCheckGracePeriodSeconds',
  'placementConstraints',
  'placementStrategy',
  'enableECSManagedTags',
  'propagateTags',
] as const;

/** Statuses that are not final (aws-semantics.md §2.3); `Baking` and `Queued` included, whatever they mean for ECS. */
export const NOT_FINAL = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;
const FINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The UpdateService input for what the plan changes that UpdateService may change here; undefined when nothing. */
function codeDeployServiceUpdate(target: DeployTarget, live: EcsService | undefined): UpdateServiceInput | undefined {
  const input: UpdateServiceInput = { cluster: target.cluster, service: target.service };
  let any = false;
  if (target.desiredCount !== undefined && target.desiredCount !== live?.desiredCount) {
    input.desiredCount = target.desiredCount;
    any = true;
  }
  const { minimumHealthyPercent: min, maximumPercent: max } = target.deployment;
  const dc = live?.deploymentConfiguration;
  if ((min !== undefined && min !== dc?.minimumHealthyPercent) || (max !== undefined && max !== dc?.maximumPercent)) {
    // UpdateService replaces the object: the live one, with the manifest's values over it.
    input.deploymentConfiguration = {
      ...(dc ?? {}),
      ...(min !== undefined ? { minimumHealthyPercent: min } : {}),
      ...(max !== undefined ? { maximumPercent: max } : {}),
    };
    any = true;
  }
  const settings = (target.settings ?? {}) as Record<string, unknown>;
  for (const k of CODE_DEPLOY_UPDATABLE) {
    if (settings[k] !== undefined && !same(settings[k], (live as unknown as Record<string, unknown> | undefined)?.[k])) {
      (input as unknown as Record<string, unknown>)[k] = settings[k];
      any = true;
    }
  }
  return any ? input : undefined;
}

/**
 * Writes the service settings UpdateService may change, then the tags the plan adds and removes. A failed write
 * rejects (nothing is deployed then); a tag that cannot be written is a warning.
 */
export async function writeCodeDeployService(target: DeployTarget, context: StrategyContext, live: EcsService | undefined): Promise<void> {
  const update = codeDeployServiceUpdate(target, live);
  if (update) {
    const what = Object.keys(update).filter((k) => k !== 'cluster' && k !== 'service');
    await context.calls.mutate(
      {
        service: 'ECS',
        operation: 'UpdateService',
        summary: `${target.service} in ${target.cluster}: ${what.join(', ')} (no deployment on CODE_DEPLOY)`,
      },
      (signal) => context.ports.ecs.updateService(update, { signal }),
    );
  }
  const arn = live?.serviceArn;
  const warn = (what: string) => (error: unknown) =>
    context.emit({ type: 'log', level: 'warn', message: `${target.key}: could not ${what} the service: ${errorMessage(error)}` });
  const tags = target.settings?.tags ?? [];
  if (arn && tags.length > 0) {
    await context.calls
      .mutate(
        { service: 'ECS', operation: 'TagResource', summary: `tag ${target.service}: ${tags.map((x) => x.key).join(', ')}` },
        (signal) => context.ports.ecs.tagResource({ resourceArn: arn, tags }, { signal }),
      )
      .catch(warn('tag'));
  }
  const remove = target.removeTags ?? [];
  if (arn && remove.length > 0) {
    await context.calls
      .mutate({ service: 'ECS', operation: 'UntagResource', summary: `untag ${target.service}: ${remove.join(', ')}` }, (signal) =>
        context.ports.ecs.untagResource({ resourceArn: arn, tagKeys: remove }, { signal }),
      )
      .catch(warn('untag'));
  }
}

type Net = { awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string } } | undefined;
type Capacity = { capacityProvider?: string; weight?: number; base?: number }[] | undefined;

function net(n: Net): string {
  const a = n?.awsvpcConfiguration;
  return JSON.stringify([[...(a?.subnets ?? [])].sort(), [...(a?.securityGroups ?? [])].sort(), a?.assignPublicIp ?? 'DISABLED']);
}

function capacity(c: Capacity): string {
  return JSON.stringify((c ?? []).map((x) => [x.capacityProvider, x.weight ?? 0, x.base ?? 0]).sort());
}

/**
 * Does the plan change anything that only a CodeDeploy deployment can change (network, platform version, capacity
 * providers), compared with what the service runs? Compared as ECS fills them in (sets unordered, defaults).
 */
export function appSpecSettingsChanged(target: DeployTarget, live: EcsService | undefined): boolean {
  const s = (target.settings ?? {}) as { networkConfiguration?: Net; platformVersion?: string; capacityProviderStrategy?: Capacity };
  if (s.networkConfiguration !== undefined && net(s.networkConfiguration) !== net(live?.networkConfiguration as Net)) return true;
  if (s.platformVersion !== undefined && s.platformVersion !== (live?.platformVersion ?? 'LATEST')) return true;
  return (
    s.capacityProviderStrategy !== undefined &&
    capacity(s.capacityProviderStrategy) !== capacity(live?.capacityProviderStrategy as Capacity)
  );
}

/** The group's deployment that is not final (CodeDeploy runs one per group at a time), if any. */
export async function deploymentInFlight(ports: AwsPorts, strategy: BlueGreenStrategy, signal: AbortSignal): Promise<string | undefined> {
  const listed = await ports.codedeploy.listDeployments(
    { applicationName: strategy.application, deploymentGroupName: strategy.deploymentGroup, includeOnlyStatuses: [...NOT_FINAL] },
    { signal },
  );
  for (const id of listed.deployments ?? []) {
    // An endpoint that ignores the filter lists finished ones too: those are decided. A status this code does not
    // know is not final (every AWS enum is open).
    const status = (await ports.codedeploy.getDeployment({ deploymentId: id }, { signal })).deploymentInfo?.status;
    if (status === undefined || !FINAL.has(status)) return id;
  }
  return undefined;
}

/** The revision a deployment installs: its replacement task set's (CodeDeploy sets the task set's externalId). */
export function revisionOf(service: EcsService | undefined, deploymentId: string): string | undefined {
  return service?.taskSets?.find((t) => t.externalId === deploymentId)?.taskDefinition;
}
