/**
 * `ecsdeploy plan --format markdown`, for pull-request comments and step summaries: a heading, the summary, one
 * table row per service, and per changed service a collapsible `<details>` with a ```diff block. Everything that
 * comes from the manifest or AWS is escaped so it can neither break the table nor inject HTML.
 */
import type { Plan, ServicePlan, TaskPlan } from '../plan/types.js';
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

const MAX_CHANGES_IN_CELL = 4;

function escapeCell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** A fence longer than any run of backticks in the body, so a diff can never close it early. */
function fence(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function changesCell(s: Pick<ServicePlan | TaskPlan, 'action' | 'changes'>): string {
  if (s.action === 'no-change') return '';
  const how = { appspec: ' (AppSpec)', 'update-service': ' (UpdateService)', 'tag-resource': '' } as const;
  const paths = s.changes.map((c) => code(c.requiresReplacement ? `${c.path} (replacement)` : `${c.path}${c.via ? how[c.via] : ''}`));
  const shown = paths.slice(0, MAX_CHANGES_IN_CELL);
  const more = paths.length - shown.length;
  return escapeCell(shown.join(', ')) + (more > 0 ? ` and ${more} more` : '');
}

function serviceCell(s: ServicePlan): string {
  return s.key === s.service ? escapeCell(s.key) : `${escapeCell(s.key)} (${escapeCell(s.service)})`;
}

export function renderPlanMarkdown(input: Plan): string {
  const plan = redactPlanForOutput(input);
  const out: string[] = [];
  out.push(`### ecsdeploy plan${plan.manifest.environment ? `: ${escapeCell(plan.manifest.environment)}` : ''}`);
  out.push('');
  const where = [code(plan.manifest.file), plan.region ? `region ${code(plan.region)}` : undefined].filter(Boolean).join(' · ');
  out.push(`**${summarySentence(plan)}** ${where}`);
  out.push('');
  if (plan.services.length > 0 || !plan.tasks?.length) {
    out.push('| service | cluster | action | strategy | changes |');
    out.push('| --- | --- | --- | --- | --- |');
  }
  for (const s of plan.services) {
    const action = `${serviceSymbol(s)} ${escapeCell(describeAction(s))}`;
    out.push(`| ${serviceCell(s)} | ${escapeCell(s.cluster)} | ${action} | ${s.strategy.type} | ${changesCell(s)} |`);
  }
  if (plan.tasks?.length) {
    if (plan.services.length > 0) out.push('');
    out.push('| task | family | action | changes |', '| --- | --- | --- | --- |');
    for (const t of plan.tasks) {
      const action = `${taskSymbol(t)} ${escapeCell(describeTaskAction(t))}`;
      out.push(`| ${escapeCell(t.key)} | ${escapeCell(t.family)} | ${action} | ${changesCell(t)} |`);
    }
    const warned = plan.tasks.flatMap((t) => t.warnings.map((w) => `- ${escapeCell(t.key)}: ${escapeCell(w)}`));
    if (warned.length > 0) out.push('', '**Warnings** (apply cannot move these targets):', ...warned);
  }
  const inFlight = plan.services.filter((s) => s.inFlight);
  if (inFlight.length > 0) {
    out.push('', `**Rollouts in progress** (${escapeCell(IN_FLIGHT_NOTE)}):`);
    for (const s of inFlight) {
      const next = (s.inFlight?.next ?? []).map(code).join(', ');
      out.push(`- ${escapeCell(s.key)}: ${escapeCell(inFlightWords(s) ?? '')}${next ? `; next: ${next}` : ''}`);
    }
  }
  const pinned = [...plan.services, ...(plan.tasks ?? [])].flatMap((s) =>
    (s.pinnedImages ?? []).map((p) => `- ${escapeCell(s.key)}: ${code(p.pinned)}`),
  );
  if (pinned.length > 0) out.push('', '**Pinned images** (apply deploys exactly these):', ...pinned);
  if (plan.lookups?.length) out.push('', `**Lookups read:** ${plan.lookups.map((l) => code(`\${${l.lookup}}`)).join(', ')}`);
  const blocked = plan.services.filter((s) => s.blockedReasons.length > 0);
  if (blocked.length > 0) {
    out.push('', '**Blocked** (apply refuses until these are fixed):');
    for (const s of blocked) for (const r of s.blockedReasons) out.push(`- ${escapeCell(s.key)}: ${escapeCell(r)}`);
  }
  for (const t of plan.tasks ?? []) {
    if (!t.diff) continue;
    const f = fence(t.diff);
    out.push(
      '',
      `<details><summary>task ${escapeCell(t.key)} (family ${escapeCell(t.family)}): ${escapeCell(describeTaskAction(t))}</summary>`,
      '',
    );
    out.push(`${f}diff`, t.diff.replace(/\n$/, ''), f, '', '</details>');
  }
  for (const s of plan.services) {
    if (!s.diff) continue;
    const f = fence(s.diff);
    out.push('');
    out.push(
      `<details><summary>${escapeCell(s.key)} (${escapeCell(`${s.cluster}/${s.service}`)}): ${escapeCell(describeAction(s))}</summary>`,
    );
    out.push('');
    out.push(`${f}diff`);
    out.push(s.diff.replace(/\n$/, ''));
    out.push(f);
    out.push('');
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}
