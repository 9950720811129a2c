/** Words shared by the plan renderers: one-line service descriptions and the summary sentence. */
import { targetsToMove } from '../plan/task-plan.js';
import type { Plan, PlanAction, ServicePlan, TaskPlan } from '../plan/types.js';

export const ACTION_SYMBOL: Record<PlanAction, string> = {
  'no-change': '=',
  update: '~',
  create: '+',
  blocked: '!',
};

/** Top-level settings whose change needs a new service (`launchType`, ...), in change order, deduplicated. */
function replacementFields(s: ServicePlan): string[] {
  return [...new Set(s.changes.filter((c) => c.requiresReplacement).map((c) => topLevel(c.path)))];
}

/** Top-level service settings that change (`desiredCount`, `deploymentConfiguration`, ...). */
function changedSettings(s: ServicePlan): string[] {
  return [...new Set(s.changes.filter((c) => c.scope === 'service').map((c) => topLevel(c.path)))];
}

function topLevel(path: string): string {
  const m = /^[^.[]*/.exec(path);
  return m?.[0] || path;
}

/** What will happen to the service, in a few words (no name, no strategy). */
export function describeAction(s: ServicePlan): string {
  switch (s.action) {
    case 'no-change':
      return s.inFlight ? 'no change to the manifest, but a rollout is in flight' : 'no change';
    case 'create':
      return 'create';
    case 'blocked': {
      const fields = replacementFields(s);
      return fields.length > 0 ? `requires replacement: ${fields.join(', ')}` : 'blocked';
    }
    case 'update': {
      const parts: string[] = [];
      if (s.taskDefinitionChanged) parts.push('new task definition revision');
      if (s.serviceChanged) parts.push(`service settings (${changedSettings(s).join(', ')})`);
      return parts.join(', ');
    }
  }
}

/** What will happen to a task-only family, in a few words (no name). */
export function describeTaskAction(t: TaskPlan): string {
  const moving = targetsToMove(t);
  const targets = moving.length > 0 ? `move ${moving.map((m) => `${m.rule}/${m.targetId}`).join(', ')}` : '';
  switch (t.action) {
    case 'no-change':
      return 'no change';
    case 'blocked':
      return 'blocked';
    case 'create':
      return ['register the first revision', targets].filter(Boolean).join(', ');
    case 'update':
      return [t.taskDefinitionChanged ? 'new task definition revision' : '', targets].filter(Boolean).join(', ');
  }
}

export function summarySentence(plan: Plan): string {
  const { create, update, noChange, blocked, tasks } = plan.summary;
  if (!plan.hasChanges) return 'No changes. Live state matches the manifest.';
  const inFlight = plan.services.filter((s) => s.inFlight).length;
  const rollouts = inFlight > 0 ? ` ${inFlight} rollout${inFlight === 1 ? '' : 's'} in flight.` : '';
  const families = tasks
    ? `${tasks.create} to create, ${tasks.update} to update, ${tasks.noChange} unchanged${tasks.blocked > 0 ? `, ${tasks.blocked} blocked` : ''}.`
    : '';
  if (plan.services.length === 0 && tasks) return `Plan (task families): ${families}`;
  return `Plan: ${create} to create, ${update} to update, ${noChange} unchanged, ${blocked} blocked.${families ? ` Task families: ${families}` : ''}${rollouts}`;
}
