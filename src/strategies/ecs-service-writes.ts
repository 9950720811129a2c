/**
 * The ECS service writes every strategy that moves an ECS service makes: CreateService, UpdateService (with only
 * the settings UpdateService can change, and the deployment configuration merged over the live one), the tags
 * TagResource adds and UntagResource removes, and the UpdateService that points a service back at its previous
 * revision. Each write answers with the deployment it started, looking again when a write failed but may have been
 * applied anyway (a server error after the change, a lost response). Also the "cannot progress" check: a rollout
 * ECS could never move, refused before anything changes.
 */
import type { AwsPorts, EcsDeployment, EcsService } from '../aws/ports.js';
import { AwsApiError } from '../errors/index.js';
import type { DeploymentSettings, ServiceSettings } from '../model/manifest.js';
import { shortTaskDefinition } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import type { Rollout } from './rollout.js';
import { rememberRestore, restoreOf } from './service-restore.js';
import type { DeployResult, DeployTarget } from './types.js';

type UpdateServiceInput = Parameters<AwsPorts['ecs']['updateService']>[0];
type CreateServiceInput = Parameters<AwsPorts['ecs']['createService']>[0];
type DeploymentConfiguration = NonNullable<UpdateServiceInput['deploymentConfiguration']>;

/** Settings UpdateService can change (others need CreateService, or TagResource for tags). */
const UPDATABLE_SETTINGS: ReadonlySet<string> = new Set([
  'capacityProviderStrategy',
  'networkConfiguration',
  'placementConstraints',
  'placementStrategy',
  'platformVersion',
  'healthCheckGracePeriodSeconds',
  'enableExecuteCommand',
  'enableECSManagedTags',
  'propagateTags',
  'loadBalancers',
  'serviceRegistries',
  'serviceConnectConfiguration',
  'volumeConfigurations',
  'availabilityZoneRebalancing',
  'vpcLatticeConfigurations',
]);

/** Reads (delays before each) that look for a change a failed write may have made anyway. */
const LAGGING_READS_MS = [0, 2_000, 5_000];

/** A 4xx answer other than throttling: ECS refused the request, so it changed nothing. */
function rejectedOutright(error: unknown): boolean {
  return (
    error instanceof AwsApiError && !error.throttled && error.httpStatus !== undefined && error.httpStatus >= 400 && error.httpStatus < 500
  );
}

function primaryOf(service: EcsService | undefined): EcsDeployment | undefined {
  return service?.deployments?.find((d) => d.status === 'PRIMARY');
}

/**
 * ECS can make no progress when it may neither start a task (maximumPercent too low) nor stop one
 * (minimumHealthyPercent too high): the deployment would hang until the timeout (aws-semantics.md §1.2).
 */
export function cannotProgress(target: DeployTarget, service: EcsService | undefined): string | undefined {
  if (service?.schedulingStrategy === 'DAEMON') return undefined;
  const desired = target.desiredCount ?? service?.desiredCount ?? 0;
  if (desired <= 0) return undefined;
  const min = target.deployment.minimumHealthyPercent ?? service?.deploymentConfiguration?.minimumHealthyPercent ?? 100;
  const max = target.deployment.maximumPercent ?? service?.deploymentConfiguration?.maximumPercent ?? 200;
  const canStop = Math.ceil((desired * min) / 100) < desired;
  const canStart = Math.floor((desired * max) / 100) > desired;
  if (canStop || canStart) return undefined;
  return (
    `${target.key}: with desiredCount ${desired}, minimumHealthyPercent ${min} and maximumPercent ${max} ECS can neither ` +
    'start nor stop a task, so the deployment could never progress; lower minimumHealthyPercent or raise maximumPercent'
  );
}

/** Merges the manifest's deployment settings over the live configuration (UpdateService replaces the object). */
function mergeDeploymentConfiguration(
  settings: DeploymentSettings,
  live: DeploymentConfiguration | undefined,
): DeploymentConfiguration | undefined {
  const out: DeploymentConfiguration = { ...(live ?? {}) };
  let any = false;
  if (settings.minimumHealthyPercent !== undefined) {
    out.minimumHealthyPercent = settings.minimumHealthyPercent;
    any = true;
  }
  if (settings.maximumPercent !== undefined) {
    out.maximumPercent = settings.maximumPercent;
    any = true;
  }
  if (settings.circuitBreaker) {
    out.deploymentCircuitBreaker = { ...settings.circuitBreaker } as DeploymentConfiguration['deploymentCircuitBreaker'];
    any = true;
  }
  if (settings.alarms) {
    out.alarms = { ...settings.alarms, alarmNames: [...settings.alarms.alarmNames] };
    any = true;
  }
  if (settings.native) {
    // ECS-native strategies: how ECS deploys (the strategy's settings win over whatever the service had).
    const n = settings.native;
    out.strategy = n.strategy;
    out.bakeTimeInMinutes = n.bakeTimeInMinutes;
    delete out.linearConfiguration;
    delete out.canaryConfiguration;
    if (n.linearConfiguration) out.linearConfiguration = { ...n.linearConfiguration };
    if (n.canaryConfiguration) out.canaryConfiguration = { ...n.canaryConfiguration };
    out.lifecycleHooks = structuredClone(n.lifecycleHooks) as DeploymentConfiguration['lifecycleHooks'];
    any = true;
  }
  return any ? out : undefined;
}

function updatableSettings(settings: ServiceSettings | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings ?? {})) if (UPDATABLE_SETTINGS.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** `web in prod: taskDefinition → web:8; desiredCount → 3; also networkConfiguration` (for --dry-run and audit). */
function describeWrite(target: DeployTarget, input: Record<string, unknown>): string {
  const parts = [`taskDefinition → ${shortTaskDefinition(target.taskDefinitionArn)}`];
  if (input.desiredCount !== undefined) parts.push(`desiredCount → ${String(input.desiredCount)}`);
  const other = Object.keys(input).filter((k) => !['cluster', 'service', 'serviceName', 'taskDefinition', 'desiredCount'].includes(k));
  if (other.length) parts.push(`also ${other.join(', ')}`);
  return `${target.service} in ${target.cluster}: ${parts.join('; ')}`;
}

/**
 * The service as it is now, if it runs a PRIMARY deployment of `taskDefinitionArn` that was not there before
 * (`previousPrimary`). Read once per delay given: ECS reads are eventually consistent, so one read right after the
 * call may not show it.
 */
async function appliedAnyway(
  rollout: Rollout,
  previousPrimary: string | undefined,
  delaysMs: readonly number[],
  taskDefinitionArn: string,
): Promise<EcsService | undefined> {
  const { target, context } = rollout;
  if (context.calls.dryRun) return undefined;
  for (const delay of delaysMs) {
    try {
      const svc = await context.watcher.next(target.cluster, target.service, delay, context.hardSignal);
      const primary = primaryOf(svc);
      if (svc?.status === 'ACTIVE' && primary?.taskDefinition === taskDefinitionArn && primary.id !== previousPrimary) return svc;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function createService(rollout: Rollout): Promise<EcsService | undefined> {
  const { target, context } = rollout;
  const input: CreateServiceInput = {
    ...(target.settings as Partial<CreateServiceInput>),
    cluster: target.cluster,
    serviceName: target.service,
    taskDefinition: target.taskDefinitionArn,
    ...(target.desiredCount !== undefined ? { desiredCount: target.desiredCount } : {}),
  };
  const deploymentConfiguration = mergeDeploymentConfiguration(target.deployment, undefined);
  if (deploymentConfiguration) input.deploymentConfiguration = deploymentConfiguration;
  const out = await context.calls.mutate(
    { service: 'ECS', operation: 'CreateService', summary: `create ${describeWrite(target, input as unknown as Record<string, unknown>)}` },
    (signal) => context.ports.ecs.createService(input, { signal }),
  );
  return out?.service;
}

async function updateService(rollout: Rollout, live: EcsService | undefined): Promise<EcsService | undefined> {
  const { target, context } = rollout;
  const input: UpdateServiceInput = {
    ...(updatableSettings(target.settings) as Partial<UpdateServiceInput>),
    cluster: target.cluster,
    service: target.service,
    taskDefinition: target.taskDefinitionArn,
    ...(target.desiredCount !== undefined ? { desiredCount: target.desiredCount } : {}),
  };
  const deploymentConfiguration = mergeDeploymentConfiguration(target.deployment, live?.deploymentConfiguration);
  if (deploymentConfiguration) input.deploymentConfiguration = deploymentConfiguration;
  // What an undo must put back, as it is before this write (with the tags, when the update writes some).
  rememberRestore(rollout, input, live, await tagsBefore(rollout, live));
  const out = await context.calls.mutate(
    { service: 'ECS', operation: 'UpdateService', summary: describeWrite(target, input as unknown as Record<string, unknown>) },
    (signal) => context.ports.ecs.updateService(input, { signal }),
  );
  await writeServiceTags(rollout, out?.service?.serviceArn ?? live?.serviceArn);
  return out?.service;
}

/** The service's tags before the update writes any (undefined when it writes none, or they cannot be read). */
async function tagsBefore(rollout: Rollout, live: EcsService | undefined): Promise<{ key: string; value: string }[] | undefined> {
  const { target, context } = rollout;
  const writes = (target.settings?.tags?.length ?? 0) > 0 || (target.removeTags?.length ?? 0) > 0;
  if (!writes || !live?.serviceArn || context.calls.dryRun) return undefined;
  try {
    const out = await context.ports.ecs.listTagsForResource({ resourceArn: live.serviceArn }, { signal: context.hardSignal });
    return (out.tags ?? []).flatMap((t) => (t.key !== undefined && t.value !== undefined ? [{ key: t.key, value: t.value }] : []));
  } catch {
    return undefined;
  }
}

/**
 * The tags the plan adds or changes (TagResource) and removes (UntagResource). The update is made by then: a tag
 * that cannot be written is a warning, not a failed deployment.
 */
async function writeServiceTags(rollout: Rollout, serviceArn: string | undefined): Promise<void> {
  const { target, context } = rollout;
  if (!serviceArn && !context.calls.dryRun) return;
  const warn = (what: string) => (error: unknown) =>
    context.emit({ type: 'log', level: 'warn', message: `${target.key}: could not ${what} the service: ${errorMessage(error)}` });
  const tags = target.settings?.tags ?? [];
  if (tags.length > 0) {
    await context.calls
      .mutate(
        { service: 'ECS', operation: 'TagResource', summary: `tag ${target.service}: ${tags.map((x) => x.key).join(', ')}` },
        (signal) => context.ports.ecs.tagResource({ resourceArn: serviceArn, tags }, { signal }),
      )
      .catch(warn('tag'));
  }
  const remove = target.removeTags ?? [];
  if (remove.length > 0) {
    await context.calls
      .mutate({ service: 'ECS', operation: 'UntagResource', summary: `untag ${target.service}: ${remove.join(', ')}` }, (signal) =>
        context.ports.ecs.untagResource({ resourceArn: serviceArn, tagKeys: remove }, { signal }),
      )
      .catch(warn('untag'));
  }
}

/** The deployment a write started, or the verdict when it started none we can follow. */
export type StartedDeployment =
  | {
      started: true;
      /** The service as the write (or the read after it) returned it. */
      service: EcsService | undefined;
      deploymentId: string;
      deployment: EcsDeployment;
      /**
       * The write started no new deployment (an emulator that only changes the service's task definition): follow
       * the PRIMARY one, which must then also converge to the desired count.
       */
      sameDeployment: boolean;
    }
  | { started: false; result: DeployResult };

/**
 * Creates the service or updates it to the target's revision, and finds the PRIMARY deployment that started.
 * `live` is the service as read just before (undefined when creating); `previous` the revision it ran.
 */
export async function startServiceDeployment(
  rollout: Rollout,
  live: EcsService | undefined,
  previous: string | undefined,
  previousPrimary: string | undefined,
): Promise<StartedDeployment> {
  const { target, context } = rollout;
  const ended = (outcome: DeployResult['outcome'], standsOn: string | undefined, reason: string, deploymentId?: string) =>
    ({ started: false, result: rollout.result(outcome, standsOn, { reason, deploymentId }) }) as const;
  let service: EcsService | undefined;
  try {
    service = target.create ? await createService(rollout) : await updateService(rollout, live);
  } catch (error) {
    // A failed write may still have been applied: look before saying that nothing changed.
    const op = target.create ? 'CreateService' : 'UpdateService';
    service = await appliedAnyway(rollout, previousPrimary, rejectedOutright(error) ? [0] : LAGGING_READS_MS, target.taskDefinitionArn);
    if (!service) return ended('failed', previous, `${op} failed: ${errorMessage(error)}; the service was not changed`);
    context.emit({
      type: 'log',
      level: 'warn',
      message: `${target.key}: ${op} reported ${errorMessage(error)}, but the service shows the new deployment: following it`,
    });
  }
  if (context.calls.dryRun) return ended('skipped', previous, 'dry run: no call made');
  let primary = primaryOf(service);
  if (!primary?.id) {
    // The update was made but its response lists no deployment (a terse proxy or emulator): the service itself
    // shows the new PRIMARY deployment of our revision, if there is one; never guess beyond that.
    const now = await appliedAnyway(rollout, previousPrimary, LAGGING_READS_MS, target.taskDefinitionArn);
    if (now) {
      service = now;
      primary = primaryOf(now);
    }
  }
  if (!primary?.id) return ended('failed', target.taskDefinitionArn, 'the service reported no PRIMARY deployment after the update');
  // AWS starts a new PRIMARY deployment of the new revision (aws-semantics.md §1.2). Some emulators (moto) only
  // change the service's task definition and keep the old deployment: then we may follow that deployment, but
  // only as "the same deployment", which must also converge to the desired count, and never without the
  // service itself naming our revision.
  let sameDeployment = primary.id === previousPrimary;
  if (primary.taskDefinition && primary.taskDefinition !== target.taskDefinitionArn) {
    if (service?.taskDefinition !== target.taskDefinitionArn) {
      return ended('failed', previous, `the update started no deployment of ${shortTaskDefinition(target.taskDefinitionArn)}`, primary.id);
    }
    sameDeployment = true;
    context.emit({
      type: 'log',
      level: 'warn',
      message: `${target.key}: the service runs ${shortTaskDefinition(target.taskDefinitionArn)} but its PRIMARY deployment ${primary.id} names ${shortTaskDefinition(primary.taskDefinition)}; following that deployment`,
    });
  }
  return { started: true, service, deploymentId: primary.id, deployment: primary, sameDeployment };
}

/** How pointing a service back at its previous revision went: the deployment that started, or why none did. */
export type RevertStart = { deploymentId: string | undefined } | { failed: string };

/**
 * UpdateService back to `previous`, with every other setting the update changed put back as it was before it (see
 * service-restore.ts), then the tags it wrote. `from` is the deployment we roll back from, so a read that still
 * shows it is not taken for the rollback's own.
 */
export async function pointServiceBack(rollout: Rollout, previous: string, from: string): Promise<RevertStart> {
  const { target, context } = rollout;
  const restore = restoreOf(rollout);
  const also = Object.keys(restore.settings);
  let service: EcsService | undefined;
  try {
    service = (
      await context.calls.mutate(
        {
          service: 'ECS',
          operation: 'UpdateService',
          summary: `roll ${target.service} in ${target.cluster} back to ${shortTaskDefinition(previous)}${also.length ? `; restore ${also.join(', ')}` : ''}`,
        },
        (signal) =>
          context.ports.ecs.updateService(
            { ...restore.settings, cluster: target.cluster, service: target.service, taskDefinition: previous },
            { signal },
          ),
      )
    )?.service;
  } catch (error) {
    // As for the update itself: a failed write may still have been applied; look before saying it was not.
    service = rejectedOutright(error) ? undefined : await appliedAnyway(rollout, from, LAGGING_READS_MS, previous);
    if (!service) return { failed: `the rollback call failed: ${errorMessage(error)}` };
    context.emit({
      type: 'log',
      level: 'warn',
      message: `${target.key}: the rollback UpdateService reported ${errorMessage(error)}, but the service shows the rollback deployment: following it`,
    });
  }
  await restoreTags(rollout, service?.serviceArn, restore.tags);
  const deploymentId = primaryOf(service)?.id ?? primaryOf(await appliedAnyway(rollout, from, LAGGING_READS_MS, previous))?.id;
  return { deploymentId };
}

/** Puts back the tags the update wrote: earlier values again, new keys removed. A failure is a warning. */
async function restoreTags(
  rollout: Rollout,
  serviceArn: string | undefined,
  tags: { key: string; before: string | undefined }[],
): Promise<void> {
  const { target, context } = rollout;
  if (tags.length === 0 || (!serviceArn && !context.calls.dryRun)) return;
  const warn = (error: unknown) =>
    context.emit({ type: 'log', level: 'warn', message: `${target.key}: could not restore the service's tags: ${errorMessage(error)}` });
  const back = tags.flatMap((t) => (t.before !== undefined ? [{ key: t.key, value: t.before }] : []));
  const added = tags.filter((t) => t.before === undefined).map((t) => t.key);
  if (back.length > 0) {
    await context.calls
      .mutate(
        { service: 'ECS', operation: 'TagResource', summary: `restore tags of ${target.service}: ${back.map((t) => t.key).join(', ')}` },
        (signal) => context.ports.ecs.tagResource({ resourceArn: serviceArn, tags: back }, { signal }),
      )
      .catch(warn);
  }
  if (added.length > 0) {
    await context.calls
      .mutate({ service: 'ECS', operation: 'UntagResource', summary: `untag ${target.service}: ${added.join(', ')}` }, (signal) =>
        context.ports.ecs.untagResource({ resourceArn: serviceArn, tagKeys: added }, { signal }),
      )
      .catch(warn);
  }
}
