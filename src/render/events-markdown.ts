/**
 * The apply summary as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` and PR comments: a heading with the
 * outcome, one table row per service, failure detail folded in `<details>`, then one-off tasks, scheduled targets
 * moved and revisions deregistered. Text from AWS is escaped so it can neither break the table nor inject HTML.
 */
import type { ContainerLogs, EngineEvent } from '../events/types.js';
import { stepWords } from './events-lines.js';
import { revisionName, taskId } from './events-names.js';
import { describeContainerLogs, describeStoppedTask, isFailure, outcomeWords } from './outcome-words.js';
import { type ApplySummary, type ServiceState, summarizeEvents } from './summary-state.js';
import { describeStanding, revisionColumn } from './summary-text.js';
import { elapsedMs, formatClockTime, formatDuration } from './time-format.js';

/** Escapes text for a table cell or list item: no HTML, no column breaks, no line breaks. */
function escapeMarkdown(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

const EMOJI: Record<ServiceState, string> = {
  succeeded: '✅',
  unchanged: '➖',
  failed: '❌',
  'rolled-back': '↩️',
  'timed-out': '⏱️',
  interrupted: '⏹️',
  skipped: '⏭️',
  paused: '⏸️',
  pending: '⏳',
  running: '🔄',
};

const GATE_EMOJI: Record<'pass' | 'fail' | 'inconclusive', string> = { pass: '✅', fail: '❌', inconclusive: '❔' };

const LIFECYCLE_EMOJI: Record<string, string> = {
  Succeeded: '✅',
  Failed: '❌',
  InProgress: '⏳',
  Skipped: '⏭️',
  'rolled back': '↩️',
  'not verified back': '❌',
  'ready wait': '⏸️',
  'termination wait': '⏸️',
};

const CANARY_EMOJI: Record<string, string> = {
  pass: '✅',
  fail: '❌',
  pause: '⏸️',
  approval: '⏸️',
  paused: '⏸️',
  promoted: '🚀',
  aborted: '↩️',
};

function heading(summary: ApplySummary): string {
  const total = summary.durationMs ?? elapsedMs(summary.startedAt, summary.lastTime);
  const took = total === undefined ? '' : ` in ${formatDuration(total)}`;
  if (summary.outcome === undefined) return `## ⏹️ ecsdeploy apply did not finish${took}`;
  if (summary.dryRun) return `## 🧪 ecsdeploy dry run${took}: nothing changed`;
  switch (summary.outcome) {
    case 'succeeded':
      return `## ✅ ecsdeploy apply succeeded${took}`;
    case 'no-change':
      return '## ➖ ecsdeploy apply: no changes';
    case 'interrupted':
      return `## ⏹️ ecsdeploy apply interrupted${took}`;
    case 'paused':
      return `## ⏸️ ecsdeploy apply paused for approval${took}`;
    default:
      return `## ❌ ecsdeploy apply failed${took}`;
  }
}

function revisionCell(text: string): string {
  // `web:42 (attempted web:43)` → `web:42` (attempted `web:43`)
  return text
    .split(/( \(attempted |\)| → )/)
    .map((part) => (part === ' (attempted ' || part === ')' || part === ' → ' || part === '' ? part : code(part)))
    .join('');
}

/**
 * A container's log lines as an indented code block (no Markdown or HTML inside is interpreted; the fence is
 * longer than any run of backticks in the lines), or the one line saying why there are none.
 */
function logBlock(logs: ContainerLogs): string[] {
  const [head = '', ...lines] = describeContainerLogs(logs);
  if (lines.length === 0) return [`  - ${escapeMarkdown(head)}`];
  const body = lines.join('\n');
  const fence = '`'.repeat(Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return [`  - ${escapeMarkdown(head)}`, '', `    ${fence}text`, ...lines.map((l) => `    ${l}`), `    ${fence}`, ''];
}

export function renderApplySummaryMarkdown(events: readonly EngineEvent[]): string {
  const summary = summarizeEvents(events);
  const out: string[] = [heading(summary), ''];
  if (!summary.started) return `${out.join('\n')}No apply ran.\n`;
  const n = summary.services.length;
  out.push(`Run \`${summary.runId ?? '-'}\` · ${n} service${n === 1 ? '' : 's'}`, '');

  if (n > 0) {
    out.push('| service | outcome | task definition | duration | reason |', '| --- | --- | --- | --- | --- |');
    for (const s of summary.services) {
      const duration = s.durationMs ?? elapsedMs(s.startedAt, summary.lastTime);
      const shown = s.state !== 'pending' && s.state !== 'unchanged' && s.state !== 'skipped' && duration !== undefined;
      let reason = s.reason ?? '';
      if (!reason && (s.state === 'running' || s.state === 'interrupted')) reason = describeStanding(s);
      const cells = [
        `**${escapeMarkdown(s.key)}**`,
        `${EMOJI[s.state] ?? ''} ${outcomeWords(s.state)}`,
        revisionCell(revisionColumn(s)),
        shown ? formatDuration(duration) : '',
        escapeMarkdown(reason),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  const failed = summary.services.filter((s) => isFailure(s.state) || s.state === 'interrupted');
  if (failed.length > 0) {
    out.push(failed.some((s) => isFailure(s.state)) ? '### Failures' : '### Interrupted', '');
    for (const s of failed) {
      const title = `<b>${escapeMarkdown(s.key)}</b> ${outcomeWords(s.state)}${s.reason ? `: ${escapeMarkdown(s.reason)}` : ''}`;
      out.push('<details>', `<summary>${title}</summary>`, '');
      for (const t of s.stoppedTasks) {
        out.push(
          `- stopped task ${code(taskId(t.taskArn))} (${code(revisionName(t.taskDefinitionArn))}): ${escapeMarkdown(describeStoppedTask(t))}`,
        );
        if (t.logs) out.push(...logBlock(t.logs));
      }
      for (const g of s.gateProblems) out.push(`- ${escapeMarkdown(g)}`);
      const where = describeStanding(s);
      if (s.state === 'interrupted' && where) out.push(`- last seen: ${escapeMarkdown(where)}`);
      if (s.recentEvents.length > 0) {
        out.push('- last service events:');
        for (const m of s.recentEvents) out.push(`  - ${escapeMarkdown(m)}`);
      }
      out.push('', '</details>', '');
    }
  }

  if (summary.oneOffs.length > 0) {
    out.push('### One-off tasks', '', '| task | outcome | task definition | duration | reason |', '| --- | --- | --- | --- | --- |');
    for (const o of summary.oneOffs) {
      const reason = [o.reason, o.task && o.state === 'failed' ? describeStoppedTask(o.task) : undefined].filter(Boolean).join(' — ');
      const cells = [
        `**${escapeMarkdown(o.name)}**`,
        `${EMOJI[o.state]} ${outcomeWords(o.state)}`,
        code(revisionName(o.taskDefinitionArn)),
        o.durationMs === undefined ? '' : formatDuration(o.durationMs),
        escapeMarkdown(reason),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
    for (const o of summary.oneOffs) {
      if (o.state === 'failed' && o.task?.logs) out.push(`**${escapeMarkdown(o.name)}**:`, '', ...logBlock(o.task.logs), '');
    }
  }

  if (summary.canarySteps.length > 0) {
    out.push('### Canary steps', '', '| service | step | canary weight | verdict | detail |', '| --- | --- | --- | --- | --- |');
    for (const row of summary.canarySteps) {
      const cells = [
        `**${escapeMarkdown(row.service)}**`,
        escapeMarkdown(row.step),
        `${row.weight} %`,
        `${CANARY_EMOJI[row.verdict] ?? ''} ${escapeMarkdown(row.verdict)}`,
        escapeMarkdown(row.detail),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  if (summary.lifecycle.length > 0) {
    out.push(
      '### Blue-green lifecycle',
      '',
      '| service | deployment | lifecycle event | status | at | detail |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const row of summary.lifecycle) {
      const cells = [
        `**${escapeMarkdown(row.service)}**`,
        code(row.deploymentId),
        escapeMarkdown(row.event),
        `${LIFECYCLE_EMOJI[row.status] ?? ''} ${escapeMarkdown(row.status)}`.trim(),
        formatClockTime(row.at),
        escapeMarkdown(row.detail),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  if (summary.gateEvaluations.length > 0) {
    const n = summary.gateEvaluations.length;
    out.push('<details>', `<summary>Gate evaluations (${n})</summary>`, '');
    out.push('| service | gate | # | outcome | checks |', '| --- | --- | --- | --- | --- |');
    for (const g of summary.gateEvaluations) {
      const cells = [
        `**${escapeMarkdown(g.service)}**`,
        escapeMarkdown(g.where),
        g.evaluation === undefined ? '' : String(g.evaluation),
        `${GATE_EMOJI[g.outcome]} ${g.outcome}`,
        g.checks.map(escapeMarkdown).join('<br>'),
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('', '</details>', '');
  }

  if (summary.dryRun && summary.dryRunCalls.length > 0) {
    out.push('### Changes a real apply would make', '');
    for (const c of summary.dryRunCalls) out.push(`- ${code(`${c.service}.${c.operation}`)} ${escapeMarkdown(c.summary)}`);
    out.push('');
  }

  if (summary.scheduledTargets.length > 0) {
    out.push('### Scheduled targets moved', '');
    for (const t of summary.scheduledTargets) {
      out.push(`- ${code(`${t.rule}/${t.targetId}`)}: ${code(revisionName(t.from))} → ${code(revisionName(t.to))}`);
    }
    out.push('');
  }

  if (summary.deregistered.length > 0) {
    out.push('### Revisions deregistered', '');
    for (const arn of summary.deregistered) out.push(`- ${code(revisionName(arn))}`);
    out.push('');
  }

  if (summary.skippedSteps.length > 0) {
    out.push('### Not done', '');
    for (const k of summary.skippedSteps) out.push(`- ${escapeMarkdown(`${stepWords(k.step)} ${k.name}`)}: ${escapeMarkdown(k.reason)}`);
    out.push('');
  }

  if (summary.errors.length > 0) {
    out.push('### Errors', '');
    for (const e of summary.errors) out.push(`- ${escapeMarkdown(e)}`);
    out.push('');
  }

  if (summary.warnings.length > 0) {
    out.push('### Warnings', '');
    for (const w of summary.warnings) out.push(`- ${escapeMarkdown(w)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
