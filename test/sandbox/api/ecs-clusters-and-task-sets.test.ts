/** Clusters (update, delete) and the task set API of EXTERNAL services, through the real SDK. */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  UpdateClusterCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

async function account() {
  const sb = startInProcessSandbox();
  const ecs = new ECSClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }),
  );
  return { sb, ecs, td: td.taskDefinition?.taskDefinitionArn as string };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('clusters', () => {
  it('keeps settings, configuration and Service Connect defaults given at creation or by UpdateCluster', async () => {
    const { ecs } = await account();
    const created = await ecs.send(
      new CreateClusterCommand({
        clusterName: 'insights',
        settings: [{ name: 'containerInsights', value: 'enabled' }],
        serviceConnectDefaults: { namespace: 'shop.local' },
      }),
    );
    expect(created.cluster).toMatchObject({
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      serviceConnectDefaults: { namespace: 'shop.local' },
    });
    await ecs.send(
      new UpdateClusterCommand({ cluster: 'insights', configuration: { executeCommandConfiguration: { kmsKeyId: 'key-1' } } }),
    );
    const described = (await ecs.send(new DescribeClustersCommand({ clusters: ['insights'] }))).clusters?.[0];
    expect(described?.configuration).toEqual({ executeCommandConfiguration: { kmsKeyId: 'key-1' } });
  });

  it('deletes only an empty cluster, which then describes as INACTIVE and leaves the list', async () => {
    const { ecs, td } = await account();
    await ecs.send(new CreateServiceCommand({ cluster: 'shop', serviceName: 'web', taskDefinition: td, desiredCount: 0 }));
    expect(await failure(ecs.send(new DeleteClusterCommand({ cluster: 'shop' })))).toBe(
      'ClusterContainsServicesException: The Cluster cannot be deleted while Services are active.',
    );
    await ecs.send(new DeleteServiceCommand({ cluster: 'shop', service: 'web' }));
    await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }));
    const deleted = await ecs.send(new DeleteClusterCommand({ cluster: 'shop' }));
    expect(deleted.cluster?.status).toBe('INACTIVE');
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
    expect(await failure(ecs.send(new DeleteClusterCommand({ cluster: 'shop' })))).toBe('ClusterNotFoundException: Cluster not found.');
  });
});

describe('task sets of an EXTERNAL service', () => {
  async function external() {
    const a = await account();
    // An EXTERNAL service needs no task definition: its task sets bring theirs.
    await a.ecs.send(
      new CreateServiceCommand({ cluster: 'shop', serviceName: 'web', desiredCount: 2, deploymentController: { type: 'EXTERNAL' } }),
    );
    return a;
  }

  it('creates task sets, makes one primary (the service takes its task definition) and scales them', async () => {
    const { sb, ecs, td } = await external();
    const blue = (await ecs.send(new CreateTaskSetCommand({ cluster: 'shop', service: 'web', taskDefinition: td }))).taskSet;
    expect(blue).toMatchObject({ status: 'ACTIVE', scale: { value: 100, unit: 'PERCENT' }, launchType: 'EC2', taskDefinition: td });
    const green = (
      await ecs.send(
        new CreateTaskSetCommand({ cluster: 'shop', service: 'web', taskDefinition: 'web', scale: { value: 50, unit: 'PERCENT' } }),
      )
    ).taskSet;
    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ cluster: 'shop', service: 'web', primaryTaskSet: blue?.taskSetArn }));
    let svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
    expect(svc?.taskDefinition).toBe(td);
    expect(svc?.taskSets?.map((t) => t.status)).toEqual(['PRIMARY', 'ACTIVE']);
    expect(svc?.deployments).toEqual([]);

    sb.clock.advance(5_000);
    expect((await ecs.send(new ListTasksCommand({ cluster: 'shop', serviceName: 'web' }))).taskArns).toHaveLength(3);
    // A partial ARN (the task set id) names a task set too.
    const id = green?.taskSetArn?.split('/').slice(-2).join('/');
    await ecs.send(new UpdateTaskSetCommand({ cluster: 'shop', service: 'web', taskSet: id, scale: { value: 0, unit: 'PERCENT' } }));
    svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
    expect(svc?.taskSets?.[1]?.computedDesiredCount).toBe(0);
  });

  it('deletes a task set only once it is scaled to zero (or with force), and it drains away', async () => {
    const { sb, ecs, td } = await external();
    const ts = (await ecs.send(new CreateTaskSetCommand({ cluster: 'shop', service: 'web', taskDefinition: td }))).taskSet;
    const arn = ts?.taskSetArn as string;
    expect(await failure(ecs.send(new DeleteTaskSetCommand({ cluster: 'shop', service: 'web', taskSet: arn })))).toContain(
      'InvalidParameterException: The task set has not been scaled down to zero.',
    );
    const deleted = await ecs.send(new DeleteTaskSetCommand({ cluster: 'shop', service: 'web', taskSet: arn, force: true }));
    expect(deleted.taskSet?.status).toBe('DRAINING');
    sb.clock.advance(60_000);
    const left = await ecs.send(new DescribeTaskSetsCommand({ cluster: 'shop', service: 'web', taskSets: [arn] }));
    expect(left.taskSets).toEqual([]);
    expect(left.failures?.[0]?.reason).toBe('MISSING');
    expect(await failure(ecs.send(new DeleteTaskSetCommand({ cluster: 'shop', service: 'web', taskSet: arn, force: true })))).toBe(
      'TaskSetNotFoundException: The specified task set does not exist.',
    );
  });

  it('tags task sets, and shows the tags only when asked to', async () => {
    const { ecs, td } = await external();
    const ts = (
      await ecs.send(new CreateTaskSetCommand({ cluster: 'shop', service: 'web', taskDefinition: td, tags: [{ key: 'a', value: '1' }] }))
    ).taskSet;
    await ecs.send(new TagResourceCommand({ resourceArn: ts?.taskSetArn, tags: [{ key: 'b', value: '2' }] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: ts?.taskSetArn }))).tags).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    expect((await ecs.send(new DescribeTaskSetsCommand({ cluster: 'shop', service: 'web' }))).taskSets?.[0]?.tags).toBeUndefined();
    const withTags = await ecs.send(new DescribeTaskSetsCommand({ cluster: 'shop', service: 'web', include: ['TAGS'] }));
    expect(withTags.taskSets?.[0]?.tags).toHaveLength(2);
  });

  it('refuses task set calls on a service that does not use the EXTERNAL controller', async () => {
    const { ecs, td } = await account();
    await ecs.send(new CreateServiceCommand({ cluster: 'shop', serviceName: 'rolling', taskDefinition: td, desiredCount: 0 }));
    expect(await failure(ecs.send(new CreateTaskSetCommand({ cluster: 'shop', service: 'rolling', taskDefinition: td })))).toBe(
      'InvalidParameterException: Amazon ECS only supports task set management on services configured to use external deployment controllers.',
    );
  });
});
