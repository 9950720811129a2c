/**
 * How a CodeDeploy deployment moves traffic: the production and test listeners' default actions forward to the
 * blue and green target groups with weights, and the task sets' PRIMARY status follows production traffic.
 */
import type { WorldContext } from '../context.js';
import { clone } from '../input.js';
import type { CodeDeployDeploymentState, JsonObject, ServiceState, TaskSetState } from '../types.js';
import type { GroupSettings } from './group.js';

interface Weight {
  arn: string;
  weight: number;
}

export function taskSetById(svc: ServiceState | undefined, id: string | undefined): TaskSetState | undefined {
  return id ? svc?.taskSets.find((t) => t.id === id) : undefined;
}

/** Points a listener's default action (and its default rule) at the target groups with the given weights. */
export function setListenerWeights(w: WorldContext, listenerArn: string | undefined, weights: Weight[]): void {
  if (!listenerArn) return;
  const l = w.st.elbv2.listeners[listenerArn];
  if (!l) return;
  const tgs = weights.map((x) => ({ TargetGroupArn: x.arn, Weight: x.weight }));
  const action: JsonObject = { Type: 'forward', ForwardConfig: { TargetGroups: tgs, TargetGroupStickinessConfig: { Enabled: false } } };
  if (tgs.length === 1) action.TargetGroupArn = tgs[0]?.TargetGroupArn ?? '';
  l.defaultActions = [action];
  for (const r of Object.values(w.st.elbv2.rules)) if (r.listenerArn === l.arn && r.isDefault) r.actions = clone(l.defaultActions);
}

/**
 * The service reads as its PRIMARY task set: its task definition, load balancers (the target group alternates
 * between deployments: kayac/ecspresso #936), network configuration, platform version and capacity providers.
 */
function servePrimary(svc: ServiceState, ts: TaskSetState): void {
  svc.taskDefinition = ts.taskDefinition;
  svc.loadBalancers = clone(ts.loadBalancers);
  if (ts.networkConfiguration) svc.networkConfiguration = clone(ts.networkConfiguration);
  if (ts.platformVersion) svc.platformVersion = ts.platformVersion;
  if (ts.capacityProviderStrategy) svc.capacityProviderStrategy = clone(ts.capacityProviderStrategy);
}

/** Test traffic goes entirely to the replacement (AllowTestTraffic). */
export function routeTestTrafficToGreen(w: WorldContext, d: CodeDeployDeploymentState, settings: GroupSettings): void {
  if (!settings.testListener || !d.greenTargetGroup || !d.blueTargetGroup) return;
  setListenerWeights(w, settings.testListener, [
    { arn: d.blueTargetGroup, weight: 0 },
    { arn: d.greenTargetGroup, weight: 100 },
  ]);
}

/** Sends `greenPct` % of production traffic to green; at 100 % green becomes the PRIMARY task set. */
export function shiftProductionTo(
  w: WorldContext,
  d: CodeDeployDeploymentState,
  settings: GroupSettings,
  svc: ServiceState,
  greenPct: number,
): void {
  d.trafficShifted = greenPct;
  if (d.blueTargetGroup && d.greenTargetGroup) {
    setListenerWeights(w, settings.prodListener, [
      { arn: d.blueTargetGroup, weight: 100 - greenPct },
      { arn: d.greenTargetGroup, weight: greenPct },
    ]);
  }
  if (greenPct >= 100) {
    const blue = taskSetById(svc, d.blueTaskSetId);
    const green = taskSetById(svc, d.greenTaskSetId);
    if (green) green.status = 'PRIMARY';
    if (blue) blue.status = 'ACTIVE';
    if (green) servePrimary(svc, green);
  }
}

/** Rollback: both listeners back on blue, blue PRIMARY again, green drained. */
export function rerouteToOriginal(
  w: WorldContext,
  d: CodeDeployDeploymentState,
  settings: GroupSettings | undefined,
  svc: ServiceState | undefined,
): void {
  const blueTg = d.blueTargetGroup;
  if (blueTg) {
    const back = [{ arn: blueTg, weight: 100 }, ...(d.greenTargetGroup ? [{ arn: d.greenTargetGroup, weight: 0 }] : [])];
    setListenerWeights(w, settings?.prodListener, back);
    setListenerWeights(w, settings?.testListener, back);
  }
  const blue = taskSetById(svc, d.blueTaskSetId);
  const green = taskSetById(svc, d.greenTaskSetId);
  if (svc && blue) {
    blue.status = 'PRIMARY';
    blue.scale = 100;
    servePrimary(svc, blue);
  }
  if (svc && green) {
    green.status = 'DRAINING';
    green.updatedAt = w.now;
    svc.steady = false;
    w.activateService(svc.serviceArn);
  }
  d.trafficShifted = 0;
  d.rollbackInfo = { rollbackMessage: `Deployment ${d.deploymentId} was rolled back: traffic rerouted to the original task set.` };
}
