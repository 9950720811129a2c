/**
 * The one place an event is made safe to show (house rule 9): every event passes through here as it is made,
 * so no sink or renderer ever holds a secret. The plan of `plan.computed` gets the plan core's redaction (the one
 * saved plans use); every string of every event is then masked where it holds a credential or a known secret.
 */
import type { EngineEvent } from '../events/types.js';
import { redactPlan } from '../plan/saved-plan.js';
import { redactStrings } from '../util/redact.js';

export function redactEvent<E extends EngineEvent>(event: E): E {
  const planSafe = event.type === 'plan.computed' ? { ...event, plan: redactPlan(event.plan) } : event;
  return redactStrings(planSafe);
}
