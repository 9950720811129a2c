/**
 * The sandbox world's public API: a local, in-memory AWS account for ECS deployments (state and dynamics behind
 * one dispatch function). The protocol layer (src/sandbox/protocol) speaks the wire formats in front of it.
 */
import type { Clock } from '../../util/clock.js';
import { UsageError } from '../../errors/index.js';
import { createState } from './context.js';
import { EMPTY_SCENARIO, type Scenario } from './scenario.js';
import type { WorldState } from './types.js';
import { SandboxWorld, type World } from './world.js';

export type { ApiFault, AwsServiceId, ImageBehaviour, Scenario } from './scenario.js';
export { parseScenario, EMPTY_SCENARIO } from './scenario.js';
export { seedFromManifest, type SeedOptions } from './seed.js';
export type { World, WorldSnapshot } from './world.js';
export { SandboxWorld } from './world.js';
export { circuitBreakerThreshold, rollingBounds } from './ecs/scheduler.js';
export { SandboxApiError } from '../errors.js';

export interface CreateWorldOptions {
  clock: Clock;
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  scenario?: Scenario;
  /** Seed of the identifier stream: the same seed and calls give the same ARNs and ids. */
  randomSeed?: number;
}

export function createWorld(options: CreateWorldOptions): World {
  const state = createState(
    options.region ?? 'us-east-1',
    options.accountId ?? '123456789012',
    options.clock.now(),
    options.randomSeed ?? 1,
  );
  return new SandboxWorld(state, options.clock, options.scenario ?? { ...EMPTY_SCENARIO });
}

/** Reads a world back from `serialize()`. Simulated time resumes from the saved time (never goes backwards). */
export function loadWorld(json: string, options: { clock: Clock; scenario?: Scenario }): World {
  let state: WorldState;
  try {
    state = JSON.parse(json) as WorldState;
  } catch (error) {
    throw new UsageError('SANDBOX_STATE_INVALID', `the sandbox state is not valid JSON: ${(error as Error).message}`);
  }
  if (state?.version !== 1 || typeof state.now !== 'number' || !state.ecs) {
    throw new UsageError('SANDBOX_STATE_INVALID', 'the sandbox state file was not written by this version of the sandbox');
  }
  return new SandboxWorld(state, options.clock, options.scenario ?? { ...EMPTY_SCENARIO });
}
