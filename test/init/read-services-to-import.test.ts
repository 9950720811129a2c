/**
 * What `init` reads, and how many calls it takes: every AWS call is mocked (an unmocked call fails the test), so
 * each test states the calls a read makes.
 */
import {
  BatchGetDeploymentGroupsCommand,
  CodeDeployClient,
  GetDeploymentGroupCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
} from '@aws-sdk/client-codedeploy';
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { UsageError } from '../../src/errors/index.js';
import { readServicesToImport } from '../../src/live/read-services-to-import.js';
import { describedService, describedTaskDefinition, REGION, taskDefinitionArn } from '../live/fixtures.js';

const ecs = mockClient(ECSClient);
const codedeploy = mockClient(CodeDeployClient);
const ports = () => createAwsPorts({ region: REGION, env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' }, maxAttempts: 1 });

/** A cluster whose services run `family-of(name)`:1; DescribeServices answers 10 at most, as AWS does. */
function serveCluster(cluster: string, services: Service[]) {
  ecs.on(ListServicesCommand).callsFake(async (input: { nextToken?: string }) => {
    const start = Number(input.nextToken ?? 0);
    const page = services.slice(start, start + 7);
    const next = start + 7 < services.length ? String(start + 7) : undefined;
    return { serviceArns: page.map((s) => s.serviceArn as string), ...(next ? { nextToken: next } : {}) };
  });
  ecs.on(DescribeServicesCommand).callsFake(async (input: { cluster: string; services: string[] }) => {
    if (input.cluster !== cluster) throw new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} });
    if (input.services.length > 10) throw new Error('DescribeServices takes at most 10 services');
    const found = input.services.map((n) => services.find((s) => s.serviceName === n));
    return {
      services: found.filter((s): s is Service => s !== undefined),
      failures: input.services.filter((_, i) => !found[i]).map((n) => ({ arn: n, reason: 'MISSING' })),
    };
  });
  ecs.on(DescribeTaskDefinitionCommand).callsFake(async (input: { taskDefinition: string }) => {
    const [, family] = /task-definition\/([^:]+):/.exec(input.taskDefinition) ?? [];
    return { taskDefinition: describedTaskDefinition(family as string), tags: [{ key: 'team', value: 'a' }] };
  });
}

const svc = (name: string, family = name, extra: Partial<Service> = {}) => describedService(name, 'shop', taskDefinitionArn(family), extra);

beforeEach(() => {
  ecs.reset().onAnyCommand().rejects(new Error('unexpected ECS call'));
  codedeploy.reset().onAnyCommand().rejects(new Error('unexpected CodeDeploy call'));
});
afterAll(() => {
  ecs.restore();
  codedeploy.restore();
});

describe('readServicesToImport', () => {
  it('lists every service of the cluster page by page, describes them 10 at a time, and each revision once, with tags', async () => {
    // GIVEN 23 services, two of which run the same family
    const services = Array.from({ length: 23 }, (_, i) => svc(`s${String(i).padStart(2, '0')}`, i === 1 ? 's00' : undefined));
    serveCluster('shop', services);

    // WHEN every service is imported
    const out = await readServicesToImport(ports(), { cluster: 'shop', services: [], all: true });

    // THEN: 4 pages of 7, 3 batches of ≤10 with tags, 22 distinct task definitions
    expect(ecs.commandCalls(ListServicesCommand)).toHaveLength(4);
    const batches = ecs.commandCalls(DescribeServicesCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => b.services?.length)).toEqual([10, 10, 3]);
    expect(batches.every((b) => b.include?.includes('TAGS'))).toBe(true);
    const described = ecs.commandCalls(DescribeTaskDefinitionCommand).map((c) => c.args[0].input);
    expect(described).toHaveLength(22);
    expect(described.every((d) => d.include?.includes('TAGS'))).toBe(true);
    expect(out.services.map((s) => s.described.serviceName)).toEqual(services.map((s) => s.serviceName));
    expect(out.services[1]?.taskDefinition.family).toBe('s00');
    expect(out.services[0]?.taskDefinition.tags).toEqual([{ key: 'team', value: 'a' }]);
    expect(out.cluster).toBe('shop');
  });

  it('names every service that does not exist, and reads no task definition', async () => {
    serveCluster('shop', [svc('web'), svc('gone', 'gone', { status: 'INACTIVE' })]);
    const read = readServicesToImport(ports(), { cluster: 'shop', services: ['web', 'gone', 'typo'], all: false });
    await expect(read).rejects.toThrow(UsageError);
    await expect(read).rejects.toMatchObject({
      code: 'SERVICE_NOT_FOUND',
      message: 'these services do not exist (or are being deleted) in the ECS cluster "shop": gone, typo',
    });
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
  });

  it('says so when the cluster does not exist', async () => {
    serveCluster('shop', []);
    await expect(readServicesToImport(ports(), { cluster: 'shpo', services: ['web'], all: false })).rejects.toMatchObject({
      code: 'CLUSTER_NOT_FOUND',
      message: `the ECS cluster "shpo" does not exist in ${REGION}`,
    });
  });

  it('makes no CodeDeploy call when no service is deployed by CodeDeploy', async () => {
    serveCluster('shop', [svc('web')]);
    const out = await readServicesToImport(ports(), { cluster: 'shop', services: ['web'], all: false });
    expect(out.services[0]?.deploymentGroups).toEqual([]);
    expect(codedeploy.calls()).toHaveLength(0);
  });

  it('finds the deployment group of a CodeDeploy service across applications, 100 groups per BatchGetDeploymentGroups', async () => {
    // GIVEN two applications; the second has 150 groups, one of which deploys shop/api, and a server group of that name
    serveCluster('shop', [svc('api', 'api', { deploymentController: { type: 'CODE_DEPLOY' } }), svc('web')]);
    codedeploy
      .on(ListApplicationsCommand)
      .callsFake(async (input: { nextToken?: string }) =>
        input.nextToken ? { applications: ['orders'] } : { applications: ['billing'], nextToken: 'p2' },
      );
    const groups = Array.from({ length: 150 }, (_, i) => `g${i}`);
    codedeploy.on(ListDeploymentGroupsCommand).callsFake(async (input: { applicationName: string; nextToken?: string }) => {
      if (input.applicationName === 'billing') return { deploymentGroups: ['billing-api'] };
      return input.nextToken ? { deploymentGroups: groups.slice(100) } : { deploymentGroups: groups.slice(0, 100), nextToken: 'n' };
    });
    codedeploy
      .on(BatchGetDeploymentGroupsCommand)
      .callsFake(async (input: { applicationName: string; deploymentGroupNames: string[] }) => ({
        deploymentGroupsInfo: input.deploymentGroupNames.map((name) => ({
          applicationName: input.applicationName,
          deploymentGroupName: name,
          computePlatform: name === 'billing-api' ? 'Server' : 'ECS',
          ecsServices:
            name === 'g120' || name === 'billing-api'
              ? [{ clusterName: 'shop', serviceName: 'api' }]
              : [{ clusterName: 'other', serviceName: 'api' }],
        })),
      }));

    // WHEN
    const out = await readServicesToImport(ports(), { cluster: 'shop', services: ['api', 'web'], all: false });

    // THEN the ECS group that names shop/api, and nothing for the rolling service
    expect(out.services.map((s) => s.deploymentGroups)).toEqual([[{ application: 'orders', deploymentGroup: 'g120' }], []]);
    const batches = codedeploy.commandCalls(BatchGetDeploymentGroupsCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => [b.applicationName, b.deploymentGroupNames?.length])).toEqual(
      expect.arrayContaining([
        ['billing', 1],
        ['orders', 100],
        ['orders', 50],
      ]),
    );
    expect(batches).toHaveLength(3);
    expect(codedeploy.commandCalls(ListApplicationsCommand)).toHaveLength(2);
  });

  it('checks a group named on the command line with one GetDeploymentGroup, and searches nothing', async () => {
    serveCluster('shop', [svc('api', 'api', { deploymentController: { type: 'CODE_DEPLOY' } })]);
    codedeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: { deploymentGroupName: 'api', ecsServices: [{ clusterName: 'shop', serviceName: 'api' }] },
    });
    const named = new Map([['api', { application: 'orders', deploymentGroup: 'api' }]]);
    const out = await readServicesToImport(ports(), { cluster: 'shop', services: ['api'], all: false, deploymentGroups: named });
    expect(out.services[0]?.deploymentGroups).toEqual([{ application: 'orders', deploymentGroup: 'api' }]);
    expect(codedeploy.calls()).toHaveLength(1);
  });

  it('refuses a named group that deploys another service', async () => {
    serveCluster('shop', [svc('api', 'api', { deploymentController: { type: 'CODE_DEPLOY' } })]);
    codedeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: { deploymentGroupName: 'web', ecsServices: [{ clusterName: 'shop', serviceName: 'web' }] },
    });
    const named = new Map([['api', { application: 'orders', deploymentGroup: 'web' }]]);
    await expect(
      readServicesToImport(ports(), { cluster: 'shop', services: ['api'], all: false, deploymentGroups: named }),
    ).rejects.toMatchObject({
      code: 'DEPLOYMENT_GROUP_MISMATCH',
      message: '--deployment-group api=orders/web: that group deploys shop/web, not shop/api',
    });
  });

  it('points to --deployment-group when the search is not allowed', async () => {
    serveCluster('shop', [svc('api', 'api', { deploymentController: { type: 'CODE_DEPLOY' } })]);
    const denied = Object.assign(new Error('User is not authorized to perform: codedeploy:ListApplications'), {
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    codedeploy.on(ListApplicationsCommand).rejects(denied);
    const read = readServicesToImport(ports(), { cluster: 'shop', services: ['api'], all: false });
    await expect(read).rejects.toMatchObject({ code: 'CODEDEPLOY_DISCOVERY_FAILED' });
    await expect(read).rejects.toHaveProperty('hint', expect.stringContaining('--deployment-group SERVICE=APPLICATION/GROUP'));
  });
});
