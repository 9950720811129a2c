/**
 * Where ECS runs tasks, through the real SDK: launch types and capacity provider strategies (one or the other),
 * the cluster's default strategy, and task definitions that must be compatible with where they run.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  type LaunchType,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

const NETWORK = { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } };

async function account() {
  const sb = startInProcessSandbox();
  const ecs = new ECSClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  const fargate = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'nginx' }],
    }),
  );
  const bridge = await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'legacy', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }),
  );
  return {
    sb,
    ecs,
    fargateTd: fargate.taskDefinition?.taskDefinitionArn as string,
    bridgeTd: bridge.taskDefinition?.taskDefinitionArn as string,
  };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('launch types and capacity provider strategies', () => {
  it('refuses an unknown launch type, and a launch type together with a strategy', async () => {
    const { ecs, fargateTd } = await account();
    const base = { cluster: 'shop', taskDefinition: fargateTd, desiredCount: 1, networkConfiguration: NETWORK };
    expect(await failure(ecs.send(new CreateServiceCommand({ ...base, serviceName: 'a', launchType: 'SOMETHING' as LaunchType })))).toBe(
      'InvalidParameterException: launch type should be one of [EC2,FARGATE,EXTERNAL]',
    );
    const both = { ...base, serviceName: 'b', launchType: 'FARGATE' as const, capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] };
    expect(await failure(ecs.send(new CreateServiceCommand(both)))).toBe(
      'InvalidParameterException: Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
    // RunTask checks its parameters before it looks for the cluster.
    expect(
      await failure(ecs.send(new RunTaskCommand({ cluster: 'nowhere', taskDefinition: fargateTd, launchType: 'Fargate' as LaunchType }))),
    ).toBe('InvalidParameterException: launch type should be one of [EC2,FARGATE,EXTERNAL]');
  });

  it('gives a service with neither the cluster default strategy, and runs its tasks on that provider', async () => {
    const { sb, ecs, fargateTd } = await account();
    const strategy = [
      { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE', weight: 1, base: 0 },
    ];
    const put = await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'shop',
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: strategy,
      }),
    );
    expect(put.cluster?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['shop'] }));
    expect(described.clusters?.[0]?.defaultCapacityProviderStrategy).toEqual(strategy);

    await ecs.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: 'web',
        taskDefinition: fargateTd,
        desiredCount: 1,
        networkConfiguration: NETWORK,
      }),
    );
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
    expect(svc?.launchType).toBeUndefined();
    expect(svc?.capacityProviderStrategy).toEqual(strategy);
    sb.clock.advance(5_000);
    const arns = (await ecs.send(new ListTasksCommand({ cluster: 'shop', serviceName: 'web' }))).taskArns ?? [];
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'shop', tasks: arns }))).tasks?.[0];
    expect(task).toMatchObject({ launchType: 'FARGATE', capacityProviderName: 'FARGATE_SPOT' });
  });

  it('refuses capacity providers the sandbox does not have, and strategies naming providers the cluster lacks', async () => {
    const { ecs, fargateTd } = await account();
    expect(
      await failure(
        ecs.send(
          new PutClusterCapacityProvidersCommand({ cluster: 'shop', capacityProviders: ['mine'], defaultCapacityProviderStrategy: [] }),
        ),
      ),
    ).toContain("InvalidParameterException: The specified capacity provider 'mine' does not exist.");
    const run = ecs.send(
      new RunTaskCommand({
        cluster: 'shop',
        taskDefinition: fargateTd,
        networkConfiguration: NETWORK,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
      }),
    );
    expect(await failure(run)).toContain('cannot contain a capacity provider that is not associated with the cluster');
  });

  it('runs a task with no launch type on EC2, as AWS does without a default strategy', async () => {
    const { ecs, bridgeTd } = await account();
    const out = await ecs.send(new RunTaskCommand({ cluster: 'shop', taskDefinition: bridgeTd }));
    expect(out.tasks?.[0]?.launchType).toBe('EC2');
  });
});

describe('task definitions must be compatible with where they run', () => {
  it('refuses a Fargate service of a definition that is not Fargate-compatible, at creation and at update', async () => {
    const { ecs, fargateTd, bridgeTd } = await account();
    const create = ecs.send(
      new CreateServiceCommand({ cluster: 'shop', serviceName: 'old', taskDefinition: bridgeTd, launchType: 'FARGATE', desiredCount: 1 }),
    );
    expect(await failure(create)).toBe('InvalidParameterException: Task definition does not support launch_type FARGATE.');

    await ecs.send(
      new CreateServiceCommand({
        cluster: 'shop',
        serviceName: 'web',
        taskDefinition: fargateTd,
        launchType: 'FARGATE',
        desiredCount: 1,
        networkConfiguration: NETWORK,
      }),
    );
    const update = ecs.send(new UpdateServiceCommand({ cluster: 'shop', service: 'web', taskDefinition: bridgeTd }));
    expect(await failure(update)).toBe('InvalidParameterException: Task definition does not support launch_type FARGATE.');
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
    expect(svc?.taskDefinition).toBe(fargateTd);
  });
});

describe('the service role', () => {
  it('keeps the role CreateService was given and describes it as roleArn, a name as its ARN', async () => {
    const { ecs, bridgeTd } = await account();
    await ecs.send(
      new CreateServiceCommand({ cluster: 'shop', serviceName: 'a', taskDefinition: bridgeTd, role: 'arn:aws:iam::123456789012:role/lb' }),
    );
    await ecs.send(new CreateServiceCommand({ cluster: 'shop', serviceName: 'b', taskDefinition: bridgeTd, role: 'ecsServiceRole' }));
    const services = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['a', 'b'] }))).services ?? [];
    expect(services.map((s) => s.roleArn)).toEqual(['arn:aws:iam::123456789012:role/lb', 'arn:aws:iam::123456789012:role/ecsServiceRole']);
  });
});
