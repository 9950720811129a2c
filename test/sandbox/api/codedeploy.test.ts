/**
 * CodeDeploy through the real SDK: listing and batch-getting applications, deployment groups and targets, tags,
 * and the order of CreateDeployment's and ListDeployments' checks.
 */
import {
  BatchGetApplicationsCommand,
  BatchGetDeploymentGroupsCommand,
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

const ROLE = 'arn:aws:iam::123456789012:role/codedeploy';

async function account() {
  const sb = startInProcessSandbox();
  const cd = new CodeDeployClient({ ...sb.sdkConfig(), maxAttempts: 1 });
  await cd.send(new CreateApplicationCommand({ applicationName: 'shop', computePlatform: 'ECS', tags: [{ Key: 'team', Value: 'web' }] }));
  await cd.send(new CreateApplicationCommand({ applicationName: 'legacy', computePlatform: 'Server' }));
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'shop',
      deploymentGroupName: 'web',
      serviceRoleArn: ROLE,
      tags: [{ Key: 'tier', Value: 'front' }],
    }),
  );
  await cd.send(new CreateDeploymentGroupCommand({ applicationName: 'legacy', deploymentGroupName: 'fleet', serviceRoleArn: ROLE }));
  return { sb, cd };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: Error) => `${e.name}: ${e.message}`,
  );

describe('applications and deployment groups', () => {
  it('lists and batch-gets applications; an unknown one fails the batch', async () => {
    const { cd } = await account();
    expect((await cd.send(new ListApplicationsCommand({}))).applications).toEqual(['legacy', 'shop']);
    const got = await cd.send(new BatchGetApplicationsCommand({ applicationNames: ['shop', 'legacy'] }));
    expect(got.applicationsInfo?.map((a) => [a.applicationName, a.computePlatform])).toEqual([
      ['shop', 'ECS'],
      ['legacy', 'Server'],
    ]);
    expect(await failure(cd.send(new BatchGetApplicationsCommand({ applicationNames: ['shop', 'nope'] })))).toBe(
      'ApplicationDoesNotExistException: No application found for name: nope',
    );
  });

  it('lists and batch-gets deployment groups, naming the missing ones', async () => {
    const { cd } = await account();
    expect((await cd.send(new ListDeploymentGroupsCommand({ applicationName: 'shop' }))).deploymentGroups).toEqual(['web']);
    const got = await cd.send(new BatchGetDeploymentGroupsCommand({ applicationName: 'shop', deploymentGroupNames: ['web', 'api'] }));
    expect(got.deploymentGroupsInfo?.map((g) => g.deploymentGroupName)).toEqual(['web']);
    expect(got.errorMessage).toContain('api');
    expect(await failure(cd.send(new ListDeploymentGroupsCommand({ applicationName: 'nope' })))).toBe(
      'ApplicationDoesNotExistException: No application found for name: nope',
    );
  });

  it('tags applications and deployment groups', async () => {
    const { cd } = await account();
    const app = 'arn:aws:codedeploy:us-east-1:123456789012:application:shop';
    const group = 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:shop/web';
    await cd.send(new TagResourceCommand({ ResourceArn: app, Tags: [{ Key: 'env', Value: 'prod' }] }));
    await cd.send(new UntagResourceCommand({ ResourceArn: app, TagKeys: ['team'] }));
    expect((await cd.send(new ListTagsForResourceCommand({ ResourceArn: app }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
    expect((await cd.send(new ListTagsForResourceCommand({ ResourceArn: group }))).Tags).toEqual([{ Key: 'tier', Value: 'front' }]);
  });
});

describe('deployments', () => {
  it('names a missing application before a missing group, and pairs application and group in ListDeployments', async () => {
    const { cd } = await account();
    expect(await failure(cd.send(new CreateDeploymentCommand({ applicationName: 'nope' })))).toBe(
      'ApplicationDoesNotExistException: No application found for name: nope',
    );
    expect(await failure(cd.send(new CreateDeploymentCommand({ applicationName: 'shop' })))).toContain(
      'DeploymentGroupNameRequiredException',
    );
    expect(await failure(cd.send(new ListDeploymentsCommand({ applicationName: 'shop' })))).toContain(
      'DeploymentGroupNameRequiredException',
    );
    expect(await failure(cd.send(new ListDeploymentsCommand({ deploymentGroupName: 'web' })))).toContain(
      'ApplicationNameRequiredException',
    );
  });

  it('says plainly that it deploys to the ECS compute platform only', async () => {
    const { cd } = await account();
    const s3 = { revisionType: 'S3' as const, s3Location: { bucket: 'b', key: 'k', bundleType: 'zip' as const } };
    expect(
      await failure(cd.send(new CreateDeploymentCommand({ applicationName: 'legacy', deploymentGroupName: 'fleet', revision: s3 }))),
    ).toBe(
      'UnknownOperationException: The sandbox serves CreateDeployment for the ECS compute platform only; application legacy is Server.',
    );
  });

  it('batch-gets the ECS target of a blue/green deployment', async () => {
    const manifest = loadManifest({ cwd: resolve(__dirname, '../../../examples/blue-green'), env: { IMAGE_TAG: '2.0.0' } });
    const sb = startInProcessSandbox({ manifest });
    const cd = new CodeDeployClient({ ...sb.sdkConfig(), maxAttempts: 1 });
    const ecs = new ECSClient({ ...sb.sdkConfig(), maxAttempts: 1 });
    const svc = (await ecs.send(new DescribeServicesCommand({ cluster: 'orders', services: ['orders-api'] }))).services?.[0];
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: svc?.taskDefinition }))).taskDefinition;
    const appSpec = `Resources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: "${td?.taskDefinitionArn}"\n        LoadBalancerInfo: { ContainerName: "api", ContainerPort: 8080 }\n`;
    const { deploymentId } = await cd.send(
      new CreateDeploymentCommand({
        applicationName: 'orders',
        deploymentGroupName: 'orders-api',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
      }),
    );
    const ids = (await cd.send(new ListDeploymentTargetsCommand({ deploymentId }))).targetIds ?? [];
    expect(ids).toEqual(['orders:orders-api']);
    const targets = await cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: ids }));
    expect(targets.deploymentTargets?.[0]?.ecsTarget).toMatchObject({
      deploymentId,
      targetId: 'orders:orders-api',
      targetArn: svc?.serviceArn,
    });
    expect(await failure(cd.send(new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: ['other:svc'] })))).toContain(
      'DeploymentTargetDoesNotExistException',
    );
  });
});
