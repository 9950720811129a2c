import { CloudWatchClient, DescribeAlarmsCommand, PutMetricDataCommand, ResourceNotFound } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import {
  DescribeServicesCommand,
  ECSClient,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
} from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/sandbox/clock.js';
import { SandboxApiError } from '../../../src/sandbox/errors.js';
import { InProcessRequestHandler } from '../../../src/sandbox/in-process.js';
import { createProtocolHost } from '../../../src/sandbox/protocol/host.js';
import type { ApiFault } from '../../../src/sandbox/protocol/types.js';
import { fakeWorld } from './fake-world.js';

function setup(faults: ApiFault[] = []) {
  const world = fakeWorld(faults);
  const clock = new VirtualClock();
  const host = createProtocolHost(world, clock, 7);
  const config = {
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: new InProcessRequestHandler(host),
  };
  return { world, clock, host, config };
}

describe('JSON protocols through real SDK clients and the in-process handler', () => {
  it('passes the ECS request body to the world and turns Dates into timestamps the SDK parses', async () => {
    const { world, config } = setup();
    const createdAt = new Date('2026-01-01T10:00:00.250Z');
    world.on('ecs', 'DescribeServices', (input) => ({
      services: (input.services as string[]).map((name) => ({ serviceName: name, createdAt, runningCount: 2 })),
      failures: [],
    }));
    const ecs = new ECSClient(config);
    const out = await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: ['web', 'api'] }));
    expect(world.received[0]).toEqual({
      service: 'ecs',
      operation: 'DescribeServices',
      input: { cluster: 'main', services: ['web', 'api'] },
    });
    expect(out.services?.map((s) => s.serviceName)).toEqual(['web', 'api']);
    expect(out.services?.[0]?.createdAt).toEqual(createdAt);
    expect(out.services?.[0]?.runningCount).toBe(2);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('raises the modelled ECS exception with the request id when the world throws a SandboxApiError', async () => {
    const { world, config } = setup();
    world.on('ecs', 'DescribeServices', () => {
      throw new SandboxApiError('ServiceNotFoundException', 'Service not found.');
    });
    const ecs = new ECSClient(config);
    const err = await ecs.send(new DescribeServicesCommand({ services: ['x'] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceNotFoundException);
    expect((err as ServiceNotFoundException).name).toBe('ServiceNotFoundException');
    expect((err as ServiceNotFoundException).message).toBe('Service not found.');
    expect((err as ServiceNotFoundException).$metadata.requestId).toBeTruthy();
    expect((err as ServiceNotFoundException).$metadata.httpStatusCode).toBe(400);
    expect((err as ServiceNotFoundException).$fault).toBe('client');
  });

  it('sends numbers and nested structures unchanged for RegisterTaskDefinition', async () => {
    const { world, config } = setup();
    world.on('ecs', 'RegisterTaskDefinition', (input) => ({ taskDefinition: { ...input, revision: 1 } }));
    const ecs = new ECSClient(config);
    const out = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512, portMappings: [{ containerPort: 80 }] }],
      }),
    );
    expect(world.received[0]?.input).toEqual({
      family: 'web',
      containerDefinitions: [{ name: 'app', image: 'nginx', memory: 512, portMappings: [{ containerPort: 80 }] }],
    });
    expect(out.taskDefinition?.containerDefinitions?.[0]?.portMappings?.[0]?.containerPort).toBe(80);
  });

  it('retries a throttled call the way the SDK retries AWS throttling, then succeeds', async () => {
    const { world, host, config } = setup([{ service: 'ecs', operation: 'ListClusters', throttleRate: 0.5 }]);
    world.on('ecs', 'ListClusters', () => ({ clusterArns: ['arn:aws:ecs:eu-west-1:123456789012:cluster/main'] }));
    const ecs = new ECSClient({ ...config, maxAttempts: 10 });
    for (let i = 0; i < 2; i++) {
      const out = await ecs.send(new ListClustersCommand({}));
      expect(out.clusterArns).toHaveLength(1);
    }
    const log = host.calls().log;
    const throttled = log.filter((e) => e.errorCode === 'ThrottlingException');
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((e) => e.status === 400)).toBe(true);
    expect(log.filter((e) => e.status === 200)).toHaveLength(2);
  }, 30_000);

  it('gives up with ThrottlingException when every attempt is throttled', async () => {
    const { config } = setup([{ service: 'ecs', throttleRate: 1 }]);
    const ecs = new ECSClient({ ...config, maxAttempts: 2 });
    const err = await ecs.send(new ListClustersCommand({})).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ThrottlingException');
    expect((err as { $metadata: { attempts: number } }).$metadata.attempts).toBe(2);
  }, 30_000);

  it('answers CodeDeploy and EventBridge on their own X-Amz-Target prefixes', async () => {
    const { world, config } = setup();
    world.on('codedeploy', 'GetDeployment', (input) => ({
      deploymentInfo: { deploymentId: input.deploymentId, status: 'InProgress', createTime: new Date(0) },
    }));
    world.on('events', 'PutRule', (input) => ({ RuleArn: `arn:aws:events:eu-west-1:123456789012:rule/${String(input.Name)}` }));
    const cd = await new CodeDeployClient(config).send(new GetDeploymentCommand({ deploymentId: 'd-123' }));
    expect(cd.deploymentInfo?.status).toBe('InProgress');
    expect(cd.deploymentInfo?.createTime).toEqual(new Date(0));
    const ev = await new EventBridgeClient(config).send(new PutRuleCommand({ Name: 'nightly', ScheduleExpression: 'rate(1 day)' }));
    expect(ev.RuleArn).toBe('arn:aws:events:eu-west-1:123456789012:rule/nightly');
    expect(world.received.map((r) => `${r.service}.${r.operation}`)).toEqual(['codedeploy.GetDeployment', 'events.PutRule']);
  });

  it('speaks CloudWatch JSON 1.0 and maps its query-compatible error codes to the SDK exception', async () => {
    const { world, config } = setup();
    world.on('cloudwatch', 'DescribeAlarms', (input) => ({
      MetricAlarms: [{ AlarmName: (input.AlarmNames as string[])[0], StateValue: 'OK', StateUpdatedTimestamp: new Date(1000) }],
    }));
    const cw = new CloudWatchClient(config);
    const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }));
    expect(out.MetricAlarms?.[0]?.AlarmName).toBe('web-5xx');
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toEqual(new Date(1000));

    world.on('cloudwatch', 'DescribeAlarms', () => {
      throw new SandboxApiError('ResourceNotFound', 'no such alarm');
    });
    const err = await cw.send(new DescribeAlarmsCommand({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceNotFound);
    expect((err as ResourceNotFound).message).toBe('no such alarm');
  });

  it('undoes the gzip the SDK applies to a large CloudWatch PutMetricData body', async () => {
    const { world, host, config } = setup();
    world.on('cloudwatch', 'PutMetricData', () => ({}));
    const data = Array.from({ length: 400 }, (_, i) => ({ MetricName: `m${i}`, Value: i, Unit: 'Count' as const }));
    const encodings: string[] = [];
    const cw = new CloudWatchClient(config);
    cw.middlewareStack.add(
      (next) => async (args) => {
        encodings.push(String((args.request as { headers: Record<string, string> }).headers['content-encoding']));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'seeEncoding', priority: 'low' },
    );
    await cw.send(new PutMetricDataCommand({ Namespace: 'App', MetricData: data }));
    expect(encodings).toEqual(['gzip']);
    const input = world.received[0]?.input as { Namespace: string; MetricData: { MetricName: string }[] };
    expect(input.Namespace).toBe('App');
    expect(input.MetricData).toHaveLength(400);
    expect(host.calls().counts['cloudwatch.PutMetricData']).toBe(1);
  });

  it('answers a world bug with a 500 the SDK reports as a server fault', async () => {
    const { world, config } = setup();
    world.on('ecs', 'ListClusters', () => {
      throw new TypeError('cannot read x of undefined');
    });
    const err = await new ECSClient({ ...config, maxAttempts: 1 }).send(new ListClustersCommand({})).catch((e: unknown) => e);
    expect((err as { $fault: string }).$fault).toBe('server');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
    expect((err as Error).message).toContain('cannot read x of undefined');
  });
});
