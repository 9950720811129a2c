/** The shared service poller against the in-process sandbox: calls counted at the ports, waits on its clock. */
import { describe, expect, it } from 'vitest';
import { BatchingServiceWatcher } from '../../src/engine/service-poller.js';
import { backoffDelay } from '../../src/util/backoff.js';
import { engineOnSandbox, manifestDoc, service } from './sandbox-harness.js';

async function services(names: string[], extra: Record<string, Record<string, unknown>> = {}) {
  return engineOnSandbox({ manifest: manifestDoc({ ...Object.fromEntries(names.map((n) => [n, service(n)])), ...extra }) });
}

describe('the shared service poller', () => {
  it('serves services of a cluster that fall due together with DescribeServices calls of at most 10 names', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `svc${i}`);
    const h = await services(names, { x: service('x', { cluster: 'other' }) });
    const watcher = new BatchingServiceWatcher(h.rec.ports, h.clock);
    const signal = new AbortController().signal;
    // Due at 2.0 s and 2.5 s: one batch (the window is 1 s).
    const got = await Promise.all([
      ...names.map((n, i) => watcher.next('prod', n, i % 2 ? 2000 : 2500, signal)),
      watcher.next('other', 'x', 2000, signal),
      watcher.next('prod', 'missing', 2000, signal),
    ]);
    expect(got.slice(0, 12).map((s) => s?.serviceName)).toEqual(names);
    expect(got[12]?.serviceName).toBe('x');
    expect(got[13]).toBeUndefined();
    const calls = h.rec.callsOf('DescribeServices').map((c) => [c.cluster, (c.services as string[]).length]);
    expect(calls.sort()).toEqual([
      ['other', 1],
      ['prod', 10],
      ['prod', 3],
    ]);
  });

  it('waits for the requested delay on the clock and stops waiting when the signal aborts', async () => {
    const h = await services(['web']);
    const watcher = new BatchingServiceWatcher(h.rec.ports, h.clock);
    const t0 = h.clock.now();
    await watcher.next('prod', 'web', 7000, new AbortController().signal);
    expect(h.clock.now() - t0).toBe(7000);
    const ctl = new AbortController();
    const p = watcher.next('prod', 'web', 60_000, ctl.signal);
    ctl.abort(new Error('SIGINT'));
    await expect(p).rejects.toThrow('SIGINT');
    expect(h.rec.count('DescribeServices')).toBe(1);
  });

  it('keeps followers of one cluster in shared DescribeServices calls while each backs off with its own jitter', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `svc${i}`);
    const h = await services(names);
    const watcher = new BatchingServiceWatcher(h.rec.ports, h.clock);
    const signal = new AbortController().signal;
    // A seeded generator: the jitter is random, the test is not.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const polls = 30;
    await Promise.all(
      names.map(async (n) => {
        for (let i = 0; i < polls; i += 1) await watcher.next('prod', n, backoffDelay(i, random), signal);
      }),
    );
    const calls = h.rec.callsOf('DescribeServices');
    expect(calls.flatMap((c) => c.services as string[])).toHaveLength(names.length * polls);
    // Ten followers that each poll 30 times: about 30 calls, not one per follower and poll.
    expect(calls.length).toBeLessThanOrEqual(polls * 1.5);
  });

  it('polls quickly at first and backs off to about 15 s, with jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(2000);
    expect(backoffDelay(1, () => 0.5)).toBe(3000);
    expect(backoffDelay(20, () => 0.5)).toBe(15_000);
    expect(backoffDelay(0, () => 0)).toBe(1800);
    expect(backoffDelay(20, () => 1)).toBe(16_500);
  });
});
