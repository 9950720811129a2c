/**
 * What an apply did, folded from its events: the state the tty view draws, and the final summary that tty and plain
 * print to stdout (a result, house rule 8) and the Markdown step summary reuses. Built incrementally (`add`) so the
 * live renderers can keep one and ask it for the current picture at any time. Words and layout live elsewhere
 * (`outcome-words.ts`, `summary-text.ts`); this file only keeps the state.
 */
import type { EngineEvent, ServiceOutcome, StoppedTaskInfo } from '../events/types.js';
import { formatGate, formatGateCheck, formatGateFinished, gateWhere } from './outcome-words.js';
import { elapsedMs } from './time-format.js';

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
  /** Each gate metric's recent values (the canary side) and its fixed limits, for the live chart. */
  gateSeries: GateSeries[];
  /** The canary's traffic share, as last shifted and read back. */
  canaryWeight: number | undefined;
}

interface GateSeries {
  name: string;
  values: number[];
  limits: { min?: number; max?: number };
}

/** Values kept per gate metric for the live chart. */
const SERIES_LENGTH = 20;

export interface OneOffSummary {
  name: string;
  taskArn: string | undefined;
  taskDefinitionArn: string | undefined;
  state: 'running' | 'succeeded' | 'failed' | 'interrupted';
  reason: string | undefined;
  task: StoppedTaskInfo | undefined;
  durationMs: number | undefined;
  startedAt: string | undefined;
}

/** `ecsdeploy run`: how it ended (run.finished). */
export interface RunSummary {
  name: string;
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'started';
  taskArn: string | undefined;
  reason: string | undefined;
  task: StoppedTaskInfo | undefined;
  durationMs: number;
}

export interface ApplySummary {
  started: boolean;
  /** Set by `ecsdeploy run` (which starts no apply). */
  run?: RunSummary;
  runId: string | undefined;
  dryRun: boolean;
  startedAt: string | undefined;
  /** Time of the latest event seen: "now" for elapsed times (never the wall clock). */
  lastTime: string | undefined;
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'no-change' | 'paused' | undefined;
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
  /** Steps the plan promised that did not happen (one-off tasks, scheduled targets, cleanup), and why. */
  skippedSteps: { step: string; name: string; reason: string }[];
  /** Every gate evaluation, in order (the Markdown summary tabulates them). */
  gateEvaluations: GateEvaluationRow[];
  /** Every canary step that ended, in order, and how each canary ended (the Markdown step table). */
  canarySteps: CanaryStepRow[];
  /** Blue-green deployments: each lifecycle event's latest status, then how each ended (the Markdown lifecycle table). */
  lifecycle: LifecycleRow[];
}

interface LifecycleRow {
  service: string;
  deploymentId: string;
  /** A lifecycle event, or `stopped` / `paused` for how the deployment ended. */
  event: string;
  status: string;
  /** When it last changed (ISO). */
  at: string;
  detail: string;
}

interface CanaryStepRow {
  service: string;
  /** A step number, or `promote` / `abort` / `pause` for how the canary ended. */
  step: string;
  /** Canary share in percent. */
  weight: number;
  verdict: string;
  detail: string;
}

interface GateEvaluationRow {
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
    skippedSteps: [],
    gateEvaluations: [],
    canarySteps: [],
    lifecycle: [],
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
        gateSeries: [],
        canaryWeight: undefined,
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
        // A task-only family's revision belongs to no service row.
        if (!event.task) this.service(event.service).toTaskDefinition ??= event.taskDefinitionArn;
        break;
      case 'run.finished':
        st.run = {
          name: event.name,
          outcome: event.outcome,
          taskArn: event.taskArn,
          reason: event.reason,
          task: event.task,
          durationMs: event.durationMs,
        };
        // An interrupted run stopped its task: its line says so rather than "in progress".
        if (event.outcome === 'interrupted' && event.taskArn) {
          const o = this.oneOff(event.name, event.taskArn);
          if (o.state === 'running') {
            o.state = 'interrupted';
            o.reason = event.reason;
          }
        }
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
        this.addSeries(event);
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
      case 'traffic.shifted': {
        const weights = Object.values(event.weights);
        const total = weights.reduce((a, b) => a + b, 0);
        if (weights.length === 2 && total > 0) this.service(event.service).canaryWeight = Math.round((100 * (weights[1] ?? 0)) / total);
        break;
      }
      case 'canary.step':
        st.canarySteps.push({
          service: event.service,
          step: String(event.step),
          weight: event.weight,
          verdict: event.verdict,
          detail: event.reason ?? '',
        });
        break;
      case 'canary.paused':
        st.canarySteps.push({
          service: event.service,
          step: 'paused',
          weight: event.weight,
          verdict: 'paused',
          detail: `${event.reason}: ${event.next.join(' or ')}`,
        });
        break;
      case 'canary.promoted':
        st.canarySteps.push({
          service: event.service,
          step: 'promote',
          weight: 0,
          verdict: 'promoted',
          detail: 'stable runs the new revision; all traffic on stable',
        });
        break;
      case 'canary.aborted': {
        const evidence = (event.checks ?? []).map(formatGateCheck).join('; ');
        st.canarySteps.push({
          service: event.service,
          step: 'abort',
          weight: event.trafficRestored ? 0 : event.weight,
          verdict: 'aborted',
          detail: evidence ? `${event.reason} (evidence: ${evidence})` : event.reason,
        });
        break;
      }
      case 'codedeploy.lifecycle': {
        const d = event.diagnostics;
        const detail = d ? [d.scriptName, d.errorCode, d.message].filter(Boolean).join(': ') : '';
        const row = st.lifecycle.find(
          (r) => r.service === event.service && r.deploymentId === event.deploymentId && r.event === event.event,
        );
        if (row) Object.assign(row, { status: event.status, at: event.time, detail: detail || row.detail });
        else
          st.lifecycle.push({
            service: event.service,
            deploymentId: event.deploymentId,
            event: event.event,
            status: event.status,
            at: event.time,
            detail,
          });
        break;
      }
      case 'codedeploy.paused':
        st.lifecycle.push({
          service: event.service,
          deploymentId: event.deploymentId,
          event: 'paused',
          status: `${event.wait} wait`,
          at: event.time,
          detail: `${event.reason}: ${event.next.join(' or ')}`,
        });
        break;
      case 'codedeploy.stopped': {
        const evidence = (event.checks ?? []).map(formatGateCheck).join('; ');
        st.lifecycle.push({
          service: event.service,
          deploymentId: event.deploymentId,
          event: 'stopped',
          status: event.trafficRestored ? 'rolled back' : 'not verified back',
          at: event.time,
          detail: `${event.trigger}: ${event.reason}${evidence ? ` (evidence: ${evidence})` : ''}; production saw ${event.productionWeight} % at most`,
        });
        break;
      }
      case 'scheduled-target.updated':
        st.scheduledTargets.push({ rule: event.rule, targetId: event.targetId, from: event.from, to: event.to });
        break;
      case 'revision.deregistered':
        st.deregistered.push(event.taskDefinitionArn);
        break;
      case 'step.skipped':
        st.skippedSteps.push({ step: event.step, name: event.name, reason: event.reason });
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

  private addSeries(event: Extract<EngineEvent, { type: 'gate.evaluated' }>): void {
    const s = this.service(event.service);
    for (const check of event.checks) {
      if (check.kind !== 'metric' || check.value === undefined) continue;
      let series = s.gateSeries.find((x) => x.name === check.name);
      if (!series) {
        series = { name: check.name, values: [], limits: { ...(check.threshold ?? {}) } };
        s.gateSeries.push(series);
      }
      series.values.push(check.value);
      if (series.values.length > SERIES_LENGTH) series.values.shift();
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
