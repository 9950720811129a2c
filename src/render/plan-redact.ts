/**
 * Last line of defence before a plan is printed (house rule 9). buildPlan already redacts `changes` and `diff`;
 * the desired task definition and one-off task environments are kept unredacted in the Plan because apply needs
 * them, so every renderer passes the plan through here first. Uses only the Plan's own data (its
 * `sensitiveNames`) plus the name heuristic, so render needs nothing from plan/ but its types.
 */
import type { ContainerDefinition } from '../model/task-definition.js';
import type { Plan, ServicePlan } from '../plan/types.js';
import { isSensitive, REDACTED } from '../util/redact.js';

export function redactPlanForOutput(plan: Plan): Plan {
  const names = new Map(plan.services.map((s) => [s.key, s.sensitiveNames]));
  return {
    ...plan,
    services: plan.services.map((s) => redactService(s)),
    before: plan.before.map((t) => {
      if (!t.environment) return t;
      const marked = names.get(t.taskDefinitionOf) ?? [];
      const environment: Record<string, string> = {};
      for (const [k, v] of Object.entries(t.environment)) environment[k] = isSensitive(k, marked) ? REDACTED : v;
      return { ...t, environment };
    }),
  };
}

function redactService(s: ServicePlan): ServicePlan {
  const td = s.desired.taskDefinition;
  return {
    ...s,
    desired: {
      ...s.desired,
      taskDefinition: {
        ...td,
        containerDefinitions: td.containerDefinitions.map(
          (c): ContainerDefinition =>
            c.environment
              ? { ...c, environment: c.environment.map((e) => (isSensitive(e.name, s.sensitiveNames) ? { ...e, value: REDACTED } : e)) }
              : c,
        ),
      },
    },
  };
}
