/**
 * What undoing an update must put back besides the task definition: every other setting the update sent
 * (desired count, deployment configuration, network configuration, load balancers and the other settings
 * UpdateService can change) and the tags it wrote, as they were read before the update. Computed when the update is
 * made, from the service as read just before it, and kept per rollout until its undo needs it.
 *
 * A setting the update did not send is not touched: a desired count that autoscaling owns (the manifest says
 * `autoscaling` or leaves it out) stays as autoscaling set it.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import type { Rollout } from './rollout.js';

type UpdateServiceInput = Parameters<AwsPorts['ecs']['updateService']>[0];
type Tag = { key: string; value: string };

/** What an undo sends and writes besides the task definition. */
export interface ServiceRestore {
  /** UpdateService members to send with the previous task definition, with the values from before the update. */
  settings: Partial<UpdateServiceInput>;
  /** Tags the update added or changed, with their earlier values (undefined: the tag did not exist). */
  tags: { key: string; before: string | undefined }[];
}

/** Settings that DescribeServices reports on the PRIMARY deployment rather than on the service. */
const FROM_PRIMARY_DEPLOYMENT = new Set(['serviceConnectConfiguration', 'volumeConfigurations', 'vpcLatticeConfigurations']);

/**
 * What a setting was when the live service did not have it (UpdateService only changes what it is sent, so "absent"
 * must be said explicitly). Settings without such a value (a network configuration added to a service that had
 * none) cannot be taken back by UpdateService and stay.
 */
const ABSENT: Record<string, unknown> = {
  loadBalancers: [],
  serviceRegistries: [],
  placementConstraints: [],
  placementStrategy: [],
  capacityProviderStrategy: [],
  volumeConfigurations: [],
  vpcLatticeConfigurations: [],
  serviceConnectConfiguration: { enabled: false },
  healthCheckGracePeriodSeconds: 0,
  enableExecuteCommand: false,
  enableECSManagedTags: false,
  propagateTags: 'NONE',
};

/** The deployment configuration keys an update may add, with the value that means "none". */
const ABSENT_DEPLOYMENT: Record<string, unknown> = {
  deploymentCircuitBreaker: { enable: false, rollback: false },
  alarms: { alarmNames: [], enable: false, rollback: false },
};

const restores = new WeakMap<Rollout, ServiceRestore>();

function liveValue(live: EcsService, key: string): unknown {
  const own = (live as Record<string, unknown>)[key];
  if (own !== undefined || !FROM_PRIMARY_DEPLOYMENT.has(key)) return own;
  return (live.deployments?.find((d) => d.status === 'PRIMARY') as Record<string, unknown> | undefined)?.[key];
}

/**
 * Records, for `rollout`, what undoing `input` (the UpdateService about to be made) must restore, from `live` (the
 * service as read before it) and `liveTags` (its tags then, when the update writes tags).
 */
export function rememberRestore(rollout: Rollout, input: UpdateServiceInput, live: EcsService | undefined, liveTags?: Tag[]): void {
  if (!live) return;
  const settings: Record<string, unknown> = {};
  for (const [key, sent] of Object.entries(input)) {
    if (sent === undefined || ['cluster', 'service', 'taskDefinition', 'forceNewDeployment'].includes(key)) continue;
    if (key === 'deploymentConfiguration') {
      const before = { ...(live.deploymentConfiguration ?? {}) } as Record<string, unknown>;
      for (const k of Object.keys(sent as object)) if (before[k] === undefined && k in ABSENT_DEPLOYMENT) before[k] = ABSENT_DEPLOYMENT[k];
      settings[key] = before;
      continue;
    }
    const before = liveValue(live, key) ?? ABSENT[key];
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(sent)) settings[key] = before;
  }
  const tags = (rollout.target.settings?.tags ?? []).map((t) => ({ key: t.key, before: liveTags?.find((l) => l.key === t.key)?.value }));
  for (const key of rollout.target.removeTags ?? []) {
    const before = liveTags?.find((l) => l.key === key)?.value;
    if (before !== undefined) tags.push({ key, before });
  }
  restores.set(rollout, {
    settings: settings as Partial<UpdateServiceInput>,
    tags: tags.filter((t) => t.before !== rollout.target.settings?.tags?.find((n) => n.key === t.key)?.value),
  });
}

/** What undoing `rollout`'s update must restore; empty when it changed nothing besides the task definition. */
export function restoreOf(rollout: Rollout): ServiceRestore {
  return restores.get(rollout) ?? { settings: {}, tags: [] };
}
