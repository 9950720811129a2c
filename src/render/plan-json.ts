/**
 * `ecsdeploy plan --format json`: the Plan value itself (it carries `format` and `version`), redacted, as pretty
 * JSON. The structure and its stability promise are documented in docs/plan-format.md.
 */
import type { Plan } from '../plan/types.js';
import { redactPlanForOutput } from './plan-redact.js';

export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(redactPlanForOutput(plan), null, 2)}\n`;
}
