/**
 * A canary in flight, from the state tags on its canary ECS service (model/canary-state.ts): a canary running,
 * paused for approval, interrupted, or left by a run that died. `plan` shows it (never as unchanged), `apply`
 * refuses the service until it is promoted, aborted or resumed. One of in-flight.ts's detectors, in front of the
 * generic ones: the canary's tags say more than the stable service's ECS deployments do.
 */
import { decodeCanaryState, describeCanaryState } from '../model/canary-state.js';
import type { LiveServiceState } from '../model/live.js';
import type { ResolvedService } from '../model/manifest.js';
import type { InFlightDetector } from './in-flight.js';

function tagsOf(described: LiveServiceState['canaryService']): { key?: string; value?: string }[] {
  const tags = described?.tags;
  if (!Array.isArray(tags)) return [];
  return tags.flatMap((t) =>
    t && typeof t === 'object' && !Array.isArray(t) && typeof t.key === 'string'
      ? [{ key: t.key, ...(typeof t.value === 'string' ? { value: t.value } : {}) }]
      : [],
  );
}

/** A canary service whose canary carries state tags; undefined otherwise. */
export const canaryInFlight: InFlightDetector = (svc: ResolvedService, state: LiveServiceState) => {
  if (svc.strategy.type !== 'canary') return undefined;
  const canary = decodeCanaryState(tagsOf(state.canaryService));
  if (!canary) return undefined;
  const next = [`ecsdeploy promote -n ${svc.key}`, `ecsdeploy abort -n ${svc.key}`];
  return {
    kind: 'canary',
    id: canary.runId,
    state: `canary on ${svc.strategy.canary.service} ${describeCanaryState(canary)}`,
    runId: canary.runId,
    ...(canary.revision ? { taskDefinitionArn: canary.revision } : {}),
    ...(canary.phase === 'paused' ? { awaitingApproval: true } : {}),
    next: canary.phase === 'paused' ? next : [...next, 'ecsdeploy apply --resume'],
  };
};
