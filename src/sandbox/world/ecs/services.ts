/**
 * ECS services: Create/Update/Describe/List/DeleteService and the service as DescribeServices shows it. The dynamics
 * behind them live in scheduler.ts; clusters, tags, task sets and the service deployments API have their own modules.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, isRecord, list, optBool, optNumber, optString, reqString, tagsOf, type Input } from '../input.js';
import type { DeploymentState, JsonObject, ServiceState } from '../types.js';
import { createDeployment } from './scheduler.js';
import { paginate, taskDefinition } from './task-definitions.js';
import { checkCompatibility, checkLaunchType, checkStrategy, placementOf, readStrategy } from './launch.js';
import { checkLoadBalancers, normalizeLoadBalancers } from './load-balancers.js';
import { checkNativeConfiguration } from './native-config.js';
import { createTaskSet, taskSetOut } from './task-sets.js';
import { isLive } from './tasks.js';

/** Members of CreateService the sandbox models; anything else is kept in `extra` and returned as given. */
const MODELED = new Set([
  'cluster',
  'serviceName',
  'taskDefinition',
  'desiredCount',
  'launchType',
  'platformVersion',
  'schedulingStrategy',
  'deploymentController',
  'deploymentConfiguration',
  'networkConfiguration',
  'loadBalancers',
  'serviceRegistries',
  'capacityProviderStrategy',
  'placementConstraints',
  'placementStrategy',
  'healthCheckGracePeriodSeconds',
  'enableECSManagedTags',
  'enableExecuteCommand',
  'propagateTags',
  'availabilityZoneRebalancing',
  'tags',
  'clientToken',
  'role',
]);

/** AWS fills the deployment configuration's defaults for the ECS controller (§1.2). */
function deploymentConfigurationDefaults(given: unknown, controller: string): JsonObject {
  const dc = isRecord(given) ? (clone(given) as JsonObject) : {};
  if (dc.maximumPercent === undefined) dc.maximumPercent = 200;
  if (dc.minimumHealthyPercent === undefined) dc.minimumHealthyPercent = 100;
  if (controller === 'ECS') {
    if (dc.deploymentCircuitBreaker === undefined) dc.deploymentCircuitBreaker = { enable: false, rollback: false };
    if (dc.strategy === undefined) dc.strategy = 'ROLLING';
  }
  return dc;
}

// ---------------------------------------------------------------------------------------------- output

function deploymentOut(w: WorldContext, svc: ServiceState, d: DeploymentState, primary: boolean): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  let liveCount = 0;
  for (const a of svc.taskArns) {
    const t = w.st.ecs.tasks[a];
    if (!t || t.ownerId !== d.id) continue;
    if (isLive(t)) liveCount++;
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
  }
  return compact({
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition,
    // An ACTIVE deployment's desired count follows its tasks down as it is replaced.
    desiredCount: primary ? d.desiredCount : liveCount,
    pendingCount: pending,
    runningCount: running,
    failedTasks: d.failedTasks,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    launchType: d.launchType,
    platformVersion: d.platformVersion,
    platformFamily: d.launchType === 'FARGATE' ? 'Linux' : undefined,
    networkConfiguration: d.networkConfiguration ? clone(d.networkConfiguration) : undefined,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  });
}

export function serviceOut(w: WorldContext, svc: ServiceState, includeTags: boolean): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  for (const a of svc.taskArns) {
    const t = w.st.ecs.tasks[a];
    if (t?.desiredStatus !== 'RUNNING') continue;
    if (t.lastStatus === 'RUNNING') running++;
    else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
  }
  const codeDeploy = svc.deploymentController.type !== 'ECS';
  // CODE_DEPLOY and EXTERNAL services report task sets; their `deployments` is empty (copilot-cli #1061).
  const deployments = codeDeploy ? [] : svc.deployments.map((d, i) => deploymentOut(w, svc, d, i === 0));
  const out: Record<string, unknown> = compact({
    ...clone(svc.extra),
    serviceArn: svc.serviceArn,
    serviceName: svc.serviceName,
    clusterArn: svc.clusterArn,
    loadBalancers: clone(svc.loadBalancers),
    serviceRegistries: clone(svc.serviceRegistries),
    status: svc.status,
    desiredCount: svc.desiredCount,
    runningCount: running,
    pendingCount: pending,
    launchType: svc.launchType,
    capacityProviderStrategy: svc.capacityProviderStrategy ? clone(svc.capacityProviderStrategy) : undefined,
    platformVersion: svc.platformVersion,
    platformFamily: svc.launchType === 'FARGATE' ? 'Linux' : undefined,
    taskDefinition: svc.taskDefinition || undefined,
    deploymentConfiguration: clone(svc.deploymentConfiguration),
    taskSets: codeDeploy ? svc.taskSets.map((ts) => taskSetOut(w, svc, ts)) : undefined,
    deployments,
    events: svc.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    createdAt: new Date(svc.createdAt),
    placementConstraints: clone(svc.placementConstraints),
    placementStrategy: clone(svc.placementStrategy),
    roleArn: svc.roleArn,
    networkConfiguration: svc.networkConfiguration ? clone(svc.networkConfiguration) : undefined,
    healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
    schedulingStrategy: svc.schedulingStrategy,
    deploymentController: clone(svc.deploymentController),
    createdBy: svc.createdBy,
    enableECSManagedTags: svc.enableECSManagedTags,
    propagateTags: svc.propagateTags,
    enableExecuteCommand: svc.enableExecuteCommand,
    availabilityZoneRebalancing: svc.availabilityZoneRebalancing,
    currentServiceDeployment: codeDeploy ? undefined : svc.currentServiceDeployment,
    currentServiceRevisions: codeDeploy ? undefined : currentRevisions(w, svc),
  });
  if (includeTags) out.tags = clone(w.st.ecs.resourceTags[svc.serviceArn] ?? []);
  return out;
}

function currentRevisions(w: WorldContext, svc: ServiceState): Record<string, unknown>[] {
  return svc.deployments.map((d) => {
    let running = 0;
    let pending = 0;
    let requested = 0;
    for (const a of svc.taskArns) {
      const t = w.st.ecs.tasks[a];
      if (!t || t.ownerId !== d.id) continue;
      if (isLive(t)) requested++;
      if (t.lastStatus === 'RUNNING') running++;
      else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
    }
    return {
      arn: d.serviceRevisionArn,
      requestedTaskCount: d.status === 'PRIMARY' ? d.desiredCount : requested,
      runningTaskCount: running,
      pendingTaskCount: pending,
    };
  });
}

// ---------------------------------------------------------------------------------------------- API

export function createService(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const name = reqString(input, 'serviceName');
  const existing = cluster.services[name];
  if (existing && existing.status !== 'INACTIVE') {
    throw new SandboxApiError('InvalidParameterException', 'Creation of service was not idempotent.');
  }
  const controller = isRecord(input.deploymentController) ? String(input.deploymentController.type ?? 'ECS') : 'ECS';
  // "A task definition must be specified if the service uses either the ECS or CODE_DEPLOY deployment controllers";
  // an EXTERNAL service gets its task definitions from its task sets.
  const tdRef = controller === 'EXTERNAL' ? optString(input, 'taskDefinition') : reqString(input, 'taskDefinition');
  const td = tdRef !== undefined ? taskDefinition(w, tdRef) : undefined;
  if (td && td.td.status !== 'ACTIVE') throw new SandboxApiError('ClientException', 'TaskDefinition is inactive');
  const placement = placementOf(cluster, {
    launchType: optString(input, 'launchType'),
    capacityProviderStrategy: input.capacityProviderStrategy,
  });
  if (td) checkCompatibility(td, placement);
  if (td?.td.networkMode === 'awsvpc' && !isRecord(input.networkConfiguration)) {
    throw new SandboxApiError(
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  }
  const loadBalancers = normalizeLoadBalancers(input.loadBalancers);
  if (tdRef !== undefined) checkLoadBalancers(w, loadBalancers, tdRef);
  const deploymentConfiguration = deploymentConfigurationDefaults(input.deploymentConfiguration, controller);
  checkNativeConfiguration(w, controller, deploymentConfiguration, loadBalancers);
  const desiredCount = optNumber(input, 'desiredCount') ?? 0;
  // Without a launch type or capacity provider strategy (and no cluster default strategy) AWS uses EC2. The
  // sandbox does not model EC2 capacity, so such tasks are placed as if an instance had room.
  const launchType = placement.launchType;
  const role = optString(input, 'role');
  const extra: JsonObject = {};
  for (const [k, v] of Object.entries(input)) if (!MODELED.has(k) && v !== undefined) extra[k] = clone(v) as JsonObject[string];
  const arn = w.arn('ecs', `service/${cluster.clusterName}/${name}`);
  const svc: ServiceState = {
    serviceArn: arn,
    serviceName: name,
    clusterArn: cluster.clusterArn,
    status: 'ACTIVE',
    desiredCount,
    taskDefinition: td ? String(td.td.taskDefinitionArn) : '',
    launchType,
    platformVersion: optString(input, 'platformVersion') ?? (launchType === 'FARGATE' ? 'LATEST' : undefined),
    schedulingStrategy: optString(input, 'schedulingStrategy') ?? 'REPLICA',
    deploymentController: { type: controller },
    deploymentConfiguration,
    networkConfiguration: isRecord(input.networkConfiguration) ? (clone(input.networkConfiguration) as JsonObject) : undefined,
    loadBalancers,
    serviceRegistries: list(input.serviceRegistries).filter(isRecord) as JsonObject[],
    capacityProviderStrategy: placement.capacityProviderStrategy,
    placementConstraints: list(input.placementConstraints).filter(isRecord) as JsonObject[],
    placementStrategy: list(input.placementStrategy).filter(isRecord) as JsonObject[],
    // A role given by name (or path/name) is stored as its ARN.
    roleArn: role === undefined ? undefined : role.startsWith('arn:') ? role : w.globalArn('iam', `role/${role.replace(/^\//, '')}`),
    healthCheckGracePeriodSeconds: optNumber(input, 'healthCheckGracePeriodSeconds') ?? (loadBalancers.length ? 0 : undefined),
    enableECSManagedTags: optBool(input, 'enableECSManagedTags') ?? false,
    enableExecuteCommand: optBool(input, 'enableExecuteCommand') ?? false,
    propagateTags: optString(input, 'propagateTags') ?? 'NONE',
    availabilityZoneRebalancing: optString(input, 'availabilityZoneRebalancing') ?? 'DISABLED',
    extra,
    deployments: [],
    taskSets: [],
    events: [],
    taskArns: existing?.taskArns ?? [],
    createdAt: w.now,
    createdBy: w.globalArn('iam', 'role/sandbox'),
    steady: false,
  };
  cluster.services[name] = svc;
  w.st.ecs.resourceTags[arn] = tagsOf(input.tags);
  if (controller === 'CODE_DEPLOY') {
    // CreateService with CODE_DEPLOY creates the service's first (PRIMARY) task set (§1.3).
    createTaskSet(w, svc, svc.taskDefinition, { status: 'PRIMARY', scale: 100, loadBalancers });
    w.activateService(arn);
  } else if (controller === 'ECS') {
    createDeployment(w, svc, svc.taskDefinition);
  }
  return { service: serviceOut(w, svc, false) };
}

const DEPLOYMENT_TRIGGERS = ['networkConfiguration', 'loadBalancers', 'platformVersion', 'capacityProviderStrategy', 'serviceRegistries'];

export function updateService(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const svc = w.service(cluster, reqString(input, 'service'));
  if (svc.status !== 'ACTIVE') throw new SandboxApiError('ServiceNotActiveException', 'Service was not ACTIVE.');
  const codeDeploy = svc.deploymentController.type !== 'ECS';
  const tdRef = optString(input, 'taskDefinition');
  let newTd: string | undefined;
  if (tdRef !== undefined) {
    const td = taskDefinition(w, tdRef);
    if (td.td.status !== 'ACTIVE') throw new SandboxApiError('ClientException', 'TaskDefinition is inactive');
    // The revision must run where the service runs, now or after this update.
    const launchType = optString(input, 'launchType');
    checkLaunchType(launchType);
    checkCompatibility(
      td,
      input.capacityProviderStrategy !== undefined
        ? { capacityProviderStrategy: readStrategy(input.capacityProviderStrategy) }
        : { launchType: launchType ?? svc.launchType, capacityProviderStrategy: svc.capacityProviderStrategy },
    );
    newTd = String(td.td.taskDefinitionArn);
  }
  // With CODE_DEPLOY only a few members may change; the rest needs a CodeDeploy deployment (§1.1).
  if (codeDeploy && ((newTd !== undefined && newTd !== svc.taskDefinition) || DEPLOYMENT_TRIGGERS.some((k) => input[k] !== undefined))) {
    throw new SandboxApiError(
      'InvalidParameterException',
      'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
    );
  }
  // Checked before anything changes: a refused update changes nothing.
  const nextConfiguration = isRecord(input.deploymentConfiguration)
    ? deploymentConfigurationDefaults(
        { ...svc.deploymentConfiguration, ...clone(input.deploymentConfiguration) },
        svc.deploymentController.type,
      )
    : svc.deploymentConfiguration;
  const nextLoadBalancers = input.loadBalancers !== undefined ? normalizeLoadBalancers(input.loadBalancers) : svc.loadBalancers;
  checkNativeConfiguration(w, svc.deploymentController.type, nextConfiguration, nextLoadBalancers);
  let trigger = optBool(input, 'forceNewDeployment') === true || (newTd !== undefined && newTd !== svc.taskDefinition);
  if (isRecord(input.networkConfiguration)) {
    if (JSON.stringify(input.networkConfiguration) !== JSON.stringify(svc.networkConfiguration)) trigger = true;
    svc.networkConfiguration = clone(input.networkConfiguration) as JsonObject;
  }
  if (input.loadBalancers !== undefined) {
    const lbs = normalizeLoadBalancers(input.loadBalancers);
    checkLoadBalancers(w, lbs, newTd ?? svc.taskDefinition);
    if (JSON.stringify(lbs) !== JSON.stringify(svc.loadBalancers)) trigger = true;
    svc.loadBalancers = lbs;
  }
  const pv = optString(input, 'platformVersion');
  if (pv !== undefined && pv !== svc.platformVersion) {
    svc.platformVersion = pv;
    trigger = true;
  }
  if (input.capacityProviderStrategy !== undefined) {
    const strategy = readStrategy(input.capacityProviderStrategy);
    checkStrategy(cluster, strategy);
    svc.capacityProviderStrategy = strategy;
    trigger = true;
  }
  if (input.serviceRegistries !== undefined) {
    svc.serviceRegistries = list(input.serviceRegistries).filter(isRecord) as JsonObject[];
    trigger = true;
  }
  svc.deploymentConfiguration = nextConfiguration;
  const desired = optNumber(input, 'desiredCount');
  if (desired !== undefined && desired !== svc.desiredCount) {
    svc.desiredCount = desired;
    svc.steady = false;
    const p = svc.deployments[0];
    if (p) p.desiredCount = desired;
  }
  const grace = optNumber(input, 'healthCheckGracePeriodSeconds');
  if (grace !== undefined) svc.healthCheckGracePeriodSeconds = grace;
  const exec = optBool(input, 'enableExecuteCommand');
  if (exec !== undefined) svc.enableExecuteCommand = exec;
  const managed = optBool(input, 'enableECSManagedTags');
  if (managed !== undefined) svc.enableECSManagedTags = managed;
  const propagate = optString(input, 'propagateTags');
  if (propagate !== undefined) svc.propagateTags = propagate;
  const az = optString(input, 'availabilityZoneRebalancing');
  if (az !== undefined) svc.availabilityZoneRebalancing = az;
  if (input.placementConstraints !== undefined)
    svc.placementConstraints = list(input.placementConstraints).filter(isRecord) as JsonObject[];
  if (input.placementStrategy !== undefined) svc.placementStrategy = list(input.placementStrategy).filter(isRecord) as JsonObject[];
  if (trigger && !codeDeploy) createDeployment(w, svc, newTd ?? svc.taskDefinition);
  w.activateService(svc.serviceArn);
  return { service: serviceOut(w, svc, false) };
}

export function describeServices(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const names = list(input.services).map(String);
  if (!names.length) throw new SandboxApiError('InvalidParameterException', 'Services cannot be empty.');
  if (names.length > 10) throw new SandboxApiError('InvalidParameterException', 'Services cannot have more than 10 elements.');
  const includeTags = list(input.include).includes('TAGS');
  const services: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const n of names) {
    const s = w.findService(cluster, n);
    if (s) services.push(serviceOut(w, s, includeTags));
    else failures.push({ arn: n.startsWith('arn:') ? n : w.arn('ecs', `service/${cluster.clusterName}/${n}`), reason: 'MISSING' });
  }
  return { services, failures };
}

export function listServices(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const launchType = optString(input, 'launchType');
  const strategy = optString(input, 'schedulingStrategy');
  const arns = Object.values(cluster.services)
    .filter(
      (s) => s.status === 'ACTIVE' && (!launchType || s.launchType === launchType) && (!strategy || s.schedulingStrategy === strategy),
    )
    .map((s) => s.serviceArn);
  // ListServices answers 10 per page unless maxResults says otherwise (up to 100).
  return paginate(arns, input, 'serviceArns', 100, 10);
}

export function deleteService(w: WorldContext, input: Input): Record<string, unknown> {
  const cluster = w.cluster(optString(input, 'cluster'));
  const svc = w.service(cluster, reqString(input, 'service'));
  if (svc.desiredCount > 0 && optBool(input, 'force') !== true) {
    throw new SandboxApiError('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
  }
  svc.desiredCount = 0;
  svc.status = 'DRAINING';
  w.activateService(svc.serviceArn);
  return { service: serviceOut(w, svc, false) };
}
