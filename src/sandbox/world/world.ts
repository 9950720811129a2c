/**
 * The world: one in-memory AWS account behind a single `dispatch`, with a separate state per region, as AWS keeps
 * one. The region a request was signed for picks the state (the protocol layer reads it from the credential
 * scope); without one, the account's own region answers. Other regions start empty the first time a request
 * reaches them, and carry their partition's ARNs (`aws-cn` in China).
 */
import type { Clock } from '../../util/clock.js';
import { SandboxApiError } from '../errors.js';
import type { WorldContext } from './context.js';
import { createState } from './context.js';
import { RegionWorld } from './region-world.js';
import type { AwsServiceId, Scenario } from './scenario.js';
import type { WorldState } from './types.js';

/** The account as plain JSON: its own region's state, and those of the other regions requests reached. */
export type WorldSnapshot = WorldState & { regions?: Record<string, WorldState> };

export interface World {
  /** The account's own region: seeded, and answering requests that name none. */
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  scenario: Scenario;
  /**
   * Synchronous; throws SandboxApiError. Inputs and outputs use the SDK's member names. `region`: the region the
   * request was signed for (default: the account's own).
   */
  dispatch(service: AwsServiceId, operation: string, input: Record<string, unknown>, region?: string): Record<string, unknown>;
  /** The whole account as plain JSON (times in epoch milliseconds). */
  snapshot(): WorldSnapshot;
  /** The state for a `--state` file; `loadWorld` reads it back. */
  serialize(): string;
  /** Forgets everything: an empty account at the current time, same region and account (moto's reset API). */
  reset(): void;
}

/** AWS region names: `us-east-1`, `cn-north-1`, `us-gov-west-1`, `eu-central-2`... */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export class SandboxWorld implements World {
  private home: RegionWorld;
  private readonly others = new Map<string, RegionWorld>();
  private currentScenario: Scenario;

  constructor(
    state: WorldSnapshot,
    readonly clock: Clock,
    scenario: Scenario,
  ) {
    const { regions, ...own } = state;
    this.currentScenario = scenario;
    this.home = new RegionWorld(own, clock, scenario);
    for (const [name, st] of Object.entries(regions ?? {})) this.others.set(name, new RegionWorld(st, clock, scenario));
  }

  /** The account's own region (seeding works on it). */
  get context(): WorldContext {
    return this.home.context;
  }

  get region(): string {
    return this.home.context.region;
  }

  get accountId(): string {
    return this.home.context.accountId;
  }

  get scenario(): Scenario {
    return this.currentScenario;
  }

  set scenario(s: Scenario) {
    this.currentScenario = s;
    this.home.scenario = s;
    for (const r of this.others.values()) r.scenario = s;
  }

  dispatch(service: AwsServiceId, operation: string, input: Record<string, unknown>, region?: string): Record<string, unknown> {
    return this.regionWorld(region).dispatch(service, operation, input);
  }

  private regionWorld(region: string | undefined): RegionWorld {
    if (region === undefined || region === this.region) return this.home;
    const known = this.others.get(region);
    if (known) return known;
    if (!REGION.test(region)) {
      throw new SandboxApiError('InvalidClientTokenId', `The request was signed for '${region}', which is not an AWS region name.`);
    }
    const st = this.home.context.st;
    const created = new RegionWorld(createState(region, st.accountId, this.clock.now(), st.rng), this.clock, this.currentScenario);
    this.others.set(region, created);
    return created;
  }

  /** For code that changes state outside `dispatch` (seeding): the next call steps everything again. */
  invalidate(): void {
    this.home.invalidate();
  }

  snapshot(): WorldSnapshot {
    return JSON.parse(this.serialize()) as WorldSnapshot;
  }

  serialize(): string {
    if (this.others.size === 0) return JSON.stringify(this.home.context.st);
    const regions = Object.fromEntries([...this.others].map(([name, r]) => [name, r.context.st]));
    return JSON.stringify({ ...this.home.context.st, regions });
  }

  reset(): void {
    const st = this.home.context.st;
    this.others.clear();
    this.home = new RegionWorld(createState(st.region, st.accountId, this.clock.now(), st.rng), this.clock, this.currentScenario);
  }
}
