/**
 * Normalization before diffing (house rule 3): the desired and the live documents go through exactly the
 * same steps, so that a definition written minimally compares equal to what AWS returns for it.
 *
 * The steps are tables, not code paths, so adding a default or a set-like array is a one-line change:
 * - read-only fields are stripped by the model's list (never by an allow-list: newer fields pass through);
 * - `null`s are dropped; empty arrays and empty objects are dropped (AWS returns `environment: []`,
 *   `mountPoints: []`, `host: {}`...), but strings are always kept: an env var whose value is "" is
 *   meaningful (aws-actions/amazon-ecs-deploy-task-definition #216/#780);
 * - defaults AWS fills in are filled on both sides (peer-tools.md §8.2: no peer fills `essential`,
 *   `protocol`, health-check timings, `versionConsistency` or EFS defaults; we do);
 * - task `cpu`/`memory` units become the numeric strings ECS stores (`1 vCPU` → `1024`, `2 GB` → `2048`);
 * - arrays AWS treats as sets are sorted;
 * - tags owned by other tools (`ignoreTags`), by AWS (`aws:`) and ecsdeploy's own metadata (`ecsdeploy:`) are
 *   dropped so they never diff;
 * - ecsdeploy's own pause hooks in `deploymentConfiguration.lifecycleHooks` (marked `hookDetails.ecsdeploy`, there
 *   only while an ECS-native deployment it started is undecided) are dropped the same way.
 */
import { pauseHookRun } from '../model/ecs-native.js';
import { READ_ONLY_TASK_DEFINITION_FIELDS, type Json, type JsonObject } from '../model/task-definition.js';
import { setOwn } from '../util/own.js';
import { canonicalJson, isObject, toJson, toJsonObject } from './json.js';

export interface NormalizeContext {
  /** Tag keys owned by other tools; dropped from both sides. */
  ignoreTags: readonly string[];
}

/** Prefix of the metadata tags apply puts on what it registers (`ecsdeploy:manifest-digest`, ...). */
const ECSDEPLOY_TAG_PREFIX = 'ecsdeploy:';
/** AWS-reserved tag prefix (CloudFormation, ...): users cannot set these, so they are never ours to diff. */
const AWS_TAG_PREFIX = 'aws:';

// ---------------------------------------------------------------------------------------------------------
// Tables

type SortKey = string | 'json' | 'value';

/** Set-like arrays of a container definition and what identifies/sorts their items. */
const CONTAINER_SETS: Record<string, SortKey> = {
  environment: 'name',
  secrets: 'name',
  portMappings: 'json',
  mountPoints: 'json',
  volumesFrom: 'json',
  ulimits: 'name',
  systemControls: 'namespace',
  resourceRequirements: 'type',
  dependsOn: 'containerName',
  extraHosts: 'json',
};

/** Set-like arrays of the task definition. */
const TASK_SETS: Record<string, SortKey> = {
  containerDefinitions: 'name',
  volumes: 'name',
  placementConstraints: 'json',
  requiresCompatibilities: 'value',
  inferenceAccelerators: 'deviceName',
  tags: 'key',
};

/** Defaults ECS fills in a described container definition when the input omits them. */
const CONTAINER_DEFAULTS: [string, Json][] = [
  ['cpu', 0],
  ['essential', true],
  ['versionConsistency', 'enabled'],
];

const PORT_MAPPING_DEFAULTS: [string, Json][] = [['protocol', 'tcp']];

/** Container health check timings (seconds) ECS fills when omitted. */
const HEALTH_CHECK_DEFAULTS: [string, Json][] = [
  ['interval', 30],
  ['timeout', 5],
  ['retries', 3],
];

/** Container restart policy: ECS fills the attempt period (seconds) when the policy is given without it. */
const RESTART_POLICY_DEFAULTS: [string, Json][] = [['restartAttemptPeriod', 300]];

const TASK_DEFAULTS: [string, Json][] = [['networkMode', 'bridge']];

/**
 * Defaults that are dropped where they are given, rather than filled where they are not (the same for comparing,
 * and the documents stay as short as written): `enableFaultInjection` is described as false on task definitions
 * registered without it, volumes as `configuredAtLaunch: false`, and mount points are writable by default.
 */
const TASK_FALSE_DEFAULTS = ['enableFaultInjection'];
const VOLUME_FALSE_DEFAULTS = ['configuredAtLaunch'];
const MOUNT_FALSE_DEFAULTS = ['readOnly'];

const EFS_VOLUME_DEFAULTS: [string, Json][] = [
  ['rootDirectory', '/'],
  ['transitEncryption', 'DISABLED'],
];

const DOCKER_VOLUME_DEFAULTS: [string, Json][] = [['scope', 'task']];

/** Network modes where the host port is the container port (ECS fills `hostPort` with it). */
const HOST_PORT_IS_CONTAINER_PORT = new Set(['awsvpc', 'host']);

/** Key order for readable diffs: identifying keys first, the rest alphabetical. */
const FIRST_KEYS = ['family', 'name', 'key', 'image'];

// ---------------------------------------------------------------------------------------------------------
// Task definitions

/** Removes output-only fields by the model's list; everything else (including unknown fields) is kept. */
export function stripReadOnly(td: JsonObject): JsonObject {
  const out: JsonObject = { ...td };
  for (const f of READ_ONLY_TASK_DEFINITION_FIELDS) delete out[f];
  return out;
}

/** The normalized form of a task definition (RegisterTaskDefinition input or DescribeTaskDefinition output). */
export function normalizeTaskDefinition(input: unknown, ctx: NormalizeContext): JsonObject {
  // clean first so that `null` and `[]` count as absent when defaults are filled and sets are sorted
  const td = withoutFalse(stripReadOnly(finish(toJsonObject(input))), TASK_FALSE_DEFAULTS);
  fill(td, TASK_DEFAULTS);
  const networkMode = typeof td.networkMode === 'string' ? td.networkMode : 'bridge';
  if (td.cpu !== undefined) td.cpu = normalizeTaskCpu(td.cpu);
  if (td.memory !== undefined) td.memory = normalizeTaskMemory(td.memory);
  if (Array.isArray(td.containerDefinitions)) {
    td.containerDefinitions = td.containerDefinitions.map((c) => (isObject(c) ? normalizeContainer(c, networkMode) : c));
  }
  if (Array.isArray(td.volumes)) td.volumes = td.volumes.map((v) => (isObject(v) ? normalizeVolume(v) : v));
  if (isObject(td.proxyConfiguration) && Array.isArray(td.proxyConfiguration.properties)) {
    td.proxyConfiguration = { ...td.proxyConfiguration, properties: sortSet(td.proxyConfiguration.properties, 'name') };
  }
  if (td.tags !== undefined) td.tags = filterTags(td.tags, ctx.ignoreTags);
  sortSets(td, TASK_SETS);
  return finish(td);
}

function normalizeContainer(input: JsonObject, networkMode: string): JsonObject {
  const c: JsonObject = { ...input };
  fill(c, CONTAINER_DEFAULTS);
  if (Array.isArray(c.portMappings)) {
    c.portMappings = c.portMappings.map((p) => (isObject(p) ? normalizePortMapping(p, networkMode) : p));
  }
  for (const k of ['mountPoints', 'volumesFrom']) {
    const list = c[k];
    if (Array.isArray(list)) c[k] = list.map((m) => (isObject(m) ? withoutFalse(m, MOUNT_FALSE_DEFAULTS) : m));
  }
  if (isObject(c.healthCheck)) {
    c.healthCheck = { ...c.healthCheck };
    fill(c.healthCheck, HEALTH_CHECK_DEFAULTS);
  }
  if (isObject(c.restartPolicy) && c.restartPolicy.enabled === true) {
    c.restartPolicy = { ...c.restartPolicy };
    fill(c.restartPolicy, RESTART_POLICY_DEFAULTS);
  }
  if (isObject(c.logConfiguration) && Array.isArray(c.logConfiguration.secretOptions)) {
    c.logConfiguration = { ...c.logConfiguration, secretOptions: sortSet(c.logConfiguration.secretOptions, 'name') };
  }
  if (isObject(c.linuxParameters) && isObject(c.linuxParameters.capabilities)) {
    const caps: JsonObject = { ...c.linuxParameters.capabilities };
    for (const k of ['add', 'drop']) {
      const v = caps[k];
      if (Array.isArray(v)) caps[k] = sortSet(v, 'value');
    }
    c.linuxParameters = { ...c.linuxParameters, capabilities: caps };
  }
  sortSets(c, CONTAINER_SETS);
  return c;
}

function normalizePortMapping(input: JsonObject, networkMode: string): JsonObject {
  const p: JsonObject = { ...input };
  fill(p, PORT_MAPPING_DEFAULTS);
  if (HOST_PORT_IS_CONTAINER_PORT.has(networkMode)) {
    if (p.hostPort === undefined && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
  } else if (p.hostPort === 0) {
    // bridge: host port 0 and no host port both mean "dynamic"
    delete p.hostPort;
  }
  return p;
}

function normalizeVolume(input: JsonObject): JsonObject {
  const v: JsonObject = withoutFalse(input, VOLUME_FALSE_DEFAULTS);
  if (isObject(v.efsVolumeConfiguration)) {
    v.efsVolumeConfiguration = { ...v.efsVolumeConfiguration };
    fill(v.efsVolumeConfiguration, EFS_VOLUME_DEFAULTS);
  }
  if (isObject(v.dockerVolumeConfiguration)) {
    v.dockerVolumeConfiguration = { ...v.dockerVolumeConfiguration };
    fill(v.dockerVolumeConfiguration, DOCKER_VOLUME_DEFAULTS);
  }
  return v;
}

const VCPU = /^\s*(\d+(?:\.\d+)?)\s*vcpus?\s*$/i;
const GB = /^\s*(\d+(?:\.\d+)?)\s*(?:gb|gib)\s*$/i;
const MB = /^\s*(\d+(?:\.\d+)?)\s*(?:mb|mib)\s*$/i;

/** Task-level cpu as ECS stores it: CPU units as a numeric string (`1 vCPU` → `1024`, `512` → `512`). */
export function normalizeTaskCpu(v: Json): Json {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return v;
  const m = VCPU.exec(v);
  if (m) return String(Math.round(Number(m[1]) * 1024));
  return v.trim();
}

/** Task-level memory as ECS stores it: MiB as a numeric string (`2 GB` → `2048`, `512` → `512`). */
export function normalizeTaskMemory(v: Json): Json {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return v;
  const g = GB.exec(v);
  if (g) return String(Math.round(Number(g[1]) * 1024));
  const m = MB.exec(v);
  if (m) return String(Math.round(Number(m[1])));
  return v.trim();
}

// ---------------------------------------------------------------------------------------------------------
// Tags

/** True for tag keys that never diff: listed in `ignoreTags`, AWS-reserved, or ecsdeploy's own metadata. */
export function isIgnoredTag(key: string, ignoreTags: readonly string[]): boolean {
  return ignoreTags.includes(key) || key.startsWith(ECSDEPLOY_TAG_PREFIX) || key.startsWith(AWS_TAG_PREFIX);
}

function filterTags(tags: Json, ignoreTags: readonly string[]): Json {
  if (!Array.isArray(tags)) return tags;
  return tags.filter((t) => !(isObject(t) && typeof t.key === 'string' && isIgnoredTag(t.key, ignoreTags)));
}

// ---------------------------------------------------------------------------------------------------------
// Service settings

export interface ServiceNormalizeContext extends NormalizeContext {
  /** Deployment controller of the live service (or the desired one when creating): `ECS`, `CODE_DEPLOY`, `EXTERNAL`. */
  controller: string;
  /** Launch type in effect (desired if set, else live), for the Fargate `platformVersion` default. */
  launchType: string | undefined;
}

/** Service-level defaults DescribeServices reports when CreateService/UpdateService omitted them. */
const SERVICE_DEFAULTS: [string, Json][] = [
  ['propagateTags', 'NONE'],
  ['enableExecuteCommand', false],
  ['enableECSManagedTags', false],
  ['healthCheckGracePeriodSeconds', 0],
  ['schedulingStrategy', 'REPLICA'],
  ['deploymentController', { type: 'ECS' }],
  ['availabilityZoneRebalancing', 'DISABLED'],
];

/** Circuit breaker fields ECS fills since 2026-07 (aws-semantics.md §1.4). */
const CIRCUIT_BREAKER_DEFAULTS: [string, Json][] = [
  ['resetOnHealthyTask', true],
  ['thresholdConfiguration', { type: 'BOUNDED_PERCENT', value: 50 }],
];

const SERVICE_SETS: Record<string, SortKey> = {
  placementConstraints: 'json',
  loadBalancers: 'json',
  serviceRegistries: 'json',
  capacityProviderStrategy: 'capacityProvider',
  tags: 'key',
  volumeConfigurations: 'name',
  vpcLatticeConfigurations: 'portName',
};

/**
 * Normalizes a service-settings document (only the keys the manifest manages; see build.ts). Defaults are
 * filled only for keys present, because an absent key means "not managed" and is never compared.
 */
export function normalizeServiceDocument(input: Record<string, Json | undefined>, ctx: ServiceNormalizeContext): JsonObject {
  // `input` lists every managed key, with `undefined` where the side has no value: defaults fill those
  const s: JsonObject = finish(toJsonObject(input));
  for (const [k, v] of SERVICE_DEFAULTS) if (k in input && s[k] === undefined) s[k] = v;
  if ('platformVersion' in input && s.platformVersion === undefined && ctx.launchType === 'FARGATE') s.platformVersion = 'LATEST';
  if (isObject(s.deploymentConfiguration)) s.deploymentConfiguration = normalizeDeploymentConfiguration(s.deploymentConfiguration);
  if (isObject(s.networkConfiguration)) s.networkConfiguration = normalizeNetworkConfiguration(s.networkConfiguration);
  if (Array.isArray(s.capacityProviderStrategy)) {
    s.capacityProviderStrategy = s.capacityProviderStrategy.map((i) => (isObject(i) ? { base: 0, weight: 0, ...i } : i));
  }
  if (Array.isArray(s.loadBalancers) && ctx.controller === 'CODE_DEPLOY') {
    // CodeDeploy swaps the blue and green target groups on every deployment (ecspresso #943).
    s.loadBalancers = s.loadBalancers.map((lb) => {
      if (!isObject(lb)) return lb;
      const { targetGroupArn: _swapped, ...rest } = lb;
      return rest;
    });
  }
  if (s.tags !== undefined) s.tags = filterTags(s.tags, ctx.ignoreTags);
  sortSets(s, SERVICE_SETS);
  return finish(s);
}

function normalizeDeploymentConfiguration(input: JsonObject): JsonObject {
  const d: JsonObject = { ...input };
  if (isObject(d.deploymentCircuitBreaker)) {
    d.deploymentCircuitBreaker = { ...d.deploymentCircuitBreaker };
    fill(d.deploymentCircuitBreaker, CIRCUIT_BREAKER_DEFAULTS);
  }
  if (isObject(d.alarms) && Array.isArray(d.alarms.alarmNames)) {
    d.alarms = { ...d.alarms, alarmNames: sortSet(d.alarms.alarmNames, 'value') };
  }
  if (Array.isArray(d.lifecycleHooks)) d.lifecycleHooks = normalizeLifecycleHooks(d.lifecycleHooks);
  return d;
}

/** AWS's defaults for a lifecycle hook (API_DeploymentLifecycleHook, aws-semantics §1.9). */
const LIFECYCLE_HOOK_DEFAULTS: [string, Json][] = [
  ['targetType', 'AWS_LAMBDA'],
  ['timeoutConfiguration', { timeoutInMinutes: 1440, action: 'ROLLBACK' }],
];

/**
 * ecsdeploy's own pause hooks (an ECS-native deployment holding for its gate, added for that deployment and removed
 * once it is decided, marked `hookDetails.ecsdeploy`) are not the manifest's: they never show as drift.
 */
function normalizeLifecycleHooks(hooks: Json[]): Json[] {
  return hooks
    .filter((h) => pauseHookRun(h) === undefined)
    .map((h) => {
      if (!isObject(h)) return h;
      const out: JsonObject = { ...h };
      fill(out, LIFECYCLE_HOOK_DEFAULTS);
      if (isObject(out.timeoutConfiguration)) {
        out.timeoutConfiguration = { timeoutInMinutes: 1440, action: 'ROLLBACK', ...out.timeoutConfiguration };
      }
      return out;
    });
}

function normalizeNetworkConfiguration(input: JsonObject): JsonObject {
  const n: JsonObject = { ...input };
  if (isObject(n.awsvpcConfiguration)) {
    const a: JsonObject = { ...n.awsvpcConfiguration };
    if (a.assignPublicIp === undefined) a.assignPublicIp = 'DISABLED';
    for (const k of ['subnets', 'securityGroups']) {
      const v = a[k];
      if (Array.isArray(v)) a[k] = sortSet(v, 'value');
    }
    n.awsvpcConfiguration = a;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Generic steps

function fill(o: JsonObject, defaults: [string, Json][]): void {
  for (const [k, v] of defaults) if (o[k] === undefined) o[k] = v;
}

function withoutFalse(o: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = { ...o };
  for (const k of keys) if (out[k] === false) delete out[k];
  return out;
}

function sortSets(o: JsonObject, table: Record<string, SortKey>): void {
  for (const [k, by] of Object.entries(table)) {
    const v = o[k];
    if (Array.isArray(v)) o[k] = sortSet(v, by);
  }
}

function sortSet(items: Json[], by: SortKey): Json[] {
  const keyOf = (x: Json): string => {
    if (by === 'json' || by === 'value') return typeof x === 'string' ? x : canonicalJson(x);
    if (isObject(x)) {
      const k = x[by];
      // ties (or missing keys) fall back to the whole item, so the order is total
      return `${typeof k === 'string' ? k : canonicalJson(k ?? null)}\u0000${canonicalJson(x)}`;
    }
    return canonicalJson(x);
  };
  return items
    .map((item) => ({ item, k: keyOf(item) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((e) => e.item);
}

/** Drops empty arrays/objects (after defaults are filled) and orders keys for a readable, stable document. */
function finish(o: JsonObject): JsonObject {
  const cleaned = dropEmpty(toJson(o) ?? {});
  return isObject(cleaned) ? cleaned : {};
}

function dropEmpty(x: Json): Json | undefined {
  if (Array.isArray(x)) {
    const items = x.map(dropEmpty).filter((i): i is Json => i !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(x)) {
    const keys = Object.keys(x).sort(compareKeys);
    const out: JsonObject = {};
    for (const k of keys) {
      const v = dropEmpty(x[k] as Json);
      if (v !== undefined) setOwn(out, k, v);
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return x;
}

function compareKeys(a: string, b: string): number {
  const ia = FIRST_KEYS.indexOf(a);
  const ib = FIRST_KEYS.indexOf(b);
  if (ia !== ib) return (ia < 0 ? FIRST_KEYS.length : ia) - (ib < 0 ? FIRST_KEYS.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
