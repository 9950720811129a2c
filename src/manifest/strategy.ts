/** Written strategy settings → StrategyConfig (durations in ms, defaults filled). Shapes are schema-checked. */
import type { GateConfig, StrategyConfig } from '../model/strategy.js';
import { parseDuration } from '../util/duration.js';
import type { WrittenStrategy } from './written.js';

const ms = (d: string | undefined, fallback: number): number => (d === undefined ? fallback : (parseDuration(d) ?? fallback));

export const DEFAULT_GATE_INTERVAL_MS = 60_000;

export function resolveStrategy(w: WrittenStrategy | undefined, serviceName: string): StrategyConfig {
  if (w === undefined || w.type === 'rolling') return { type: 'rolling' };
  if (w.type === 'blue-green') {
    return {
      type: 'blue-green',
      application: w.application,
      deploymentGroup: w.deploymentGroup,
      ...(w.deploymentConfig !== undefined && { deploymentConfig: w.deploymentConfig }),
      container: { name: w.container.name, port: w.container.port },
      ...(w.testTrafficGate && { testTrafficGate: { alarms: [...w.testTrafficGate.alarms], holdMs: ms(w.testTrafficGate.hold, 0) } }),
      ...(w.hooks && { hooks: { ...w.hooks } }),
    };
  }
  const g = w.gate ?? {};
  const intervalMs = ms(g.interval, DEFAULT_GATE_INTERVAL_MS);
  const gate: GateConfig = {
    intervalMs,
    failureLimit: g.failureLimit ?? 0,
    inconclusiveLimit: g.inconclusiveLimit ?? 0,
    noData: g.noData ?? 'inconclusive',
    alarms: [...(g.alarms ?? [])],
    metrics: (g.metrics ?? []).map((m) => ({
      name: m.name,
      expression: m.expression,
      queries: Object.fromEntries(
        Object.entries(m.queries).map(([id, q]) => [
          id,
          {
            metric: q.metric,
            ...(q.targetGroup !== undefined && { targetGroup: q.targetGroup }),
            ...(q.dimensions !== undefined && { dimensions: { ...q.dimensions } }),
            stat: q.stat,
            periodSeconds: Math.max(1, Math.round(ms(q.period, intervalMs) / 1000)),
          },
        ]),
      ),
      ...(m.max !== undefined && { max: m.max }),
      ...(m.min !== undefined && { min: m.min }),
    })),
  };
  return {
    type: 'canary',
    ...(w.rule !== undefined && { rule: w.rule }),
    ...(w.listener !== undefined && { listener: w.listener }),
    stable: { service: w.stable.service ?? serviceName, targetGroup: w.stable.targetGroup },
    canary: { service: w.canary.service, targetGroup: w.canary.targetGroup, count: w.canary.count ?? 'follow-weight' },
    steps: w.steps.map((s) => ({ weight: s.weight, pauseMs: ms(s.pause, 0) })),
    gate,
  };
}
