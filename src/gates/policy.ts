/**
 * The policy: folds a hold's evaluations into hold on (`continue`) or a verdict. Pure.
 *
 * Argo Rollouts' model (aws-semantics.md §5.1): more than `failureLimit` failed evaluations fail the gate; more
 * than `inconclusiveLimit` inconclusive ones end the hold as Argo ends an Inconclusive analysis — paused, for a
 * person to promote or abort (exit code 3), never silently passed and never silently failed (§7 item 5).
 *
 * Never a pass without evidence (Argo issue #4479: a run reported Successful when every measurement had errored):
 * at the end of the hold at least one evaluation must have passed; a hold whose evaluations were all inconclusive
 * (or that had none) pauses instead.
 */
import type { GateConfig } from '../model/strategy.js';
import type { CheckOutcome, GateCheckEvidence, GateEvaluation, HoldVerdict } from './types.js';

export interface GateCounts {
  passed: number;
  failed: number;
  inconclusive: number;
}

export type PolicyDecision = { action: 'continue' } | { action: HoldVerdict; reason: string };

export type PolicyConfig = Pick<GateConfig, 'failureLimit' | 'inconclusiveLimit' | 'noData'>;

/** An evaluation's outcome from its checks: any failure fails it, else any inconclusive check makes it inconclusive. */
export function evaluationOutcome(checks: readonly GateCheckEvidence[]): CheckOutcome {
  if (checks.some((c) => c.outcome === 'fail')) return 'fail';
  if (checks.some((c) => c.outcome === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

export function countOutcomes(evaluations: readonly GateEvaluation[]): GateCounts {
  const counts: GateCounts = { passed: 0, failed: 0, inconclusive: 0 };
  for (const e of evaluations) {
    if (e.outcome === 'pass') counts.passed += 1;
    else if (e.outcome === 'fail') counts.failed += 1;
    else counts.inconclusive += 1;
  }
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `error-rate: 20.3 > max 5` for the checks that made an evaluation what it is. */
function why(e: GateEvaluation, outcome: CheckOutcome): string {
  return e.checks
    .filter((c) => c.outcome === outcome)
    .map((c) => `${c.name}: ${c.detail ?? c.outcome}`)
    .join('; ');
}

/**
 * What the policy makes of the evaluations so far. `final`: the hold's time is up (and every task check has
 * reported), so `continue` is no longer an answer.
 */
export function decide(config: PolicyConfig, evaluations: readonly GateEvaluation[], final: boolean): PolicyDecision {
  const counts = countOutcomes(evaluations);
  const last = evaluations.at(-1);
  if (last) {
    const fatal = last.checks.find((c) => c.fatal && c.outcome === 'fail');
    if (fatal) return { action: 'fail', reason: `${fatal.name}: ${fatal.detail ?? 'failed'}` };
    if (last.outcome === 'fail' && counts.failed > config.failureLimit) {
      return {
        action: 'fail',
        reason: `${plural(counts.failed, 'failed evaluation')}, more than failureLimit ${config.failureLimit} (last: ${why(last, 'fail')})`,
      };
    }
    if (last.outcome !== 'fail' && config.noData === 'pause' && last.checks.some((c) => c.noData)) {
      const silent = last.checks.filter((c) => c.noData).map((c) => c.name);
      return { action: 'pause', reason: `no datapoints for ${silent.join(', ')} (noData: pause)` };
    }
    if (last.outcome === 'inconclusive' && counts.inconclusive > config.inconclusiveLimit) {
      return {
        action: 'pause',
        reason: `${plural(counts.inconclusive, 'inconclusive evaluation')}, more than inconclusiveLimit ${config.inconclusiveLimit} (last: ${why(last, 'inconclusive')})`,
      };
    }
  }
  if (!final) return { action: 'continue' };
  if (counts.passed === 0) {
    const seen = evaluations.length === 0 ? 'no evaluation was made' : `all ${plural(evaluations.length, 'evaluation')} were inconclusive`;
    return { action: 'pause', reason: `nothing shows the new revision is healthy: ${seen}` };
  }
  const tolerated = [
    counts.failed ? `${counts.failed} failed` : '',
    counts.inconclusive ? `${counts.inconclusive} inconclusive` : '',
  ].filter(Boolean);
  return {
    action: 'pass',
    reason: `${plural(counts.passed, 'evaluation')} passed${tolerated.length ? ` (${tolerated.join(', ')} within the limits)` : ''}`,
  };
}
