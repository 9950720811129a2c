/** Small naming helpers shared by strategies and the engine. */

/** `arn:aws:ecs:…:task-definition/web:7` → `web:7`; anything else is returned as is. */
export function shortTaskDefinition(arn: string | undefined): string {
  if (!arn) return '(none)';
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** `…/web:7` → `web`. */
export function taskDefinitionFamily(arn: string): string {
  const short = shortTaskDefinition(arn);
  const colon = short.lastIndexOf(':');
  return colon >= 0 ? short.slice(0, colon) : short;
}

/** `…/web:7` → 7; undefined when the reference has no revision. */
export function taskDefinitionRevision(arn: string): number | undefined {
  const short = shortTaskDefinition(arn);
  const colon = short.lastIndexOf(':');
  if (colon < 0) return undefined;
  const n = Number(short.slice(colon + 1));
  return Number.isInteger(n) ? n : undefined;
}

/** Poll delays: ~2 s at first, ×1.5 per poll up to ~15 s, ±10 % jitter so parallel runs don't poll in step. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(2000 * 1.5 ** attempt, 15_000);
  return Math.round(base * (0.9 + 0.2 * random()));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
