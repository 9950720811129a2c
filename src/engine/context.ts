/** The engine's per-run context: ports, events, clock, signals, the call runner and the shared poller. */
import type { AwsPorts } from '../aws/ports.js';
import type { Plan } from '../plan/types.js';
import { builtInStrategies, type StrategyCatalog } from '../strategies/select.js';
import type { StrategyContext } from '../strategies/types.js';
import type { Clock } from '../util/clock.js';
import type { CallRunner } from '../strategies/types.js';
import type { Emit } from './emitter.js';
import { notifyMilestone } from './notify.js';
import { gateOneOffRunner } from './one-off.js';
import { BatchingServiceWatcher } from './service-poller.js';
import type { ApplyDeps, ApplyOptions } from './types.js';

export interface EngineContext extends StrategyContext {
  ports: AwsPorts;
  emit: Emit;
  clock: Clock;
  /** Undefined for `rollback`, which deploys without a plan. */
  plan: Plan | undefined;
  options: ApplyOptions;
  /** Task definitions registered in this run, by manifest key (register once, reuse everywhere). */
  registered: Map<string, Promise<string>>;
  /** Which strategy deploys a service. */
  strategies: StrategyCatalog;
  /**
   * Called at every wait of the run (every `clock.sleep`, the poller's included): what must happen while the run
   * lives, such as pushing its locks' expiry out, hooks in here.
   */
  heartbeats: Set<() => void>;
}

/** One run's context, for `apply` (with its plan) and `rollback` (without one). */
export function createEngineContext(
  deps: ApplyDeps,
  run: { emit: Emit; hardSignal: AbortSignal; calls: CallRunner; plan: Plan | undefined; options: ApplyOptions },
): EngineContext {
  const heartbeats = new Set<() => void>();
  // Every wait of the run (strategies, one-off tasks, the poller) goes through this clock, so a run that lives
  // keeps beating however long it waits; a beat never delays the wait.
  const clock: Clock = {
    now: () => deps.clock.now(),
    sleep: (ms, signal) => {
      for (const beat of heartbeats) beat();
      return deps.clock.sleep(ms, signal);
    },
  };
  const ctx: EngineContext = {
    ports: deps.ports,
    emit: run.emit,
    clock,
    signal: deps.signal,
    hardSignal: run.hardSignal,
    onInterrupt: run.options.onInterrupt,
    calls: run.calls,
    watcher: new BatchingServiceWatcher(deps.ports, clock),
    plan: run.plan,
    options: run.options,
    registered: new Map(),
    strategies: deps.strategies ?? builtInStrategies,
    heartbeats,
    runId: run.options.runId,
    ...(run.options.waitUntil ? { waitUntil: run.options.waitUntil } : {}),
    provenance: {
      ...(run.options.gitCommit ? { gitCommit: run.options.gitCommit } : {}),
      ...(run.plan ? { manifestDigest: run.plan.manifest.digest } : {}),
    },
  };
  // Canary milestones (start, each step, promotion, abort) go to the run's SNS topic; gate task checks run as
  // the engine's one-off tasks.
  ctx.notify = (milestone) => notifyMilestone(ctx, milestone);
  ctx.oneOff = gateOneOffRunner(ctx);
  return ctx;
}
