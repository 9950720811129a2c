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
    case 'skipped':
      return c.dim('-');
    case 'running':
      return c.cyan('…');
    default:
      return c.dim('·');
  }
}

/** `step 2: fail — alarm web-5xx fail (ALARM); p99 inconclusive (no data)` */
export function formatGate(event: Extract<EngineEvent, { type: 'gate.evaluated' }>): string {
  const checks = event.checks
    .map((c) => {
      const value = c.value === undefined ? '' : ` ${c.value}`;
      const detail = c.detail ? ` (${c.detail})` : '';
      return `${c.name} ${c.outcome}${value}${detail}`;
    })
    .join('; ');
  const step = event.step === undefined ? 'gate' : `gate step ${event.step}`;
  return `${step}: ${event.outcome}${checks ? ` — ${checks}` : ''}`;
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
