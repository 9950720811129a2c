/**
 * When a hold evaluates, and which metric window each evaluation judges. Pure.
 *
 * A window must hold only the step's traffic, and whole metric periods that CloudWatch has published:
 * - windows are `interval` long, aligned to the longest query period (CloudWatch buckets periods on multiples of
 *   the period), and the first starts at the first aligned instant at or after the hold started, so no traffic from
 *   before the step counts;
 * - each window is read `metricDelay` after it ends (ALB publishes a minute's metrics after that minute);
 * - windows follow each other without gap or overlap, one per evaluation.
 * A gate without metric checks (alarms, task checks) evaluates every `interval` from the hold's start.
 */
import type { GateConfig } from '../model/strategy.js';
import type { GateWindow } from './types.js';

/** ALB RequestCount (the `minRequests` sample) is published per minute. */
export const REQUEST_COUNT_PERIOD_S = 60;

export interface ScheduledEvaluation {
  /** Epoch ms at which to evaluate. */
  at: number;
  window: GateWindow | undefined;
}

/** The period (ms) windows align to: the longest query period, and a minute when minRequests reads RequestCount. */
function alignmentMs(gate: GateConfig): number {
  let longest = 0;
  for (const m of gate.metrics) for (const q of Object.values(m.queries)) longest = Math.max(longest, q.periodSeconds);
  if (gate.minRequests !== undefined) longest = Math.max(longest, REQUEST_COUNT_PERIOD_S);
  return longest * 1000;
}

/** Evaluation `index` (1-based) of a hold that started at `holdStart`. */
export function scheduledEvaluation(gate: GateConfig, holdStart: number, index: number): ScheduledEvaluation {
  if (gate.metrics.length === 0) return { at: holdStart + index * gate.intervalMs, window: undefined };
  const align = alignmentMs(gate);
  const first = Math.ceil(holdStart / align) * align;
  const to = first + index * gate.intervalMs;
  return { at: to + gate.metricDelayMs, window: { from: to - gate.intervalMs, to } };
}
