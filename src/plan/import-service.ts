/**
 * A described ECS service → its entry under `services:` in a manifest (`ecsdeploy init`): the settings the
 * manifest manages, copied from what runs, with the values AWS fills in by default left out (asked of the
 * service normalizer, as for task definitions), and the strategy its deployment controller implies. Pure.
 */
import { importEcsNativeStrategy, withoutAdvancedConfiguration } from './import-ecs-native.js';
import type { Json, JsonObject } from '../model/task-definition.js';
import { isObject } from './json.js';
import { isIgnoredTag, normalizeServiceDocument } from './normalize.js';
import { withoutDefaults } from './without-defaults.js';

/** A CodeDeploy deployment group that deploys a CODE_DEPLOY service. */
export interface DeploymentGroupRef {
  application: string;
  deploymentGroup: string;
}

export interface ServiceToImport {
  /** DescribeServices output for the service (with `tags`). */
  described: JsonObject;
  /** For a CODE_DEPLOY service: the group that deploys it. */
  deploymentGroup?: DeploymentGroupRef;
}

export interface ImportedServiceSettings {
  /** Manifest keys in the order a person reads them (without `taskDefinition`/`images`, which the caller adds). */
  settings: JsonObject;
  /** Live settings the manifest cannot express; they stay as they are and are never diffed. */
  unmanaged: string[];
}

/** Service settings (CreateService shape) the manifest has keys for, in the order they are written. */
const MANAGED_SETTINGS = [
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'schedulingStrategy',
  'networkConfiguration',
  'loadBalancers',
  'serviceRegistries',
  'placementConstraints',
  'placementStrategy',
  'healthCheckGracePeriodSeconds',
  'enableExecuteCommand',
  'enableECSManagedTags',
  'propagateTags',
  'tags',
] as const;

/** Live settings worth a word when the service has them: the manifest has no key for them (yet). */
const NOT_EXPRESSIBLE = ['serviceConnectConfiguration', 'volumeConfigurations', 'vpcLatticeConfigurations', 'availabilityZoneRebalancing'];

/** The members of `deploymentConfiguration` the manifest's `deployment:` expresses. */
const DEPLOYMENT_MEMBERS = ['minimumHealthyPercent', 'maximumPercent', 'deploymentCircuitBreaker', 'alarms'];

/** The deployment controller of a described service (`ECS` when it names none, as AWS defaults it). */
export function controllerType(described: JsonObject): string {
  const c = described.deploymentController;
  return isObject(c) && typeof c.type === 'string' ? c.type : 'ECS';
}

/** The manifest entry of one service, without its task definition and images. */
export function importServiceSettings(input: ServiceToImport): ImportedServiceSettings {
  const { described } = input;
  const controller = controllerType(described);
  const launchType = typeof described.launchType === 'string' ? described.launchType : undefined;
  const daemon = described.schedulingStrategy === 'DAEMON';

  // The live side in the shape the plan compares (service-settings.ts), restricted to what the manifest can say.
  const live: JsonObject = {};
  for (const key of MANAGED_SETTINGS) {
    const value = described[key];
    if (value !== undefined && value !== null) live[key] = value;
  }
  // A launch type and a capacity provider strategy exclude each other in the manifest; AWS reports the one in use.
  if (live.launchType !== undefined) delete live.capacityProviderStrategy;
  if (Array.isArray(live.tags)) live.tags = live.tags.filter((t) => !(isObject(t) && typeof t.key === 'string' && isIgnoredTag(t.key, [])));
  const deployment = deploymentOf(described, controller);
  if (deployment) live.deploymentConfiguration = deployment;

  // Absent keys are "not managed" for the normalizer; asking it with the key present but undefined tells whether
  // the live value is the one AWS gives when nothing is said (propagateTags NONE, grace period 0, ...).
  const keys = Object.keys(live);
  const normalize = (doc: JsonObject) => {
    const all: Record<string, Json | undefined> = {};
    for (const k of keys) all[k] = doc[k];
    return normalizeServiceDocument(all, { ignoreTags: [], controller, launchType });
  };
  // CodeDeploy swaps target groups, so the normalizer never compares their ARNs; CreateService still needs them.
  const minimal = withoutDefaults(live, normalize, { keepWhole: ['loadBalancers'] });

  const settings: JsonObject = {};
  if (!daemon && typeof described.desiredCount === 'number') settings.desiredCount = described.desiredCount;
  for (const key of MANAGED_SETTINGS) if (minimal[key] !== undefined) settings[key] = minimal[key] as Json;
  const written = isObject(minimal.deploymentConfiguration) ? manifestDeployment(minimal.deploymentConfiguration) : undefined;
  if (written) settings.deployment = written;
  settings.strategy = strategyOf(input, controller);
  // ECS's own blue/green, linear and canary: the load balancer's advanced configuration is the strategy's.
  const native = controller === 'ECS' ? importEcsNativeStrategy(described) : undefined;
  if (native) {
    settings.strategy = native;
    if (settings.loadBalancers !== undefined) settings.loadBalancers = withoutAdvancedConfiguration(settings.loadBalancers);
  }

  const unmanaged = NOT_EXPRESSIBLE.filter(
    (k) => isPresent(described[k]) && !(k === 'availabilityZoneRebalancing' && described[k] === 'DISABLED'),
  );
  return { settings, unmanaged };
}

/** `deploymentConfiguration` limited to what `deployment:` can say, without an unused breaker or empty alarms. */
function deploymentOf(described: JsonObject, controller: string): JsonObject | undefined {
  const live = described.deploymentConfiguration;
  if (!isObject(live)) return undefined;
  const out: JsonObject = {};
  for (const k of DEPLOYMENT_MEMBERS) if (live[k] !== undefined && live[k] !== null) out[k] = live[k] as Json;
  // The breaker and deployment alarms belong to the ECS controller; a blue-green manifest may not set them.
  if (controller !== 'ECS') {
    delete out.deploymentCircuitBreaker;
    delete out.alarms;
  }
  const breaker = out.deploymentCircuitBreaker;
  if (isObject(breaker) && breaker.enable !== true && breaker.rollback !== true) delete out.deploymentCircuitBreaker;
  const alarms = out.alarms;
  if (isObject(alarms) && !(Array.isArray(alarms.alarmNames) && alarms.alarmNames.length > 0)) delete out.alarms;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** API shape → the manifest's `deployment:` (`deploymentCircuitBreaker` is `circuitBreaker` there). */
function manifestDeployment(d: JsonObject): JsonObject | undefined {
  const out: JsonObject = {};
  if (d.minimumHealthyPercent !== undefined) out.minimumHealthyPercent = d.minimumHealthyPercent;
  if (d.maximumPercent !== undefined) out.maximumPercent = d.maximumPercent;
  if (isObject(d.deploymentCircuitBreaker)) {
    const b = d.deploymentCircuitBreaker;
    // Written whole: the manifest's defaults for these two (true) are not AWS's.
    out.circuitBreaker = { enable: b.enable === true, rollback: b.rollback === true, ...without(b, ['enable', 'rollback']) };
  }
  if (isObject(d.alarms)) {
    const a = d.alarms;
    out.alarms = { alarmNames: a.alarmNames ?? [], enable: a.enable === true, rollback: a.rollback === true };
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function strategyOf(input: ServiceToImport, controller: string): JsonObject {
  if (controller !== 'CODE_DEPLOY' || !input.deploymentGroup) return { type: 'rolling' };
  const lb = Array.isArray(input.described.loadBalancers) ? input.described.loadBalancers.find(isObject) : undefined;
  return {
    type: 'blue-green',
    application: input.deploymentGroup.application,
    deploymentGroup: input.deploymentGroup.deploymentGroup,
    container: { name: lb?.containerName ?? '', port: lb?.containerPort ?? 0 },
  };
}

function without(o: JsonObject, keys: string[]): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function isPresent(v: Json | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}
