/**
 * Lookups of CodeDeploy applications, deployment groups and deployments, and the typed reading of a deployment
 * group's configuration (kept as CreateDeploymentGroup received it, so GetDeploymentGroup returns it as given).
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { isRecord, list } from '../input.js';
import type { CodeDeployApplicationState, CodeDeployDeploymentState, DeploymentGroupState, ServiceState } from '../types.js';

/** What the lifecycle needs to know of a deployment group, read once from its stored configuration. */
export interface GroupSettings {
  /** The first (only) ECS service of the group. */
  service?: { clusterName: string; serviceName: string };
  /** Names of the target group pair, blue first as configured. */
  targetGroups: string[];
  prodListener?: string;
  testListener?: string;
  alarms: { enabled: boolean; names: string[] };
  autoRollback: { enabled: boolean; events: string[] };
  /** `STOP_DEPLOYMENT` waits for ContinueDeployment (at most `waitMinutes`) before rerouting traffic. */
  readyOption: { actionOnTimeout: string | undefined; waitMinutes: number };
  /** What happens to the original task set after a successful deployment, and when. */
  termination: { action: string | undefined; waitMinutes: number };
}

export function groupKey(app: string, group: string): string {
  return `${app}/${group}`;
}

export function application(w: WorldContext, name: string): CodeDeployApplicationState {
  const a = w.st.codedeploy.applications[name];
  if (!a) throw new SandboxApiError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
  return a;
}

export function deploymentGroup(w: WorldContext, app: string, name: string): DeploymentGroupState {
  application(w, app);
  const g = w.st.codedeploy.groups[groupKey(app, name)];
  if (!g) throw new SandboxApiError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${name}`);
  return g;
}

export function deployment(w: WorldContext, id: string): CodeDeployDeploymentState {
  const d = w.st.codedeploy.deployments[id];
  if (!d) throw new SandboxApiError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
  return d;
}

/** The group a deployment belongs to, if it still exists. */
export function groupOf(w: WorldContext, d: CodeDeployDeploymentState): DeploymentGroupState | undefined {
  return w.st.codedeploy.groups[groupKey(d.applicationName, d.deploymentGroupName)];
}

export function records(v: unknown): Record<string, unknown>[] {
  return list(v).filter(isRecord);
}

function record(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

export function groupSettings(g: DeploymentGroupState): GroupSettings {
  const c = g.config;
  const svc = records(c.ecsServices)[0];
  const pair = records(record(c.loadBalancerInfo).targetGroupPairInfoList)[0] ?? {};
  const route = (r: unknown) => (isRecord(r) ? list(r.listenerArns).map(String)[0] : undefined);
  const alarms = record(c.alarmConfiguration);
  const rollback = record(c.autoRollbackConfiguration);
  const bg = record(c.blueGreenDeploymentConfiguration);
  const ready = record(bg.deploymentReadyOption);
  const term = record(bg.terminateBlueInstancesOnDeploymentSuccess);
  return {
    service: svc ? { clusterName: String(svc.clusterName), serviceName: String(svc.serviceName) } : undefined,
    targetGroups: records(pair.targetGroups).map((t) => String(t.name)),
    prodListener: route(pair.prodTrafficRoute),
    testListener: route(pair.testTrafficRoute),
    alarms: { enabled: alarms.enabled === true, names: records(alarms.alarms).map((a) => String(a.name)) },
    autoRollback: { enabled: rollback.enabled === true, events: list(rollback.events).map(String) },
    readyOption: {
      actionOnTimeout: typeof ready.actionOnTimeout === 'string' ? ready.actionOnTimeout : undefined,
      waitMinutes: Number(ready.waitTimeInMinutes ?? 0),
    },
    termination: {
      action: typeof term.action === 'string' ? term.action : undefined,
      waitMinutes: Number(term.terminationWaitTimeInMinutes ?? 0),
    },
  };
}

/** The ECS service a group deploys, if it exists (in any status). */
export function groupService(w: WorldContext, settings: GroupSettings): ServiceState | undefined {
  if (!settings.service) return undefined;
  const cluster = w.st.ecs.clusters[w.clusterArnFor(settings.service.clusterName)];
  return cluster?.services[settings.service.serviceName];
}

/** Does the deployment roll back on this event? Its own override wins over the group's setting (§2.5). */
export function autoRollbackOn(d: CodeDeployDeploymentState, settings: GroupSettings, event: string): boolean {
  const own = d.autoRollbackConfiguration;
  const cfg = own ? { enabled: own.enabled === true, events: list(own.events).map(String) } : settings.autoRollback;
  return cfg.enabled && cfg.events.includes(event);
}
