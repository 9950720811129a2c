/** The engine's per-run context: ports, events, clock, signals, the call runner and the shared poller. */
import type { AwsPorts } from '../aws/ports.js';
import type { Plan } from '../plan/types.js';
import type { StrategyContext } from '../strategies/types.js';
import type { Clock } from '../util/clock.js';
import type { Emit } from './emitter.js';
import type { ApplyOptions } from './types.js';

export interface EngineContext extends StrategyContext {
  ports: AwsPorts;
  emit: Emit;
  clock: Clock;
  /** Undefined for `rollback`, which deploys without a plan. */
  plan: Plan | undefined;
  options: ApplyOptions;
  /** Task definitions registered in this run, by manifest key (register once, reuse everywhere). */
  registered: Map<string, Promise<string>>;
}
