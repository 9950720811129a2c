/**
 * Which target group is which in a blue-green gate: `canary` is the replacement (green) target group and `stable`
 * the original (blue) one. They alternate between deployments (each deployment installs on the one the last one
 * left), so they are resolved at run time: before the deployment, blue is the pair member the service's PRIMARY
 * task set is registered with and green the other; during it, CodeDeploy labels them on the deployment target's
 * task sets. The gate engine then reads their ALB metric dimensions (gates/target-groups.ts).
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import { resolveGateTargets } from '../gates/target-groups.js';
import type { GateTargets } from '../gates/types.js';
import type { DeploymentGroupFacts } from '../model/codedeploy-group.js';
import type { GateConfig } from '../model/strategy.js';
import { errorMessage } from '../util/error-text.js';
import type { DeploymentView } from './codedeploy-follow.js';

/** Target group names: `blue` serves production now, `green` gets the replacement. */
export interface BlueGreenSides {
  blue: string;
  green: string;
}

/** `arn:...:targetgroup/orders-blue/6d0e...` → `orders-blue`; a name stays. */
function targetGroupName(nameOrArn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/**
 * Before the deployment: blue is the pair member the PRIMARY task set (or the service) is registered with, green
 * the other. A string says why they cannot be told apart.
 */
export function sidesBeforeDeployment(facts: DeploymentGroupFacts, service: EcsService | undefined): BlueGreenSides | string {
  const primary = service?.taskSets?.find((t) => t.status === 'PRIMARY');
  const registered = primary?.loadBalancers?.[0]?.targetGroupArn ?? service?.loadBalancers?.[0]?.targetGroupArn;
  const pair = facts.targetGroups;
  if (!registered)
    return `the service's primary task set is registered with no target group of the deployment group's pair (${pair.join(', ')})`;
  const blue = targetGroupName(registered);
  const green = pair.find((t) => t !== blue);
  if (!pair.includes(blue) || !green) {
    return `the service's primary task set serves target group ${blue}, which is not one of the deployment group's pair (${pair.join(', ')})`;
  }
  return { blue, green };
}

/** During the deployment: the target groups CodeDeploy labels Blue and Green; undefined until both show. */
export function sidesOf(view: DeploymentView | undefined): BlueGreenSides | undefined {
  const blue = view?.taskSets.find((t) => t.label === 'Blue')?.targetGroup;
  const green = view?.taskSets.find((t) => t.label === 'Green')?.targetGroup;
  return blue && green ? { blue, green } : undefined;
}

/**
 * Before anything changes: every target group the gates name resolves, with `stable` as blue; green is only
 * required to exist, because it may be attached to no load balancer until CodeDeploy routes test traffic to it
 * (before a group's first deployment), and its metrics are resolved when the gate holds.
 */
export async function checkGateTargets(ports: AwsPorts, sides: BlueGreenSides, gates: GateConfig[], signal: AbortSignal): Promise<void> {
  await resolveGateTargets(ports, { canary: sides.blue, stable: sides.blue }, gates, signal);
  await ports.elbv2.describeTargetGroups({ Names: [sides.green] }, { signal }).catch((error: unknown) => {
    throw new Error(`the replacement (green) target group "${sides.green}" of the deployment group cannot be read: ${errorMessage(error)}`);
  });
}

/** The gates' target groups, with `canary` the replacement (green) and `stable` the original (blue). */
export function gateTargets(ports: AwsPorts, sides: BlueGreenSides, gates: GateConfig[], signal: AbortSignal): Promise<GateTargets> {
  return resolveGateTargets(ports, { canary: sides.green, stable: sides.blue }, gates, signal);
}

/**
 * How long CodeDeploy takes to move all production traffic with a deployment config, from its first shift
 * (§2.2): a canary config waits its interval once, a linear one moves `percentage` per interval, all-at-once at
 * once. A production-traffic gate holds that long (plus its bake); unknown routing reads as all at once.
 */
export async function shiftDurationMs(ports: AwsPorts, configName: string | undefined, signal: AbortSignal): Promise<number> {
  if (!configName) return 0;
  const routing = (await ports.codedeploy.getDeploymentConfig({ deploymentConfigName: configName }, { signal })).deploymentConfigInfo
    ?.trafficRoutingConfig;
  if (routing?.type === 'TimeBasedCanary') return (routing.timeBasedCanary?.canaryInterval ?? 0) * 60_000;
  if (routing?.type === 'TimeBasedLinear') {
    const pct = routing.timeBasedLinear?.linearPercentage ?? 100;
    const steps = Math.max(0, Math.ceil(100 / Math.max(1, pct)) - 1);
    return steps * (routing.timeBasedLinear?.linearInterval ?? 0) * 60_000;
  }
  return 0;
}
