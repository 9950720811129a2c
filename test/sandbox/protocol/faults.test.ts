import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/sandbox/clock.js';
import { InProcessRequestHandler } from '../../../src/sandbox/in-process.js';
import { handleRequest } from '../../../src/sandbox/protocol/handle.js';
import { createProtocolHost } from '../../../src/sandbox/protocol/host.js';
import type { ApiFault, WireRequest } from '../../../src/sandbox/protocol/types.js';
import { fakeWorld } from './fake-world.js';

const enc = new TextEncoder();

function ecsRequest(operation: string): WireRequest {
  return {
    method: 'POST',
    path: '/',
    headers: { 'x-amz-target': `AmazonEC2ContainerServiceV20141113.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: enc.encode('{}'),
  };
}

async function run(faults: ApiFault[], seed: number, calls: number, operation = 'ListClusters') {
  const world = fakeWorld(faults);
  world.on('ecs', 'ListClusters', () => ({ clusterArns: [] }));
  world.on('ecs', 'ListServices', () => ({ serviceArns: [] }));
  const host = createProtocolHost(world, new VirtualClock(0), seed);
  const statuses: number[] = [];
  for (let i = 0; i < calls; i++) statuses.push((await handleRequest(host, ecsRequest(operation))).status);
  return { statuses, host, world };
}

describe('API fault injection', () => {
  it('throttles about the configured share of matching calls, the same calls for the same seed', async () => {
    const a = await run([{ service: 'ecs', throttleRate: 0.3 }], 42, 1000);
    const b = await run([{ service: 'ecs', throttleRate: 0.3 }], 42, 1000);
    const throttled = a.statuses.filter((s) => s === 400).length;
    expect(throttled).toBeGreaterThan(250);
    expect(throttled).toBeLessThan(350);
    expect(b.statuses).toEqual(a.statuses);
    // Throttled calls never reach the world.
    expect(a.world.received).toHaveLength(1000 - throttled);
    expect(a.host.calls().counts['ecs.ListClusters']).toBe(1000);
  });

  it('fails about the configured share with 500s and leaves other operations alone', async () => {
    const faults: ApiFault[] = [{ service: 'ecs', operation: 'ListServices', serverErrorRate: 0.2 }];
    const hit = await run(faults, 9, 1000, 'ListServices');
    const errors = hit.statuses.filter((s) => s === 500).length;
    expect(errors).toBeGreaterThan(150);
    expect(errors).toBeLessThan(250);
    const spared = await run(faults, 9, 200, 'ListClusters');
    expect(spared.statuses.every((s) => s === 200)).toBe(true);
  });

  it('advances simulated time by the latency of a matching call under the virtual clock', async () => {
    const world = fakeWorld([{ service: 'ecs', latencyMs: 2_500 }]);
    world.on('ecs', 'ListClusters', () => ({ clusterArns: [] }));
    const clock = new VirtualClock(0);
    const host = createProtocolHost(world, clock, 1);
    const ecs = new ECSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: new InProcessRequestHandler(host),
    });
    await Promise.all([ecs.send(new ListClustersCommand({})), ecs.send(new ListClustersCommand({}))]);
    // Two calls in flight at once overlap, like two requests to a slow endpoint.
    expect(clock.now()).toBe(2_500);
    await ecs.send(new ListClustersCommand({}));
    expect(clock.now()).toBe(5_000);
  });

  it('lets a poller that calls the SDK between sleeps keep its own pace beside a long parallel wait', async () => {
    const world = fakeWorld();
    world.on('ecs', 'ListClusters', () => ({ clusterArns: [] }));
    const clock = new VirtualClock(0);
    const host = createProtocolHost(world, clock, 1);
    const ecs = new ECSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: new InProcessRequestHandler(host),
    });
    const timeout = clock.sleep(30 * 60_000).then(() => clock.now());
    const polledAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      await ecs.send(new ListClustersCommand({}));
      polledAt.push(clock.now());
      await clock.sleep(15_000);
    }
    expect(polledAt).toEqual([0, 15_000, 30_000, 45_000]);
    expect(host.calls().log.map((e) => e.time)).toEqual([
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:15.000Z',
      '1970-01-01T00:00:30.000Z',
      '1970-01-01T00:00:45.000Z',
    ]);
    expect(await timeout).toBe(30 * 60_000);
  });

  it('aborts a call waiting out its latency when the SDK call is aborted', async () => {
    const world = fakeWorld([{ latencyMs: 60_000 }]);
    world.on('ecs', 'ListClusters', () => ({ clusterArns: [] }));
    const host = createProtocolHost(world, new VirtualClock(0), 1);
    const handler = new InProcessRequestHandler(host);
    const controller = new AbortController();
    const pending = handler.handle(
      { method: 'POST', path: '/', headers: ecsRequest('ListClusters').headers, body: '{}' },
      { abortSignal: controller.signal },
    );
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(world.received).toHaveLength(0);
  });
});
