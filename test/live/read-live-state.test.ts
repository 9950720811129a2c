import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { readLiveState } from '../../src/live/read-live-state.js';
import { createTaskDefinitionCache } from '../../src/live/task-definition-cache.js';
import {
  ACCOUNT,
  describedService,
  describedTaskDefinition,
  REGION,
  resolvedManifest,
  resolvedService,
  taskDefinitionArn,
} from './fixtures.js';

const ecs = mockClient(ECSClient);
const ports = () => createAwsPorts({ region: REGION, env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' } });

/** A fake account: DescribeServices answers from `services` (by cluster), DescribeTaskDefinition from the family in the ARN. */
function serveAccount(services: Record<string, Service[]>, options: { delayMs?: number; onCall?: (delta: number) => void } = {}) {
  const pause = () => new Promise((r) => setTimeout(r, options.delayMs ?? 0));
  ecs.on(DescribeServicesCommand).callsFake(async (input: { cluster: string; services: string[] }) => {
    options.onCall?.(1);
    await pause();
    options.onCall?.(-1);
    const known = services[input.cluster] ?? [];
    const found = input.services.map((name) => known.find((s) => s.serviceName === name));
    return {
      services: found.filter((s): s is Service => s !== undefined),
      failures: input.services
        .filter((_, i) => found[i] === undefined)
        .map((name) => ({ arn: `arn:aws:ecs:${REGION}:123456789012:service/${input.cluster}/${name}`, reason: 'MISSING' })),
    };
  });
  ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => {
    options.onCall?.(1);
    await pause();
    options.onCall?.(-1);
    const [, family, revision] = /task-definition\/([^:]+):(\d+)$/.exec(input.taskDefinition) ?? [];
    return { taskDefinition: describedTaskDefinition(family ?? 'x', Number(revision)), tags: [{ key: 'owner', value: 'team-a' }] };
  });
}

beforeEach(() => {
  ecs.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
});
afterAll(() => {
  ecs.restore();
});

describe('readLiveState', () => {
  it('describes services 10 at a time per cluster, with tags, and every service exactly once', async () => {
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const a = names('a', 23);
    const b = names('b', 3);
    serveAccount({});
    const manifest = resolvedManifest([
      ...a.map((n) => resolvedService(n, { cluster: 'alpha' })),
      ...b.map((n) => resolvedService(n, { cluster: 'beta' })),
    ]);
    await readLiveState(ports(), manifest);
    const calls = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(4);
    for (const input of calls) {
      expect(input.services?.length).toBeLessThanOrEqual(10);
      expect(input.include).toEqual(['TAGS']);
    }
    const asked = (cluster: string) =>
      calls
        .filter((c) => c.cluster === cluster)
        .flatMap((c) => c.services ?? [])
        .sort();
    expect(asked('alpha')).toEqual([...a].sort());
    expect(asked('beta')).toEqual([...b].sort());
  });

  it('describes each distinct live task definition once, with tags, as plain JSON', async () => {
    const shared = taskDefinitionArn('shared', 3);
    serveAccount({
      main: [
        describedService('one', 'main', shared),
        describedService('two', 'main', shared),
        describedService('three', 'main', taskDefinitionArn('three', 7)),
      ],
    });
    const live = await readLiveState(ports(), resolvedManifest([resolvedService('one'), resolvedService('two'), resolvedService('three')]));
    const described = ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input);
    expect(described.map((i) => i.taskDefinition).sort()).toEqual([shared, taskDefinitionArn('three', 7)].sort());
    for (const input of described) expect(input.include).toEqual(['TAGS']);

    const one = live.services.find((s) => s.key === 'one');
    expect(one?.taskDefinition?.taskDefinitionArn).toBe(shared);
    expect(one?.taskDefinition?.tags).toEqual([{ key: 'owner', value: 'team-a' }]);
    // SDK Dates become ISO strings, so the whole state survives JSON unchanged.
    expect(one?.taskDefinition?.registeredAt).toBe('2026-01-01T00:00:00.000Z');
    expect(one?.described?.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(JSON.parse(JSON.stringify(live))).toEqual(live);
    expect(live.calls).toEqual({ 'ECS.DescribeServices': 1, 'ECS.DescribeTaskDefinition': 2 });
  });

  it('reports a service missing from AWS, or INACTIVE, as not described and reads no task definition for it', async () => {
    serveAccount({
      main: [
        describedService('present', 'main', taskDefinitionArn('present')),
        describedService('deleted', 'main', taskDefinitionArn('deleted'), { status: 'INACTIVE' }),
      ],
    });
    const live = await readLiveState(
      ports(),
      resolvedManifest([resolvedService('present'), resolvedService('deleted'), resolvedService('absent')]),
    );
    const byKey = Object.fromEntries(live.services.map((s) => [s.key, s]));
    expect(byKey.present?.described?.serviceName).toBe('present');
    expect(byKey.deleted?.described).toBeUndefined();
    expect(byKey.deleted?.taskDefinition).toBeUndefined();
    expect(byKey.absent?.described).toBeUndefined();
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input.taskDefinition)).toEqual([
      taskDefinitionArn('present'),
    ]);
  });

  it('reads the task definition of the PRIMARY task set for a CodeDeploy-controlled service', async () => {
    const primary = taskDefinitionArn('bg', 5);
    serveAccount({
      main: [
        describedService('bg', 'main', taskDefinitionArn('bg', 4), {
          deploymentController: { type: 'CODE_DEPLOY' },
          deployments: [],
          taskSets: [
            { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: taskDefinitionArn('bg', 4) },
            { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: primary },
          ],
        }),
      ],
    });
    const live = await readLiveState(ports(), resolvedManifest([resolvedService('bg')]));
    expect(live.services[0]?.taskDefinition?.taskDefinitionArn).toBe(primary);
  });

  it('batches a cluster named by name in some services and by ARN in others as the one cluster it is', async () => {
    serveAccount({});
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/alpha`;
    const manifest = resolvedManifest([
      ...['a', 'b', 'c', 'd', 'e'].map((n) => resolvedService(n, { cluster: 'alpha' })),
      ...['f', 'g', 'h', 'i', 'j'].map((n) => resolvedService(n, { cluster: arn })),
    ]);
    await readLiveState(ports(), manifest);
    const calls = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.cluster, [...(c.services ?? [])].sort()])).toEqual([
      ['alpha', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']],
    ]);
  });

  it('says a cluster named by ARN does not exist for every service that names it either way', async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException', $metadata: { httpStatusCode: 400 } }));
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/nowhere`;
    const live = await readLiveState(
      ports(),
      resolvedManifest([resolvedService('web', { cluster: arn }), resolvedService('api', { cluster: 'nowhere' })]),
    );
    expect(live.preflight.map((p) => p.service)).toEqual(['web', 'api']);
  });

  it('treats a cluster that does not exist as holding none of its services, and says so in preflight', async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejects(Object.assign(new Error('Cluster not found.'), { name: 'ClusterNotFoundException', $metadata: { httpStatusCode: 400 } }));
    const live = await readLiveState(ports(), resolvedManifest([resolvedService('web', { cluster: 'nowhere' })]));
    expect(live.services[0]?.described).toBeUndefined();
    expect(live.preflight).toEqual([{ service: 'web', message: `ECS cluster "nowhere" does not exist in ${REGION}` }]);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const services = Array.from({ length: 30 }, (_, i) => describedService(`s${i}`, 'main', taskDefinitionArn(`s${i}`)));
    serveAccount(
      { main: services },
      {
        delayMs: 5,
        onCall: (d) => {
          inFlight += d;
          peak = Math.max(peak, inFlight);
        },
      },
    );
    await readLiveState(ports(), resolvedManifest(services.map((s) => resolvedService(s.serviceName as string))), { concurrency: 3 });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });

  it('starts describing a task definition as soon as the batch naming it returns, not after every batch', async () => {
    const log: string[] = [];
    ecs.on(DescribeServicesCommand).callsFake(async (input: { cluster: string }) => {
      if (input.cluster === 'slow') await new Promise((r) => setTimeout(r, 50));
      log.push(`services ${input.cluster}`);
      return { services: [describedService(`${input.cluster}-svc`, input.cluster, taskDefinitionArn(input.cluster))], failures: [] };
    });
    ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => {
      log.push(`task definition ${input.taskDefinition.split('/').pop()}`);
      return { taskDefinition: describedTaskDefinition(input.taskDefinition.includes('slow') ? 'slow' : 'fast') };
    });
    const manifest = resolvedManifest([resolvedService('slow-svc', { cluster: 'slow' }), resolvedService('fast-svc', { cluster: 'fast' })]);
    const live = await readLiveState(ports(), manifest);
    expect(log).toEqual(['services fast', 'task definition fast:1', 'services slow', 'task definition slow:1']);
    expect(live.services.map((s) => s.taskDefinition?.family)).toEqual(['slow', 'fast']);
  });

  it('propagates an AWS failure other than a missing cluster', async () => {
    ecs
      .on(DescribeServicesCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(readLiveState(ports(), resolvedManifest([resolvedService('web')]))).rejects.toMatchObject({
      awsCode: 'AccessDeniedException',
      operation: 'DescribeServices',
    });
  });
});

describe('the task definition cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecsdeploy-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a repeat read describe no task definition it has seen', async () => {
    serveAccount({ main: [describedService('web', 'main', taskDefinitionArn('web', 9))] });
    const manifest = resolvedManifest([resolvedService('web')]);
    const first = await readLiveState(ports(), manifest, { cache: createTaskDefinitionCache({ directory: dir, region: REGION }) });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);

    const second = await readLiveState(ports(), manifest, { cache: createTaskDefinitionCache({ directory: dir, region: REGION }) });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(second.calls).toEqual({ 'ECS.DescribeServices': 1 });
    expect(second.services[0]?.taskDefinition).toEqual(first.services[0]?.taskDefinition);
  });

  it('never writes a task definition holding a sensitive value to the cache, and describes it again next time', async () => {
    serveAccount({
      main: [describedService('web', 'main', taskDefinitionArn('web', 9)), describedService('api', 'main', taskDefinitionArn('api', 4))],
    });
    const withSecret = (family: string, revision: number, name: string) => {
      const td = describedTaskDefinition(family, revision);
      td.containerDefinitions![0]!.environment = [{ name, value: 'hunter2' }];
      return { taskDefinition: td };
    };
    ecs
      .on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('web', 9) })
      .resolves(withSecret('web', 9, 'DB_PASSWORD'))
      .on(DescribeTaskDefinitionCommand, { taskDefinition: taskDefinitionArn('api', 4) })
      .resolves(withSecret('api', 4, 'MARKED_BY_MANIFEST'));
    const manifest = resolvedManifest([resolvedService('web'), resolvedService('api', { sensitive: ['MARKED_BY_MANIFEST'] })]);
    const read = () => readLiveState(ports(), manifest, { cache: createTaskDefinitionCache({ directory: dir, region: REGION }) });
    const first = await read();
    expect(
      first.services.map((s) => (s.taskDefinition?.containerDefinitions as { environment: unknown }[] | undefined)?.[0]?.environment),
    ).toEqual([[{ name: 'DB_PASSWORD', value: 'hunter2' }], [{ name: 'MARKED_BY_MANIFEST', value: 'hunter2' }]]);
    const files = await readdir(join(dir, 'task-definitions')).catch(() => []);
    expect(files).toEqual([]);
    await read();
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(4);
  });

  it('keeps entries of another endpoint or region apart, so an emulator never poisons the real cache', async () => {
    const arn = taskDefinitionArn('web', 1);
    const real = createTaskDefinitionCache({ directory: dir, region: REGION });
    const emulator = createTaskDefinitionCache({ directory: dir, region: REGION, endpoint: 'http://127.0.0.1:5000' });
    const otherRegion = createTaskDefinitionCache({ directory: dir, region: 'eu-west-1' });
    await emulator.set(arn, { family: 'from-emulator' });
    expect(await real.get(arn)).toBeUndefined();
    expect(await otherRegion.get(arn)).toBeUndefined();
    expect(await emulator.get(arn)).toEqual({ family: 'from-emulator' });
  });

  it('treats a corrupt entry as a miss and leaves no temporary files behind', async () => {
    const cache = createTaskDefinitionCache({ directory: dir, region: REGION });
    const arn = taskDefinitionArn('web', 1);
    await cache.set(arn, { family: 'web' });
    const files = await readdir(join(dir, 'task-definitions'));
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'task-definitions', files[0] as string), '{"version":1,"trunc');
    expect(await cache.get(arn)).toBeUndefined();
  });
});
