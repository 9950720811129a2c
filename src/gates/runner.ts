/**
 * Holds one step: evaluates the gate on its schedule (schedule.ts) through the injected clock, emits every
 * evaluation as a `gate.evaluated` event with its evidence, folds them with the policy, and returns the verdict.
 *
 * - The hold lasts `holdMs`, and never ends before its first evaluation: a pause shorter than the first window is
 *   stretched to it, so no step is passed unjudged. It also waits for every task check to report.
 * - It stops at the first evaluation whose decision is `fail` or `pause`, so the strategy can restore traffic
 *   within one interval (plus metricDelay) of the problem showing.
 * - An approval step (`until-approved`) is the strategy's business: it may hold a gate before stopping the run.
 * - Every wait goes through `clock` and honours `signal`: an abort rejects with the signal's reason and stops
 *   running task checks.
 */
import type { AwsPorts } from '../aws/ports.js';
import type { EventInput } from '../events/types.js';
import type { GateConfig } from '../model/strategy.js';
import { abortReason, type Clock } from '../util/clock.js';
import { evaluateGate } from './evaluate.js';
import { countOutcomes, decide, type GateCounts } from './policy.js';
import { scheduledEvaluation } from './schedule.js';
import { TaskChecks } from './tasks.js';
import type { GateEvaluation, GateTargets, HoldVerdict, OneOffRunner } from './types.js';

export interface HoldRequest {
  gate: GateConfig;
  /** From resolveGateTargets, read once before the first step. */
  targets: GateTargets;
  /** How long the step holds (the step's pause, or the test-traffic gate's hold). */
  holdMs: number;
  /** Manifest key, for events. */
  service: string;
  /** Canary step number (1-based, as listed in the manifest), for events. */
  step?: number;
  /** `canary` or `test-traffic`, for events. */
  name: string;
}

export interface HoldDeps {
  ports: AwsPorts;
  clock: Clock;
  signal: AbortSignal;
  emit(event: EventInput): void;
  /** Needed when the gate has task checks. */
  oneOff?: OneOffRunner;
}

export interface HoldResult {
  verdict: HoldVerdict;
  reason: string;
  evaluations: GateEvaluation[];
  counts: GateCounts;
}

function hasChecks(gate: GateConfig): boolean {
  return gate.alarms.length > 0 || gate.metrics.length > 0 || gate.tasks.length > 0;
}

async function sleepUntil(clock: Clock, at: number, signal: AbortSignal): Promise<void> {
  const ms = at - clock.now();
  if (ms > 0) await clock.sleep(ms, signal);
  else if (signal.aborted) throw abortReason(signal);
}

export async function holdGate(request: HoldRequest, deps: HoldDeps): Promise<HoldResult> {
  const { gate, service, step, name } = request;
  const { clock, signal } = deps;
  const start = clock.now();
  const end = start + request.holdMs;
  const where = { service, ...(step !== undefined && { step }), gate: name };
  const finish = (verdict: HoldVerdict, reason: string, evaluations: GateEvaluation[]): HoldResult => {
    const counts = countOutcomes(evaluations);
    deps.emit({
      type: 'gate.finished',
      ...where,
      verdict,
      reason,
      evaluations: evaluations.length,
      counts,
      durationMs: clock.now() - start,
      level: verdict === 'pass' ? 'info' : verdict === 'fail' ? 'error' : 'warn',
    });
    return { verdict, reason, evaluations, counts };
  };

  if (!hasChecks(gate)) {
    await sleepUntil(clock, end, signal);
    return finish('pass', 'the gate has no checks: the hold is a plain wait', []);
  }

  const tasks = new TaskChecks(gate.tasks, deps.oneOff, clock, signal);
  const evaluations: GateEvaluation[] = [];
  const measured = gate.alarms.length > 0 || gate.metrics.length > 0;
  try {
    for (let index = 1; ; index += 1) {
      const next = scheduledEvaluation(gate, start, index);
      // Past the hold's end, evaluate only while a task check has still to report (or before the first evaluation).
      if (next.at > end && evaluations.length > 0 && !tasks.pending()) break;
      await sleepUntil(clock, next.at, signal);
      const finished = tasks.take();
      if (!measured && finished.length === 0) continue;
      const evaluation = await evaluateGate(
        {
          gate,
          targets: request.targets,
          holdStart: start,
          index: evaluations.length + 1,
          at: clock.now(),
          window: next.window,
          tasks: finished,
        },
        { ports: deps.ports, signal },
      );
      evaluations.push(evaluation);
      const decision = decide(gate, evaluations, false);
      const counts = countOutcomes(evaluations);
      deps.emit({
        type: 'gate.evaluated',
        ...where,
        evaluation: evaluation.index,
        ...(evaluation.window && {
          window: { from: new Date(evaluation.window.from).toISOString(), to: new Date(evaluation.window.to).toISOString() },
        }),
        outcome: evaluation.outcome,
        checks: evaluation.checks,
        counts,
        decision: decision.action,
        level: evaluation.outcome === 'fail' ? 'error' : evaluation.outcome === 'inconclusive' ? 'warn' : 'info',
      });
      if (decision.action !== 'continue') return finish(decision.action, decision.reason, evaluations);
    }
    await sleepUntil(clock, end, signal);
    const final = decide(gate, evaluations, true);
    const verdict = final.action === 'continue' ? 'pause' : final.action;
    return finish(verdict, final.action === 'continue' ? 'the hold ended undecided' : final.reason, evaluations);
  } finally {
    tasks.close();
  }
}
