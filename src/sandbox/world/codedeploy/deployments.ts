/**
 * CodeDeploy deployments: CreateDeployment reads the AppSpec and checks it against the group's ECS service, then
 * the lifecycle (lifecycle.ts) runs it; Get/BatchGet/List read it; Continue and Stop steer it.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { findTaskDefinition } from '../ecs/task-definitions.js';
import { clone, isRecord, list, optBool, optString, reqString, toMillis, type Input } from '../input.js';
import { HOOK_EVENTS } from '../scenario.js';
import type { CodeDeployDeploymentState, HookEventName, JsonObject } from '../types.js';
import { trafficConfig } from './configs.js';
import { application, deployment, deploymentGroup, groupService, groupSettings, records } from './group.js';
import { endDeployment, isTerminal, LIFECYCLE_EVENTS, stepCodeDeployDeployment } from './lifecycle.js';
import { deploymentInfo } from './output.js';

/** What an ECS AppSpec says: the task definition to deploy, the container behind the load balancer, and the rest. */
interface EcsAppSpec {
  text: string;
  sha256: string | null;
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  replacement: NonNullable<CodeDeployDeploymentState['replacement']>;
  hooks: Partial<Record<HookEventName, string>>;
}

function invalid(message: string): SandboxApiError {
  return new SandboxApiError('InvalidRevisionException', message);
}

/** `NetworkConfiguration.AwsvpcConfiguration` → the service's `networkConfiguration` shape. */
function readNetwork(v: unknown): JsonObject | undefined {
  if (v === undefined) return undefined;
  const awsvpc = isRecord(v) && isRecord(v.AwsvpcConfiguration) ? v.AwsvpcConfiguration : undefined;
  if (!awsvpc) throw invalid('NetworkConfiguration must have an AwsvpcConfiguration.');
  const subnets = list(awsvpc.Subnets).map(String);
  if (!subnets.length) throw invalid('AwsvpcConfiguration.Subnets must list at least one subnet.');
  const assign = awsvpc.AssignPublicIp;
  if (assign !== undefined && assign !== 'ENABLED' && assign !== 'DISABLED')
    throw invalid('AwsvpcConfiguration.AssignPublicIp must be ENABLED or DISABLED.');
  return {
    awsvpcConfiguration: {
      subnets,
      securityGroups: list(awsvpc.SecurityGroups).map(String),
      assignPublicIp: typeof assign === 'string' ? assign : 'DISABLED',
    },
  };
}

function readCapacityProviders(v: unknown): JsonObject[] | undefined {
  if (v === undefined) return undefined;
  return records(v).map((c) => ({
    capacityProvider: String(c.CapacityProvider ?? ''),
    weight: Number(c.Weight ?? 0),
    base: Number(c.Base ?? 0),
  }));
}

/** `Hooks: [{ BeforeInstall: fn }, ...]` → event → function. */
function readHooks(v: unknown): Partial<Record<HookEventName, string>> {
  const out: Partial<Record<HookEventName, string>> = {};
  for (const entry of records(v)) {
    for (const [event, fn] of Object.entries(entry)) {
      if (!(HOOK_EVENTS as readonly string[]).includes(event))
        throw invalid(`${event} is not a lifecycle event of an ECS deployment that runs a hook (${HOOK_EVENTS.join(', ')}).`);
      out[event as HookEventName] = String(fn);
    }
  }
  return out;
}

function readAppSpec(input: Input): EcsAppSpec {
  const revision = isRecord(input.revision) ? input.revision : {};
  const content = isRecord(revision.appSpecContent) ? revision.appSpecContent : isRecord(revision.string) ? revision.string : {};
  const text = typeof content.content === 'string' ? content.content : '';
  if (!text) throw new SandboxApiError('RevisionRequiredException', 'The revision must be specified with an AppSpecContent.');
  let spec: unknown;
  try {
    spec = parseYaml(text);
  } catch (e) {
    throw new SandboxApiError('InvalidRevisionException', `The AppSpec file is not valid YAML or JSON: ${(e as Error).message}`);
  }
  const resource = isRecord(spec) ? records(spec.Resources)[0] : undefined;
  const target = resource && isRecord(resource.TargetService) ? resource.TargetService : undefined;
  const props = target && isRecord(target.Properties) ? target.Properties : undefined;
  const lbInfo = props && isRecord(props.LoadBalancerInfo) ? props.LoadBalancerInfo : undefined;
  if (
    !props ||
    typeof props.TaskDefinition !== 'string' ||
    !lbInfo ||
    lbInfo.ContainerName === undefined ||
    lbInfo.ContainerPort === undefined
  ) {
    throw new SandboxApiError(
      'InvalidECSServiceException',
      'The AppSpec must name TargetService.Properties.TaskDefinition and LoadBalancerInfo (ContainerName, ContainerPort).',
    );
  }
  const sha256 = typeof content.sha256 === 'string' && content.sha256 !== '' ? content.sha256 : null;
  // A hash given with the content must be the content's: a sandbox check that keeps generated AppSpecs honest.
  if (sha256 !== null && sha256.toLowerCase() !== createHash('sha256').update(text).digest('hex'))
    throw invalid('The sha256 of the AppSpec content does not match the content.');
  const networkConfiguration = readNetwork(props.NetworkConfiguration);
  const capacityProviderStrategy = readCapacityProviders(props.CapacityProviderStrategy);
  return {
    text,
    sha256,
    taskDefinition: props.TaskDefinition,
    containerName: String(lbInfo.ContainerName),
    containerPort: Number(lbInfo.ContainerPort),
    replacement: {
      ...(networkConfiguration ? { networkConfiguration } : {}),
      ...(typeof props.PlatformVersion === 'string' ? { platformVersion: props.PlatformVersion } : {}),
      ...(capacityProviderStrategy ? { capacityProviderStrategy } : {}),
    },
    hooks: isRecord(spec) ? readHooks(spec.Hooks) : {},
  };
}

export function createDeployment(w: WorldContext, input: Input): Record<string, unknown> {
  const app = reqString(input, 'applicationName', 'ApplicationNameRequiredException');
  // The application is looked up before the group name is required.
  const platform = application(w, app).computePlatform;
  const gName = reqString(input, 'deploymentGroupName', 'DeploymentGroupNameRequiredException');
  const g = deploymentGroup(w, app, gName);
  if (platform !== 'ECS') {
    // Server (EC2/on-premises instances) and Lambda deployments need compute the sandbox does not simulate.
    throw new SandboxApiError(
      'UnknownOperationException',
      `The sandbox serves CreateDeployment for the ECS compute platform only; application ${app} is ${platform}.`,
    );
  }
  const active = Object.values(w.st.codedeploy.deployments).find(
    (d) => d.applicationName === app && d.deploymentGroupName === gName && !isTerminal(d),
  );
  if (active)
    throw new SandboxApiError(
      'DeploymentAlreadyStartedException',
      `Deployment ${active.deploymentId} is already in progress for deployment group ${gName}.`,
    );
  const spec = readAppSpec(input);
  const td = findTaskDefinition(w, spec.taskDefinition);
  if (!td) throw new SandboxApiError('InvalidECSServiceException', `The task definition ${spec.taskDefinition} does not exist.`);
  const names = list(td.td.containerDefinitions)
    .filter(isRecord)
    .map((c) => c.name);
  if (!names.includes(spec.containerName))
    throw new SandboxApiError('InvalidECSServiceException', `The container ${spec.containerName} is not in the task definition.`);
  const settings = groupSettings(g);
  const svc = groupService(w, settings);
  if (svc?.status !== 'ACTIVE')
    throw new SandboxApiError('InvalidECSServiceException', 'The ECS service of the deployment group does not exist.');
  if (svc.deploymentController.type !== 'CODE_DEPLOY')
    throw new SandboxApiError('InvalidECSServiceException', 'The ECS service must use the CODE_DEPLOY deployment controller.');
  const configName = optString(input, 'deploymentConfigName') ?? String(g.config.deploymentConfigName);
  trafficConfig(configName);
  const deploymentId = `d-${w
    .hex(9)
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, 'X')}`;
  const d: CodeDeployDeploymentState = {
    deploymentId,
    applicationName: app,
    deploymentGroupName: gName,
    deploymentConfigName: configName,
    status: 'Created',
    creator: 'user',
    description: optString(input, 'description'),
    createTime: w.now,
    autoRollbackConfiguration: isRecord(input.autoRollbackConfiguration)
      ? (clone(input.autoRollbackConfiguration) as JsonObject)
      : undefined,
    appSpec: { sha256: spec.sha256, content: spec.text },
    taskDefinition: String(td.td.taskDefinitionArn),
    containerName: spec.containerName,
    containerPort: spec.containerPort,
    ...(Object.keys(spec.replacement).length ? { replacement: spec.replacement } : {}),
    ...(Object.keys(spec.hooks).length ? { hooks: spec.hooks } : {}),
    phase: 'Created',
    phaseSince: w.now,
    trafficShifted: 0,
    lifecycleEvents: LIFECYCLE_EVENTS.map((e) => ({ lifecycleEventName: e, status: 'Pending' })),
    ignoredAlarms: settings.alarms.names.filter((n) => w.st.cloudwatch.alarms[n]?.stateValue === 'ALARM'),
    statusMessages: [],
  };
  w.st.codedeploy.deployments[deploymentId] = d;
  w.activateDeployment(deploymentId);
  return { deploymentId };
}

export function getDeployment(w: WorldContext, input: Input): Record<string, unknown> {
  return { deploymentInfo: deploymentInfo(w, deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'))) };
}

export function batchGetDeployments(w: WorldContext, input: Input): Record<string, unknown> {
  const ids = list(input.deploymentIds).map(String);
  return {
    deploymentsInfo: ids
      .map((id) => w.st.codedeploy.deployments[id])
      .filter((d) => d !== undefined)
      .map((d) => deploymentInfo(w, d)),
  };
}

export function listDeployments(w: WorldContext, input: Input): Record<string, unknown> {
  const app = optString(input, 'applicationName');
  const gName = optString(input, 'deploymentGroupName');
  // "If deploymentGroupName is specified, then applicationName must be specified. If it is not specified, then
  // applicationName must not be specified." (API_ListDeployments)
  if (app && !gName) throw new SandboxApiError('DeploymentGroupNameRequiredException', 'The deployment group name was not specified.');
  if (gName && !app) throw new SandboxApiError('ApplicationNameRequiredException', 'The application name was not specified.');
  if (app && gName) deploymentGroup(w, app, gName);
  const statuses = list(input.includeOnlyStatuses).map(String);
  const range = isRecord(input.createTimeRange) ? input.createTimeRange : {};
  const start = toMillis(range.start);
  const end = toMillis(range.end);
  const ids = Object.values(w.st.codedeploy.deployments)
    .filter((d) => (!app || d.applicationName === app) && (!gName || d.deploymentGroupName === gName))
    .filter((d) => !statuses.length || statuses.includes(d.status))
    .filter((d) => (start === undefined || d.createTime >= start) && (end === undefined || d.createTime <= end))
    .sort((a, b) => b.createTime - a.createTime)
    .map((d) => d.deploymentId);
  return { deployments: ids };
}

export function continueDeployment(w: WorldContext, input: Input): Record<string, unknown> {
  const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
  const type = optString(input, 'deploymentWaitType') ?? 'READY_WAIT';
  if (type === 'READY_WAIT') {
    if (d.phase !== 'ReadyWait')
      throw new SandboxApiError('DeploymentIsNotInReadyStateException', `The deployment ${d.deploymentId} is not in the Ready state.`);
    d.phase = 'BeforeAllowTraffic';
    d.status = 'InProgress';
  } else {
    if (d.phase !== 'TerminationWait')
      throw new SandboxApiError(
        'DeploymentIsNotInReadyStateException',
        `The deployment ${d.deploymentId} is not waiting to terminate the original task set.`,
      );
    d.terminateAt = w.now;
  }
  d.phaseSince = w.now;
  w.activateDeployment(d.deploymentId);
  stepCodeDeployDeployment(w, d);
  return {};
}

export function stopDeployment(w: WorldContext, input: Input): Record<string, unknown> {
  const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
  if (isTerminal(d))
    throw new SandboxApiError('DeploymentAlreadyCompletedException', `The deployment ${d.deploymentId} has already completed.`);
  const rollback = optBool(input, 'autoRollbackEnabled') ?? false;
  endDeployment(w, d, 'Stopped', { code: 'MANUAL_STOP', message: 'The deployment was stopped by the user.' }, rollback);
  return {
    status: 'Succeeded',
    statusMessage: rollback ? 'The deployment was stopped and traffic rerouted to the original task set.' : 'The deployment was stopped.',
  };
}
