/**
 * `ecsdeploy status` for canary services: the canary's state from the tags on its canary service (step, phase, run,
 * last verdict) and the weights the rule carries right now, read from the load balancer (never from the tags).
 */
import type { AwsPorts } from '../aws/ports.js';
import { describeServices } from '../live/describe-services.js';
import { decodeCanaryState, describeCanaryState } from '../model/canary-state.js';
import type { ResolvedService } from '../model/manifest.js';
import type { CanaryStatus } from '../model/status.js';
import { nextCommands } from '../strategies/alb-canary.js';
import { readForward, resolveTargetGroups, routeOf } from '../strategies/canary-traffic.js';
import { errorMessage } from '../util/error-text.js';

export async function canaryStatuses(
  ports: AwsPorts,
  services: ResolvedService[],
  signal: AbortSignal,
): Promise<Map<string, CanaryStatus>> {
  const canaries = services.flatMap((s) => (s.strategy.type === 'canary' ? [{ s, strategy: s.strategy }] : []));
  const out = new Map<string, CanaryStatus>();
  if (canaries.length === 0) return out;
  const described = await describeServices(
    ports,
    canaries.map(({ s, strategy }) => ({ cluster: s.cluster, service: strategy.canary.service })),
    { include: ['TAGS'], signal },
  );
  for (const { s, strategy } of canaries) {
    const state = decodeCanaryState(described.find(s.cluster, strategy.canary.service)?.tags);
    const status: CanaryStatus = { service: strategy.canary.service };
    if (state) {
      Object.assign(status, {
        phase: state.phase,
        state: describeCanaryState(state),
        step: state.step,
        weight: state.weight,
        runId: state.runId,
        revision: state.revision,
        ...(state.verdict ? { verdict: state.verdict } : {}),
        next: state.phase === 'paused' ? nextCommands(s.key) : [...nextCommands(s.key), 'ecsdeploy apply --resume'],
      });
    }
    try {
      const tgs = await resolveTargetGroups(ports, strategy, signal);
      const forward = await readForward(ports, routeOf(strategy), tgs, signal);
      status.weights = { [tgs.stable.name]: forward.weights.stable, [tgs.canary.name]: forward.weights.canary };
    } catch (error) {
      status.weightsError = errorMessage(error);
    }
    out.set(s.key, status);
  }
  return out;
}
