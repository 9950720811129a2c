/**
 * CodeDeploy ECS blue/green (§2): a deployment creates the replacement (green) task set behind the second target
 * group, points the test listener at it, optionally waits READY (deploymentReadyOption STOP_DEPLOYMENT), shifts
 * production traffic per the deployment config (all at once, linear, canary — §2.2), waits out the termination
 * wait and removes the original (blue) task set. StopDeployment with rollback reroutes traffic to blue.
 */
import { parse as parseYaml } from 'yaml';
import { SandboxApiError } from '../errors.js';
import type { WorldContext } from './context.js';
import { computedDesiredCount } from './ecs/scheduler.js';
import { createTaskSet } from './ecs/services.js';
import { findTaskDefinition } from './ecs/task-definitions.js';
import { countsHealthy, isLive } from './ecs/tasks.js';
import { clone, compact, date, isRecord, list, optBool, optString, reqString, toMillis, type Input } from './input.js';
import type { CodeDeployDeploymentState, DeploymentGroupState, JsonObject, ServiceState, TaskSetState } from './types.js';

interface TrafficConfig {
  type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  percentage: number;
  intervalMinutes: number;
}

/** The predefined ECS deployment configurations (§2.2). */
export const DEPLOYMENT_CONFIGS: Record<string, TrafficConfig> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce', percentage: 100, intervalMinutes: 0 },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 1 },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 3 },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 15 },
};

const EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
];
const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);
/** An Install that does not reach a steady replacement in an hour fails (§2.5 lifecycle event limit). */
const INSTALL_TIMEOUT_MS = 3_600_000;

function groupKey(app: string, group: string): string {
  return `${app}/${group}`;
}

function application(w: WorldContext, name: string) {
  const a = w.st.codedeploy.applications[name];
  if (!a) throw new SandboxApiError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
  return a;
}

function group(w: WorldContext, app: string, name: string): DeploymentGroupState {
  application(w, app);
  const g = w.st.codedeploy.groups[groupKey(app, name)];
  if (!g) throw new SandboxApiError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${name}`);
  return g;
}

function deployment(w: WorldContext, id: string): CodeDeployDeploymentState {
  const d = w.st.codedeploy.deployments[id];
  if (!d) throw new SandboxApiError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
  return d;
}

function groupService(w: WorldContext, g: DeploymentGroupState): ServiceState | undefined {
  const s = recordsOf(g.config.ecsServices)[0];
  if (!s) return undefined;
  const cluster = w.st.ecs.clusters[w.clusterArnFor(String(s.clusterName))];
  return cluster?.services[String(s.serviceName)];
}

function recordsOf(v: unknown): Record<string, unknown>[] {
  return list(v).filter(isRecord);
}

function pairInfo(g: DeploymentGroupState): { targetGroups: string[]; prod?: string; test?: string } {
  const lbi = isRecord(g.config.loadBalancerInfo) ? g.config.loadBalancerInfo : {};
  const pair = recordsOf(lbi.targetGroupPairInfoList)[0] ?? {};
  const route = (r: unknown) => (isRecord(r) ? list(r.listenerArns).map(String)[0] : undefined);
  return {
    targetGroups: recordsOf(pair.targetGroups).map((t) => String(t.name)),
    prod: route(pair.prodTrafficRoute),
    test: route(pair.testTrafficRoute),
  };
}

function targetGroupArnByName(w: WorldContext, name: string): string | undefined {
  return Object.values(w.st.elbv2.targetGroups).find((t) => t.name === name)?.arn;
}

/** Points a listener's default action at the two target groups with the given weights. */
function setListenerWeights(w: WorldContext, listenerArn: string | undefined, weights: { arn: string; weight: number }[]): void {
  if (!listenerArn) return;
  const l = w.st.elbv2.listeners[listenerArn];
  if (!l) return;
  const tgs = weights.map((x) => ({ TargetGroupArn: x.arn, Weight: x.weight }));
  const action: JsonObject = { Type: 'forward', ForwardConfig: { TargetGroups: tgs, TargetGroupStickinessConfig: { Enabled: false } } };
  if (tgs.length === 1) action.TargetGroupArn = tgs[0]?.TargetGroupArn ?? '';
  l.defaultActions = [action];
  for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === l.arn && r.isDefault) r.actions = clone(l.defaultActions);
}

function event(d: CodeDeployDeploymentState, name: string) {
  return d.lifecycleEvents.find((e) => e.lifecycleEventName === name);
}

function markEvent(w: WorldContext, d: CodeDeployDeploymentState, name: string, status: string): void {
  const e = event(d, name);
  if (!e) return;
  if (status === 'InProgress' && e.startTime === undefined) e.startTime = w.now;
  if (status === 'Succeeded' || status === 'Failed') {
    e.startTime = e.startTime ?? w.now;
    e.endTime = w.now;
  }
  e.status = status;
}

function taskSetById(svc: ServiceState | undefined, id: string | undefined): TaskSetState | undefined {
  return id ? svc?.taskSets.find((t) => t.id === id) : undefined;
}

function trafficConfig(name: string): TrafficConfig {
  const c = DEPLOYMENT_CONFIGS[name];
  if (c) return c;
  throw new SandboxApiError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${name}`);
}

// ---------------------------------------------------------------------------------------------- dynamics

function finishRollback(w: WorldContext, d: CodeDeployDeploymentState, svc: ServiceState | undefined): void {
  const g = w.st.codedeploy.groups[groupKey(d.applicationName, d.deploymentGroupName)];
  const info = g ? pairInfo(g) : { targetGroups: [] };
  const blueTg = d.blueTargetGroup;
  if (blueTg) {
    setListenerWeights(w, info.prod, [
      { arn: blueTg, weight: 100 },
      ...(d.greenTargetGroup ? [{ arn: d.greenTargetGroup, weight: 0 }] : []),
    ]);
    setListenerWeights(w, info.test, [
      { arn: blueTg, weight: 100 },
      ...(d.greenTargetGroup ? [{ arn: d.greenTargetGroup, weight: 0 }] : []),
    ]);
  }
  const blue = taskSetById(svc, d.blueTaskSetId);
  const green = taskSetById(svc, d.greenTaskSetId);
  if (svc && blue) {
    blue.status = 'PRIMARY';
    blue.scale = 100;
    svc.taskDefinition = blue.taskDefinition;
  }
  if (svc && green) {
    green.status = 'DRAINING';
    green.updatedAt = w.now;
    svc.steady = false;
    w.activateService(svc.serviceArn);
  }
  d.rollbackInfo = { rollbackMessage: `Deployment ${d.deploymentId} was rolled back: traffic rerouted to the original task set.` };
}

function endDeployment(
  w: WorldContext,
  d: CodeDeployDeploymentState,
  status: 'Failed' | 'Stopped',
  code: string,
  message: string,
  rollback: boolean,
): void {
  const svc = groupServiceOf(w, d);
  d.status = status;
  d.completeTime = w.now;
  d.errorInformation = { code, message };
  d.phase = 'done';
  for (const e of d.lifecycleEvents) {
    if (e.status === 'InProgress') markEvent(w, d, e.lifecycleEventName, 'Failed');
    else if (e.status === 'Pending') e.status = 'Skipped';
  }
  if (rollback) finishRollback(w, d, svc);
}

function groupServiceOf(w: WorldContext, d: CodeDeployDeploymentState): ServiceState | undefined {
  const g = w.st.codedeploy.groups[groupKey(d.applicationName, d.deploymentGroupName)];
  return g ? groupService(w, g) : undefined;
}

function autoRollbackOn(d: CodeDeployDeploymentState, g: DeploymentGroupState, eventName: string): boolean {
  const cfg = isRecord(d.autoRollbackConfiguration)
    ? d.autoRollbackConfiguration
    : isRecord(g.config.autoRollbackConfiguration)
      ? g.config.autoRollbackConfiguration
      : {};
  return cfg.enabled === true && list(cfg.events).includes(eventName);
}

function shiftTo(w: WorldContext, d: CodeDeployDeploymentState, g: DeploymentGroupState, svc: ServiceState, greenPct: number): void {
  const info = pairInfo(g);
  d.trafficShifted = greenPct;
  if (d.blueTargetGroup && d.greenTargetGroup) {
    setListenerWeights(w, info.prod, [
      { arn: d.blueTargetGroup, weight: 100 - greenPct },
      { arn: d.greenTargetGroup, weight: greenPct },
    ]);
  }
  if (greenPct >= 100) {
    const blue = taskSetById(svc, d.blueTaskSetId);
    const green = taskSetById(svc, d.greenTaskSetId);
    if (green) green.status = 'PRIMARY';
    if (blue) blue.status = 'ACTIVE';
    if (green) svc.taskDefinition = green.taskDefinition;
  }
}

/** Advances one CodeDeploy deployment; returns its next wake-up, or undefined once it is over. */
export function stepCodeDeployDeployment(w: WorldContext, d: CodeDeployDeploymentState): number | undefined {
  if (TERMINAL.has(d.status)) return undefined;
  const g = w.st.codedeploy.groups[groupKey(d.applicationName, d.deploymentGroupName)];
  const svc = g ? groupService(w, g) : undefined;
  if (!g || !svc) {
    endDeployment(w, d, 'Failed', 'INVALID_ECS_SERVICE', 'The ECS service of the deployment group does not exist.', false);
    return undefined;
  }
  // Group alarms stop the deployment (§2.5); those already in ALARM at the start are not held against it.
  const alarmCfg = isRecord(g.config.alarmConfiguration) ? g.config.alarmConfiguration : {};
  if (alarmCfg.enabled === true) {
    const firing = recordsOf(alarmCfg.alarms)
      .map((a) => String(a.name))
      .filter((n) => !d.ignoredAlarms.includes(n) && w.st.cloudwatch.alarms[n]?.stateValue === 'ALARM');
    if (firing.length) {
      endDeployment(
        w,
        d,
        'Stopped',
        'ALARM_ACTIVE',
        `One or more alarms have been activated according to the deployment group's alarm configuration: ${firing.join(', ')}`,
        autoRollbackOn(d, g, 'DEPLOYMENT_STOP_ON_ALARM'),
      );
      return undefined;
    }
  }
  const info = pairInfo(g);
  let wake: number | undefined = Math.floor(w.now / 60_000) * 60_000 + 60_000;
  const soon = (t: number) => {
    wake = wake === undefined ? t : Math.min(wake, t);
  };
  for (let guard = 0; guard < 20; guard++) {
    const before = d.phase;
    switch (d.phase) {
      case 'Created': {
        // CodeDeploy picks a new deployment up a moment after it is created.
        if (w.now < d.createTime + 1000) {
          soon(d.createTime + 1000);
          break;
        }
        d.status = 'InProgress';
        d.startTime = w.now;
        markEvent(w, d, 'BeforeInstall', 'Succeeded');
        markEvent(w, d, 'Install', 'InProgress');
        const blue = svc.taskSets.find((t) => t.status === 'PRIMARY');
        const tgArns = info.targetGroups.map((n) => targetGroupArnByName(w, n)).filter((x): x is string => x !== undefined);
        const blueTg = String(blue?.loadBalancers[0]?.targetGroupArn ?? tgArns[0] ?? '');
        const greenTg = tgArns.find((a) => a !== blueTg) ?? blueTg;
        d.blueTaskSetId = blue?.id;
        d.blueTargetGroup = blueTg;
        d.greenTargetGroup = greenTg;
        const green = createTaskSet(w, svc, d.taskDefinition, {
          status: 'ACTIVE',
          scale: 100,
          loadBalancers: [{ targetGroupArn: greenTg, containerName: d.containerName, containerPort: d.containerPort }],
          externalId: d.deploymentId,
          startedBy: 'CODE_DEPLOY',
        });
        d.greenTaskSetId = green.id;
        d.phase = 'Install';
        d.phaseSince = w.now;
        break;
      }
      case 'Install': {
        const green = taskSetById(svc, d.greenTaskSetId);
        const tasks = svc.taskArns
          .map((a) => w.st.ecs.tasks[a])
          .filter((t) => t !== undefined && t.ownerId === d.greenTaskSetId && isLive(t));
        if (green && tasks.length === computedDesiredCount(svc, green) && tasks.every((t) => t !== undefined && countsHealthy(t))) {
          markEvent(w, d, 'Install', 'Succeeded');
          markEvent(w, d, 'AfterInstall', 'Succeeded');
          markEvent(w, d, 'AllowTestTraffic', 'InProgress');
          if (info.test && d.greenTargetGroup && d.blueTargetGroup) {
            setListenerWeights(w, info.test, [
              { arn: d.blueTargetGroup, weight: 0 },
              { arn: d.greenTargetGroup, weight: 100 },
            ]);
          }
          markEvent(w, d, 'AllowTestTraffic', 'Succeeded');
          markEvent(w, d, 'AfterAllowTestTraffic', 'Succeeded');
          const bg = isRecord(g.config.blueGreenDeploymentConfiguration) ? g.config.blueGreenDeploymentConfiguration : {};
          const ready = isRecord(bg.deploymentReadyOption) ? bg.deploymentReadyOption : {};
          if (ready.actionOnTimeout === 'STOP_DEPLOYMENT') {
            d.status = 'Ready';
            d.phase = 'ReadyWait';
            d.readyUntil = w.now + Number(ready.waitTimeInMinutes ?? 0) * 60_000;
          } else d.phase = 'BeforeAllowTraffic';
          d.phaseSince = w.now;
        } else if (w.now - d.phaseSince >= INSTALL_TIMEOUT_MS) {
          endDeployment(
            w,
            d,
            'Failed',
            'TIMEOUT',
            'The replacement task set did not become healthy in time.',
            autoRollbackOn(d, g, 'DEPLOYMENT_FAILURE'),
          );
          return undefined;
        } else soon(d.phaseSince + INSTALL_TIMEOUT_MS);
        break;
      }
      case 'ReadyWait': {
        if (d.readyUntil !== undefined && w.now >= d.readyUntil) {
          // Not continued in time: the deployment is stopped and traffic stays on the original (§2.5).
          endDeployment(w, d, 'Stopped', 'TIMEOUT', 'The deployment timed out while waiting to reroute traffic (READY_WAIT).', true);
          return undefined;
        }
        if (d.readyUntil !== undefined) soon(d.readyUntil);
        break;
      }
      case 'BeforeAllowTraffic': {
        d.status = 'InProgress';
        markEvent(w, d, 'BeforeAllowTraffic', 'Succeeded');
        markEvent(w, d, 'AllowTraffic', 'InProgress');
        const tc = trafficConfig(d.deploymentConfigName);
        shiftTo(w, d, g, svc, Math.min(100, tc.percentage));
        d.nextShiftAt = w.now + tc.intervalMinutes * 60_000;
        d.phase = 'AllowTraffic';
        d.phaseSince = w.now;
        break;
      }
      case 'AllowTraffic': {
        const tc = trafficConfig(d.deploymentConfigName);
        if (d.trafficShifted < 100 && d.nextShiftAt !== undefined && w.now >= d.nextShiftAt) {
          const next = tc.type === 'TimeBasedLinear' ? Math.min(100, d.trafficShifted + tc.percentage) : 100;
          shiftTo(w, d, g, svc, next);
          d.nextShiftAt = w.now + tc.intervalMinutes * 60_000;
        }
        if (d.trafficShifted >= 100) {
          markEvent(w, d, 'AllowTraffic', 'Succeeded');
          markEvent(w, d, 'AfterAllowTraffic', 'Succeeded');
          const bg = isRecord(g.config.blueGreenDeploymentConfiguration) ? g.config.blueGreenDeploymentConfiguration : {};
          const term = isRecord(bg.terminateBlueInstancesOnDeploymentSuccess) ? bg.terminateBlueInstancesOnDeploymentSuccess : {};
          d.terminateAt = term.action === 'KEEP_ALIVE' ? w.now : w.now + Number(term.terminationWaitTimeInMinutes ?? 0) * 60_000;
          d.phase = 'TerminationWait';
          d.phaseSince = w.now;
        } else if (d.nextShiftAt !== undefined) soon(d.nextShiftAt);
        break;
      }
      case 'TerminationWait': {
        if (d.terminateAt !== undefined && w.now < d.terminateAt) {
          soon(d.terminateAt);
          break;
        }
        const bg = isRecord(g.config.blueGreenDeploymentConfiguration) ? g.config.blueGreenDeploymentConfiguration : {};
        const term = isRecord(bg.terminateBlueInstancesOnDeploymentSuccess) ? bg.terminateBlueInstancesOnDeploymentSuccess : {};
        const blue = taskSetById(svc, d.blueTaskSetId);
        if (blue && term.action !== 'KEEP_ALIVE') {
          blue.status = 'DRAINING';
          blue.updatedAt = w.now;
          svc.steady = false;
          w.activateService(svc.serviceArn);
        }
        d.status = 'Succeeded';
        d.completeTime = w.now;
        d.phase = 'done';
        return undefined;
      }
      default:
        return undefined;
    }
    if (d.phase === before) break;
  }
  return wake;
}

// ---------------------------------------------------------------------------------------------- output

function deploymentInfo(w: WorldContext, d: CodeDeployDeploymentState): Record<string, unknown> {
  const g = w.st.codedeploy.groups[groupKey(d.applicationName, d.deploymentGroupName)];
  const terminal = TERMINAL.has(d.status);
  const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  if (d.status === 'Succeeded') overview.Succeeded = 1;
  else if (d.status === 'Failed' || d.status === 'Stopped') overview.Failed = 1;
  else if (d.status === 'Ready') overview.Ready = 1;
  else if (d.status === 'Created') overview.Pending = 1;
  else overview.InProgress = 1;
  return compact({
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    deploymentConfigName: d.deploymentConfigName,
    deploymentId: d.deploymentId,
    revision: { revisionType: 'AppSpecContent', appSpecContent: { sha256: d.appSpec.sha256 ?? undefined } },
    status: d.status,
    errorInformation: d.errorInformation ? { ...d.errorInformation } : undefined,
    createTime: new Date(d.createTime),
    startTime: date(d.startTime),
    completeTime: terminal ? date(d.completeTime) : undefined,
    deploymentOverview: overview,
    description: d.description,
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: clone(d.autoRollbackConfiguration ?? g?.config.autoRollbackConfiguration ?? { enabled: false }),
    updateOutdatedInstancesOnly: false,
    rollbackInfo: d.rollbackInfo ? clone(d.rollbackInfo) : undefined,
    deploymentStyle: clone(g?.config.deploymentStyle ?? { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' }),
    blueGreenDeploymentConfiguration: clone(g?.config.blueGreenDeploymentConfiguration ?? {}),
    loadBalancerInfo: clone(g?.config.loadBalancerInfo ?? {}),
    instanceTerminationWaitTimeStarted: d.phase === 'TerminationWait' || d.status === 'Succeeded',
    fileExistsBehavior: 'DISALLOW',
    deploymentStatusMessages: [...d.statusMessages],
    computePlatform: 'ECS',
  });
}

function targetOut(w: WorldContext, d: CodeDeployDeploymentState): Record<string, unknown> {
  const svc = groupServiceOf(w, d);
  const clusterName = svc?.clusterArn.split('/').pop() ?? '';
  const tsInfo = (svc?.taskSets ?? [])
    .filter((ts) => ts.id === d.blueTaskSetId || ts.id === d.greenTaskSetId)
    .map((ts) => {
      let running = 0;
      let pending = 0;
      for (const a of svc?.taskArns ?? []) {
        const t = w.st.ecs.tasks[a];
        if (!t || t.ownerId !== ts.id) continue;
        if (t.lastStatus === 'RUNNING') running++;
        else if (t.lastStatus === 'PENDING' || t.lastStatus === 'PROVISIONING') pending++;
      }
      const green = ts.id === d.greenTaskSetId;
      const tgArn = green ? d.greenTargetGroup : d.blueTargetGroup;
      return {
        identifer: ts.id,
        desiredCount: svc ? computedDesiredCount(svc, ts) : 0,
        pendingCount: pending,
        runningCount: running,
        status: ts.status,
        trafficWeight: green ? d.trafficShifted : 100 - d.trafficShifted,
        targetGroup: { name: tgArn ? (w.st.elbv2.targetGroups[tgArn]?.name ?? '') : '' },
        taskSetLabel: green ? 'Green' : 'Blue',
      };
    });
  const status = d.status === 'Stopped' ? 'Failed' : d.status === 'Created' ? 'Pending' : d.status;
  return {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      deploymentId: d.deploymentId,
      targetId: `${clusterName}:${svc?.serviceName ?? ''}`,
      targetArn: svc?.serviceArn ?? '',
      lastUpdatedAt: new Date(w.now),
      lifecycleEvents: d.lifecycleEvents.map((e) =>
        compact({ lifecycleEventName: e.lifecycleEventName, status: e.status, startTime: date(e.startTime), endTime: date(e.endTime) }),
      ),
      status,
      taskSetsInfo: tsInfo,
    },
  };
}

// ---------------------------------------------------------------------------------------------- API

export const codedeployOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  CreateApplication(w, input) {
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
  },
  GetApplication(w, input) {
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
  },
  CreateDeploymentGroup(w, input) {
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
  },
  GetDeploymentGroup(w, input) {
    const g = group(
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
        lastAttemptedDeployment: last
          ? {
              deploymentId: last.deploymentId,
              status: last.status,
              createTime: new Date(last.createTime),
              endTime: date(last.completeTime),
            }
          : undefined,
        lastSuccessfulDeployment: lastOk
          ? {
              deploymentId: lastOk.deploymentId,
              status: lastOk.status,
              createTime: new Date(lastOk.createTime),
              endTime: date(lastOk.completeTime),
            }
          : undefined,
      }),
    };
  },
  GetDeploymentConfig(_w, input) {
    const name = reqString(input, 'deploymentConfigName', 'DeploymentConfigNameRequiredException');
    const c = trafficConfig(name);
    const routing =
      c.type === 'AllAtOnce'
        ? { type: 'AllAtOnce' }
        : c.type === 'TimeBasedCanary'
          ? { type: c.type, timeBasedCanary: { canaryPercentage: c.percentage, canaryInterval: c.intervalMinutes } }
          : { type: c.type, timeBasedLinear: { linearPercentage: c.percentage, linearInterval: c.intervalMinutes } };
    return { deploymentConfigInfo: { deploymentConfigName: name, computePlatform: 'ECS', trafficRoutingConfig: routing } };
  },
  CreateDeployment(w, input) {
    const app = reqString(input, 'applicationName', 'ApplicationNameRequiredException');
    const gName = reqString(input, 'deploymentGroupName', 'DeploymentGroupNameRequiredException');
    const g = group(w, app, gName);
    const active = Object.values(w.st.codedeploy.deployments).find(
      (d) => d.applicationName === app && d.deploymentGroupName === gName && !TERMINAL.has(d.status),
    );
    if (active)
      throw new SandboxApiError(
        'DeploymentAlreadyStartedException',
        `Deployment ${active.deploymentId} is already in progress for deployment group ${gName}.`,
      );
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
    const resource = isRecord(spec) ? recordsOf(spec.Resources)[0] : undefined;
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
    const td = findTaskDefinition(w, props.TaskDefinition);
    if (!td) throw new SandboxApiError('InvalidECSServiceException', `The task definition ${props.TaskDefinition} does not exist.`);
    const names = list(td.td.containerDefinitions)
      .filter(isRecord)
      .map((c) => c.name);
    if (!names.includes(lbInfo.ContainerName))
      throw new SandboxApiError(
        'InvalidECSServiceException',
        `The container ${String(lbInfo.ContainerName)} is not in the task definition.`,
      );
    const svc = groupService(w, g);
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
    const alarmCfg = isRecord(g.config.alarmConfiguration) ? g.config.alarmConfiguration : {};
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
      appSpec: { sha256: typeof content.sha256 === 'string' ? content.sha256 : null, content: text },
      taskDefinition: String(td.td.taskDefinitionArn),
      containerName: String(lbInfo.ContainerName),
      containerPort: Number(lbInfo.ContainerPort),
      phase: 'Created',
      phaseSince: w.now,
      trafficShifted: 0,
      lifecycleEvents: EVENTS.map((e) => ({ lifecycleEventName: e, status: 'Pending' })),
      ignoredAlarms: recordsOf(alarmCfg.alarms)
        .map((a) => String(a.name))
        .filter((n) => w.st.cloudwatch.alarms[n]?.stateValue === 'ALARM'),
      statusMessages: [],
    };
    w.st.codedeploy.deployments[deploymentId] = d;
    w.activateDeployment(deploymentId);
    return { deploymentId };
  },
  GetDeployment(w, input) {
    return { deploymentInfo: deploymentInfo(w, deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'))) };
  },
  BatchGetDeployments(w, input) {
    const ids = list(input.deploymentIds).map(String);
    return {
      deploymentsInfo: ids
        .map((id) => w.st.codedeploy.deployments[id])
        .filter((d) => d !== undefined)
        .map((d) => deploymentInfo(w, d)),
    };
  },
  ListDeployments(w, input) {
    const app = optString(input, 'applicationName');
    const gName = optString(input, 'deploymentGroupName');
    if (app) application(w, app);
    if (app && gName) group(w, app, gName);
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
  },
  ContinueDeployment(w, input) {
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
  },
  StopDeployment(w, input) {
    const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
    if (TERMINAL.has(d.status))
      throw new SandboxApiError('DeploymentAlreadyCompletedException', `The deployment ${d.deploymentId} has already completed.`);
    const rollback = optBool(input, 'autoRollbackEnabled') ?? false;
    endDeployment(w, d, 'Stopped', 'MANUAL_STOP', 'The deployment was stopped by the user.', rollback);
    return {
      status: 'Succeeded',
      statusMessage: rollback ? 'The deployment was stopped and traffic rerouted to the original task set.' : 'The deployment was stopped.',
    };
  },
  GetDeploymentTarget(w, input) {
    const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
    const out = targetOut(w, d);
    const want = optString(input, 'targetId');
    const ecs = out.ecsTarget as Record<string, unknown>;
    if (want && want !== ecs.targetId)
      throw new SandboxApiError(
        'DeploymentTargetDoesNotExistException',
        `The target ${want} does not exist in deployment ${d.deploymentId}.`,
      );
    return { deploymentTarget: out };
  },
  ListDeploymentTargets(w, input) {
    const d = deployment(w, reqString(input, 'deploymentId', 'DeploymentIdRequiredException'));
    const ecs = targetOut(w, d).ecsTarget as Record<string, unknown>;
    return { targetIds: [ecs.targetId] };
  },
};
