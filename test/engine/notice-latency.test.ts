/**
 * How soon a rollout's end is noticed, on the sandbox's clock: ECS marks each deployment COMPLETED at a moment the
 * engine cannot predict; the engine must report it within 2 s, as a peer polling every second would, while the
 * shared poller keeps to one DescribeServices per 10 services of a cluster per poll.
 */
import { describe, expect, it } from 'vitest';
import { engineOnSandbox, manifestDoc, service } from './sandbox-harness.js';

async function deployAtOnce(count: number) {
  const keys = Array.from({ length: count }, (_, i) => `svc${i}`);
  const h = await engineOnSandbox({
    // No cleanup: its reads of every service are not polls.
    manifest: manifestDoc(Object.fromEntries(keys.map((k) => [k, service(k)])), { keepRevisions: 0 }),
    // Completions fall anywhere between two polls: each service's new tasks take a little longer to start.
    scenario: { images: keys.map((k, i) => ({ match: `*${k}:v2`, startSeconds: 45 + i * 1.37 })) },
  });
  // The poller's DescribeServices calls (the lock's reads ask for tags), with the simulated time of each.
  const polls: { at: number; names: number }[] = [];
  h.rec.afterCall = (call) => {
    if (call.op === 'DescribeServices' && !call.input.include)
      polls.push({ at: h.clock.now(), names: (call.input.services as string[]).length });
  };
  const r = await h.apply(await h.plan(), { concurrency: count });
  expect(r.outcome).toBe('succeeded');
  const completedAt = new Map<string, number>();
  for (const k of keys) completedAt.set(k, new Date((await h.describe(k)).deployments?.[0]?.updatedAt as Date).getTime());
  const noticedAt = new Map<string, number>();
  for (const e of h.sink.ofType('service.progress')) {
    if (e.rolloutState === 'COMPLETED' && !noticedAt.has(e.service)) noticedAt.set(e.service, Date.parse(e.time));
  }
  return { h, keys, completedAt, noticedAt, polls };
}

describe('noticing the end of a rollout', () => {
  it.each([1, 10])('reports each of %i deployments within 2 s of ECS completing it', async (count) => {
    const { keys, completedAt, noticedAt } = await deployAtOnce(count);
    for (const k of keys) {
      const delay = (noticedAt.get(k) as number) - (completedAt.get(k) as number);
      expect(delay, k).toBeGreaterThanOrEqual(0);
      expect(delay, k).toBeLessThanOrEqual(2000);
    }
  });

  it('polls 12 services of one cluster with at most one DescribeServices per 10 of them per poll', async () => {
    const { polls } = await deployAtOnce(12);
    const perPoll = new Map<number, { calls: number; names: number }>();
    for (const p of polls) {
      const at = perPoll.get(p.at) ?? { calls: 0, names: 0 };
      perPoll.set(p.at, { calls: at.calls + 1, names: at.names + p.names });
    }
    // About a minute of waiting at about one poll a second.
    expect(perPoll.size).toBeGreaterThan(40);
    for (const [, p] of perPoll) {
      expect(p.calls).toBeLessThanOrEqual(Math.ceil(p.names / 10));
      expect(p.names).toBeLessThanOrEqual(12);
    }
    // Each follower polls about once a second (at least every 0.9 s): the 12 of them share 2 calls a poll.
    const seconds = ((polls.at(-1)?.at ?? 0) - (polls[0]?.at ?? 0)) / 1000;
    expect(polls.length).toBeLessThanOrEqual(2 * Math.ceil(seconds / 0.9 + 1));
  });
});

describe('noticing the end of a one-off task', () => {
  it('reports a migration within 2 s of its task stopping, so the services it gates start at once', async () => {
    const h = await engineOnSandbox({
      manifest: manifestDoc(
        { api: service('api') },
        { keepRevisions: 0, before: [{ name: 'migrate', taskDefinitionOf: 'api', command: ['migrate'] }] },
      ),
      // The migration runs for a while before it exits 0.
      scenario: { images: [{ match: '*api:v2', startSeconds: 47.3 }] },
    });
    const r = await h.apply(await h.plan());
    expect(r.outcome).toBe('succeeded');
    const finished = h.sink.ofType('oneoff.finished')[0];
    const task = (await h.admin.ecs.describeTasks({ cluster: 'prod', tasks: [finished?.taskArn as string] })).tasks?.[0];
    const delay = Date.parse(finished?.time as string) - new Date(task?.stoppedAt as Date).getTime();
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(2000);
  });
});
