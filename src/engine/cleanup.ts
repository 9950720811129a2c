/**
 * Deregisters old revisions, keeping the newest `keep` of each family and NEVER one still in use: by any
 * deployment of a service in the manifest, by a one-off task of this run, or by a scheduled target.
 * Deregistered revisions stay describable (running tasks keep working); failures here are warnings.
 */
import { shortTaskDefinition, taskDefinitionFamily } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';

export async function listActiveRevisions(ctx: EngineContext, family: string): Promise<string[]> {
  const arns: string[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.ports.ecs.listTaskDefinitions(
      { familyPrefix: family, status: 'ACTIVE', sort: 'DESC', ...(token ? { nextToken: token } : {}) },
      { signal: ctx.hardSignal },
    );
    // familyPrefix is a prefix: `web` also lists `web-worker`.
    arns.push(...(page.taskDefinitionArns ?? []).filter((a) => taskDefinitionFamily(a) === family));
    token = page.nextToken;
  } while (token);
  return arns;
}

/** Returns warnings (already emitted). */
export async function cleanupRevisions(ctx: EngineContext, families: string[], keep: number, inUse: Set<string>): Promise<string[]> {
  const warnings: string[] = [];
  if (keep <= 0) return warnings;
  // References may be full ARNs or `family:revision` (EventBridge targets keep what was written, and RunTask
  // accepts both): compare by `family:revision`.
  const used = new Set([...inUse].map(shortTaskDefinition));
  for (const family of families) {
    let arns: string[];
    try {
      arns = await listActiveRevisions(ctx, family);
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
