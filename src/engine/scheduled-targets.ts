/**
 * Moves EventBridge ECS targets to the new revision (of a service's family, or of a task-only family). The whole target object is copied and only
 * `EcsParameters.TaskDefinitionArn` changes: network configuration, launch type, overrides (Input), role,
 * retry policy, dead-letter queue... all survive (the old tools lost them: peer-tools.md, fabfuel #54/#116).
 */
import type { ScheduledTarget } from '../model/manifest.js';
import type { Plan } from '../plan/types.js';
import { shortTaskDefinition, taskDefinitionFamily } from '../util/arn.js';
import { errorMessage } from '../util/error-text.js';
import type { EngineContext } from './context.js';

type Target = NonNullable<Awaited<ReturnType<EngineContext['ports']['events']['listTargetsByRule']>>['Targets']>[number];

export async function listRuleTargets(ctx: EngineContext, rule: string, eventBus: string | undefined): Promise<Target[]> {
  const out: Target[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.ports.events.listTargetsByRule(
      { Rule: rule, ...(eventBus ? { EventBusName: eventBus } : {}), ...(token ? { NextToken: token } : {}) },
      { signal: ctx.hardSignal },
    );
    out.push(...(page.Targets ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

/**
 * Moves the scheduled targets of the services and task-only families the run covers to the revision each now
 * runs: the one registered in this run (a placeholder under --dry-run), else the live one (a task family's
 * targets left on another revision move to it too). Returns the problems (already emitted as errors); `inUse`
 * collects what cleanup must keep.
 */
export async function moveScheduledTargets(
  ctx: EngineContext,
  plan: Plan,
  covered: ReadonlySet<string>,
  inUse: Set<string>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const st of plan.scheduledTargets) {
    if (!covered.has(st.taskDefinitionOf)) continue;
    const registered = ctx.registered.get(st.taskDefinitionOf);
    const live =
      plan.services.find((s) => s.key === st.taskDefinitionOf)?.live?.taskDefinitionArn ??
      plan.tasks?.find((t) => t.key === st.taskDefinitionOf)?.live?.taskDefinitionArn;
    const arn = registered ? await registered : live;
    if (!arn) continue;
    const problem = await moveScheduledTarget(ctx, st, arn, inUse);
    if (problem) {
      problems.push(problem);
      ctx.emit({ type: 'log', level: 'error', message: problem });
    }
  }
  return problems;
}

/**
 * Moves the matching targets of one rule to `arn`. Returns the problem, if any. `inUse` collects every ECS
 * task definition the rule's targets reference afterwards (cleanup must keep them).
 */
async function moveScheduledTarget(ctx: EngineContext, st: ScheduledTarget, arn: string, inUse: Set<string>): Promise<string | undefined> {
  let targets: Target[];
  try {
    targets = await listRuleTargets(ctx, st.rule, st.eventBus);
  } catch (error) {
    return `could not read the targets of rule ${st.rule}: ${errorMessage(error)}`;
  }
  const family = taskDefinitionFamily(arn);
  const matching = targets.filter((t) =>
    st.targetId
      ? t.Id === st.targetId
      : t.EcsParameters?.TaskDefinitionArn !== undefined && taskDefinitionFamily(t.EcsParameters.TaskDefinitionArn) === family,
  );
  for (const t of targets) {
    if (t.EcsParameters?.TaskDefinitionArn && !matching.includes(t)) inUse.add(t.EcsParameters.TaskDefinitionArn);
  }
  if (matching.length === 0) {
    return st.targetId ? `rule ${st.rule} has no target ${st.targetId}` : `rule ${st.rule} has no ECS target of family ${family}`;
  }
  const moved: Target[] = [];
  for (const t of matching) {
    if (!t.EcsParameters) return `target ${t.Id} of rule ${st.rule} is not an ECS task target`;
    if (t.EcsParameters.TaskDefinitionArn === arn) continue;
    moved.push({ ...t, EcsParameters: { ...t.EcsParameters, TaskDefinitionArn: arn } });
  }
  for (const t of matching) inUse.add(moved.find((m) => m.Id === t.Id) ? arn : (t.EcsParameters?.TaskDefinitionArn ?? arn));
  if (moved.length === 0) return undefined;
  try {
    const out = await ctx.calls.mutate(
      {
        service: 'EventBridge',
        operation: 'PutTargets',
        summary: `move ${moved.map((t) => t.Id).join(', ')} of rule ${st.rule} to ${shortTaskDefinition(arn)}`,
      },
      (signal) =>
        ctx.ports.events.putTargets({ Rule: st.rule, ...(st.eventBus ? { EventBusName: st.eventBus } : {}), Targets: moved }, { signal }),
    );
    const failed = out?.FailedEntries ?? [];
    if ((out?.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
      return `PutTargets on rule ${st.rule} failed for ${failed.map((f) => `${f.TargetId}: ${f.ErrorCode} ${f.ErrorMessage}`).join('; ')}`;
    }
  } catch (error) {
    return `PutTargets on rule ${st.rule} failed: ${errorMessage(error)}`;
  }
  if (!ctx.calls.dryRun) {
    for (const t of moved) {
      const from = matching.find((m) => m.Id === t.Id)?.EcsParameters?.TaskDefinitionArn ?? '';
      ctx.emit({ type: 'scheduled-target.updated', rule: st.rule, targetId: t.Id ?? '', from, to: arn });
    }
  }
  return undefined;
}
