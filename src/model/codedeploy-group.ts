/**
 * What a CodeDeploy ECS deployment group must be for a blue-green service of the manifest, as pure checks over
 * the facts GetDeploymentGroup returns (aws-semantics.md §2.5): a blue/green group with traffic control and a
 * target group pair; and for a test-traffic gate a test listener and a ready wait (deploymentReadyOption
 * STOP_DEPLOYMENT) longer than the gate holds, or CodeDeploy would move production traffic while the gate still
 * judges. Shared by `plan`'s preflight (src/live/) and the strategy's own check before anything changes.
 */
import type { BlueGreenStrategy } from './strategy.js';

/** The settings of a deployment group that decide whether a blue-green service can be deployed as the manifest says. */
export interface DeploymentGroupFacts {
  deploymentType?: string | undefined;
  deploymentOption?: string | undefined;
  /** Names of the target group pair (blue and green; they alternate between deployments). */
  targetGroups: string[];
  prodListener?: string | undefined;
  testListener?: string | undefined;
  /** deploymentReadyOption.actionOnTimeout: `STOP_DEPLOYMENT` waits Ready for ContinueDeployment. */
  readyAction?: string | undefined;
  readyWaitMinutes?: number | undefined;
  /** terminateBlueInstancesOnDeploymentSuccess: `TERMINATE` after `terminationWaitMinutes`, or `KEEP_ALIVE`. */
  terminationAction?: string | undefined;
  terminationWaitMinutes?: number | undefined;
  /** deploymentConfigName of the group (the manifest's `deploymentConfig` overrides it per deployment). */
  deploymentConfigName?: string | undefined;
}

/** GetDeploymentGroup's `deploymentGroupInfo` (or its JSON) → the facts; missing parts stay undefined. */
export function deploymentGroupFacts(info: unknown): DeploymentGroupFacts {
  const o = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const g = o(info);
  const style = o(g.deploymentStyle);
  const pair = o(a(o(g.loadBalancerInfo).targetGroupPairInfoList)[0]);
  const bg = o(g.blueGreenDeploymentConfiguration);
  const ready = o(bg.deploymentReadyOption);
  const term = o(bg.terminateBlueInstancesOnDeploymentSuccess);
  return {
    deploymentType: s(style.deploymentType),
    deploymentOption: s(style.deploymentOption),
    targetGroups: a(pair.targetGroups).flatMap((t) => (s(o(t).name) ? [s(o(t).name) as string] : [])),
    prodListener: s(a(o(pair.prodTrafficRoute).listenerArns)[0]),
    testListener: s(a(o(pair.testTrafficRoute).listenerArns)[0]),
    readyAction: s(ready.actionOnTimeout),
    readyWaitMinutes: n(ready.waitTimeInMinutes),
    terminationAction: s(term.action),
    terminationWaitMinutes: n(term.terminationWaitTimeInMinutes),
    deploymentConfigName: s(g.deploymentConfigName),
  };
}

/** How long a test-traffic gate holds at least: its hold, and never less than its first evaluation (docs/gates.md). */
function testGateHoldMs(strategy: BlueGreenStrategy): number {
  const gate = strategy.testTrafficGate;
  if (!gate) return 0;
  const measured = gate.alarms.length > 0 || gate.metrics.length > 0;
  return Math.max(gate.holdMs, measured ? gate.intervalMs + gate.metricDelayMs : 0);
}

/** Why this group cannot deploy the service as the manifest says; empty when it can. */
export function deploymentGroupProblems(strategy: BlueGreenStrategy, facts: DeploymentGroupFacts): string[] {
  const group = `CodeDeploy deployment group "${strategy.deploymentGroup}"`;
  const problems: string[] = [];
  if (facts.deploymentType !== undefined && (facts.deploymentType !== 'BLUE_GREEN' || facts.deploymentOption !== 'WITH_TRAFFIC_CONTROL')) {
    problems.push(
      `${group} is ${facts.deploymentType}/${facts.deploymentOption ?? '?'}; an ECS service needs BLUE_GREEN with WITH_TRAFFIC_CONTROL`,
    );
  }
  if (facts.targetGroups.length !== 2) {
    problems.push(`${group} names ${facts.targetGroups.length} target group(s); blue-green needs a pair (targetGroupPairInfoList)`);
  }
  const gate = strategy.testTrafficGate;
  if (!gate) return problems;
  if (!facts.testListener) {
    problems.push(
      `${group} has no test listener (testTrafficRoute): no test traffic would reach the replacement tasks while testTrafficGate holds; add one, or remove the gate`,
    );
  }
  const holdMs = testGateHoldMs(strategy);
  const minutes = Math.ceil(holdMs / 60_000);
  if (facts.readyAction !== 'STOP_DEPLOYMENT') {
    problems.push(
      `${group} reroutes production traffic without waiting (deploymentReadyOption ${facts.readyAction ?? 'CONTINUE_DEPLOYMENT'}), so testTrafficGate could not hold it; set actionOnTimeout STOP_DEPLOYMENT with waitTimeInMinutes above ${minutes}`,
    );
  } else if ((facts.readyWaitMinutes ?? 0) * 60_000 <= holdMs) {
    problems.push(
      `${group} waits ${facts.readyWaitMinutes ?? 0} minute(s) before it stops an unapproved deployment, not longer than testTrafficGate holds (${minutes} minute(s)): CodeDeploy would stop the deployment mid-hold; raise deploymentReadyOption.waitTimeInMinutes`,
    );
  }
  return problems;
}
