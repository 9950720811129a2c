/**
 * API faults from the scenario, decided before the world sees the call. Decisions draw from the host's seeded
 * stream, so a scenario with a fixed seed throttles the same calls every run.
 */
import type { ProtocolHost, RoutedServiceId } from './types.js';

export interface FaultDecision {
  /** Summed simulated latency of every matching fault. */
  latencyMs: number;
  kind: 'none' | 'throttle' | 'server-error';
}

export function decideFault(host: ProtocolHost, service: RoutedServiceId, operation: string): FaultDecision | undefined {
  const faults = host.world.scenario.faults;
  if (faults.length === 0) return undefined;
  let latencyMs = 0;
  let throttle = 0;
  let serverError = 0;
  let matched = false;
  for (const f of faults) {
    if (f.service !== undefined && f.service !== service) continue;
    if (f.operation !== undefined && f.operation !== operation) continue;
    matched = true;
    latencyMs += f.latencyMs ?? 0;
    // Independent faults on the same call combine as independent events: P(any) = 1 - Π(1 - p).
    throttle = 1 - (1 - throttle) * (1 - clamp(f.throttleRate));
    serverError = 1 - (1 - serverError) * (1 - clamp(f.serverErrorRate));
  }
  if (!matched) return undefined;
  let kind: FaultDecision['kind'] = 'none';
  if (throttle > 0 && host.random() < throttle) kind = 'throttle';
  else if (serverError > 0 && host.random() < serverError) kind = 'server-error';
  return { latencyMs, kind };
}

function clamp(rate: number | undefined): number {
  if (rate === undefined || !Number.isFinite(rate)) return 0;
  return Math.min(1, Math.max(0, rate));
}
