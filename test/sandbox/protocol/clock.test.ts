import { describe, expect, it } from 'vitest';
import { DEFAULT_EPOCH_MS, ScaledClock, VirtualClock } from '../../../src/sandbox/clock.js';

describe('VirtualClock', () => {
  it('starts at a fixed epoch and advances only by sleeping or advance()', async () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(DEFAULT_EPOCH_MS);
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(DEFAULT_EPOCH_MS);
    clock.advance(1500);
    expect(clock.now()).toBe(DEFAULT_EPOCH_MS + 1500);
  });

  it('runs a 30-minute sleep in simulated time without waiting for it', async () => {
    const clock = new VirtualClock(0);
    const started = Date.now();
    await clock.sleep(30 * 60_000);
    expect(clock.now()).toBe(30 * 60_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('overlaps parallel sleeps instead of adding them up, waking each at its own deadline', async () => {
    const clock = new VirtualClock(0);
    const woke: [string, number][] = [];
    await Promise.all([
      clock.sleep(10_000).then(() => woke.push(['a', clock.now()])),
      clock.sleep(30_000).then(() => woke.push(['b', clock.now()])),
      clock.sleep(10_000).then(() => woke.push(['c', clock.now()])),
    ]);
    expect(woke).toEqual([
      ['a', 10_000],
      ['c', 10_000],
      ['b', 30_000],
    ]);
    expect(clock.now()).toBe(30_000);
  });

  it('lets a woken poller take its next short sleep before a longer parallel one elapses', async () => {
    const clock = new VirtualClock(0);
    const polls: number[] = [];
    const poller = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(5_000);
        polls.push(clock.now());
      }
    })();
    const timeout = clock.sleep(60_000).then(() => clock.now());
    await poller;
    expect(polls).toEqual([5_000, 10_000, 15_000]);
    expect(await timeout).toBe(60_000);
  });

  it('rejects a sleep with the abort reason and keeps time where it was', async () => {
    const clock = new VirtualClock(0);
    const controller = new AbortController();
    const reason = new Error('user pressed Ctrl-C');
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.now()).toBe(0);
    expect(clock.pendingSleeps()).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toBe(reason);
  });
});

describe('ScaledClock', () => {
  it('runs simulated time at speed times real time from the start instant', async () => {
    let real = 1_000;
    const clock = new ScaledClock({ startMs: 50_000, speed: 60, realNow: () => real });
    expect(clock.now()).toBe(50_000);
    real += 1_000;
    expect(clock.now()).toBe(110_000);
  });

  it('sleeps for the simulated duration divided by the speed', async () => {
    const clock = new ScaledClock({ speed: 1000 });
    const started = Date.now();
    await clock.sleep(20_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(15);
    expect(elapsed).toBeLessThan(1_000);
  });
});
