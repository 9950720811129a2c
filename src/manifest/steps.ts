/**
 * What runs around the services: one-off tasks (`before:`) and the EventBridge targets moved afterwards
 * (`after.scheduledTargets`). Each names a service or a task-only family by its key (`taskDefinitionOf`); a
 * one-off task of a task-only family needs what running it needs (a cluster, and a network configuration for an
 * awsvpc definition), since there is no live service to take them from.
 */
import type { ManifestIssue } from '../errors/index.js';
import type { OneOffTask, ResolvedService, ResolvedTask, ScheduledTarget } from '../model/manifest.js';
import { parseDuration } from '../util/duration.js';
import { DEFAULT_TIMEOUT_MS, stringMap } from './common.js';
import type { ResolveContext } from './definition.js';
import { didYouMean } from './did-you-mean.js';
import { learnSecrets } from './secrets.js';
import { runTaskOverridesChars, runTaskOverridesMessage } from './service-limits.js';
import type { Path } from './source.js';
import type { WrittenTop } from './written.js';

/** Where a top-level value was written (the environment's overlay, else the top level), as an issue. */
export type TopIssue = (path: Path, message: string) => ManifestIssue;

interface Owners {
  services: ResolvedService[];
  tasks: ResolvedTask[];
}

/** Checks that `ref` names a service or a task; says what it could have meant otherwise. */
function checkRef(owners: Owners, path: Path, ref: string, issues: ManifestIssue[], atTop: TopIssue): boolean {
  const services = owners.services.map((s) => s.key);
  const tasks = owners.tasks.map((t) => t.key);
  if (services.includes(ref) || tasks.includes(ref)) return true;
  const known = [...services, ...tasks];
  const what = tasks.length > 0 ? 'service or task' : 'service';
  const listed = `services: ${services.join(', ') || 'none'}${tasks.length > 0 ? `; tasks: ${tasks.join(', ')}` : ''}`;
  issues.push(atTop(path, `unknown ${what} \`${ref}\`${didYouMean(ref, known)} (${listed})`));
  return false;
}

/** What running a task-only family as a one-off task needs that the manifest must give. */
function runIssues(task: ResolvedTask, path: Path, atTop: TopIssue): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  if (task.cluster === undefined) {
    issues.push(atTop(path, `task \`${task.key}\` has no cluster to run in: set \`cluster\` on it or under defaults:`));
  }
  const td = task.taskDefinition.kind === 'declared' ? task.taskDefinition.input : undefined;
  if (td?.networkMode === 'awsvpc' && task.run.networkConfiguration === undefined) {
    issues.push(
      atTop(
        path,
        `task \`${task.key}\` uses awsvpc networking and has no networkConfiguration: RunTask needs one (set it on the task or under defaults:)`,
      ),
    );
  }
  return issues;
}

export function resolveBefore(top: WrittenTop, owners: Owners, ctx: ResolveContext, atTop: TopIssue): OneOffTask[] {
  return (top.before ?? []).map((t, i) => {
    const refPath: Path = ['before', i, 'taskDefinitionOf'];
    if (checkRef(owners, refPath, t.taskDefinitionOf, ctx.issues, atTop) && t.container !== undefined) {
      const cs = ctx.containersOf.get(t.taskDefinitionOf);
      if (cs && !cs.includes(t.container)) {
        const message = `no container \`${t.container}\` in the task definition of ${t.taskDefinitionOf} (containers: ${cs.join(', ')})`;
        ctx.issues.push(atTop(['before', i, 'container'], message));
      }
    }
    const task = owners.tasks.find((x) => x.key === t.taskDefinitionOf);
    if (task) ctx.issues.push(...runIssues(task, refPath, atTop));
    const timeoutMs = t.timeout === undefined ? DEFAULT_TIMEOUT_MS : (parseDuration(t.timeout) ?? DEFAULT_TIMEOUT_MS);
    if (timeoutMs === 0) ctx.issues.push(atTop(['before', i, 'timeout'], 'a task timeout must be longer than 0'));
    const environment = t.environment === undefined ? undefined : stringMap(t.environment);
    const tooLarge = runTaskOverridesMessage(
      runTaskOverridesChars({ ...t, environment }, ctx.containersOf.get(t.taskDefinitionOf)?.[0] ?? ''),
    );
    if (tooLarge) ctx.issues.push(atTop(['before', i], tooLarge));
    // A one-off task's variables are redacted by its owner's sensitive names: mark those holding a secret there.
    const owner = owners.services.find((s) => s.key === t.taskDefinitionOf) ?? task;
    for (const name of learnSecrets(Object.entries(environment ?? {}), owner?.sensitive ?? [])) {
      if (owner && !owner.sensitive.includes(name)) owner.sensitive.push(name);
    }
    return {
      name: t.name,
      taskDefinitionOf: t.taskDefinitionOf,
      ...(t.command !== undefined && { command: [...t.command] }),
      ...(t.container !== undefined && { container: t.container }),
      ...(environment !== undefined && { environment }),
      timeoutMs,
    };
  });
}

export function resolveScheduledTargets(top: WrittenTop, owners: Owners, ctx: ResolveContext, atTop: TopIssue): ScheduledTarget[] {
  return (top.after?.scheduledTargets ?? []).map((t, i) => {
    checkRef(owners, ['after', 'scheduledTargets', i, 'taskDefinitionOf'], t.taskDefinitionOf, ctx.issues, atTop);
    return {
      rule: t.rule,
      ...(t.eventBus !== undefined && { eventBus: t.eventBus }),
      ...(t.targetId !== undefined && { targetId: t.targetId }),
      taskDefinitionOf: t.taskDefinitionOf,
    };
  });
}
