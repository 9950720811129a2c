/**
 * One check's verdict from what CloudWatch returned, with its evidence. Pure.
 *
 * Metric checks, in order: a CloudWatch error → inconclusive; a sample below its minimum on the canary side →
 * inconclusive; no datapoints → the noData policy; then the fixed limits (`max`, `min`) and the baseline: the canary
 * against the stable side over the same window. Every limit given must hold.
 *
 * The baseline needs the stable side: without its datapoints (at weight 100 the stable target group serves
 * nothing) or below its minimum sample, it cannot be judged, and the check rests on its fixed limits alone —
 * inconclusive when it has none. `maxRatio` with a stable value of 0 (or below): pass when the canary is 0 too,
 * else judge by `maxIncrease` if given, else inconclusive.
 *
 * Alarms: OK passes, ALARM fails, INSUFFICIENT_DATA is inconclusive (CloudWatch cannot tell yet, so neither can
 * we). An alarm already in ALARM when the hold started fails the gate at once (ECS's deployment alarms ignore that
 * case, aws-semantics.md §1.5); an alarm that no longer exists fails it too (the safety net is gone).
 */
import type { MetricCheck, NoDataPolicy } from '../model/strategy.js';
import type { CheckOutcome, GateCheckEvidence } from './types.js';

/** 4 significant digits: enough to read, short enough for one line. */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}

export interface Sample {
  name: string;
  side: 'canary' | 'stable';
  value: number;
  min: number;
}

export interface MetricReading {
  /** The expression's latest datapoint in the window, canary side; undefined: no datapoints. */
  canary: number | undefined;
  /** The same on the stable side (baseline checks only). */
  stable: number | undefined;
  samples: Sample[];
  /** CloudWatch could not answer for this check (a failed call, or a result status other than Complete). */
  error?: string;
}

function noDataOutcome(policy: NoDataPolicy): CheckOutcome {
  if (policy === 'pass') return 'pass';
  if (policy === 'fail') return 'fail';
  return 'inconclusive';
}

function describeSample(s: Sample): string {
  return `${s.name} ${formatNumber(s.value)} < ${formatNumber(s.min)}`;
}

export function judgeMetric(check: MetricCheck, reading: MetricReading, noData: NoDataPolicy): GateCheckEvidence {
  const evidence: GateCheckEvidence = { name: check.name, kind: 'metric', outcome: 'inconclusive' };
  if (check.max !== undefined || check.min !== undefined) {
    evidence.threshold = { ...(check.max !== undefined && { max: check.max }), ...(check.min !== undefined && { min: check.min }) };
  }
  if (check.baseline) evidence.baseline = { ...check.baseline };
  if (reading.samples.length) evidence.samples = reading.samples.map((s) => ({ name: s.name, value: s.value, min: s.min }));
  const done = (outcome: CheckOutcome, detail: string): GateCheckEvidence => Object.assign(evidence, { outcome, detail });

  if (reading.error !== undefined) return done('inconclusive', reading.error);
  const small = reading.samples.filter((s) => s.side === 'canary' && s.value < s.min);
  if (small.length) return done('inconclusive', `sample too small: ${small.map(describeSample).join(', ')}`);
  const c = reading.canary;
  if (c === undefined) {
    evidence.noData = true;
    return done(noDataOutcome(noData), `no datapoints (noData: ${noData})`);
  }
  evidence.value = c;

  const failed: string[] = [];
  const held: string[] = [];
  const v = formatNumber(c);
  if (check.max !== undefined) (c > check.max ? failed : held).push(`${v} ${c > check.max ? '>' : '≤'} max ${formatNumber(check.max)}`);
  if (check.min !== undefined) (c < check.min ? failed : held).push(`${v} ${c < check.min ? '<' : '≥'} min ${formatNumber(check.min)}`);

  /** Why the baseline was not judged: the stable side is unavailable, or its 0 leaves maxRatio nothing to divide by. */
  let unavailable: string | undefined;
  let undetermined: string | undefined;
  const b = check.baseline;
  if (b) {
    const s = reading.stable;
    const smallStable = reading.samples.filter((x) => x.side === 'stable' && x.value < x.min);
    if (smallStable.length) unavailable = `baseline not judged: stable ${smallStable.map(describeSample).join(', ')}`;
    else if (s === undefined) unavailable = 'baseline not judged: stable has no datapoints';
    else {
      if (evidence.baseline) evidence.baseline.value = s;
      const sv = formatNumber(s);
      if (b.maxIncrease !== undefined) {
        const inc = c - s;
        const bad = inc > b.maxIncrease;
        (bad ? failed : held).push(
          `${v} is ${inc >= 0 ? '+' : ''}${formatNumber(inc)} vs stable ${sv} ${bad ? '>' : '≤'} maxIncrease ${formatNumber(b.maxIncrease)}`,
        );
      }
      if (b.maxRatio !== undefined) {
        if (s > 0) {
          const ratio = c / s;
          const bad = ratio > b.maxRatio;
          (bad ? failed : held).push(
            `${v} is ${formatNumber(ratio)}x stable ${sv} ${bad ? '>' : '≤'} maxRatio ${formatNumber(b.maxRatio)}`,
          );
        } else if (c <= 0) held.push(`${v} with stable ${sv}: no worse`);
        else if (b.maxIncrease === undefined)
          undetermined = `stable is ${sv} and the canary ${v}: no ratio to judge by (maxIncrease would decide)`;
      }
    }
  }

  if (failed.length) return done('fail', [...failed, ...held].join('; '));
  if (undetermined !== undefined) return done('inconclusive', [undetermined, ...held].join('; '));
  if (unavailable !== undefined) {
    const fixed = check.max !== undefined || check.min !== undefined;
    return fixed ? done('pass', [...held, `${unavailable} (judged by its fixed limits)`].join('; ')) : done('inconclusive', unavailable);
  }
  return done('pass', held.join('; '));
}

export interface AlarmReading {
  name: string;
  state: string | undefined;
  /** Epoch ms of the last state transition. */
  transitionedAt: number | undefined;
  reason: string | undefined;
}

const REASON_MAX = 100;

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** One alarm check. `found` is undefined when DescribeAlarms did not return the alarm. */
export function judgeAlarm(name: string, found: AlarmReading | undefined, holdStart: number): GateCheckEvidence {
  const evidence: GateCheckEvidence = { name, kind: 'alarm', outcome: 'fail' };
  if (!found) return Object.assign(evidence, { fatal: true, detail: 'the alarm does not exist (deleted since preflight?)' });
  const state = found.state ?? 'unknown';
  evidence.state = state;
  const reason = found.reason ? `: ${found.reason.length > REASON_MAX ? `${found.reason.slice(0, REASON_MAX - 1)}…` : found.reason}` : '';
  if (state === 'OK') return Object.assign(evidence, { outcome: 'pass', detail: 'OK' });
  if (state === 'ALARM') {
    const t = found.transitionedAt;
    if (t !== undefined && t < holdStart) {
      return Object.assign(evidence, { fatal: true, detail: `ALARM since ${clock(t)}, before this hold started${reason}` });
    }
    return Object.assign(evidence, { detail: `ALARM${t === undefined ? '' : ` since ${clock(t)}`}${reason}` });
  }
  return Object.assign(evidence, { outcome: 'inconclusive', detail: state === 'INSUFFICIENT_DATA' ? `INSUFFICIENT_DATA${reason}` : state });
}
