/**
 * Deregisters old revisions of the families a run deployed. Never one that anything may still need:
 *
 *   - one any service of the region runs, or any of its deployments or task sets (every cluster: two environments
 *     may share a family; src/live/revisions-in-use.ts);
 *   - one a `rollback` of such a service would go back to (its previous successful deployment's; for the services
 *     this run deployed, the revision each ran before it);
 *   - one a target of an EventBridge rule the manifest names runs, or a one-off task of this run used;
 *
 * and of the others, the newest `keepRevisions` of each family stay too. Deregistered revisions stay describable
 * (running tasks keep working); failures here are warnings.
 */
import type { AwsPorts } from '../aws/ports.js';
import { readRegionUse } from '../live/revisions-in-use.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { shortTaskDefinition, taskDefinitionFamily, taskDefinitionRevision } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';
import { listRuleTargets } from './scheduled-targets.js';

/** Every ACTIVE revision of `family`, newest first. */
export async function listActiveRevisions(ports: AwsPorts, family: string, signal: AbortSignal): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const page = await ports.ecs.listTaskDefinitions(
      { familyPrefix: family, status: 'ACTIVE', sort: 'DESC', ...(token ? { nextToken: token } : {}) },
      { signal },
    );
    // familyPrefix is a prefix: `web` also lists `web-worker`.
    arns.push(...(page.taskDefinitionArns ?? []).filter((a) => taskDefinitionFamily(a) === family));
    token = page.nextToken;
  } while (token);
  return arns;
}

/** Revisions cleanup must keep, whatever keepRevisions says, each with why. */
interface Kept {
  /** By `family:revision` (references may be full ARNs or `family:revision`). */
  needed: Map<string, string>;
  /** Services whose rollback target could not be read: their current revision, by family. */
  unknownRollback: { service: string; taskDefinitionArn: string }[];
}

function keep(kept: Kept, arn: string, why: string): void {
  const key = shortTaskDefinition(arn);
  if (!kept.needed.has(key)) kept.needed.set(key, why);
}

/**
 * Cleanup after a clean run: the families of the services the run covered lose their old revisions, except what
 * anything may still need (`inUse` comes in with what the scheduled targets reference). Returns warnings (already
 * emitted).
 */
export async function cleanUpAfterRun(ctx: EngineContext, plan: Plan, selected: ServicePlan[], inUse: Set<string>): Promise<string[]> {
  const families = new Set<string>();
  for (const s of selected) {
    families.add(s.desired.taskDefinition.family);
    if (s.live?.taskDefinitionArn) families.add(taskDefinitionFamily(s.live.taskDefinitionArn));
  }
  const kept: Kept = { needed: new Map(), unknownRollback: [] };
  for (const arn of inUse) keep(kept, arn, 'a scheduled target runs it');
  try {
    const region = await readRegionUse(ctx.ports, families, { signal: ctx.hardSignal });
    for (const arn of region.inUse) keep(kept, arn, 'a service runs it');
    for (const arn of region.rollbackTargets) keep(kept, arn, 'a rollback would go back to it');
    kept.unknownRollback = region.unknownRollbackTargets;
    // Scheduled targets of every rule in the manifest, moved in this run or not.
    for (const st of plan.scheduledTargets) {
      for (const t of await listRuleTargets(ctx, st.rule, st.eventBus)) {
        if (t.EcsParameters?.TaskDefinitionArn) keep(kept, t.EcsParameters.TaskDefinitionArn, 'a scheduled target runs it');
      }
    }
  } catch (error) {
    const w = `skipped: could not read which revisions are in use: ${errorMessage(error)}`;
    ctx.emit({ type: 'log', level: 'warn', message: w });
    return [w];
  }
  // What the services of this run ran before it: what `rollback` goes back to now that it succeeded.
  for (const s of selected) if (s.live?.taskDefinitionArn) keep(kept, s.live.taskDefinitionArn, 'a rollback would go back to it');
  // Revisions registered in this run (used by the services and the one-off tasks that ran with them).
  for (const r of ctx.registered.values()) keep(kept, await r, 'registered by this run');
  return cleanupRevisions(ctx, [...families], plan.keepRevisions, kept);
}

/**
 * Where a service's rollback target could not be read: the newest revision older than the one it runs, which is
 * what a revision-by-revision history makes the likeliest target (better one revision too many than the one needed).
 */
function likelyRollbackTarget(active: string[], current: string): string | undefined {
  const rev = taskDefinitionRevision(current) ?? Number.POSITIVE_INFINITY;
  return active.find((a) => (taskDefinitionRevision(a) ?? 0) < rev);
}

/** Returns warnings (already emitted). */
async function cleanupRevisions(ctx: EngineContext, families: string[], keepNewest: number, kept: Kept): Promise<string[]> {
  const warnings: string[] = [];
  if (keepNewest <= 0) return warnings;
  for (const family of families) {
    let arns: string[];
    try {
      arns = await listActiveRevisions(ctx.ports, family, ctx.hardSignal);
    } catch (error) {
      warnings.push(`could not list revisions of ${family}: ${errorMessage(error)}`);
      continue;
    }
    for (const u of kept.unknownRollback.filter((x) => taskDefinitionFamily(x.taskDefinitionArn) === family)) {
      const likely = likelyRollbackTarget(arns, u.taskDefinitionArn);
      if (likely) keep(kept, likely, `a rollback of ${u.service} may go back to it`);
    }
    // keepRevisions counts the revisions nothing needs: those needed are kept on top of them.
    const spare = arns.filter((a) => !kept.needed.has(shortTaskDefinition(a)));
    for (const arn of spare.slice(keepNewest)) {
      try {
        await ctx.calls.mutate(
          {
            service: 'ECS',
            operation: 'DeregisterTaskDefinition',
            summary: `deregister ${shortTaskDefinition(arn)} (nothing uses it; keeping the newest ${keepNewest} others and every one in use)`,
          },
          (signal) => ctx.ports.ecs.deregisterTaskDefinition({ taskDefinition: arn }, { signal }),
        );
        if (!ctx.calls.dryRun) ctx.emit({ type: 'revision.deregistered', taskDefinitionArn: arn });
      } catch (error) {
        warnings.push(`could not deregister ${shortTaskDefinition(arn)}: ${errorMessage(error)}`);
      }
    }
  }
  for (const w of warnings) ctx.emit({ type: 'log', level: 'warn', message: w });
  return warnings;
}
