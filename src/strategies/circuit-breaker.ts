/**
 * How many failed tasks trip the deployment circuit breaker, computed the way ECS does (aws-semantics.md §1.4),
 * so the operator sees it while waiting: "why did it not roll back yet" is a top complaint (§7.3).
 */
import type { EcsService } from '../aws/ports.js';

type Breaker = NonNullable<NonNullable<EcsService['deploymentConfiguration']>['deploymentCircuitBreaker']>;

/** Undefined when the breaker is off. */
export function circuitBreakerThreshold(breaker: Breaker | undefined, desiredCount: number): number | undefined {
  if (!breaker?.enable) return undefined;
  const type = breaker.thresholdConfiguration?.type ?? 'BOUNDED_PERCENT';
  const value = breaker.thresholdConfiguration?.value ?? 50;
  if (type === 'COUNT') return value;
  const raw = Math.ceil((value / 100) * desiredCount);
  // BOUNDED_PERCENT clamps to [3, 200]; UNBOUNDED_PERCENT does not (treat unknown types as the default).
  return type === 'UNBOUNDED_PERCENT' ? raw : Math.min(200, Math.max(3, raw));
}

/** One line for the `waiting` phase: what ECS will do on failure. */
export function describeFailureDetection(svc: EcsService | undefined): string | undefined {
  const dc = svc?.deploymentConfiguration;
  const parts: string[] = [];
  const threshold = circuitBreakerThreshold(dc?.deploymentCircuitBreaker, svc?.desiredCount ?? 0);
  if (threshold !== undefined) {
    const then = dc?.deploymentCircuitBreaker?.rollback ? 'ECS rolls back' : 'the deployment fails';
    parts.push(`circuit breaker: ${then} after ${threshold} failed task${threshold === 1 ? '' : 's'}`);
  }
  if (dc?.alarms?.enable && (dc.alarms.alarmNames?.length ?? 0) > 0) {
    parts.push(`alarms: ${dc.alarms.alarmNames?.join(', ')}${dc.alarms.rollback ? ' (roll back on ALARM)' : ''}`);
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}
