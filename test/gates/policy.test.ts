/**
 * The policy, table-driven: sequences of evaluation outcomes → the decision after the last one, mid-hold and at
 * the hold's end. Argo's limits (more than failureLimit fails; more than inconclusiveLimit pauses), noData: pause,
 * fatal checks, and never a pass without evidence.
 */
import { describe, expect, it } from 'vitest';
import { decide, evaluationOutcome, type PolicyConfig } from '../../src/gates/policy.js';
import type { GateCheckEvidence, GateEvaluation } from '../../src/gates/types.js';

type Code = 'P' | 'F' | 'I' | 'N' | 'X';

/** P pass, F fail, I inconclusive, N no data (inconclusive, noData flagged), X fatal fail. */
function evaluation(code: Code, index: number): GateEvaluation {
  const check: GateCheckEvidence =
    code === 'P'
      ? { name: 'error-rate', outcome: 'pass', detail: '0.1 ≤ max 1' }
      : code === 'F'
        ? { name: 'error-rate', outcome: 'fail', detail: '20 > max 1' }
        : code === 'X'
          ? { name: 'web-5xx', kind: 'alarm', outcome: 'fail', fatal: true, detail: 'ALARM since 09:58:00, before this hold started' }
          : code === 'N'
            ? { name: 'error-rate', outcome: 'inconclusive', noData: true, detail: 'no datapoints (noData: pause)' }
            : { name: 'error-rate', outcome: 'inconclusive', detail: 'sample too small' };
  return { index, at: index * 60_000, window: undefined, outcome: evaluationOutcome([check]), checks: [check] };
}

function run(codes: string, config: Partial<PolicyConfig> = {}, final = false) {
  const evaluations = [...codes].map((c, i) => evaluation(c as Code, i + 1));
  return decide({ failureLimit: 0, inconclusiveLimit: 0, noData: 'inconclusive', ...config }, evaluations, final);
}

describe('the gate policy', () => {
  it.each([
    // codes, failureLimit, inconclusiveLimit, final, expected action
    ['P', 0, 0, false, 'continue'],
    ['PPP', 0, 0, true, 'pass'],
    ['F', 0, 0, false, 'fail'],
    ['PF', 1, 0, false, 'continue'],
    ['PFF', 1, 0, false, 'fail'],
    ['FPF', 1, 0, false, 'fail'],
    ['PFP', 1, 0, true, 'pass'],
    ['I', 0, 0, false, 'pause'],
    ['PI', 0, 1, false, 'continue'],
    ['PII', 0, 1, false, 'pause'],
    ['IPI', 1, 2, true, 'pass'],
    ['IP', 0, 1, true, 'pass'],
    // Never a pass without evidence: inconclusive evaluations within the limit still do not make a pass.
    ['III', 0, 5, true, 'pause'],
    ['', 0, 0, true, 'pause'],
    // A failure beyond the limit wins over the end of the hold.
    ['PF', 0, 3, true, 'fail'],
    // A fatal check fails at once, however many failures are tolerated.
    ['X', 5, 5, false, 'fail'],
    ['PPX', 5, 5, false, 'fail'],
  ] as const)('%s with failureLimit %i, inconclusiveLimit %i, final %s → %s', (codes, failureLimit, inconclusiveLimit, final, action) => {
    expect(run(codes, { failureLimit, inconclusiveLimit }, final).action).toBe(action);
  });

  it('pauses at once on missing data when noData is pause, whatever inconclusiveLimit allows', () => {
    expect(run('PN', { noData: 'pause', inconclusiveLimit: 9 })).toEqual({
      action: 'pause',
      reason: 'no datapoints for error-rate (noData: pause)',
    });
    expect(run('PN', { noData: 'inconclusive', inconclusiveLimit: 9 }).action).toBe('continue');
  });

  it('says why, naming the checks behind the decision', () => {
    expect(run('PFF', { failureLimit: 1 })).toEqual({
      action: 'fail',
      reason: '2 failed evaluations, more than failureLimit 1 (last: error-rate: 20 > max 1)',
    });
    expect(run('II', { inconclusiveLimit: 1 })).toEqual({
      action: 'pause',
      reason: '2 inconclusive evaluations, more than inconclusiveLimit 1 (last: error-rate: sample too small)',
    });
    expect(run('X')).toEqual({ action: 'fail', reason: 'web-5xx: ALARM since 09:58:00, before this hold started' });
    expect(run('III', { inconclusiveLimit: 5 }, true)).toEqual({
      action: 'pause',
      reason: 'nothing shows the new revision is healthy: all 3 evaluations were inconclusive',
    });
    expect(run('PFI', { failureLimit: 1, inconclusiveLimit: 1 }, true)).toEqual({
      action: 'pass',
      reason: '1 evaluation passed (1 failed, 1 inconclusive within the limits)',
    });
  });

  it('makes an evaluation fail on any failed check, else inconclusive on any inconclusive one', () => {
    const pass: GateCheckEvidence = { name: 'a', outcome: 'pass' };
    const fail: GateCheckEvidence = { name: 'b', outcome: 'fail' };
    const unsure: GateCheckEvidence = { name: 'c', outcome: 'inconclusive' };
    expect(evaluationOutcome([pass, unsure, fail])).toBe('fail');
    expect(evaluationOutcome([pass, unsure])).toBe('inconclusive');
    expect(evaluationOutcome([pass, pass])).toBe('pass');
  });
});
