/** CodeDeploy applications, deployment groups and deployment configurations: create, get, list, batch get. */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, compact, date, list, optString, reqString, type Input } from '../input.js';
import type { CodeDeployApplicationState, CodeDeployDeploymentState, DeploymentGroupState, JsonObject } from '../types.js';
import { trafficConfig } from './configs.js';
import { application, deploymentGroup, groupKey } from './group.js';
import { tagsFrom } from './tags.js';

/** BatchGet* take at most 100 names (API_BatchGetApplications). */
const BATCH_LIMIT = 100;

function batch(names: string[], what: string): string[] {
  if (!names.length) throw new SandboxApiError(`${what}NameRequiredException`, `The ${what.toLowerCase()} name was not specified.`);
  if (names.length > BATCH_LIMIT)
    throw new SandboxApiError('BatchLimitExceededException', `The maximum number of names (${BATCH_LIMIT}) was exceeded.`);
  return names;
}

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
    tags: tagsFrom(input.tags),
  };
  return { applicationId };
}

function applicationInfo(a: CodeDeployApplicationState): Record<string, unknown> {
  return {
    applicationId: a.applicationId,
    applicationName: a.applicationName,
    createTime: new Date(a.createTime),
    linkedToGitHub: false,
    computePlatform: a.computePlatform,
  };
}

export function getApplication(w: WorldContext, input: Input): Record<string, unknown> {
  const a = application(w, reqString(input, 'applicationName', 'ApplicationNameRequiredException'));
  return { application: applicationInfo(a) };
}

export function listApplications(w: WorldContext): Record<string, unknown> {
  return { applications: Object.keys(w.st.codedeploy.applications).sort() };
}

export function batchGetApplications(w: WorldContext, input: Input): Record<string, unknown> {
  const names = batch(list(input.applicationNames).map(String), 'Application');
  return { applicationsInfo: names.map((n) => applicationInfo(application(w, n))) };
}

export function createDeploymentGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const app = reqString(input, 'applicationName', 'ApplicationNameRequiredException');
  application(w, app);
  const name = reqString(input, 'deploymentGroupName', 'DeploymentGroupNameRequiredException');
  if (w.st.codedeploy.groups[groupKey(app, name)])
    throw new SandboxApiError('DeploymentGroupAlreadyExistsException', `A deployment group named ${name} already exists.`);
  const config = clone(input) as JsonObject;
  if (config.deploymentConfigName === undefined) config.deploymentConfigName = 'CodeDeployDefault.ECSAllAtOnce';
  delete config.tags;
  const deploymentGroupId = w.uuid();
  w.st.codedeploy.groups[groupKey(app, name)] = {
    applicationName: app,
    deploymentGroupName: name,
    deploymentGroupId,
    config,
    tags: tagsFrom(input.tags),
  };
  return { deploymentGroupId };
}

/**
 * UpdateDeploymentGroup: each setting given replaces the group's (a rename moves it); what is not given stays
 * (API_UpdateDeploymentGroup).
 */
export function updateDeploymentGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const app = reqString(input, 'applicationName', 'ApplicationNameRequiredException');
  const current = reqString(input, 'currentDeploymentGroupName', 'DeploymentGroupNameRequiredException');
  const g = deploymentGroup(w, app, current);
  const rename = optString(input, 'newDeploymentGroupName');
  if (rename && rename !== current && w.st.codedeploy.groups[groupKey(app, rename)])
    throw new SandboxApiError('DeploymentGroupAlreadyExistsException', `A deployment group named ${rename} already exists.`);
  if (typeof input.deploymentConfigName === 'string') trafficConfig(input.deploymentConfigName);
  const given = clone(input) as JsonObject;
  for (const k of ['applicationName', 'currentDeploymentGroupName', 'newDeploymentGroupName']) delete given[k];
  g.config = { ...g.config, ...given };
  if (rename && rename !== current) {
    delete w.st.codedeploy.groups[groupKey(app, current)];
    g.deploymentGroupName = rename;
    g.config.deploymentGroupName = rename;
    w.st.codedeploy.groups[groupKey(app, rename)] = g;
  }
  return { hooksNotCleanedUp: [] };
}

function deploymentSummary(d: CodeDeployDeploymentState): Record<string, unknown> {
  return { deploymentId: d.deploymentId, status: d.status, createTime: new Date(d.createTime), endTime: date(d.completeTime) };
}

function deploymentGroupInfo(w: WorldContext, g: DeploymentGroupState): Record<string, unknown> {
  const app = w.st.codedeploy.applications[g.applicationName];
  const c = clone(g.config) as Record<string, unknown>;
  delete c.applicationName;
  const all = Object.values(w.st.codedeploy.deployments).filter(
    (d) => d.applicationName === g.applicationName && d.deploymentGroupName === g.deploymentGroupName,
  );
  const last = all.sort((a, b) => b.createTime - a.createTime)[0];
  const lastOk = all.find((d) => d.status === 'Succeeded');
  return compact({
    ...c,
    applicationName: g.applicationName,
    deploymentGroupId: g.deploymentGroupId,
    deploymentGroupName: g.deploymentGroupName,
    computePlatform: app?.computePlatform ?? 'ECS',
    lastAttemptedDeployment: last ? deploymentSummary(last) : undefined,
    lastSuccessfulDeployment: lastOk ? deploymentSummary(lastOk) : undefined,
  });
}

export function getDeploymentGroup(w: WorldContext, input: Input): Record<string, unknown> {
  const g = deploymentGroup(
    w,
    reqString(input, 'applicationName', 'ApplicationNameRequiredException'),
    reqString(input, 'deploymentGroupName', 'DeploymentGroupNameRequiredException'),
  );
  return { deploymentGroupInfo: deploymentGroupInfo(w, g) };
}

export function listDeploymentGroups(w: WorldContext, input: Input): Record<string, unknown> {
  const app = application(w, reqString(input, 'applicationName', 'ApplicationNameRequiredException'));
  const groups = Object.values(w.st.codedeploy.groups)
    .filter((g) => g.applicationName === app.applicationName)
    .map((g) => g.deploymentGroupName)
    .sort();
  return { applicationName: app.applicationName, deploymentGroups: groups };
}

/** Groups that do not exist are named in errorMessage rather than failing the call (API_BatchGetDeploymentGroups). */
export function batchGetDeploymentGroups(w: WorldContext, input: Input): Record<string, unknown> {
  const app = application(w, reqString(input, 'applicationName', 'ApplicationNameRequiredException'));
  const names = batch(list(input.deploymentGroupNames).map(String), 'DeploymentGroup');
  const found = names.map((n) => w.st.codedeploy.groups[groupKey(app.applicationName, n)]).filter((g) => g !== undefined);
  const missing = names.filter((n) => !w.st.codedeploy.groups[groupKey(app.applicationName, n)]);
  return compact({
    deploymentGroupsInfo: found.map((g) => deploymentGroupInfo(w, g)),
    errorMessage: missing.length ? `Deployment groups do not exist: ${missing.join(', ')}` : undefined,
  });
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
