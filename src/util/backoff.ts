/** Poll delays: ~2 s at first, ×1.5 per poll up to ~15 s, ±10 % jitter so parallel runs don't poll in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(2000 * 1.5 ** attempt, 15_000);
  return Math.round(base * (0.9 + 0.2 * random()));
}
