/**
 * The plan of a task-only family (`tasks:`): the desired task definition (declared, or the family's newest ACTIVE
 * revision with the overrides applied) normalized and diffed against the revision its EventBridge targets run
 * (else the newest ACTIVE one), exactly as a service's is. Pure.
 */
import { PlanError } from '../errors/index.js';
import type { LiveTaskState } from '../model/live.js';
import type { OneOffTask, ResolvedTask } from '../model/manifest.js';
import { applyOverrides } from '../model/overrides.js';
import type { Json, JsonObject, TaskDefinitionInput } from '../model/task-definition.js';
import { shortTaskDefinition } from '../util/arn.js';
import { diffDocuments, unifiedDiff } from './diff.js';
import { isObject, toJsonObject } from './json.js';
import { isIgnoredTag, normalizeTaskDefinition, stripReadOnly } from './normalize.js';
import { markChangedSensitiveLines, redactChanges, redactPair, sensitiveNamesIn, sensitivityTest } from './sensitive.js';
import type { PlanAction, TaskPlan } from './types.js';

export function planTask(task: ResolvedTask, state: LiveTaskState, oneOffs: OneOffTask[]): TaskPlan {
  const desiredTd = desiredTaskDefinition(task, state);
  const liveTd = state.baseArn ? state.taskDefinition : undefined;
  const ignoreTags = task.ignoreTags;
  const normDesired = normalizeTaskDefinition(desiredTd, { ignoreTags });
  const normLive = liveTd ? normalizeTaskDefinition(liveTd, { ignoreTags }) : undefined;
  const test = sensitivityTest(task.sensitive);
  const tdChanges = diffDocuments(normLive, normDesired, 'taskDefinition');
  const [liveDoc, desiredDoc] = redactPair(normLive ? { taskDefinition: normLive } : undefined, { taskDefinition: normDesired }, test);
  const taskDefinitionChanged = tdChanges.length > 0;
  const live = state.baseArn ? { taskDefinitionArn: state.baseArn, from: state.baseFrom ?? 'latest-active' } : null;
  const plan: TaskPlan = {
    key: task.key,
    family: task.family,
    cluster: task.cluster,
    action: 'no-change',
    taskDefinitionChanged,
    desired: { taskDefinition: desiredTd, run: task.run },
    live,
    targets: state.targets.map((t) => ({ ...t })),
    changes: redactChanges(tdChanges, test),
    diff: markChangedSensitiveLines(unifiedDiff(liveDoc, desiredDoc)),
    blockedReasons: [],
    warnings: [...state.problems],
    sensitiveNames: sensitiveNamesIn(
      [desiredTd as unknown as Json, liveTd],
      oneOffs.filter((o) => o.taskDefinitionOf === task.key),
      task.sensitive,
    ),
    ...pinnedImagesOf(task, desiredTd),
  };
  plan.action = actionOf(plan);
  return plan;
}

function actionOf(plan: TaskPlan): PlanAction {
  if (plan.blockedReasons.length > 0) return 'blocked';
  if (!plan.live) return 'create';
  return plan.taskDefinitionChanged || targetsToMove(plan).length > 0 ? 'update' : 'no-change';
}

/**
 * The targets apply moves: all of them to a new revision; otherwise those that run another revision than the
 * one compared with (a target left behind by an earlier run, or moved by hand).
 */
export function targetsToMove(plan: Pick<TaskPlan, 'taskDefinitionChanged' | 'live' | 'targets'>): TaskPlan['targets'] {
  if (plan.taskDefinitionChanged || !plan.live) return plan.targets;
  const planned = shortTaskDefinition(plan.live.taskDefinitionArn);
  return plan.targets.filter((t) => shortTaskDefinition(t.taskDefinitionArn) !== planned);
}

/** The RegisterTaskDefinition input apply would register: declared, or the newest ACTIVE revision overridden. */
function desiredTaskDefinition(task: ResolvedTask, state: LiveTaskState): TaskDefinitionInput {
  if (task.taskDefinition.kind === 'declared') return task.taskDefinition.input;
  const name = `task "${task.key}" (family ${task.family})`;
  if (!state.latest) {
    throw new PlanError(
      'LIVE_TASK_DEFINITION_NOT_FOUND',
      `${name}: the family has no ACTIVE revision, so its task definition cannot be copied (fromLive)`,
      { hint: 'declare the task definition in the manifest (inline or as a JSON file) to register the first revision' },
    );
  }
  const copy = stripReadOnly(toJsonObject(state.latest));
  // Tags AWS reserves (`aws:`), ecsdeploy's own metadata and tags owned by other tools are never written.
  if (Array.isArray(copy.tags)) {
    const tags = copy.tags.filter((t) => !(isObject(t) && typeof t.key === 'string' && isIgnoredTag(t.key, task.ignoreTags)));
    if (tags.length > 0) copy.tags = tags;
    else delete copy.tags;
  }
  const base = copy as JsonObject as unknown as TaskDefinitionInput;
  const result = applyOverrides(base, task);
  if (result.unknownContainers.length > 0) {
    const known = base.containerDefinitions.map((c) => c.name).join(', ');
    const unknown = result.unknownContainers.map((c) => `"${c}"`).join(', ');
    throw new PlanError('UNKNOWN_CONTAINER', `${name}: no container ${unknown} in its live task definition (containers: ${known})`, {
      hint: 'fix the container name under images/environment/command for this task',
    });
  }
  return result.taskDefinition;
}

function pinnedImagesOf(task: ResolvedTask, td: TaskDefinitionInput): Pick<TaskPlan, 'pinnedImages'> {
  const used = (task.pinned ?? []).filter((p) => td.containerDefinitions.some((c) => c.image === p.pinned));
  return used.length > 0 ? { pinnedImages: used.map((p) => ({ ...p })) } : {};
}
