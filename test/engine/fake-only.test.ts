/**
 * Engine behaviours the sandbox cannot produce, on the fake ECS (fake-aws.ts), which contract.test.ts holds to the
 * sandbox for everything the two share:
 * - a one-off task that never starts (the sandbox starts every task it is asked to run);
 * - rollouts scripted to last close to their timeout, twice over (tuning the sandbox's task timings to land there
 *   would test the tuning, not the engine).
 */
import { describe, expect, it } from 'vitest';
import { parseLock } from '../../src/engine/lock.js';
import { rollbackService } from '../../src/engine/rollback.js';
import { MemorySink } from '../../src/events/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { harness, plan, resolvedService, servicePlan } from './builders.js';
import { FakeAws, svcArn } from './fake-aws.js';
import { DEPLOYED, LOCK_TAG } from './sandbox-harness.js';

describe('on the fake ECS', () => {
  it('fails on a one-off task that never started, with its stop code', async () => {
    const h = harness();
    const old = h.aws.addTaskDefinition('api');
    h.aws.addService({ name: 'api', taskDefinition: old });
    h.aws.oneOffExit = 'never-started';
    const p = plan([servicePlan({ key: 'api', liveArn: old })], {
      before: [{ name: 'migrate', taskDefinitionOf: 'api', timeoutMs: 600_000 }],
    });
    const r = await h.apply(p);
    expect(r.outcome).toBe('failed');
    expect(h.sink.ofType('oneoff.finished')[0]?.reason).toMatch(/^TaskFailedToStart: CannotPullContainerError/);
    expect(h.aws.count('UpdateService')).toBe(0);
  });

  it('rollback holds its lock for as long as it waits: its own rollout and then the rollback ECS makes of it', async () => {
    const clock = new VirtualClock();
    const aws = new FakeAws(clock);
    // Each deployment settles after ~27 minutes of polls (one a second): the rollout trips the circuit breaker near its 30 min
    // timeout, and ECS's rollback takes as long again.
    aws.polls = 1650;
    aws.addTaskDefinition('web', DEPLOYED);
    aws.addService({ name: 'web', taskDefinition: aws.addTaskDefinition('web', DEPLOYED), behaviours: ['circuit-breaker'] });
    const sink = new MemorySink();
    const expired: string[] = [];
    const emit = sink.emit.bind(sink);
    sink.emit = (e) => {
      emit(e);
      const value = aws.tags.get(svcArn('prod', 'web'))?.find((t) => t.key === LOCK_TAG)?.value;
      const lock = value ? parseLock(value) : undefined;
      if (e.type === 'service.progress' && (!lock || lock.expiresAt <= clock.now())) {
        expired.push(`${new Date(clock.now()).toISOString()} ${e.deploymentId} ${e.rolloutState}`);
      }
    };
    const t0 = clock.now();
    const r = await rollbackService(
      resolvedService('web', { timeoutMs: 30 * 60_000 }),
      { ports: aws.ports(), sink, clock, signal: new AbortController().signal },
      { runId: 'rb', force: false, onInterrupt: 'rollback', lockSettleMs: 10 },
    );
    expect(r.services[0]?.outcome).toBe('rolled-back');
    expect(clock.now() - t0).toBeGreaterThan(45 * 60_000);
    expect(expired).toEqual([]);
  });
});
