/**
 * What an apply did, folded from its events: the state the tty view draws, and the final summary that tty and plain
 * print to stdout (a result, house rule 8) and the Markdown step summary reuses. Built incrementally (`add`) so the
 * live renderers can keep one and ask it for the current picture at any time.
 */
import type { EngineEvent, ServiceOutcome, StoppedTaskInfo } from '../events/types.js';
import { type Colors, createColors } from './ansi.js';
import { revisionName, taskId } from './events-names.js';
import { elapsedMs, formatDuration } from './time-format.js';

/** `pending`: named by apply.started but not started yet; `running`: started, not finished. */
export type ServiceState = ServiceOutcome | 'pending' | 'running';

export interface ServiceSummary {
  key: string;
  state: ServiceState;
  strategy: string | undefined;
  fromTaskDefinition: string | undefined;
  toTaskDefinition: string | undefined;
  /** What the service runs at the end (after a rollback: the previous revision). */
  taskDefinitionArn: string | undefined;
  startedAt: string | undefined;
  durationMs: number | undefined;
  reason: string | undefined;
  phase: string | undefined;
  phaseDetail: string | undefined;
  progress: { running: number; pending: number; desired: number; rolloutState: string | undefined } | undefined;
  stoppedTasks: StoppedTaskInfo[];
  /** The last few ECS service events, oldest first (context for failures and interruptions). */
  recentEvents: string[];
  /** Gate evaluations that did not pass, as `step 2: fail (p99 latency 812 > 500)`. */
  gateProblems: string[];
}

export interface OneOffSummary {
  name: string;
  taskArn: string | undefined;
  taskDefinitionArn: string | undefined;
  state: 'running' | 'succeeded' | 'failed';
  reason: string | undefined;
  task: StoppedTaskInfo | undefined;
  durationMs: number | undefined;
  startedAt: string | undefined;
}

export interface ApplySummary {
  started: boolean;
  runId: string | undefined;
  dryRun: boolean;
  startedAt: string | undefined;
  /** Time of the latest event seen: "now" for elapsed times (never the wall clock). */
  lastTime: string | undefined;
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'no-change' | undefined;
  durationMs: number | undefined;
  services: ServiceSummary[];
  oneOffs: OneOffSummary[];
  registered: { service: string; taskDefinitionArn: string }[];
  scheduledTargets: { rule: string; targetId: string; from: string; to: string }[];
  deregistered: string[];
  /** Mutating calls announced under --dry-run. */
  dryRunCalls: { service: string; operation: string; summary: string }[];
  notifications: { topicArn: string; subject: string }[];
  warnings: string[];
  /** Error-level log messages (problems that are not one service's failure, e.g. a scheduled target not moved). */
  errors: string[];
  /** Every gate evaluation, in order (the Markdown summary tabulates them). */
  gateEvaluations: GateEvaluationRow[];
}

export interface GateEvaluationRow {
  service: string;
  /** `gate step 2`, `test-traffic gate`. */
  where: string;
  evaluation: number | undefined;
  outcome: 'pass' | 'fail' | 'inconclusive';
  /** Each check in words (formatGateCheck). */
  checks: string[];
}

const RECENT_EVENTS = 3;

export class SummaryBuilder {
  private readonly state: ApplySummary = {
    started: false,
    runId: undefined,
    dryRun: false,
    startedAt: undefined,
    lastTime: undefined,
    outcome: undefined,
    durationMs: undefined,
    services: [],
    oneOffs: [],
    registered: [],
    scheduledTargets: [],
    deregistered: [],
    dryRunCalls: [],
    notifications: [],
    warnings: [],
    errors: [],
    gateEvaluations: [],
  };

  service(key: string): ServiceSummary {
    let s = this.state.services.find((x) => x.key === key);
    if (!s) {
      s = {
        key,
        state: 'pending',
        strategy: undefined,
        fromTaskDefinition: undefined,
        toTaskDefinition: undefined,
        taskDefinitionArn: undefined,
        startedAt: undefined,
        durationMs: undefined,
        reason: undefined,
        phase: undefined,
        phaseDetail: undefined,
        progress: undefined,
        stoppedTasks: [],
        recentEvents: [],
        gateProblems: [],
      };
      this.state.services.push(s);
    }
    return s;
  }

  private oneOff(name: string, taskArn: string | undefined): OneOffSummary {
    // The same name may run twice (retries); the latest unfinished one with that name is the one being reported.
    let o = [...this.state.oneOffs].reverse().find((x) => x.name === name && (x.state === 'running' || x.taskArn === taskArn));
    if (!o) {
      o = {
        name,
        taskArn,
        taskDefinitionArn: undefined,
        state: 'running',
        reason: undefined,
        task: undefined,
        durationMs: undefined,
        startedAt: undefined,
      };
      this.state.oneOffs.push(o);
    }
    return o;
  }

  add(event: EngineEvent): void {
    const st = this.state;
    if (st.lastTime === undefined || event.time > st.lastTime) st.lastTime = event.time;
    switch (event.type) {
      case 'apply.started':
        st.started = true;
        st.runId = event.runId;
        st.dryRun = event.dryRun;
        st.startedAt = event.time;
        for (const key of event.services) this.service(key);
        break;
      case 'apply.finished':
        st.started = true;
        st.outcome = event.outcome;
        st.durationMs = event.durationMs;
        // The engine's own verdict per service is authoritative; fill what the stream did not say.
        for (const r of event.services) {
          const s = this.service(r.key);
          s.state = r.outcome;
          if (r.taskDefinitionArn) s.taskDefinitionArn = r.taskDefinitionArn;
          if (r.reason) s.reason = r.reason;
        }
        break;
      case 'aws.call':
        if (event.dryRun && event.mutating)
          st.dryRunCalls.push({ service: event.service, operation: event.operation, summary: event.summary });
        break;
      case 'oneoff.started': {
        const o = this.oneOff(event.name, event.taskArn);
        o.taskArn = event.taskArn;
        o.taskDefinitionArn = event.taskDefinitionArn;
        o.startedAt = event.time;
        break;
      }
      case 'oneoff.finished': {
        const o = this.oneOff(event.name, event.taskArn);
        o.state = event.outcome;
        o.taskArn = event.taskArn ?? o.taskArn;
        o.reason = event.reason;
        o.task = event.task;
        o.durationMs = elapsedMs(o.startedAt, event.time);
        break;
      }
      case 'taskdef.registered':
        st.registered.push({ service: event.service, taskDefinitionArn: event.taskDefinitionArn });
        this.service(event.service).toTaskDefinition ??= event.taskDefinitionArn;
        break;
      case 'service.started': {
        const s = this.service(event.service);
        s.state = 'running';
        s.strategy = event.strategy;
        s.fromTaskDefinition = event.fromTaskDefinition;
        s.toTaskDefinition = event.toTaskDefinition;
        s.startedAt = event.time;
        break;
      }
      case 'service.phase': {
        const s = this.service(event.service);
        s.phase = event.phase;
        s.phaseDetail = event.detail;
        break;
      }
      case 'service.progress':
        this.service(event.service).progress = {
          running: event.running,
          pending: event.pending,
          desired: event.desired,
          rolloutState: event.rolloutState,
        };
        break;
      case 'service.event': {
        const s = this.service(event.service);
        s.recentEvents.push(event.message);
        if (s.recentEvents.length > RECENT_EVENTS) s.recentEvents.shift();
        break;
      }
      case 'service.finished': {
        const s = this.service(event.service);
        s.state = event.outcome;
        s.durationMs = event.durationMs;
        s.taskDefinitionArn = event.taskDefinitionArn ?? s.taskDefinitionArn;
        s.reason = event.reason ?? s.reason;
        if (event.stoppedTasks) s.stoppedTasks = event.stoppedTasks;
        break;
      }
      case 'gate.evaluated':
        if (event.outcome !== 'pass') this.service(event.service).gateProblems.push(formatGate(event));
        st.gateEvaluations.push({
          service: event.service,
          where: gateWhere({
            ...(event.gate !== undefined && { gate: event.gate }),
            ...(event.step !== undefined && { step: event.step }),
          }),
          evaluation: event.evaluation,
          outcome: event.outcome,
          checks: event.checks.map(formatGateCheck),
        });
        break;
      case 'gate.finished':
        if (event.verdict !== 'pass') this.service(event.service).gateProblems.push(formatGateFinished(event));
        break;
      case 'scheduled-target.updated':
        st.scheduledTargets.push({ rule: event.rule, targetId: event.targetId, from: event.from, to: event.to });
        break;
      case 'revision.deregistered':
        st.deregistered.push(event.taskDefinitionArn);
        break;
      case 'notification.sent':
        st.notifications.push({ topicArn: event.topicArn, subject: event.subject });
        break;
      case 'log':
        if (event.level === 'warn') st.warnings.push(event.message);
        if (event.level === 'error') st.errors.push(event.message);
        break;
      default:
        // Types added later carry nothing the summary needs.
        break;
    }
  }

  summary(): ApplySummary {
    return this.state;
  }
}

export function summarizeEvents(events: readonly EngineEvent[]): ApplySummary {
  const builder = new SummaryBuilder();
  for (const e of events) builder.add(e);
  return builder.summary();
}

type GateEvaluated = Extract<EngineEvent, { type: 'gate.evaluated' }>;
type GateFinished = Extract<EngineEvent, { type: 'gate.finished' }>;

/** `gate step 2 #3`, `test-traffic gate #1`: which hold (and which of its evaluations) a line is about. */
function gateWhere(event: { gate?: string; step?: number; evaluation?: number }): string {
  const name = event.gate === 'test-traffic' ? 'test-traffic gate' : 'gate';
  const step = event.step === undefined ? '' : ` step ${event.step}`;
  const n = event.evaluation === undefined ? '' : ` #${event.evaluation}`;
  return `${name}${step}${n}`;
}

/** `alarm web-5xx fail (ALARM since 10:02:00)`, `error-rate pass (0.4 ≤ max 5)`: one check's evidence in words. */
export function formatGateCheck(c: GateEvaluated['checks'][number]): string {
  const label = c.kind === 'alarm' ? `alarm ${c.name}` : c.kind === 'task' ? `task ${c.name}` : c.name;
  const why = c.detail ? ` (${c.detail})` : c.value === undefined ? '' : ` ${c.value}`;
  return `${label} ${c.outcome}${why}`;
}

/** `gate step 2 #3: fail — alarm web-5xx fail (ALARM); error-rate pass (0.4 ≤ max 5)` */
export function formatGate(event: GateEvaluated): string {
  const checks = event.checks.map(formatGateCheck).join('; ');
  return `${gateWhere(event)}: ${event.outcome}${checks ? ` — ${checks}` : ''}`;
}

const VERDICT_WORDS: Record<GateFinished['verdict'], string> = { pass: 'passed', fail: 'FAILED', pause: 'paused for approval' };

/** `gate step 2: FAILED after 3 evaluations: 2 failed evaluations, more than failureLimit 1 (...)` */
export function formatGateFinished(event: GateFinished): string {
  const n = event.evaluations;
  return `${gateWhere(event)}: ${VERDICT_WORDS[event.verdict] ?? event.verdict} after ${n} evaluation${n === 1 ? '' : 's'}: ${event.reason}`;
}

const OUTCOME_WORDS: Record<ServiceState, string> = {
  succeeded: 'succeeded',
  unchanged: 'unchanged',
  failed: 'failed',
  'rolled-back': 'rolled back',
  'timed-out': 'timed out',
  interrupted: 'interrupted',
  skipped: 'skipped',
  pending: 'not started',
  running: 'in progress',
};

export function outcomeWords(state: ServiceState): string {
  return OUTCOME_WORDS[state] ?? state;
}

export function isFailure(state: ServiceState): boolean {
  return state === 'failed' || state === 'rolled-back' || state === 'timed-out';
}

/** One symbol per state, coloured when colour is on. Plain UTF-8: CI logs (GitHub, GitLab, Buildkite) show it. */
export function outcomeSymbol(state: ServiceState, c: Colors): string {
  switch (state) {
    case 'succeeded':
      return c.green('✔');
    case 'unchanged':
      return c.dim('=');
    case 'failed':
    case 'timed-out':
      return c.red('✖');
    case 'rolled-back':
      return c.red('↺');
    case 'interrupted':
      return c.yellow('■');
    case 'skipped':
      return c.dim('-');
    case 'running':
      return c.cyan('…');
    default:
      return c.dim('·');
  }
}

/** The container-level cause of a stopped task, e.g. `app exit 1 (OutOfMemoryError)`. */
export function describeStoppedTask(task: StoppedTaskInfo): string {
  const parts: string[] = [];
  const reason = [task.stopCode, task.stoppedReason].filter(Boolean).join(': ');
  if (reason) parts.push(reason);
  for (const c of task.containers) {
    if (c.exitCode === undefined && !c.reason) continue;
    const exit = c.exitCode === undefined ? '' : ` exit ${c.exitCode}`;
    parts.push(`container ${c.name}${exit}${c.reason ? ` (${c.reason})` : ''}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'no reason reported';
}

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
    const reason = s.reason && (isFailure(s.state) || s.state === 'interrupted' || s.state === 'skipped') ? s.reason : '';
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
    const colouredWord = isFailure(s.state) ? c.red(word) : s.state === 'interrupted' ? c.yellow(word) : word;
    const row = `${outcomeSymbol(s.state, c)} ${c.bold(key)}  ${colouredWord}  ${revision}  ${c.dim(took)}${reason ? `  ${c.red(reason)}` : ''}`;
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
