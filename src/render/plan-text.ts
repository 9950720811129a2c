/**
 * `ecsdeploy plan` for people: per service a symbol and one line, the unified diff of exactly what changes
 * (coloured on a terminal), the reasons a service is blocked, and a summary line last.
 *
 *   ~ web (shop/web) new task definition revision · strategy rolling
 *       --- live
 *       +++ desired
 *       @@ -12,7 +12,7 @@ taskDefinition.containerDefinitions[web]
 *       ...
 *   = api (shop/api) no change
 *   > jobs (shop/jobs) rollout in progress
 *       rollout in progress: ecs-svc/1 (IN_PROGRESS to jobs:8), started by ecsdeploy run 20260101T120000Z-3f9a1c
 *
 *   Plan: 0 to create, 1 to update, 1 unchanged, 0 blocked, 1 with a rollout in progress.
 */
import { CHANGE_PATH_WORDS } from '../plan/codedeploy-paths.js';
import type { FieldChange, Plan, PlanAction, ServicePlan, TaskPlan } from '../plan/types.js';
import { type Colors, createColors } from './ansi.js';
import { formatUnifiedDiff } from './diff-format.js';
import {
  describeAction,
  describeTaskAction,
  IN_FLIGHT_NOTE,
  inFlightWords,
  serviceSymbol,
  summarySentence,
  taskSymbol,
} from './plan-words.js';
import { redactPlanForOutput } from './plan-redact.js';
import { shortTaskDefinition } from '../util/arn.js';

const DETAIL_INDENT = '      ';

export function renderPlanText(input: Plan, options: { color: boolean }): string {
  const plan = redactPlanForOutput(input);
  const c = createColors(options.color);
  const out: string[] = [];
  out.push(c.bold(header(plan)));
  out.push('');
  for (const s of plan.services) out.push(...serviceBlock(s, c, options.color));
  for (const t of plan.tasks ?? []) out.push(...taskBlock(t, c, options.color));
  if (out.at(-1) !== '') out.push('');
  const extras = extrasBlock(plan);
  if (extras.length > 0) out.push(...extras, '');
  if (plan.services.some((s) => s.inFlight)) out.push(c.yellow(`  Rollouts in progress: ${IN_FLIGHT_NOTE}.`), '');
  out.push(c.bold(summarySentence(plan)));
  return `${out.join('\n')}\n`;
}

function header(plan: Plan): string {
  const where = [
    plan.manifest.environment ? `environment ${plan.manifest.environment}` : undefined,
    plan.region ? `region ${plan.region}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `ecsdeploy plan for ${plan.manifest.file}${where ? ` (${where})` : ''}`;
}

function symbol(sp: ServicePlan, c: Colors): string {
  const s = serviceSymbol(sp);
  if (sp.inFlight && sp.action === 'no-change') return c.yellow(s);
  return colored(sp.action, s, c);
}

function colored(action: PlanAction, s: string, c: Colors): string {
  switch (action) {
    case 'create':
      return c.green(s);
    case 'update':
      return c.yellow(s);
    case 'blocked':
      return c.red(s);
    default:
      return c.dim(s);
  }
}

function serviceBlock(s: ServicePlan, c: Colors, color: boolean): string[] {
  const strategy = s.action === 'no-change' ? '' : ` · strategy ${s.strategy.type}`;
  const lines = [`  ${symbol(s, c)} ${c.bold(s.key)} (${s.cluster}/${s.service}) ${describeAction(s)}${strategy}`];
  const inFlight = inFlightWords(s);
  if (inFlight) lines.push(`${DETAIL_INDENT}${c.yellow(inFlight)}`);
  for (const command of s.inFlight?.next ?? []) lines.push(`${DETAIL_INDENT}  next: ${command}`);
  if (s.diff) lines.push(formatUnifiedDiff(s.diff, { color, indent: DETAIL_INDENT }).replace(/\n$/, ''));
  lines.push(...pathLines(s.changes).map((l) => `${DETAIL_INDENT}${c.dim(l)}`));
  // The exact reference apply registers, so a reviewer sees which image a tag stood for.
  for (const p of s.pinnedImages ?? []) lines.push(`${DETAIL_INDENT}${c.dim('pinned:')} ${p.pinned}`);
  for (const reason of s.blockedReasons) lines.push(`${DETAIL_INDENT}${c.red('blocked:')} ${reason}`);
  // a blank line after details keeps the next service's line from reading as part of this diff
  if (lines.length > 1) lines.push('');
  return lines;
}

function taskBlock(t: TaskPlan, c: Colors, color: boolean): string[] {
  const compared = t.live
    ? ` · compared with ${shortTaskDefinition(t.live.taskDefinitionArn)} (${t.live.from === 'scheduled-target' ? 'what its targets run' : 'newest ACTIVE'})`
    : '';
  const lines = [
    `  ${colored(t.action, taskSymbol(t), c)} ${c.bold(`task ${t.key}`)} (family ${t.family}) ${describeTaskAction(t)}${t.action === 'no-change' ? '' : compared}`,
  ];
  if (t.diff) lines.push(formatUnifiedDiff(t.diff, { color, indent: DETAIL_INDENT }).replace(/\n$/, ''));
  for (const p of t.pinnedImages ?? []) lines.push(`${DETAIL_INDENT}${c.dim('pinned:')} ${p.pinned}`);
  for (const reason of t.blockedReasons) lines.push(`${DETAIL_INDENT}${c.red('blocked:')} ${reason}`);
  for (const warning of t.warnings) lines.push(`${DETAIL_INDENT}${c.yellow('warning:')} ${warning}`);
  if (lines.length > 1) lines.push('');
  return lines;
}

/** CODE_DEPLOY services: which path each change takes (`via UpdateService (no deployment): desiredCount`). */
function pathLines(changes: FieldChange[]): string[] {
  const byPath = new Map<NonNullable<FieldChange['via']>, Set<string>>();
  for (const ch of changes) {
    if (!ch.via) continue;
    const key = ch.scope === 'taskDefinition' ? 'taskDefinition' : (/^[^.[]*/.exec(ch.path)?.[0] ?? ch.path);
    byPath.set(ch.via, (byPath.get(ch.via) ?? new Set()).add(key));
  }
  return [...byPath].map(([via, keys]) => `via ${CHANGE_PATH_WORDS[via]}: ${[...keys].join(', ')}`);
}

function extrasBlock(plan: Plan): string[] {
  const lines: string[] = [];
  // Never values: which lookups the plan read (a saved plan keeps their fingerprints).
  if (plan.lookups?.length) lines.push(`  lookups read: ${plan.lookups.map((l) => `\${${l.lookup}}`).join(', ')}`);
  if (!plan.hasChanges) return lines;
  for (const t of plan.before) lines.push(`  before the services: run ${t.name} (task definition of ${t.taskDefinitionOf})`);
  for (const t of plan.scheduledTargets)
    lines.push(`  after the services: point EventBridge rule ${t.rule} at the task definition of ${t.taskDefinitionOf}`);
  return lines;
}
