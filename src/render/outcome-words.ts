/**
 * The words and symbols the renderers use for outcomes, gate evaluations and stopped tasks, so a rolled-back
 * service reads the same in the live view, the plain log, the summary and Markdown. Which outcomes are failures
 * is decided in `events/outcomes.ts`, not here.
 */
import type { EngineEvent, StoppedTaskInfo } from '../events/types.js';
import { isFailedOutcome } from '../events/outcomes.js';
import type { Colors } from './ansi.js';
import type { ServiceState } from './summary-state.js';

const OUTCOME_WORDS: Record<ServiceState, string> = {
  succeeded: 'succeeded',
  unchanged: 'unchanged',
  failed: 'failed',
  'rolled-back': 'rolled back',
  'timed-out': 'timed out',
  interrupted: 'interrupted',
  skipped: 'skipped',
  paused: 'paused for approval',
  pending: 'not started',
  running: 'in progress',
};

export function outcomeWords(state: ServiceState): string {
  return OUTCOME_WORDS[state] ?? state;
}

/** A failed state (see `events/outcomes.ts`); `pending` and `running` never are. */
export function isFailure(state: ServiceState): boolean {
  return isFailedOutcome(state);
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
    case 'paused':
      return c.yellow('‖');
    case 'skipped':
      return c.dim('-');
    case 'running':
      return c.cyan('…');
    default:
      return c.dim('·');
  }
}

type GateEvaluated = Extract<EngineEvent, { type: 'gate.evaluated' }>;
type GateFinished = Extract<EngineEvent, { type: 'gate.finished' }>;

/** `gate step 2 #3`, `test-traffic gate #1`: which hold (and which of its evaluations) a line is about. */
export function gateWhere(event: { gate?: string; step?: number; evaluation?: number }): string {
  // The canary's gate is just `gate`; the others (blue-green's test-traffic gate, an ECS-native production gate)
  // are named.
  const name = event.gate === undefined || event.gate === 'canary' ? 'gate' : `${event.gate} gate`;
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
