/**
 * How many tasks the canary service runs at a step: a fixed `count`, or `follow-weight`: the stable service's live
 * desired count × weight / 100, rounded up, at least 1 (aws-semantics.md §3.3). The canary is resized before the
 * weight moves up, so it never takes a share of traffic it has not the tasks for.
 */
import type { CanaryStrategy } from '../model/strategy.js';

export function canaryTaskCount(count: CanaryStrategy['canary']['count'], stableDesired: number, weight: number): number {
  if (count !== 'follow-weight') return count;
  return Math.max(1, Math.ceil((stableDesired * weight) / 100));
}
