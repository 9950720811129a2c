/** Words shared by the plan renderers: one-line service descriptions and the summary sentence. */
import { describeInFlight, inFlightHeadline } from '../plan/in-flight.js';
import type { Plan, PlanAction, ServicePlan } from '../plan/types.js';

const ACTION_SYMBOL: Record<PlanAction, string> = {
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

/** Shown instead of the action's symbol for a service with nothing to change but a rollout in flight. */
const IN_FLIGHT_SYMBOL = '>';

/** The symbol of a service's line: its action's, or the in-flight one when nothing else changes. */
export function serviceSymbol(s: ServicePlan): string {
  return s.action === 'no-change' && s.inFlight ? IN_FLIGHT_SYMBOL : ACTION_SYMBOL[s.action];
}

/**
 * `rollout in progress: ecs-svc/1 (IN_PROGRESS to web:42), started by ecsdeploy run R`; undefined when none. The
 * commands that move it on (`inFlight.next`) are the renderer's to list.
 */
export function inFlightWords(s: ServicePlan): string | undefined {
  if (!s.inFlight) return undefined;
  return `${inFlightHeadline(s.inFlight)}: ${describeInFlight(s.inFlight)}`;
}

/** What will happen to the service, in a few words (no name, no strategy). */
export function describeAction(s: ServicePlan): string {
  switch (s.action) {
    case 'no-change':
      // Never "no change" while ECS may still roll the live deployment back.
      return s.inFlight ? (s.inFlight.awaitingApproval ? 'rollout awaiting approval' : 'rollout in progress') : 'no change';
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

export function summarySentence(plan: Plan): string {
  const { create, update, blocked } = plan.summary;
  // Counted from the services: a plan saved before the summary counted them has no `inFlight`, and a service with
  // a rollout in flight is not "unchanged".
  const inFlight = plan.services.filter((s) => s.inFlight).length;
  if (!plan.hasChanges) return 'No changes. Live state matches the manifest.';
  const unchanged = plan.services.filter((s) => s.action === 'no-change' && !s.inFlight).length;
  const counts = `${create} to create, ${update} to update, ${unchanged} unchanged, ${blocked} blocked`;
  return inFlight > 0 ? `Plan: ${counts}, ${inFlight} with a rollout in progress.` : `Plan: ${counts}.`;
}

/** What apply does with services whose rollout is in flight, for the plan's readers. */
export const IN_FLIGHT_NOTE =
  'apply refuses these (SERVICE_BUSY) until the rollout is decided; `ecsdeploy apply --wait` follows it to its verdict first, ' +
  'unless it is a canary or waits for a person: the commands listed move those on';
