/**
 * The pause hooks ecsdeploy adds to an ECS-native deployment so its gates can decide (aws-semantics §1.9), and how
 * they stay ecsdeploy's own (docs/blue-green.md, "Whose pause is it"):
 *
 * - They are sent in the UpdateService that starts ecsdeploy's deployment, next to the manifest's Lambda hooks,
 *   one PAUSE hook per stage where a gate or a person decides: POST_TEST_TRAFFIC_SHIFT (test-traffic gate),
 *   PRE_PRODUCTION_TRAFFIC_SHIFT (before production moves, and before every later step: production gate,
 *   approval), POST_PRODUCTION_TRAFFIC_SHIFT (production gate once all traffic moved).
 * - Each names its run in `hookDetails` (`{"ecsdeploy": {"runId": ...}}`): `plan` drops marked hooks before
 *   diffing, and the follow-up write removes exactly those.
 * - Their timeout action is ROLLBACK, after the hold plus a margin (or the approval's timeout): a run that dies
 *   leaves a deployment that ECS rolls back on its own, never one that goes to production unjudged.
 * - As soon as the service deployment shows them in its own configuration (DescribeServiceDeployments), a second
 *   UpdateService with only the deployment configuration (which starts no deployment, §1.2) takes them off the
 *   service: a deployment someone else starts later carries none. Should the deployment lose them with the
 *   service's (ECS reading the service's hooks live), they go back on until the deployment is decided, and a run
 *   that sees another deployment replace its own releases that one's ecsdeploy pauses (CONTINUE, never ROLLBACK).
 */
import type { EcsService } from '../aws/ports.js';
import { PAUSE_OWNER_KEY, pauseHookRun } from '../model/ecs-native.js';
import type { EcsNativeStrategy, TestTrafficGate } from '../model/strategy.js';
import type { JsonObject } from '../model/task-definition.js';

/** Where ecsdeploy's pauses sit. */
export type PauseStage = 'POST_TEST_TRAFFIC_SHIFT' | 'PRE_PRODUCTION_TRAFFIC_SHIFT' | 'POST_PRODUCTION_TRAFFIC_SHIFT';

/** `timeoutInMinutes` bounds (§1.9). */
const MIN_TIMEOUT_MINUTES = 1;
const MAX_TIMEOUT_MINUTES = 20160;

/**
 * Minutes a gate's pause may wait before ECS rolls back: the hold, two more evaluation windows and the metric
 * delay (a hold never ends before its first evaluation), the longest task check, and ten minutes for a slow poll.
 */
export function gatePauseMinutes(g: TestTrafficGate): number {
  const tasks = Math.max(0, ...g.tasks.map((t) => t.timeoutMs));
  const ms = g.holdMs + 2 * g.intervalMs + g.metricDelayMs + tasks;
  return clampMinutes(Math.ceil(ms / 60_000) + 10);
}

function clampMinutes(m: number): number {
  return Math.min(MAX_TIMEOUT_MINUTES, Math.max(MIN_TIMEOUT_MINUTES, m));
}

/** The production steps of the strategy: green's share after each (BLUE_GREEN [100], LINEAR 10, 20, …, CANARY 5, 100). */
export function productionSteps(s: EcsNativeStrategy): number[] {
  if (s.type === 'ecs-blue-green') return [100];
  if (s.type === 'ecs-canary') {
    const pct = s.canary?.canaryPercent ?? 5;
    return pct >= 100 ? [100] : [pct, 100];
  }
  const step = s.linear?.stepPercent ?? 10;
  const out: number[] = [];
  for (let k = 1; Math.round(k * step * 10) / 10 < 100; k++) out.push(Math.round(k * step * 10) / 10);
  out.push(100);
  return out;
}

/** The stages where ecsdeploy pauses this strategy's deployments, with each pause's timeout in minutes. */
export function pauseStages(s: EcsNativeStrategy): { stage: PauseStage; timeoutMinutes: number }[] {
  const out: { stage: PauseStage; timeoutMinutes: number }[] = [];
  if (s.testTrafficGate) out.push({ stage: 'POST_TEST_TRAFFIC_SHIFT', timeoutMinutes: gatePauseMinutes(s.testTrafficGate) });
  // Before a production step: an approval, or a production gate judging the share green carries already (only
  // a strategy with more than one step has one before a step after the first).
  const beforeStep = [
    ...(s.approval ? [clampMinutes(Math.ceil(s.approval.timeoutMs / 60_000))] : []),
    ...(s.productionGate && productionSteps(s).length > 1 ? [gatePauseMinutes(s.productionGate)] : []),
  ];
  if (beforeStep.length > 0) out.push({ stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', timeoutMinutes: Math.max(...beforeStep) });
  if (s.productionGate) out.push({ stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', timeoutMinutes: gatePauseMinutes(s.productionGate) });
  return out;
}

/** ecsdeploy's pause hooks for one deployment, in UpdateService's shape. */
export function pauseHooks(s: EcsNativeStrategy, runId: string): JsonObject[] {
  return pauseStages(s).map((p) => ({
    targetType: 'PAUSE',
    lifecycleStages: [p.stage],
    hookDetails: { [PAUSE_OWNER_KEY]: { runId } },
    timeoutConfiguration: { timeoutInMinutes: p.timeoutMinutes, action: 'ROLLBACK' },
  }));
}

/** The service's lifecycle hooks without ecsdeploy's pause hooks; undefined when it has none of them. */
export function hooksWithoutOurPauses(service: EcsService | undefined): JsonObject[] | undefined {
  const hooks = (service?.deploymentConfiguration?.lifecycleHooks ?? []) as unknown as JsonObject[];
  if (!hooks.some((h) => pauseHookRun(h) !== undefined)) return undefined;
  return hooks.filter((h) => pauseHookRun(h) === undefined);
}

/**
 * The stages at which a deployment's configuration (its snapshot, from DescribeServiceDeployments) pauses with a
 * hook of `runId` and with no other PAUSE hook: only there may ecsdeploy answer for it.
 */
export function ourPauseStages(configuration: { lifecycleHooks?: unknown[] } | undefined, runId: string): Set<string> {
  const mine = new Set<string>();
  const others = new Set<string>();
  for (const h of configuration?.lifecycleHooks ?? []) {
    const hook = h as { targetType?: string; lifecycleStages?: string[] };
    if (hook.targetType !== 'PAUSE') continue;
    const owner = pauseHookRun(h);
    for (const stage of hook.lifecycleStages ?? []) (owner === runId ? mine : others).add(stage);
  }
  for (const stage of others) mine.delete(stage);
  return mine;
}
