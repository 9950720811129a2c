/**
 * Deregisters old revisions, keeping the newest `keep` of each family and NEVER one still in use: by any
 * deployment of a service in the manifest, by a one-off task of this run, or by a scheduled target.
 * Deregistered revisions stay describable (running tasks keep working); failures here are warnings.
 */
import type { AwsPorts } from '../aws/ports.js';
import { describeServices } from '../live/describe-services.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { shortTaskDefinition, taskDefinitionFamily } from '../util/arn.js';
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

/**
 * Cleanup after a clean run: the families of the services (and task-only families) the run covered lose their old
 * revisions, keeping every revision that is in use (`inUse` comes in with what the scheduled targets reference).
 * Returns warnings (already emitted).
 */
export async function cleanUpAfterRun(
  ctx: EngineContext,
  plan: Plan,
  selected: ServicePlan[],
  inUse: Set<string>,
  taskFamilies: string[] = [],
): Promise<string[]> {
  const families = new Set<string>(taskFamilies);
  for (const s of selected) {
    families.add(s.desired.taskDefinition.family);
    if (s.live?.taskDefinitionArn) families.add(taskDefinitionFamily(s.live.taskDefinitionArn));
  }
  // Every deployment of every service in the plan (not only the selected ones) keeps its revision.
  try {
    const described = await describeServices(
      ctx.ports,
      plan.services.filter((s) => s.live),
      { signal: ctx.hardSignal },
    );
    for (const svc of described.all()) {
      if (svc.taskDefinition) inUse.add(svc.taskDefinition);
      for (const d of svc.deployments ?? []) if (d.taskDefinition) inUse.add(d.taskDefinition);
    }
    // Scheduled targets of every rule in the manifest, moved in this run or not.
    for (const st of plan.scheduledTargets) {
      for (const t of await listRuleTargets(ctx, st.rule, st.eventBus)) {
        if (t.EcsParameters?.TaskDefinitionArn) inUse.add(t.EcsParameters.TaskDefinitionArn);
      }
    }
  } catch (error) {
    const w = `skipped: could not read which revisions are in use: ${errorMessage(error)}`;
    ctx.emit({ type: 'log', level: 'warn', message: w });
    return [w];
  }
  // Revisions registered in this run (used by the services and the one-off tasks that ran with them).
  for (const r of ctx.registered.values()) inUse.add(await r);
  return cleanupRevisions(ctx, [...families], plan.keepRevisions, inUse);
}

/** Returns warnings (already emitted). */
async function cleanupRevisions(ctx: EngineContext, families: string[], keep: number, inUse: Set<string>): Promise<string[]> {
  const warnings: string[] = [];
  if (keep <= 0) return warnings;
  // References may be full ARNs or `family:revision` (EventBridge targets keep what was written, and RunTask
  // accepts both): compare by `family:revision`.
  const used = new Set([...inUse].map(shortTaskDefinition));
  for (const family of families) {
    let arns: string[];
    try {
      arns = await listActiveRevisions(ctx.ports, family, ctx.hardSignal);
    } catch (error) {
      warnings.push(`could not list revisions of ${family}: ${errorMessage(error)}`);
      continue;
    }
    for (const arn of arns.slice(keep)) {
      if (inUse.has(arn) || used.has(shortTaskDefinition(arn))) continue;
      try {
        await ctx.calls.mutate(
          {
            service: 'ECS',
            operation: 'DeregisterTaskDefinition',
            summary: `deregister ${shortTaskDefinition(arn)} (keeping the newest ${keep})`,
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
