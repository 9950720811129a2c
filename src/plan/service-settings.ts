/**
 * The service-settings documents that are compared: only the keys the manifest manages (settings, deployment,
 * and desiredCount unless it is undefined or `autoscaling`), projected from the manifest on one side and from
 * DescribeServices on the other. Which settings UpdateService cannot change is decided here too.
 */
import type { DeploymentSettings, ResolvedService } from '../model/manifest.js';
import type { Json, JsonObject } from '../model/task-definition.js';
import { isObject, toJson } from './json.js';

/**
 * Settings UpdateService cannot change (aws-semantics.md §1.1): a difference means the service would have to
 * be recreated, which ecsdeploy never does on its own.
 */
const NEVER_UPDATABLE = new Set(['launchType', 'schedulingStrategy', 'deploymentController', 'role', 'serviceName']);

/**
 * Settings UpdateService cannot change unless the deployment controller is ECS: with CODE_DEPLOY the
 * deployment group owns the target groups, with EXTERNAL the task sets do (aws-semantics.md §1.1).
 */
const ECS_CONTROLLER_ONLY = new Set(['loadBalancers', 'serviceRegistries']);

/** Settings that live on the PRIMARY deployment rather than on the service in DescribeServices (peer-tools.md §1.9). */
const FROM_PRIMARY_DEPLOYMENT = new Set(['serviceConnectConfiguration', 'volumeConfigurations', 'vpcLatticeConfigurations']);

export function requiresReplacement(topLevelKey: string, controller: string): boolean {
  return NEVER_UPDATABLE.has(topLevelKey) || (controller !== 'ECS' && ECS_CONTROLLER_ONLY.has(topLevelKey));
}

/** `deploymentConfiguration` as UpdateService takes it, with only the keys the manifest sets. */
export function deploymentConfiguration(d: DeploymentSettings): JsonObject | undefined {
  const out: JsonObject = {};
  if (d.minimumHealthyPercent !== undefined) out.minimumHealthyPercent = d.minimumHealthyPercent;
  if (d.maximumPercent !== undefined) out.maximumPercent = d.maximumPercent;
  if (d.circuitBreaker) out.deploymentCircuitBreaker = toJson(d.circuitBreaker) ?? {};
  if (d.alarms) out.alarms = toJson(d.alarms) ?? {};
  // ECS-native strategies: strategy, bake time, linear/canary settings and the manifest's Lambda hooks.
  if (d.native) Object.assign(out, toJson(d.native));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The desired side: every managed key with its value. */
export function desiredServiceDocument(svc: ResolvedService): Record<string, Json | undefined> {
  const doc: Record<string, Json | undefined> = {};
  if (typeof svc.desiredCount === 'number') doc.desiredCount = svc.desiredCount;
  const dc = deploymentConfiguration(svc.deployment);
  if (dc) doc.deploymentConfiguration = dc;
  for (const [k, v] of Object.entries(svc.settings)) {
    const j = toJson(v);
    if (j !== undefined) doc[k] = j;
  }
  return doc;
}

/** The live side, projected onto the keys of the desired document (absent values stay `undefined`). */
export function liveServiceDocument(described: JsonObject, desired: Record<string, Json | undefined>): Record<string, Json | undefined> {
  const primary = primaryDeployment(described);
  const doc: Record<string, Json | undefined> = {};
  for (const [k, want] of Object.entries(desired)) {
    if (k === 'deploymentConfiguration') {
      const live = described.deploymentConfiguration;
      doc[k] = isObject(live) && isObject(want) ? project(live, Object.keys(want)) : live;
    } else if (k === 'role') {
      const arn = described.roleArn;
      // the manifest may name the role or give its ARN; compare like with like
      doc[k] = typeof arn === 'string' && typeof want === 'string' && !want.startsWith('arn:') ? arn.slice(arn.lastIndexOf('/') + 1) : arn;
    } else if (FROM_PRIMARY_DEPLOYMENT.has(k)) {
      doc[k] = described[k] ?? primary?.[k];
    } else {
      doc[k] = described[k];
    }
  }
  return doc;
}

function project(o: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k] as Json;
  return out;
}

export function primaryDeployment(described: JsonObject): JsonObject | undefined {
  const deployments = described.deployments;
  if (!Array.isArray(deployments)) return undefined;
  return deployments.find((d): d is JsonObject => isObject(d) && d.status === 'PRIMARY');
}

export function primaryTaskSet(described: JsonObject): JsonObject | undefined {
  const sets = described.taskSets;
  if (!Array.isArray(sets)) return undefined;
  return sets.find((d): d is JsonObject => isObject(d) && d.status === 'PRIMARY');
}

export function controllerOf(described: JsonObject | undefined, svc: ResolvedService): string {
  const live = described?.deploymentController;
  if (isObject(live) && typeof live.type === 'string') return live.type;
  return svc.settings.deploymentController?.type ?? 'ECS';
}
