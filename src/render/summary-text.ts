/**
 * The final summary as text: one line per service (symbol, key, outcome, revision, duration, reason), failure
 * details (stopped tasks with exit codes, gate results, last service events), one-off tasks, then the headline.
 * tty and plain print it to stdout; Markdown reuses the revision column, the standing and the headline's rules.
 */
import { type Colors, createColors } from './ansi.js';
import { stepWords } from './events-lines.js';
import { revisionName, taskId } from './events-names.js';
import { describeStoppedTask, isFailure, outcomeSymbol, outcomeWords } from './outcome-words.js';
import type { ApplySummary, ServiceState, ServiceSummary } from './summary-state.js';
import { elapsedMs, formatDuration } from './time-format.js';

/** Where an unfinished service stands, e.g. `waiting, 1/2 running, 1 pending, rollout IN_PROGRESS`. */
export function describeStanding(s: ServiceSummary): string {
  const parts: string[] = [];
  if (s.phase) parts.push(s.phase);
  if (s.progress) {
    parts.push(`${s.progress.running}/${s.progress.desired} running`);
    if (s.progress.pending > 0) parts.push(`${s.progress.pending} pending`);
    if (s.progress.rolloutState) parts.push(`rollout ${s.progress.rolloutState}`);
  }
  return parts.join(', ');
}

function serviceDuration(s: ServiceSummary, lastTime: string | undefined): number | undefined {
  return s.durationMs ?? elapsedMs(s.startedAt, lastTime);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The revision shown for a service: what it runs now, plus what we tried when that differs (a rollback). */
export function revisionColumn(s: ServiceSummary): string {
  if (s.state === 'skipped' || s.state === 'pending') return revisionName(s.fromTaskDefinition ?? s.taskDefinitionArn);
  if ((s.state === 'running' || (s.state === 'interrupted' && !s.taskDefinitionArn)) && s.fromTaskDefinition && s.toTaskDefinition) {
    return `${revisionName(s.fromTaskDefinition)} → ${revisionName(s.toTaskDefinition)}`;
  }
  const now = s.taskDefinitionArn ?? (s.state === 'succeeded' || s.state === 'unchanged' ? s.toTaskDefinition : undefined);
  const attempted = s.toTaskDefinition;
  if (now && attempted && now !== attempted && (isFailure(s.state) || s.state === 'interrupted')) {
    return `${revisionName(now)} (attempted ${revisionName(attempted)})`;
  }
  return revisionName(now ?? attempted ?? s.fromTaskDefinition);
}

/** The headline verdict, e.g. `Apply FAILED: worker rolled back (ECS deployment circuit breaker: tasks failed to start.)`. */
export function headline(summary: ApplySummary): string {
  const total = summary.durationMs ?? elapsedMs(summary.startedAt, summary.lastTime);
  const took = total === undefined ? '' : ` in ${formatDuration(total)}`;
  const after = total === undefined ? '' : ` after ${formatDuration(total)}`;
  const failures = [
    ...summary.services
      .filter((s) => isFailure(s.state))
      .map((s) => `${s.key} ${outcomeWords(s.state)}${s.reason ? ` (${s.reason})` : ''}`),
    ...summary.oneOffs
      .filter((o) => o.state === 'failed')
      .map((o) => `one-off task ${o.name} failed${o.reason ? ` (${o.reason})` : o.task ? ` (${describeStoppedTask(o.task)})` : ''}`),
  ];
  if (failures.length === 0) failures.push(...summary.errors);
  const outcome = summary.outcome ?? 'interrupted';
  if (outcome === 'interrupted' || (summary.outcome === undefined && summary.started)) {
    const standing = summary.services.map((s) => {
      if (s.state === 'running' || s.state === 'interrupted') {
        // The engine's reason (e.g. "rolled back to web:41") is newer than the last poll's counts.
        const where = s.reason ?? describeStanding(s);
        return `${s.key} ${outcomeWords(s.state)}${where ? ` (${where})` : ''}`;
      }
      return `${s.key} ${outcomeWords(s.state)}`;
    });
    const verb = summary.outcome === undefined ? 'Apply did not finish' : 'Interrupted';
    return `${verb}${after}: ${standing.join('; ') || 'no service started'}`;
  }
  if (summary.dryRun) {
    const n = summary.dryRunCalls.length;
    return `Dry run complete${took}: nothing changed; apply would make ${n} change${n === 1 ? '' : 's'}`;
  }
  if (outcome === 'failed') return `Apply FAILED${after}: ${failures.join('; ') || 'see the errors above'}`;
  if (outcome === 'no-change') return 'No changes: every service is up to date';
  if (outcome === 'paused') {
    const paused = summary.services.filter((s) => s.state === 'paused').map((s) => s.key);
    return `Apply PAUSED${took}: ${paused.join(', ')} awaiting approval (ecsdeploy promote to go on, ecsdeploy abort to roll back)`;
  }
  return `Apply succeeded${took}`;
}

/**
 * The final summary text: one line per service (symbol, key, outcome, revision, duration, reason), failure
 * details (stopped tasks with exit codes, gate results, last service events), one-off tasks, then the headline.
 */
export function renderSummaryText(summary: ApplySummary, options: { color: boolean }): string {
  if (!summary.started) return '';
  const c = createColors(options.color);
  const lines: string[] = [];
  // One-off tasks run before the services they gate, so they come first.
  for (const o of summary.oneOffs) {
    const state: ServiceState = o.state;
    const took = o.durationMs === undefined ? '' : `  ${formatDuration(o.durationMs)}`;
    const why = o.state === 'failed' ? `  ${c.red(o.reason ?? (o.task ? describeStoppedTask(o.task) : 'failed'))}` : '';
    lines.push(
      `${outcomeSymbol(state, c)} one-off ${c.bold(o.name)}  ${outcomeWords(state)}  ${revisionName(o.taskDefinitionArn)}${took}${why}`,
    );
    if (o.state === 'failed' && o.task && o.reason) lines.push(`    task ${taskId(o.task.taskArn)}: ${describeStoppedTask(o.task)}`);
  }
  // Columns are padded on the uncoloured text, then coloured, so alignment survives colour codes.
  const rows = summary.services.map((s) => {
    const duration = serviceDuration(s, summary.lastTime);
    const shown = !(s.state === 'pending' || s.state === 'unchanged' || s.state === 'skipped');
    const reason = s.reason && (isFailure(s.state) || ['interrupted', 'skipped', 'paused'].includes(s.state)) ? s.reason : '';
    return {
      s,
      cells: [s.key, outcomeWords(s.state), revisionColumn(s), shown && duration !== undefined ? formatDuration(duration) : ''],
      reason,
    };
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(0, ...rows.map((r) => (r.cells[i] as string).length)));
  for (const { s, cells, reason } of rows) {
    const padded = cells.map((cell, i) => pad(cell, widths[i] as number));
    const [key, word, revision, took] = padded as [string, string, string, string];
    const calm = s.state === 'interrupted' || s.state === 'paused';
    const colouredWord = isFailure(s.state) ? c.red(word) : calm ? c.yellow(word) : word;
    const colouredReason = calm ? c.yellow(reason) : c.red(reason);
    const row = `${outcomeSymbol(s.state, c)} ${c.bold(key)}  ${colouredWord}  ${revision}  ${c.dim(took)}${reason ? `  ${colouredReason}` : ''}`;
    lines.push(row.trimEnd());
    if (isFailure(s.state) || s.state === 'interrupted') lines.push(...failureDetails(s, c));
  }
  if (summary.scheduledTargets.length > 0) {
    const n = summary.scheduledTargets.length;
    lines.push(`${c.dim('·')} ${n} scheduled target${n === 1 ? '' : 's'} moved to the new revision`);
  }
  if (summary.deregistered.length > 0) {
    lines.push(`${c.dim('·')} deregistered ${summary.deregistered.map(revisionName).join(', ')}`);
  }
  for (const e of summary.errors) lines.push(`${c.red('✖')} ${c.red(e)}`);
  // Promised by the plan, not done: said as plainly as what was done.
  for (const k of summary.skippedSteps) lines.push(`${c.yellow('-')} not done: ${stepWords(k.step)} ${k.name}: ${k.reason}`);
  const head = headline(summary);
  const failed = summary.outcome === 'failed';
  const interrupted = summary.outcome === 'interrupted' || summary.outcome === undefined;
  lines.push(failed ? c.red(c.bold(head)) : interrupted ? c.yellow(c.bold(head)) : c.green(c.bold(head)));
  return `${lines.join('\n')}\n`;
}

function failureDetails(s: ServiceSummary, c: Colors): string[] {
  const out: string[] = [];
  for (const t of s.stoppedTasks) {
    out.push(`    stopped task ${taskId(t.taskArn)} (${revisionName(t.taskDefinitionArn)}): ${describeStoppedTask(t)}`);
  }
  for (const g of s.gateProblems) out.push(`    ${g}`);
  if (s.state === 'interrupted') {
    const where = describeStanding(s);
    if (where) out.push(`    last seen: ${where}`);
  }
  if (s.stoppedTasks.length === 0) {
    for (const m of s.recentEvents) out.push(c.dim(`    event: ${m}`));
  }
  return out;
}
