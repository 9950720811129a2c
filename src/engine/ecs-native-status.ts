/**
 * `ecsdeploy status` for ECS-native services (ecs-blue-green / ecs-linear / ecs-canary, or a live BLUE_GREEN / LINEAR /
 * CANARY strategy): the newest service deployment as the follower reads it (one ListServiceDeployments per service,
 * one DescribeServiceDeployments for all), its stage and requested weights, the PAUSE hook awaiting action and whose
 * it is (ecsdeploy's run id from the hook details, or someone else's). Every enum stays open: unknown values are shown.
 */
import type { AwsPorts, EcsService } from '../aws/ports.js';
import { pauseHookRun } from '../model/ecs-native.js';
import { decodeEcsNativeState } from '../model/ecs-native-state.js';
import type { ResolvedService } from '../model/manifest.js';
import type { EcsNativeStatus } from '../model/status.js';
import { isEcsNative } from '../model/strategy.js';
import { awaitingPause, type DeploymentView, viewOf } from '../strategies/ecs-native-follow.js';
import { errorMessage } from '../util/error-text.js';

const NATIVE_STRATEGIES = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);
/** DescribeServiceDeployments takes at most 20 ARNs a call. */
const DESCRIBE_BATCH = 20;
const FINAL = new Set(['SUCCESSFUL', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED']);

function isNativeService(s: ResolvedService, svc: EcsService | undefined): boolean {
  const live = (svc?.deploymentConfiguration as { strategy?: unknown } | undefined)?.strategy;
  return isEcsNative(s.strategy) || (typeof live === 'string' && NATIVE_STRATEGIES.has(live));
}

/** Whose pause hooks hold the deployment at its current stage: ecsdeploy run ids, else `someone else`. */
function pauseOwner(view: DeploymentView): { runId?: string; ours: boolean } {
  for (const h of view.configuration?.lifecycleHooks ?? []) {
    const hook = h as { targetType?: string; lifecycleStages?: string[] };
    if (hook.targetType !== 'PAUSE' || !view.stage || !(hook.lifecycleStages ?? []).includes(view.stage)) continue;
    const runId = pauseHookRun(h);
    if (runId) return { runId, ours: true };
  }
  return { ours: false };
}

function statusOf(view: DeploymentView, recordedRun: string | undefined): EcsNativeStatus['deployment'] {
  const inFlight = !FINAL.has(view.status);
  const hook = awaitingPause(view);
  const owner = hook ? pauseOwner(view) : undefined;
  return {
    arn: view.arn,
    status: view.status,
    inFlight,
    ...(view.stage ? { stage: view.stage } : {}),
    ...(view.testWeight !== undefined ? { testWeight: view.testWeight } : {}),
    ...(view.productionWeight !== undefined ? { productionWeight: view.productionWeight } : {}),
    ...(view.targetRevision ? { targetRevision: view.targetRevision } : {}),
    ...(view.statusReason ? { statusReason: view.statusReason } : {}),
    ...(hook && owner
      ? {
          pause: {
            hookId: hook.hookId,
            ours: owner.ours,
            ...(owner.runId ? { runId: owner.runId } : {}),
            ...(hook.expiresAt ? { expiresAt: new Date(hook.expiresAt).toISOString() } : {}),
          },
        }
      : {}),
    ...(recordedRun ? { runId: recordedRun } : {}),
  };
}

/** Commands that move it on: the same words `plan` shows (plan/ecs-native-in-flight.ts). */
function nextCommands(key: string, phase: string): string[] {
  const next = [`ecsdeploy promote -n ${key}`, `ecsdeploy abort -n ${key}`];
  return phase === 'paused' ? next : [...next, 'ecsdeploy apply --resume'];
}

export async function ecsNativeStatuses(
  ports: AwsPorts,
  services: ResolvedService[],
  find: (cluster: string, service: string) => EcsService | undefined,
  signal: AbortSignal,
): Promise<Map<string, EcsNativeStatus>> {
  const out = new Map<string, EcsNativeStatus>();
  const native = services.filter((s) => isNativeService(s, find(s.cluster, s.service)));
  const newest = new Map<string, string>();
  for (const s of native) {
    try {
      // The service names its current deployment; else the newest listed (the listing's order is not relied on).
      const listed = await ports.ecs.listServiceDeployments({ cluster: s.cluster, service: s.service }, { signal });
      const newestListed = [...(listed.serviceDeployments ?? [])].sort(
        (x, y) => new Date(y.createdAt ?? 0).getTime() - new Date(x.createdAt ?? 0).getTime(),
      )[0];
      const arn = find(s.cluster, s.service)?.currentServiceDeployment ?? newestListed?.serviceDeploymentArn;
      if (arn) newest.set(s.key, arn);
      out.set(s.key, {});
    } catch (error) {
      out.set(s.key, { error: errorMessage(error) });
    }
  }
  const arns = [...new Set(newest.values())];
  const views = new Map<string, DeploymentView>();
  try {
    for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
      const described = await ports.ecs.describeServiceDeployments(
        { serviceDeploymentArns: arns.slice(i, i + DESCRIBE_BATCH) },
        { signal },
      );
      for (const sd of described.serviceDeployments ?? []) views.set(sd.serviceDeploymentArn ?? '', viewOf(sd));
    }
  } catch (error) {
    for (const key of newest.keys()) out.set(key, { error: errorMessage(error) });
    return out;
  }
  for (const s of native) {
    const arn = newest.get(s.key);
    const view = arn ? views.get(arn) : undefined;
    if (!view) continue;
    const recorded = decodeEcsNativeState(find(s.cluster, s.service)?.tags);
    const deployment = statusOf(view, recorded?.runId);
    // Only ecsdeploy's own deployment (its state tags) is promoted, aborted or resumed; another's is waited for.
    out.set(s.key, { deployment, ...(deployment?.inFlight && recorded ? { next: nextCommands(s.key, recorded.phase) } : {}) });
  }
  return out;
}
