/**
 * CodeDeploy deployments: CreateDeployment reads the AppSpec and checks it against the group's ECS service, then
 * the lifecycle (lifecycle.ts) runs it; Get/BatchGet/List read it; Continue and Stop steer it.
 */
import { parse as parseYaml } from 'yaml';
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { findTaskDefinition } from '../ecs/task-definitions.js';
import { clone, isRecord, list, optBool, optString, reqString, toMillis, type Input } from '../input.js';
import type { CodeDeployDeploymentState, JsonObject } from '../types.js';
import { trafficConfig } from './configs.js';
import { application, deployment, deploymentGroup, groupService, groupSettings, records } from './group.js';
import { endDeployment, isTerminal, LIFECYCLE_EVENTS, stepCodeDeployDeployment } from './lifecycle.js';
import { deploymentInfo } from './output.js';

/** What an ECS AppSpec says: the task definition to deploy and the container behind the load balancer. */
interface EcsAppSpec {
  text: string;
  sha256: string | null;
  taskDefinition: string;
  containerName: string;
  containerPort: number;
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
  return {
    text,
    sha256: typeof content.sha256 === 'string' ? content.sha256 : null,
    taskDefinition: props.TaskDefinition,
    containerName: String(lbInfo.ContainerName),
    containerPort: Number(lbInfo.ContainerPort),
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
