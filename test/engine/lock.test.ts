/**
 * The lock as other runs see it on AWS: a lease that a living run keeps pushing out, that never outlives the run's
 * deadline, that is taken by exactly one of several runs starting at once, and that a run gives up on a service as
 * soon as it knows it will not touch it. On the sandbox, reading the tag as another machine would.
 */
import { describe, expect, it } from 'vitest';
import { createEngineContext } from '../../src/engine/context.js';
import { createEmitter } from '../../src/engine/emitter.js';
import { acquireLocks, LOCK_LEASE_MS, parseLock } from '../../src/engine/lock.js';
import { createCallRunner } from '../../src/engine/calls.js';
import { EcsDeployError } from '../../src/errors/index.js';
import { APPLY_DEFAULTS, CLUSTER, engineOnSandbox, LOCK_TAG, manifestDoc, service } from './sandbox-harness.js';

describe('the lock', () => {
  it('stays alive through a 30-minute rollout and is never set more than the lease ahead', async () => {
    // New tasks take 25 minutes to start.
    const h = await engineOnSandbox({
      manifest: manifestDoc({ web: service('web', { timeout: '40m' }) }),
      scenario: { images: [{ match: '*web:v2', startSeconds: 1500 }] },
    });
    const seen: { at: number; expiresAt: number | undefined }[] = [];
    const emit = h.sink.emit.bind(h.sink);
    let reading = Promise.resolve();
    h.sink.emit = (e) => {
      emit(e);
      if (e.type !== 'service.progress') return;
      const at = h.clock.now();
      reading = reading.then(async () => {
        const tag = (await h.describe('web')).tags?.find((t) => t.key === LOCK_TAG)?.value;
        seen.push({ at, expiresAt: tag ? parseLock(tag)?.expiresAt : undefined });
      });
    };
    const r = await h.apply(await h.plan());
    await reading;
    expect(r.outcome).toBe('succeeded');
    expect(h.sink.ofType('service.progress').at(-1)?.rolloutState).toBe('COMPLETED');
    expect(seen.length).toBeGreaterThan(2);
    for (const s of seen) {
      expect(s.expiresAt, new Date(s.at).toISOString()).toBeGreaterThan(s.at);
      expect((s.expiresAt as number) - s.at).toBeLessThanOrEqual(LOCK_LEASE_MS + 1000);
    }
    expect((await h.describe('web')).tags?.some((t) => t.key === LOCK_TAG)).toBe(false);
  });

  it('never sets an expiry beyond the run’s deadline', async () => {
    const h = await engineOnSandbox({ manifest: manifestDoc({ web: service('web') }) });
    const run = { emit: createEmitter(h.sink, h.clock), hardSignal: h.hard.signal };
    const calls = createCallRunner({ dryRun: false, emit: run.emit, hardSignal: h.hard.signal, ports: h.rec.ports, runId: 'run-1' });
    const ctx = createEngineContext(
      { ports: h.rec.ports, sink: h.sink, clock: h.clock, signal: h.soft.signal, hardSignal: h.hard.signal },
      { ...run, calls, plan: undefined, options: APPLY_DEFAULTS },
    );
    const deadline = h.clock.now() + 2 * 60_000;
    const locks = await acquireLocks(ctx, [{ label: 'web', cluster: CLUSTER, service: 'web' }], { deadline });
    const tag = (await h.describe('web')).tags?.find((t) => t.key === LOCK_TAG)?.value as string;
    expect(parseLock(tag)).toEqual({ runId: 'run-1', expiresAt: deadline });
    await locks.release();
  });

  it('lets exactly one of three applies that start at the same moment deploy', async () => {
    const h = await engineOnSandbox({ manifest: manifestDoc({ a: service('a'), b: service('b'), c: service('c') }) });
    const plan = await h.plan();
    const runs = await Promise.allSettled(['run-1', 'run-2', 'run-3'].map((runId) => h.apply(plan, { runId })));
    const won = runs.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0]?.status === 'fulfilled' && won[0].value.outcome).toBe('succeeded');
    for (const r of runs.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(EcsDeployError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'SERVICE_BUSY' });
    }
    // Each service was deployed once, by the winner.
    expect(
      h.rec
        .callsOf('UpdateService')
        .map((u) => u.service)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    for (const k of ['a', 'b', 'c']) expect((await h.describe(k)).tags?.some((t) => t.key === LOCK_TAG)).toBe(false);
  });

  it('releases a service it will not deploy as soon as it knows, while the others still deploy', async () => {
    // a fails at once; b depends on a; c takes 5 minutes.
    const h = await engineOnSandbox({
      manifest: manifestDoc({ a: service('a'), b: service('b', { dependsOn: ['a'] }), c: service('c') }),
      scenario: {
        images: [
          { match: '*a:v2', crashOnStart: true },
          { match: '*c:v2', startSeconds: 300 },
        ],
      },
    });
    // b's lock tag as read at each poll of c once a failed (c still has minutes to go).
    const bLock: (string | undefined)[] = [];
    let reading = Promise.resolve();
    const emit = h.sink.emit.bind(h.sink);
    h.sink.emit = (e) => {
      emit(e);
      if (e.type === 'service.progress' && e.service === 'c' && h.sink.ofType('service.finished').some((f) => f.service === 'a')) {
        reading = reading.then(async () => {
          bLock.push((await h.describe('b')).tags?.find((t) => t.key === LOCK_TAG)?.value);
        });
      }
    };
    const r = await h.apply(await h.plan(), { concurrency: 2 });
    await reading;
    expect(Object.fromEntries(r.services.map((s) => [s.key, s.outcome]))).toEqual({ a: 'rolled-back', b: 'skipped', c: 'succeeded' });
    expect(bLock.length).toBeGreaterThan(0);
    expect(bLock.at(-1)).toBeUndefined();
  });
});

describe('--force over a dead run’s lock', () => {
  it('takes over the services it deploys, leaves none of its own behind, and names the run whose other locks stay', async () => {
    const h = await engineOnSandbox({ manifest: manifestDoc({ a: service('a'), b: service('b') }) });
    const expires = Math.ceil(h.clock.now() / 1000) + 600;
    for (const k of ['a', 'b']) {
      const arn = (await h.describe(k)).serviceArn as string;
      await h.admin.ecs.tagResource({ resourceArn: arn, tags: [{ key: LOCK_TAG, value: `run-dead:${expires}` }] });
    }
    const r = await h.apply(await h.plan(), { services: ['a'], force: true });
    expect(r.outcome).toBe('succeeded');
    expect(h.sink.ofType('log').find((l) => l.message.startsWith('--force'))?.message).toMatch(
      /run-dead.*other locks of run-dead stay until they expire \(`ecsdeploy unlock --run RUN`\)/,
    );
    expect((await h.describe('a')).tags?.some((t) => t.key === LOCK_TAG)).toBe(false);
    expect((await h.describe('b')).tags?.find((t) => t.key === LOCK_TAG)?.value).toBe(`run-dead:${expires}`);
  });
});
