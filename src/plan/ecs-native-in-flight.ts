/**
 * An ECS-native deployment in flight, from the state tags ecsdeploy keeps on the service (model/ecs-native-state.ts):
 * one held for approval at ecsdeploy's pause hook, one a run is following, or one left by a run that died. `plan`
 * shows it (never as unchanged); `apply` refuses the service until it is promoted, aborted or resumed.
 */
import { decodeEcsNativeState, describeEcsNativeState } from '../model/ecs-native-state.js';
import type { LiveServiceState } from '../model/live.js';
import type { ResolvedService } from '../model/manifest.js';
import { isEcsNative } from '../model/strategy.js';
import type { InFlightDetector } from './in-flight.js';
import type { ServicePlan } from './types.js';

function tagsOf(described: LiveServiceState['described']): { key?: string; value?: string }[] {
  const tags = described?.tags;
  if (!Array.isArray(tags)) return [];
  return tags.flatMap((t) =>
    t && typeof t === 'object' && !Array.isArray(t) && typeof t.key === 'string'
      ? [{ key: t.key, ...(typeof t.value === 'string' ? { value: t.value } : {}) }]
      : [],
  );
}

/**
 * The ECS-native deployment of a service whose state tags record one; undefined otherwise. Before the generic
 * service-deployment detector (plan/in-flight.ts): it knows the run, whether a person is awaited, and what moves it on.
 */
export const ecsNativeInFlight: InFlightDetector = (svc: ResolvedService, state: LiveServiceState) => {
  if (!isEcsNative(svc.strategy)) return undefined;
  const recorded = decodeEcsNativeState(tagsOf(state.described));
  if (!recorded) return undefined;
  const next = [`ecsdeploy promote -n ${svc.key}`, `ecsdeploy abort -n ${svc.key}`];
  return {
    kind: 'ecs-service-deployment',
    id: recorded.serviceDeployment || recorded.runId,
    state: `${svc.strategy.type} deployment ${describeEcsNativeState(recorded)}`,
    runId: recorded.runId,
    ...(recorded.revision ? { taskDefinitionArn: recorded.revision } : {}),
    ...(recorded.phase === 'paused' ? { awaitingApproval: true } : {}),
    next: recorded.phase === 'paused' ? next : [...next, 'ecsdeploy apply --resume'],
  };
};

/**
 * A rollout in flight that `promote`, `abort` and `apply --resume` continue: a canary, a blue-green (CodeDeploy)
 * deployment of the group, or an ECS-native deployment
 * whose state ecsdeploy recorded. Any other (someone else's deployment) is only waited for or refused.
 */
export function continuableInFlight(sp: Pick<ServicePlan, 'inFlight' | 'strategy'>): boolean {
  const f = sp.inFlight;
  if (f?.kind === 'canary') return true;
  // A blue-green (CodeDeploy) deployment in flight: promote, abort and resume move it on by its id.
  if (f?.kind === 'codedeploy' && sp.strategy.type === 'blue-green') return true;
  return f?.kind === 'ecs-service-deployment' && isEcsNative(sp.strategy) && (f.next ?? []).some((c) => c.startsWith('ecsdeploy promote'));
}
