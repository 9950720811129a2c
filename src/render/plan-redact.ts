/**
 * Last line of defence before a plan is printed (house rule 9). buildPlan redacts `changes` and `diff`, but the
 * desired task definitions and one-off environments stay unredacted in the Plan because apply needs them. Every
 * renderer passes the plan through the plan core's own redaction (the one saved plans use: environment values,
 * and secret-looking log driver and FireLens options), so there is one rule for every output.
 */
export { redactPlan as redactPlanForOutput } from '../plan/saved-plan.js';
