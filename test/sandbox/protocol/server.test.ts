import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/sandbox/clock.js';
import { SandboxApiError } from '../../../src/sandbox/errors.js';
import { InProcessRequestHandler } from '../../../src/sandbox/in-process.js';
import { createProtocolHost } from '../../../src/sandbox/protocol/host.js';
import { createSandboxRuntime } from '../../../src/sandbox/runtime.js';
import { type SandboxServer, startSandboxServer } from '../../../src/sandbox/server.js';
import { type FakeWorld, fakeWorld } from './fake-world.js';

function world(): FakeWorld {
  const w = fakeWorld();
  w.on('ecs', 'DescribeServices', (input) => ({
    services: [{ serviceName: (input.services as string[])[0], createdAt: new Date(1_700_000_000_123), desiredCount: 2 }],
    failures: [],
  }));
  w.on('ecs', 'ListClusters', () => {
    throw new SandboxApiError('ClusterNotFoundException', 'Cluster not found.');
  });
  w.on('elbv2', 'DescribeTargetGroups', () => ({ TargetGroups: [{ TargetGroupName: 'a&b', Port: 80 }] }));
  return w;
}

const servers: SandboxServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** Captures the raw response bytes the SDK received, whichever front end answered. */
function rawCapture(client: ECSClient | ElasticLoadBalancingV2Client, into: string[]): void {
  // Both clients share the SDK's middleware stack type; TypeScript cannot call a method on the union.
  (client.middlewareStack as ECSClient['middlewareStack']).add(
    (next) => async (args) => {
      const result = await next(args);
      const body = (result.response as { body: unknown }).body;
      const bytes =
        body instanceof Uint8Array
          ? body
          : Buffer.concat(
              await (async () => {
                const chunks: Buffer[] = [];
                for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
                return chunks;
              })(),
            );
      // Transport headers (date, connection, keep-alive) belong to node:http, not to the protocol core.
      const { date, connection, 'keep-alive': keepAlive, ...headers } = (result.response as { headers: Record<string, string> }).headers;
      void date;
      void connection;
      void keepAlive;
      into.push(`${JSON.stringify(headers)}\n${Buffer.from(bytes).toString('utf8')}`);
      (result.response as { body: unknown }).body = bytes;
      return result;
    },
    { step: 'deserialize', name: 'rawCapture', priority: 'low' },
  );
}

describe('the HTTP server front end', () => {
  it('answers real SDK clients over loopback with the same bytes as the in-process handler', async () => {
    const viaHttp = createProtocolHost(world(), new VirtualClock(0), 5);
    const inProc = createProtocolHost(world(), new VirtualClock(0), 5);
    const server = await startSandboxServer(viaHttp, { port: 0 });
    servers.push(server);
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const httpBodies: string[] = [];
    const inBodies: string[] = [];
    const httpEcs = new ECSClient({ region: 'eu-west-1', credentials, endpoint: server.endpoint });
    const inEcs = new ECSClient({ region: 'eu-west-1', credentials, requestHandler: new InProcessRequestHandler(inProc) });
    const httpElb = new ElasticLoadBalancingV2Client({ region: 'eu-west-1', credentials, endpoint: server.endpoint });
    const inElb = new ElasticLoadBalancingV2Client({
      region: 'eu-west-1',
      credentials,
      requestHandler: new InProcessRequestHandler(inProc),
    });
    rawCapture(httpEcs, httpBodies);
    rawCapture(httpElb, httpBodies);
    rawCapture(inEcs, inBodies);
    rawCapture(inElb, inBodies);

    const a = await httpEcs.send(new DescribeServicesCommand({ services: ['web'] }));
    const b = await inEcs.send(new DescribeServicesCommand({ services: ['web'] }));
    expect(a.services).toEqual(b.services);
    expect(a.services?.[0]?.createdAt).toEqual(new Date(1_700_000_000_123));
    expect(a.$metadata.requestId).toBe(b.$metadata.requestId);

    const errHttp = await httpEcs.send(new ListClustersCommand({})).catch((e) => e);
    const errIn = await inEcs.send(new ListClustersCommand({})).catch((e) => e);
    expect(errHttp.name).toBe('ClusterNotFoundException');
    expect(errIn.name).toBe('ClusterNotFoundException');

    const c = await httpElb.send(new DescribeTargetGroupsCommand({}));
    const d = await inElb.send(new DescribeTargetGroupsCommand({}));
    expect(c.TargetGroups).toEqual([{ TargetGroupName: 'a&b', Port: 80 }]);
    expect(d.TargetGroups).toEqual(c.TargetGroups);

    expect(httpBodies).toHaveLength(3);
    expect(inBodies).toEqual(httpBodies);
  });
});

describe('the HTTP server over the real world', () => {
  it('answers the same bytes as the in-process handler for two accounts created alike', async () => {
    const overHttp = createSandboxRuntime({ randomSeed: 11 });
    const inProcess = createSandboxRuntime({ randomSeed: 11 });
    const server = await startSandboxServer(overHttp, { port: 0 });
    servers.push(server);
    const bodies: { http: string[]; in: string[] } = { http: [], in: [] };
    const clients = (side: 'http' | 'in') => {
      const base =
        side === 'http'
          ? { region: overHttp.region, credentials, endpoint: server.endpoint }
          : { region: inProcess.region, credentials, requestHandler: inProcess.requestHandler };
      const ecs = new ECSClient(base);
      const elb = new ElasticLoadBalancingV2Client(base);
      rawCapture(ecs, bodies[side]);
      rawCapture(elb, bodies[side]);
      return { ecs, elb };
    };
    for (const side of ['http', 'in'] as const) {
      const { ecs, elb } = clients(side);
      await ecs.send(new CreateClusterCommand({ clusterName: 'same' }));
      await ecs.send(
        new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }),
      );
      await ecs.send(new CreateServiceCommand({ cluster: 'same', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }));
      await ecs.send(new DescribeServicesCommand({ cluster: 'same', services: ['web', 'ghost'] }));
      await ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['web'] })).catch(() => undefined);
      await elb.send(new CreateTargetGroupCommand({ Name: 'tg', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1' }));
      await elb.send(new DescribeTargetGroupsCommand({ Names: ['missing'] })).catch(() => undefined);
    }
    expect(bodies.http).toHaveLength(7);
    expect(bodies.in).toEqual(bodies.http);
  });
});

describe('the HTTP server when its port is taken', () => {
  it('refuses with a usage error that names the port and suggests another', async () => {
    const host = createProtocolHost(world(), new VirtualClock(0), 1);
    const first = await startSandboxServer(host, { port: 0 });
    servers.push(first);
    const error = await startSandboxServer(host, { port: first.port }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'UsageError',
      code: 'SANDBOX_PORT_UNAVAILABLE',
      hint: 'pick another --port, or --port 0 for any free port',
    });
    expect((error as Error).message).toContain(`127.0.0.1:${first.port}`);
  });
});

describe("moto's reset endpoint (for the conformance harness)", () => {
  async function accountWithACluster(resetApi: boolean) {
    const runtime = createSandboxRuntime({ randomSeed: 3 });
    const server = await startSandboxServer(runtime, { port: 0, resetApi });
    servers.push(server);
    const ecs = new ECSClient({ region: runtime.region, credentials, endpoint: server.endpoint });
    await ecs.send(new CreateClusterCommand({ clusterName: 'kept' }));
    const reset = () => fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' });
    const clusters = async () => (await ecs.send(new ListClustersCommand({}))).clusterArns;
    return { reset, clusters };
  }

  it('empties the account when the server is started with resetApi', async () => {
    const { reset, clusters } = await accountWithACluster(true);
    expect(await clusters()).toHaveLength(1);
    const res = await reset();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(await clusters()).toEqual([]);
  });

  it('is not there by default: the request is answered as an unknown call and the account keeps its state', async () => {
    const { reset, clusters } = await accountWithACluster(false);
    const res = await reset();
    expect(res.status).toBe(400);
    expect(await clusters()).toHaveLength(1);
  });
});
