/** Shared helpers for the world's unit tests: a settable clock and small builders. */
import type { Clock } from '../../../src/util/clock.js';
import { createWorld, type Scenario, type World } from '../../../src/sandbox/world/index.js';

export const T0 = Date.UTC(2026, 0, 1);

/** A clock whose time the test sets; `sleep` is never used by the world. */
export class TestClock implements Clock {
  constructor(public ms: number = T0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

export function newWorld(scenario?: Scenario): { world: World; clock: TestClock } {
  const clock = new TestClock();
  return { world: createWorld({ clock, scenario, randomSeed: 42 }), clock };
}

export function taskDefinitionInput(family: string, image: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 8080 }] }],
    ...extra,
  };
}

export const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } };

/** Registers a task definition and returns its ARN. */
export function register(world: World, family: string, image: string, extra: Record<string, unknown> = {}): string {
  const out = world.dispatch('ecs', 'RegisterTaskDefinition', taskDefinitionInput(family, image, extra));
  return String((out.taskDefinition as Record<string, unknown>).taskDefinitionArn);
}

export type Json = Record<string, unknown>;

export function describeService(world: World, cluster: string, service: string): Json {
  const out = world.dispatch('ecs', 'DescribeServices', { cluster, services: [service] });
  return (out.services as Json[])[0] as Json;
}

/** Advances the clock step by step (as a poller would) until `done` or the limit. Returns the elapsed ms. */
export function runUntil(world: World, clock: TestClock, done: () => boolean, limitMs = 3_600_000, stepMs = 5_000): number {
  const start = clock.ms;
  while (!done()) {
    if (clock.ms - start > limitMs) throw new Error(`condition not reached within ${limitMs} ms`);
    clock.advance(stepMs);
    world.dispatch('ecs', 'ListClusters', {});
  }
  return clock.ms - start;
}
