/** Poll delays: ~2 s at first, ×1.5 per poll up to ~15 s, ±10 % jitter so parallel runs don't poll in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(2000 * 1.5 ** attempt, 15_000);
  return Math.round(base * (0.9 + 0.2 * random()));
}

/**
 * How often a rollout is polled: about every second (±10 % jitter), so its end is noticed within 2 s of ECS
 * reporting it, as a peer polling every second would. The shared poller makes that one DescribeServices per 10
 * services of a cluster per poll (aws-semantics.md §6.1: service reads are allowed 20 per second).
 */
const ROLLOUT_POLL_MS = 1000;

export function rolloutPollDelay(random: () => number = Math.random): number {
  return Math.round(ROLLOUT_POLL_MS * (0.9 + 0.2 * random()));
}
