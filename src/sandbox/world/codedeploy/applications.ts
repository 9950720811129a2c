/** CodeDeploy applications, deployment groups and deployment configurations. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, date, optString, reqString, type Input } from '../input.js';
import type { CodeDeployDeploymentState, JsonObject } from '../types.js';
import { trafficConfig } from './configs.js';
import { application, deploymentGroup, groupKey } from './group.js';

export function createApplication(w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'applicationName', 'ApplicationNameRequiredException');
  if (w.st.codedeploy.applications[name])
    throw new SandboxApiError('ApplicationAlreadyExistsException', `The application ${name} already exists.`);
  const applicationId = w.uuid();
  w.st.codedeploy.applications[name] = {
    applicationId,
    applicationName: name,
    computePlatform: optString(input, 'computePlatform') ?? 'Server',
    createTime: w.now,
  };
  return { applicationId };
}

export function getApplication(w: WorldContext, input: Input): Record<string, unknown> {
  const a = application(w, reqString(input, 'applicationName', 'ApplicationNameRequiredException'));
  return {
    application: {
      applicationId: a.applicationId,
      applicationName: a.applicationName,
      createTime: new Date(a.createTime),
      linkedToGitHub: false,
      computePlatform: a.computePlatform,
    },
  };
}

export function createDeploymentGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const app = reqString(input, 'applicationName', 'ApplicationNameRequiredException');
  application(w, app);
  const name = reqString(input, 'deploymentGroupName', 'DeploymentGroupNameRequiredException');
  if (w.st.codedeploy.groups[groupKey(app, name)])
    throw new SandboxApiError('DeploymentGroupAlreadyExistsException', `A deployment group named ${name} already exists.`);
  const config = clone(input) as JsonObject;
  if (config.deploymentConfigName === undefined) config.deploymentConfigName = 'CodeDeployDefault.ECSAllAtOnce';
  const deploymentGroupId = w.uuid();
  w.st.codedeploy.groups[groupKey(app, name)] = { applicationName: app, deploymentGroupName: name, deploymentGroupId, config };
  return { deploymentGroupId };
}

function deploymentSummary(d: CodeDeployDeploymentState): Record<string, unknown> {
  return { deploymentId: d.deploymentId, status: d.status, createTime: new Date(d.createTime), endTime: date(d.completeTime) };
}

export function getDeploymentGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const g = deploymentGroup(
    w,
    reqString(input, 'applicationName', 'ApplicationNameRequiredException'),
    reqString(input, 'deploymentGroupName', 'DeploymentGroupNameRequiredException'),
  );
  const app = w.st.codedeploy.applications[g.applicationName];
  const c = clone(g.config) as Record<string, unknown>;
  delete c.applicationName;
  const all = Object.values(w.st.codedeploy.deployments).filter(
    (d) => d.applicationName === g.applicationName && d.deploymentGroupName === g.deploymentGroupName,
  );
  const last = all.sort((a, b) => b.createTime - a.createTime)[0];
  const lastOk = all.find((d) => d.status === 'Succeeded');
  return {
    deploymentGroupInfo: compact({
      ...c,
      applicationName: g.applicationName,
      deploymentGroupId: g.deploymentGroupId,
      deploymentGroupName: g.deploymentGroupName,
      computePlatform: app?.computePlatform ?? 'ECS',
      lastAttemptedDeployment: last ? deploymentSummary(last) : undefined,
      lastSuccessfulDeployment: lastOk ? deploymentSummary(lastOk) : undefined,
    }),
  };
}

export function getDeploymentConfig(_w: WorldContext, input: Input): Record<string, unknown> {
  const name = reqString(input, 'deploymentConfigName', 'DeploymentConfigNameRequiredException');
  const c = trafficConfig(name);
  const routing =
    c.type === 'AllAtOnce'
      ? { type: 'AllAtOnce' }
      : c.type === 'TimeBasedCanary'
        ? { type: c.type, timeBasedCanary: { canaryPercentage: c.percentage, canaryInterval: c.intervalMinutes } }
        : { type: c.type, timeBasedLinear: { linearPercentage: c.percentage, linearInterval: c.intervalMinutes } };
  return { deploymentConfigInfo: { deploymentConfigName: name, computePlatform: 'ECS', trafficRoutingConfig: routing } };
}
