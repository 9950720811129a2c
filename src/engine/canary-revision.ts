/**
 * Which revision a continued canary deploys: the one recorded in its state tags, never a new registration.
 * `promote` and `abort` act on what was judged (the recorded revision), whatever the manifest says now;
 * `apply --resume` only continues when the manifest still asks for that revision (normalized the way `plan`
 * compares task definitions), and otherwise says to abort first.
 */
import { UsageError } from '../errors/index.js';
import { jsonEqual, toJsonObject } from '../plan/json.js';
import { normalizeTaskDefinition } from '../plan/normalize.js';
import type { ServicePlan } from '../plan/types.js';
import { shortTaskDefinition } from '../util/arn.js';
import type { EngineContext } from './context.js';

/**
 * The revision recorded in the canary's state tags (promote, abort and resume all continue that one). A record
 * without one (tags edited by hand) can still be aborted: an abort deploys nothing.
 */
export function revisionInFlight(sp: ServicePlan, continuation: 'resume' | 'promote' | 'promote-full' | 'abort'): string {
  const recorded = sp.inFlight?.taskDefinitionArn;
  // A CodeDeploy deployment still installing may show no replacement yet: it is continued by its id, whatever it deploys.
  if (!recorded && sp.inFlight?.kind === 'codedeploy') return sp.live?.taskDefinitionArn ?? '';
  if (!recorded && continuation === 'abort') return sp.live?.taskDefinitionArn ?? '';
  if (!recorded) {
    throw new UsageError('CANARY_STATE_INCOMPLETE', `${sp.key}: the canary in flight records no revision, so it cannot be continued`, {
      hint: `abort it: ecsdeploy abort -n ${sp.key}`,
    });
  }
  return recorded;
}

/**
 * `apply --resume` continues a canary only when the manifest still asks for the revision it deploys (compared
 * normalized, the way `plan` compares task definitions); otherwise it refuses before anything changes.
 */
export async function refuseResumeOfAnotherRevision(ctx: EngineContext, services: ServicePlan[]): Promise<void> {
  for (const sp of services) {
    const recorded = revisionInFlight(sp, 'resume');
    const out = await ctx.ports.ecs.describeTaskDefinition({ taskDefinition: recorded, include: ['TAGS'] }, { signal: ctx.hardSignal });
    const live = toJsonObject({ ...out.taskDefinition, ...(out.tags?.length ? { tags: out.tags } : {}) });
    const same = jsonEqual(
      normalizeTaskDefinition(live, { ignoreTags: [] }),
      normalizeTaskDefinition(sp.desired.taskDefinition, { ignoreTags: [] }),
    );
    if (!same) {
      throw new UsageError(
        'CANARY_REVISION_CHANGED',
        `${sp.key}: the canary in flight deploys ${shortTaskDefinition(recorded)}, but the manifest now asks for a different task definition: --resume continues only the same revision`,
        { hint: `abort the canary first (ecsdeploy abort -n ${sp.key}), then apply the new revision` },
      );
    }
  }
}
