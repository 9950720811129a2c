/**
 * The outcome vocabulary, defined once: which service outcomes are failures. The engine's verdict for a run, the
 * level of a `service.finished` event and every renderer's "failed" wording all read it, so they cannot drift.
 */
import type { ServiceOutcome } from './types.js';

/** A failed rollout, whatever happened next: `rolled-back` and `timed-out` are failures too (exit 1). */
const FAILED_OUTCOMES = ['failed', 'rolled-back', 'timed-out'] as const satisfies readonly ServiceOutcome[];

export type FailedOutcome = (typeof FAILED_OUTCOMES)[number];

/** Takes any state string, so renderers can ask about their own states (`pending`, `running`) as well. */
export function isFailedOutcome(outcome: string): outcome is FailedOutcome {
  return (FAILED_OUTCOMES as readonly string[]).includes(outcome);
}

/** Stopped for a person (a canary awaiting approval, or a gate that paused): not a failure, exit code 3. */
export function isPausedOutcome(outcome: string): outcome is 'paused' {
  return outcome === 'paused';
}
